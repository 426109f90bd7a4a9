"""HTTP plumbing shared by every surface: auth, bodies, routing, errors, OpenAPI."""
