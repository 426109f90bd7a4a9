"""Do-not-call registry import: ``dialbook dnc import FILE --registry us-national``.

A generated full list of the US National Do Not Call Registry (one 10-digit number per
line, sorted as the registry's downloads are, a few area-code wildcards among them) is
loaded by the CLI in its own process, so its peak memory is measurable (the process
tree's summed RSS, polled from /proc). numbers/s counts the file's lines over the
command's wall time (start-up and the final count included).

Baselines, on the same numbers: SQLite, ``executemany`` of ``INSERT OR IGNORE`` into a
bare table keyed like ``dnc_registry_numbers`` (one transaction); PostgreSQL (when one
answers at 127.0.0.1:5432), COPY of the file into a bare table with the same key.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import CHILDREN, DIALBOOK, Result, RssSampler, Target, dialbook_env, log, run_cli
from bench.imports import POSTGRES_URL, postgres_available, temporary_database

MIN_NPS = 50_000  # numbers/s, for the 1,000,000-line file (issue 12 part 5)
MAX_RSS_MB = 200
TARGET_LINES = 1_000_000


def write_full_list(path: Path, lines: int, seed: int = 12) -> int:
    """A full list of ``lines`` lines, sorted: numbers of some area codes, and every
    500,000th line a whole area code. Returns the distinct keys written."""
    rng = random.Random(seed)
    areas = sorted(rng.sample(range(201, 990), 40))
    per_area = -(-lines // len(areas))
    written = 0
    with path.open("w", encoding="ascii") as handle:
        for area in areas:
            if written >= lines:
                break
            count = min(per_area, lines - written)
            # Distinct subscriber numbers (exchange 200-999) in order.
            for local in sorted(rng.sample(range(2_000_000, 10_000_000), count)):
                handle.write(f"{area}{local:07d}\n")
            written += count
    return written


def run_registry_import(path: Path, data_dir: Path, url: str | None, timeout: float) -> dict:
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dialbook_env(data_dir, url)
    run_cli(["dnc", "registries"], env)  # the database exists and is migrated before timing
    out_path, err_path = data_dir / "registry.out", data_dir / "registry.err"
    args = ["dnc", "import", str(path), "--registry", "us-national", "--json"]
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = CHILDREN.start([DIALBOOK, *args], env=env, stdout=out, stderr=err)
        usage = None
        try:
            with RssSampler(proc.pid) as sampler:
                while time.perf_counter() - started < timeout:
                    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                    if pid:
                        proc.returncode = os.waitstatus_to_exitcode(status)
                        break
                    time.sleep(0.05)
            seconds = time.perf_counter() - started
        finally:
            CHILDREN.stop(proc)
    if proc.returncode != 0:
        raise RuntimeError(f"dnc import exited {proc.returncode}: {err_path.read_text()[-2000:]}")
    outcome = json.loads(out_path.read_text())
    return {
        "seconds": seconds,
        "lines": int(outcome["lines"]),
        "numbers": int(outcome["registry"]["numbers"]),
        "peak_tree_mb": sampler.peak_kb / 1024,
        "max_process_mb": usage.ru_maxrss / 1024 if usage else None,
    }


def sqlite_baseline(path: Path, db_path: Path) -> float:
    """Seconds to read the file and insert its numbers into a bare table of the same key."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(
            "CREATE TABLE numbers (workspace_id INTEGER NOT NULL, number TEXT NOT NULL,"
            " registry_id INTEGER NOT NULL, PRIMARY KEY (workspace_id, number, registry_id))"
        )
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        with path.open(encoding="ascii") as handle:
            batch: list[tuple[int, str, int]] = []
            for line in handle:
                batch.append((1, "+1" + line.strip(), 1))
                if len(batch) == 20_000:
                    conn.executemany("INSERT OR IGNORE INTO numbers VALUES (?, ?, ?)", batch)
                    batch = []
            conn.executemany("INSERT OR IGNORE INTO numbers VALUES (?, ?, ?)", batch)
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()


def postgres_baseline(path: Path, url: str) -> float:
    """Seconds to COPY the file into a bare table of the same key."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_numbers (number text NOT NULL PRIMARY KEY)")
        started = time.perf_counter()
        sql = "COPY bench_numbers (number) FROM STDIN"
        with conn.transaction(), conn.cursor() as cur, cur.copy(sql) as copy, path.open("rb") as f:
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_numbers")
    return seconds


def _label(lines: int) -> str:
    return f"{lines // 1_000_000}M" if lines % 1_000_000 == 0 else f"{lines:,}"


def bench(
    lines: int, *, postgres: bool = True, timeout: float = 600, results: list[Result] | None = None
) -> list[Result]:
    results = [] if results is None else results
    use_pg = postgres and postgres_available()
    if postgres and not use_pg:
        log(f"dnc-registry: no PostgreSQL answers at {POSTGRES_URL}; SQLite only")
    work = Path(tempfile.mkdtemp(prefix="dialbook-bench-registry-"))
    try:
        path = work / "full.txt"
        written = write_full_list(path, lines)
        log(f"dnc-registry: generated {written:,} lines, {path.stat().st_size / 1e6:,.0f} MB")
        for backend in ["SQLite", "PostgreSQL"] if use_pg else ["SQLite"]:
            results += _one(backend, path, work, lines, use_pg, timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def _one(
    backend: str, path: Path, work: Path, lines: int, use_pg: bool, timeout: float
) -> list[Result]:
    size = _label(lines)
    targeted = lines >= TARGET_LINES
    log(f"dnc-registry: {lines:,} lines into {backend}")
    try:
        if backend == "SQLite":
            run = run_registry_import(path, work / "data-sqlite", None, timeout)
            baseline = sqlite_baseline(path, work / "baseline.db")
        else:
            with temporary_database(f"dialbook_bench_registry_{os.getpid()}") as url:
                run = run_registry_import(path, work / "data-postgresql", url, timeout)
                baseline = postgres_baseline(path, url)
    except (RuntimeError, OSError, ValueError, subprocess.SubprocessError) as error:
        log(f"[red]  failed:[/red] {error}")
        return [Result("dnc-registry", f"{size} lines {backend} numbers/s", None, "numbers/s",
                       valid=False, note=str(error))]  # fmt: skip
    nps = run["lines"] / run["seconds"]
    log(
        f"  {nps:,.0f} numbers/s ({run['lines']:,} lines in {run['seconds']:.1f} s), "
        f"peak RSS {run['peak_tree_mb']:,.0f} MB; baseline {lines / baseline:,.0f}/s"
    )
    largest = run["max_process_mb"]
    return [
        Result(
            "dnc-registry",
            f"{size} lines {backend} numbers/s",
            nps,
            "numbers/s",
            baseline=lines / baseline,
            baseline_name="executemany" if backend == "SQLite" else "COPY",
            target=Target(">=", MIN_NPS, unit="numbers/s") if targeted else None,
            valid=run["numbers"] == lines,
            note="" if run["numbers"] == lines else f"{run['numbers']:,} numbers stored",
            extra=run,
        ),
        Result(
            "dnc-registry",
            f"{size} lines {backend} peak RSS",
            run["peak_tree_mb"],
            "MB",
            target=Target("<=", MAX_RSS_MB, unit="MB") if targeted else None,
            note="" if largest is None else f"largest single process {largest:,.0f} MB",
        ),
    ]
