"""Bulk import and export of lead files."""
