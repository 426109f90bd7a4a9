"""The ``dialbook`` command (and ``python -m dialbook``).

The console script imports only this module and loads the CLI when the command runs:
worker processes started with "spawn" run the script's module again before they start,
and an import's normalizing workers should not load the CLI, the web stack and the
migrations they never use (about 40 MB and half a second each).
"""


def main() -> None:
    from dialbook.cli import main as run

    run()


if __name__ == "__main__":
    main()
