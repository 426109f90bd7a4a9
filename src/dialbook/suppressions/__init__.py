"""Do-not-call: the workspace suppression list, in named lists of numbers."""
