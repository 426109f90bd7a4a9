"""Custom field definitions, per workspace."""
