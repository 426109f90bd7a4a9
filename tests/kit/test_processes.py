"""Children that exit with their parent: started by multiprocessing (the parent's sentinel)
or by a plain exec (the parent's pid), both after kill -9 of the parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import process_running

PARENT = r"""
import multiprocessing, subprocess, sys, time

def child():
    from dialbook.kit.processes import exit_with_parent
    exit_with_parent()
    time.sleep(120)

if __name__ == "__main__":
    if sys.argv[1] == "multiprocessing":
        process = multiprocessing.get_context("spawn").Process(target=child)
        process.start()
        pid = process.pid
    else:
        code = "import time; from dialbook.kit.processes import exit_with_parent; " \
               "exit_with_parent(); time.sleep(120)"
        pid = subprocess.Popen([sys.executable, "-c", code]).pid
    print(pid, flush=True)
    time.sleep(120)
"""


@pytest.mark.parametrize("how", ["multiprocessing", "exec"])
def test_a_child_exits_when_its_parent_is_killed(tmp_path: Path, how: str) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script), how], stdout=subprocess.PIPE, text=True)
    child = 0
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        time.sleep(0.5)  # the child is past its start (importing dialbook)
        assert process_running(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 15
        while process_running(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not process_running(child)
    finally:
        if parent.stdout is not None:
            parent.stdout.close()
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if child and process_running(child):
            os.kill(child, signal.SIGKILL)
