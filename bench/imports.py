"""Bulk import: ``dialbook import FILE --list ID`` of generated lead files, beside raw inserts.

The import runs as its own process (with the worker processes it starts), so its peak
memory is measurable: the summed resident memory of the whole process tree, polled from
/proc, and the largest single process (``ru_maxrss`` from wait4). rows/s counts every row
of the file (created, skipped as duplicates, or rejected) over the command's wall time.

Baselines, on the same rows already normalized (the clean twin of each file):
SQLite: Python's csv reader and ``executemany`` into a bare table (no secondary index), one
transaction per 2,000 rows like the importer's chunks. PostgreSQL (when one answers at
127.0.0.1:5432): COPY of the clean CSV into a bare table.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import data
from bench.common import (
    CHILDREN,
    CORES,
    DIALBOOK,
    Result,
    RssSampler,
    Target,
    cpu_seconds,
    dialbook_env,
    log,
    run_cli,
)

CHUNK = 2000
TARGET_ROWS = 1_000_000  # the import targets are for the 1M-row file
MIN_RPS = 25_000
MIN_RATIO = 0.5
MAX_RSS_MB = 300
POSTGRES_URL = os.environ.get(
    "DIALBOOK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)

_CLEAN_COLUMNS = ", ".join(f"{c} TEXT" for c in data.CLEAN_HEADER)


@dataclass(slots=True)
class ImportRun:
    rows: int
    seconds: float
    peak_tree_mb: float
    max_process_mb: float | None
    outcome: dict[str, object]
    timed_out: bool = False
    # CPU seconds of the import process and its workers, and of the database's PostgreSQL
    # backends (sampled every second: the last second's is missed).
    cpu_seconds: float | None = None
    database_cpu_seconds: float | None = None

    @property
    def rps(self) -> float:
        return self.rows / self.seconds


def _rows_done(data_dir: Path, database_url: str | None) -> int:
    """Rows the newest import job has committed so far (read from its own table)."""
    from sqlalchemy import create_engine, text

    url = database_url or f"sqlite:///{data_dir / 'dialbook.db'}"
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT rows_read FROM imports ORDER BY id DESC LIMIT 1")
            ).scalar()
        return int(found or 0)
    finally:
        engine.dispose()


def run_import(
    csv_path: Path, data_dir: Path, database_url: str | None = None, timeout: float = 900
) -> ImportRun:
    """Run the import command; stopped (and reported as timed out) after ``timeout`` s."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dialbook_env(data_dir, database_url)
    created = run_cli(["lists", "create", "Bench import", "--region", "US", "--json"], env)
    list_id = json.loads(created)["id"]
    out_path, err_path = data_dir / "import.out", data_dir / "import.err"
    usage = None
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = CHILDREN.start(
            [DIALBOOK, "import", str(csv_path), "--list", str(list_id), "--json"],
            env=env,
            stdout=out,
            stderr=err,
        )
        backends: dict[int, float] = {}  # PostgreSQL backend -> its CPU seconds, last seen
        sampled = 0.0
        try:
            with RssSampler(proc.pid) as sampler:
                while time.perf_counter() - started < timeout:
                    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                    if pid:
                        proc.returncode = os.waitstatus_to_exitcode(status)
                        break
                    if database_url and time.perf_counter() - sampled >= 1:
                        backends.update(postgres_cpu(database_url))
                        sampled = time.perf_counter()
                    time.sleep(0.1)
            seconds = time.perf_counter() - started
            if proc.returncode is None:  # timed out: how far did it get?
                done = _rows_done(data_dir, database_url)
                return ImportRun(done, seconds, sampler.peak_kb / 1024, None, {}, timed_out=True)
        finally:
            CHILDREN.stop(proc)
    if proc.returncode != 0:
        raise RuntimeError(
            f"dialbook import exited {proc.returncode}: {err_path.read_text()[-2000:]}"
        )
    outcome = json.loads(out_path.read_text())
    if outcome.get("status") != "done":
        raise RuntimeError(f"the import did not finish: {outcome}")
    return ImportRun(
        rows=int(outcome["rows_read"]),
        seconds=seconds,
        peak_tree_mb=sampler.peak_kb / 1024,
        max_process_mb=usage.ru_maxrss / 1024 if usage else None,
        outcome={k: outcome.get(k) for k in ("rows_read", "created", "skipped", "rejected")},
        # wait4's usage counts the workers too: the import process waited for them.
        cpu_seconds=usage.ru_utime + usage.ru_stime if usage else None,
        # The database is new: its backends started with the import.
        database_cpu_seconds=sum(backends.values()) if database_url else None,
    )


def _clean_batches(clean_path: Path) -> Iterator[list[list[str]]]:
    with clean_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        batch: list[list[str]] = []
        for row in reader:
            batch.append(row)
            if len(batch) == CHUNK:
                yield batch
                batch = []
        if batch:
            yield batch


def sqlite_baseline(clean_path: Path, db_path: Path) -> tuple[int, float]:
    """(rows, seconds) of reading the clean CSV and executemany into a bare table."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"CREATE TABLE contacts (id INTEGER PRIMARY KEY, {_CLEAN_COLUMNS})")
        marks = ", ".join("?" for _ in data.CLEAN_HEADER)
        sql = f"INSERT INTO contacts ({', '.join(data.CLEAN_HEADER)}) VALUES ({marks})"
        rows = 0
        started = time.perf_counter()
        for batch in _clean_batches(clean_path):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(sql, batch)
            conn.execute("COMMIT")
            rows += len(batch)
        return rows, time.perf_counter() - started
    finally:
        conn.close()


# -- PostgreSQL ---------------------------------------------------------------------------


def postgres_available() -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextlib.contextmanager
def temporary_database(name: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one run, dropped afterwards; yields its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_cpu(url: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving ``url``'s database (when PostgreSQL
    runs on this machine: its processes are read from /proc)."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        pids = [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)
        )]  # fmt: skip
    return {pid: cpu for pid in pids if (cpu := cpu_seconds(pid)) is not None}


def postgres_baseline(clean_path: Path, url: str) -> tuple[int, float]:
    """(rows, seconds) of COPY of the clean CSV into a bare table in a scratch schema."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA bench_raw")
        conn.execute(
            f"CREATE TABLE bench_raw.contacts (id BIGSERIAL PRIMARY KEY, {_CLEAN_COLUMNS})"
        )
        columns = ", ".join(data.CLEAN_HEADER)
        started = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            sql = f"COPY bench_raw.contacts ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true)"
            with cur.copy(sql) as copy, clean_path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        seconds = time.perf_counter() - started
        rows = conn.execute("SELECT count(*) FROM bench_raw.contacts").fetchone()
        conn.execute("DROP SCHEMA bench_raw CASCADE")
    return int(rows[0]) if rows else 0, seconds


# -- the benchmark ------------------------------------------------------------------------


def _label(rows: int) -> str:
    return f"{rows // 1_000_000}M" if rows % 1_000_000 == 0 else f"{rows:,}"


def _results(
    backend: str, rows: int, run: ImportRun | None, baseline: tuple[int, float] | None, note: str
) -> list[Result]:
    size = _label(rows)
    base_rps = baseline[0] / baseline[1] if baseline else None
    base_name = "executemany" if backend == "SQLite" else "COPY"
    targeted = backend == "SQLite" and rows >= TARGET_ROWS
    if run is None:
        return [
            Result(
                "import",
                f"{size} rows {backend} rows/s",
                None,
                "rows/s",
                baseline=base_rps,
                baseline_name=base_name,
                valid=False,
                note=note,
            )
        ]
    if run.timed_out:
        note = (
            f"stopped after {run.seconds:,.0f} s with {run.rows:,} of {rows:,} rows committed: "
            "the value is the rate so far" + (f"; {note}" if note else "")
        )
    extra = {
        "rows": run.rows,
        "seconds": run.seconds,
        "timed_out": run.timed_out,
        **run.outcome,
        "max_single_process_mb": run.max_process_mb,
        "baseline_rows": baseline and baseline[0],
        "baseline_seconds": baseline and baseline[1],
    }
    largest = (
        ""
        if run.max_process_mb is None
        else f"largest single process {run.max_process_mb:,.0f} MB; "
    )
    return [
        Result(
            "import",
            f"{size} rows {backend} rows/s",
            run.rps,
            "rows/s",
            baseline=base_rps,
            baseline_name=base_name,
            target=Target(">=", MIN_RPS, MIN_RATIO, "rows/s") if targeted else None,
            valid=not run.timed_out,
            note=note,
            extra=extra,
        ),
        *_cpu_results(size, backend, run),
        Result(
            "import",
            f"{size} rows {backend} peak RSS",
            run.peak_tree_mb,
            "MB",
            target=Target("<=", MAX_RSS_MB, unit="MB") if backend == "SQLite" else None,
            note=f"{largest}the value sums the import process and its workers",
        ),
    ]


def _cpu_results(size: str, backend: str, run: ImportRun) -> list[Result]:
    """CPU per row in all the import's processes, and the rate that CPU allows on this
    machine's cores: how far the rows/s target is from what the work itself costs."""
    if run.cpu_seconds is None or not run.rows:
        return []
    total = run.cpu_seconds + (run.database_cpu_seconds or 0.0)
    per_row = total / run.rows * 1e6
    parts = f"the import process and its workers {run.cpu_seconds / run.rows * 1e6:,.0f} µs"
    if run.database_cpu_seconds is not None:
        parts += f", PostgreSQL {run.database_cpu_seconds / run.rows * 1e6:,.0f} µs"
    return [
        Result("import", f"{size} rows {backend} CPU per row", per_row, "µs", note=parts),
        Result(
            "import",
            f"{size} rows {backend} rows/s the CPU allows",
            CORES * 1e6 / per_row,
            "rows/s",
            note=f"{CORES} cores kept busy at that CPU per row: the most this machine could "
            "import without making a row cheaper",
        ),
    ]


def bench(
    sizes: list[int],
    *,
    postgres: bool = True,
    timeout: float = 600,
    results: list[Result] | None = None,
) -> list[Result]:
    """Import each size on each backend; figures are appended to ``results`` as they come."""
    results = [] if results is None else results
    use_pg = postgres and postgres_available()
    if postgres and not use_pg:
        log(f"import: no PostgreSQL answers at {POSTGRES_URL}; SQLite only")
    gave_up: dict[str, int] = {}  # backend -> the size that timed out: larger ones are skipped
    for rows in sorted(sizes):
        work = Path(tempfile.mkdtemp(prefix="dialbook-bench-import-"))
        try:
            messy, clean = work / f"leads-{rows}.csv", work / f"leads-{rows}-clean.csv"
            started = time.perf_counter()
            _, clean_rows = data.write(rows, messy, clean)
            log(
                f"import: generated {rows:,} rows ({clean_rows:,} clean) in "
                f"{time.perf_counter() - started:.1f} s, {messy.stat().st_size / 1e6:,.0f} MB"
            )
            backends = ["SQLite", "PostgreSQL"] if use_pg else ["SQLite"]
            for backend in backends:
                if backend in gave_up:
                    note = (
                        f"skipped: {_label(gave_up[backend])} rows did not finish in {timeout:g} s"
                    )
                    log(f"import: {rows:,} rows into {backend} {note}")
                    results.append(
                        Result(
                            "import",
                            f"{_label(rows)} rows {backend} rows/s",
                            None,
                            "rows/s",
                            valid=False,
                            note=note,
                        )  # fmt: skip
                    )
                    continue
                if backend == "SQLite":
                    found = _one(rows, backend, messy, clean, work, None, timeout)
                else:
                    with temporary_database(f"dialbook_bench_{os.getpid()}") as url:
                        found = _one(rows, backend, messy, clean, work, url, timeout)
                if any(r.extra.get("timed_out") for r in found):
                    gave_up[backend] = rows
                results += found
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return results


def _one(
    rows: int,
    backend: str,
    messy: Path,
    clean: Path,
    work: Path,
    url: str | None,
    timeout: float,
) -> list[Result]:
    log(f"import: {rows:,} rows into {backend}")
    data_dir = work / f"data-{backend.lower()}"
    run: ImportRun | None = None
    note = ""
    try:
        run = run_import(messy, data_dir, url, timeout)
        state = "[red]timed out[/red], " if run.timed_out else ""
        log(
            f"  {state}{run.rps:,.0f} rows/s ({run.rows:,} rows in {run.seconds:.1f} s), "
            f"peak RSS {run.peak_tree_mb:,.0f} MB, {run.outcome}"
        )
    except (RuntimeError, OSError, ValueError, subprocess.SubprocessError) as error:
        note = str(error)
        log(f"[red]  import failed:[/red] {note}")
    baseline: tuple[int, float] | None = None
    try:
        if url is None:
            baseline = sqlite_baseline(clean, work / "baseline.db")
        else:
            baseline = postgres_baseline(clean, url)
        log(f"  baseline: {baseline[0] / baseline[1]:,.0f} rows/s ({baseline[1]:.1f} s)")
    except Exception as error:  # noqa: BLE001 - a missing baseline is reported, not fatal
        log(f"[red]  baseline failed:[/red] {error}")
        note = (note + "; " if note else "") + f"baseline failed: {error}"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work / 'baseline.db'}{suffix}").unlink(missing_ok=True)
    return _results(backend, rows, run, baseline, note)
