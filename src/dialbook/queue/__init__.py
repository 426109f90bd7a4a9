"""The dial queue: which contacts of a list may be called now, leased to one agent each."""
