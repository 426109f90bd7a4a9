"""New workspaces: a workspace with its default list (the one use case that spans both,
kept above them so that neither imports the other's rules)."""
