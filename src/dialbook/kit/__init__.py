"""Domain-free helpers. Nothing here imports a dialbook domain package."""
