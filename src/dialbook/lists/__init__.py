"""Contact lists: the unit a dialer works through, with its duplicate and queue policy."""
