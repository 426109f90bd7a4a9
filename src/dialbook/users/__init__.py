"""Console users: people of one workspace who sign in to the console with a password."""
