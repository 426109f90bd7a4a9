"""dialbook: contact lists for outbound dialers and AI calling agents."""

__version__ = "0.1.0"
