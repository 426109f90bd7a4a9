"""Per-key rate limits kept in PostgreSQL, so every server process shares one budget."""
