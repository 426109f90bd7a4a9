"""Workspaces (tenants) and their API keys."""
