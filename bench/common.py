"""What every benchmark shares: results, percentiles, machine facts, and child processes.

Every process the harness starts goes through :class:`Children`, which remembers its id and
stops it (and only it, with its own process group) when the benchmark ends, also on errors
and on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import platform
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CORES = len(os.sched_getaffinity(0))  # the cores this process may run on
DIALBOOK = str(VENV_BIN / "dialbook")


# -- results ------------------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class Target:
    """A target: ``value`` compared with ``limit`` (``>=`` or ``<=``), and/or a least ratio."""

    op: str | None = None  # ">=" or "<="
    limit: float | None = None
    min_ratio: float | None = None
    unit: str = ""

    def describe(self) -> str:
        parts = []
        if self.op is not None and self.limit is not None:
            parts.append(f"{self.op} {fmt(self.limit)}{(' ' + self.unit) if self.unit else ''}")
        if self.min_ratio is not None:
            parts.append(f"ratio >= {self.min_ratio:.2f}")
        return ", ".join(parts)

    def check(self, value: float | None, ratio: float | None) -> bool | None:
        if value is None:
            return False
        ok = True
        if self.op == ">=" and self.limit is not None:
            ok = ok and value >= self.limit
        if self.op == "<=" and self.limit is not None:
            ok = ok and value <= self.limit
        if self.min_ratio is not None:
            ok = ok and ratio is not None and ratio >= self.min_ratio
        return ok


@dataclasses.dataclass(slots=True)
class Result:
    """One figure of the table: the value, the baseline beside it, and the target."""

    group: str
    metric: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str | None = None
    target: Target | None = None
    valid: bool = True  # False: the measurement itself failed (errors, non-2xx answers)
    note: str = ""
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def passed(self) -> bool | None:
        """True/False against the target; None when the figure has no target."""
        if not self.valid:
            return False
        if self.target is None:
            return None
        return self.target.check(self.value, self.ratio)

    def to_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "metric": self.metric,
            "value": self.value,
            "unit": self.unit,
            "baseline": self.baseline,
            "baseline_name": self.baseline_name,
            "ratio": self.ratio,
            "target": self.target.describe() if self.target else None,
            "passed": self.passed,
            "valid": self.valid,
            "note": self.note,
            "extra": self.extra,
        }


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit in ("ms",) or abs(value) < 10:
        text = f"{value:,.3f}" if abs(value) < 1 else f"{value:,.2f}"
    else:
        text = f"{value:,.0f}"
    return f"{text} {unit}".strip()


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# -- the machine ---------------------------------------------------------------------------


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def checkout() -> dict[str, Any]:
    """The commit and how many files under src/ differ from it (read-only git commands)."""
    commit = changed = None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout
        changed = len(status.splitlines())
    return {"commit": commit, "src_files_changed_since_commit": changed}


def machine() -> dict[str, Any]:
    """Facts about this machine and this checkout, for the results file."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_mb = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        first = Path("/proc/meminfo").read_text().splitlines()[0]
        memory_mb = int(first.split()[1]) // 1024
    try:
        from dialbook import __version__ as version
    except ImportError:  # pragma: no cover - the bench runs inside the project venv
        version = "unknown"
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "hostname": platform.node(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory_mb,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "dialbook": version,
        **checkout(),
        "load_average_start": load_average(),
    }


# -- child processes -----------------------------------------------------------------------


class Children:
    """Processes started by the harness, each in its own process group, stopped by id."""

    def __init__(self) -> None:
        self._procs: list[subprocess.Popen[Any]] = []
        self._lock = threading.Lock()

    def start(self, args: Sequence[str], **kwargs: Any) -> subprocess.Popen[Any]:
        proc: subprocess.Popen[Any] = subprocess.Popen(args, start_new_session=True, **kwargs)
        with self._lock:
            self._procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen[Any], timeout: float = 10.0) -> None:
        """SIGTERM to the child's own process group (its id), then SIGKILL if it lingers."""
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        else:  # the leader is gone; its group may still hold workers it started
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        with self._lock:
            if proc in self._procs:
                self._procs.remove(proc)

    def stop_all(self) -> None:
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            self.stop(proc, timeout=5)


CHILDREN = Children()


@contextlib.contextmanager
def stopping_children() -> Iterator[None]:
    """Stop every child on the way out, including on SIGTERM (turned into SystemExit)."""

    def on_term(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        CHILDREN.stop_all()
        signal.signal(signal.SIGTERM, previous)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(
    url: str,
    proc: subprocess.Popen[Any],
    timeout: float = 60.0,
    ok: Callable[[int], bool] | None = None,
) -> None:
    """Wait until ``url`` answers (any status when ``ok`` is None)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if ok is None or ok(answer.status):
                    return
        except urllib.error.HTTPError as error:
            if ok is None or ok(error.code):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a live process (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def tree_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a live process and its live descendants, summed
    (``serve --workers N``: the supervisor and its workers)."""
    total, stack, seen = cpu_seconds(pid), _children(pid), {pid}
    if total is None:
        return None
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        total += cpu_seconds(current) or 0.0
        stack.extend(_children(current))
    return total


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        with contextlib.suppress(OSError, ValueError):
            found += [int(x) for x in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return found


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, summed (from /proc)."""
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _rss_kb(current)
        stack.extend(_children(current))
    return total


class RssSampler:
    """Polls the summed RSS of a process tree in a thread; ``peak_kb`` is the highest seen."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid = pid
        self.every = every
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            self._stop.wait(self.every)


def dialbook_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["DIALBOOK_DATA_DIR"] = str(data_dir)
    env.pop("DIALBOOK_DATABASE_URL", None)
    if database_url:
        env["DIALBOOK_DATABASE_URL"] = database_url
    env["PYTHONUNBUFFERED"] = "1"
    env["DIALBOOK_WEBHOOKS_ALLOW_PRIVATE"] = "1"  # webhook sinks listen on 127.0.0.1
    return env


def run_cli(args: Sequence[str], env: dict[str, str], timeout: float = 120) -> str:
    """Run ``dialbook ARGS`` and return its standard output (raises on failure)."""
    done = subprocess.run(
        [DIALBOOK, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"dialbook {' '.join(args)} failed ({done.returncode}): "
            f"{(done.stderr or done.stdout).strip()[-2000:]}"
        )
    return done.stdout


def log(message: str) -> None:
    from bench.report import console

    console.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {message}")
