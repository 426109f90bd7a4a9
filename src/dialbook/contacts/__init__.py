"""Contacts: the canonical store every surface writes to."""
