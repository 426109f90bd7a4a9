"""Child processes that end with their parent.

A process killed with SIGKILL cannot stop its children: a pool worker waiting on a pipe
would wait forever, an orphan holding memory (and, for a job, the work another process
should take over). A child calls ``exit_with_parent()`` once, at its start.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading

POLL = 1.0  # seconds between looks at the parent, for a child not started by multiprocessing


def exit_with_parent() -> None:
    """Exit this process at once when the process that started it is gone."""
    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        sentinel = parent.sentinel  # becomes readable when the parent exits, however

        def wait() -> None:
            multiprocessing.connection.wait([sentinel])
            os._exit(1)

    else:
        started_by = os.getppid()

        def wait() -> None:
            while os.getppid() == started_by:  # an orphan is adopted by another process
                threading.Event().wait(POLL)
            os._exit(1)

    threading.Thread(target=wait, name="exit-with-parent", daemon=True).start()
