"""Copies of do-not-call registries (the US National Do Not Call Registry)."""
