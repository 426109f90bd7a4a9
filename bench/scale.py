"""Scale-out: native creates over HTTP on PostgreSQL with 1, 2 and 4 server processes.

Each run gets a fresh PostgreSQL database and a fresh ``dialbook serve --workers N`` on a
free 127.0.0.1 port, then the http group's load (bench/create.py: the native body, wrk with
64 connections on 2 threads, a warm-up and the measured run). The process counts are
measured in rounds (1, 2, 4, then 4, 2, 1, ...) so a machine that gets busier or quieter
during the group moves every count alike; each count's figure is the median of its rounds.
The server's CPU time is summed over the whole process tree (the supervisor and its
workers); PostgreSQL's own processes are not in it.
"""

from __future__ import annotations

import dataclasses
import shutil
import statistics
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

from bench import create
from bench.common import (
    CHILDREN,
    CORES,
    DIALBOOK,
    ROOT,
    Result,
    Target,
    dialbook_env,
    free_port,
    log,
    run_cli,
    tree_cpu_seconds,
    wait_http,
)
from bench.imports import POSTGRES_URL, postgres_available, postgres_cpu, temporary_database

PROCESSES = (1, 2, 4)
SQLITE = 0  # the reference run: one process on SQLite
MIN_RATIO_2 = 1.5  # 2 processes against 1 (the target)


def _serve(workers: int, env: dict[str, str], work: Path) -> tuple[subprocess.Popen[Any], int]:
    port = free_port()
    logfile = (work / "server.log").open("wb")
    args = [DIALBOOK, "serve", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--log-level", "warning"]  # fmt: skip
    proc = CHILDREN.start(args, env=env, cwd=ROOT, stdout=logfile, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", proc, ok=lambda status: status == 200)
    except Exception:
        CHILDREN.stop(proc)
        tail = (work / "server.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"the server did not start:\n{tail}") from None
    return proc, port


def measure(
    workers: int, generator: create.Generator, seconds: float, warmup: float
) -> tuple[create.Run, float | None]:
    """One run: a new database, ``serve --workers N``, warm-up, the measured run; the run
    and the CPU seconds its database's PostgreSQL backends used during it."""
    work = Path(tempfile.mkdtemp(prefix=f"dialbook-bench-scale-{workers}-"))
    proc: subprocess.Popen[Any] | None = None
    try:
        with temporary_database(f"dialbook_bench_scale_{uuid.uuid4().hex[:8]}") as url:
            env = dialbook_env(work / "data", url)
            env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # serve makes its own for --workers
            quiet = ["keys", "create", "--quiet"]
            admin_key = run_cli([*quiet, "--name", "bench-admin", "-s", "admin"], env).strip()
            load_key = run_cli([*quiet, "--name", "bench-load"], env).strip()
            proc, port = _serve(workers, env, work)
            admin = create.Api(f"http://127.0.0.1:{port}", admin_key)
            plan = create.setup_native(admin, load_key)
            create._check_one(create.Api(admin.base, load_key), plan)
            if warmup > 0:
                generator.run(port, plan, 0, warmup, work, proc.pid, cpu=tree_cpu_seconds)
            before = postgres_cpu(url)
            run = generator.run(port, plan, 1, seconds, work, proc.pid, cpu=tree_cpu_seconds)
            after = postgres_cpu(url)
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited during the run ({proc.returncode})")
            CHILDREN.stop(proc)  # before the database is dropped
            proc = None
            database_cpu = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
            return run, (database_cpu if after else None)
    finally:
        if proc is not None:
            CHILDREN.stop(proc)
        shutil.rmtree(work, ignore_errors=True)


def _median(runs: list[create.Run], value: str) -> float | None:
    values = [getattr(r, value) for r in runs if getattr(r, value) is not None]
    return statistics.median(values) if values else None


def bench(
    seconds: float,
    warmup: float,
    rounds: int,
    results: list[Result] | None = None,
    processes: tuple[int, ...] = PROCESSES,
) -> list[Result]:
    """Measure every process count ``rounds`` times, alternating; append the medians."""
    results = [] if results is None else results
    if not postgres_available():
        log(f"scale: no PostgreSQL answers at {POSTGRES_URL}; skipped")
        results.append(
            Result("scale", "creates by server processes", None, "req/s", valid=False,
                   note=f"needs PostgreSQL at {POSTGRES_URL} (DIALBOOK_BENCH_POSTGRES_URL)")
        )  # fmt: skip
        return results
    generator = create.Generator()
    log(
        f"scale: native creates on PostgreSQL with {', '.join(map(str, processes))} server "
        f"processes, {rounds} round(s), {create.CONNECTIONS} connections, {seconds:g} s runs"
    )
    runs: dict[int, list[create.Run]] = {n: [] for n in (SQLITE, *processes)}
    database_cpu: dict[int, list[float]] = {n: [] for n in processes}
    failed: dict[int, str] = {}
    for round_ in range(rounds):
        counts = (SQLITE, *processes)
        order = counts if round_ % 2 == 0 else tuple(reversed(counts))
        for workers in order:
            if workers in failed:
                continue
            try:
                if workers == SQLITE:
                    run, pg_cpu = create.measure("native", generator, seconds, warmup)[0], None
                else:
                    run, pg_cpu = measure(workers, generator, seconds, warmup)
            except Exception as error:  # noqa: BLE001 - reported as an invalid figure
                log(f"[red]scale {workers} process(es) failed:[/red] {error}")
                failed[workers] = str(error)
                continue
            runs[workers].append(run)
            if pg_cpu is not None:
                database_cpu[workers].append(pg_cpu)
            log(
                f"  round {round_ + 1}, {label_of(workers)}: {run.rps:,.0f} req/s, "
                f"p99 {run.p99_ms:.1f} ms, server CPU {run.server_cpu_seconds or 0:.1f} s "
                f"({run.per_cpu_second or 0:,.0f} req/CPU-s), "
                + (f"PostgreSQL CPU {pg_cpu:.1f} s, " if pg_cpu is not None else "")
                + f"load {run.load_average[0]}"
                + (f", [red]{run.problem()}[/red]" if not run.valid else "")
            )
    results += _results(processes, runs, database_cpu, failed)
    results += _reference(runs[SQLITE], runs[processes[0]], failed.get(SQLITE))
    return results


def _reference(
    sqlite: list[create.Run], one: list[create.Run], failure: str | None
) -> list[Result]:
    """SQLite's one process in the same rounds: what a create costs without PostgreSQL."""
    if not sqlite:
        return [Result("scale", "SQLite 1 process create req/s", None, "req/s", valid=False,
                       note=failure or "not measured")]  # fmt: skip
    valid = all(r.valid for r in sqlite)
    rps_values = ", ".join(f"{r.rps:,.0f}" for r in sqlite)
    return [
        Result(
            "scale",
            "SQLite 1 process create req/s",
            _median(sqlite, "rps"),
            "req/s",
            valid=valid,
            note=f"the same load on SQLite (the http group's native target), median of "
            f"{len(sqlite)} run(s): {rps_values}",
            extra={
                "rps": [round(r.rps) for r in sqlite],
                "load_average": [r.load_average for r in sqlite],
            },  # fmt: skip
        ),
        Result(
            "scale",
            "SQLite 1 process per server CPU-s",
            _median(sqlite, "per_cpu_second"),
            "req/CPU-s",
            baseline=_median(one, "per_cpu_second") if one else None,
            baseline_name="PostgreSQL, 1 process",
            valid=valid,
        ),
    ]


def _results(
    processes: tuple[int, ...],
    runs: dict[int, list[create.Run]],
    database_cpu: dict[int, list[float]],
    failed: dict[int, str],
) -> list[Result]:
    out: list[Result] = []
    one = runs.get(processes[0]) or []
    one_rps = _median(one, "rps") if one else None
    one_cpu = _median(one, "per_cpu_second") if one else None
    for workers in processes:
        done = runs[workers]
        label = label_of(workers)
        if not done:
            out.append(Result("scale", f"{label} create req/s", None, "req/s", valid=False,
                              note=failed.get(workers, "not measured")))  # fmt: skip
            continue
        valid = all(r.valid for r in done)
        extra = {
            "runs": [dataclasses.asdict(r) for r in done],
            "rps": [round(r.rps) for r in done],
            "server_cpu_seconds": [r.server_cpu_seconds for r in done],
            "load_average": [r.load_average for r in done],
            "postgres_cpu_seconds": database_cpu[workers],
        }
        # PostgreSQL's CPU per request (its backends for this database).
        pg = [
            c / r.requests for c, r in zip(database_cpu[workers], done, strict=False) if r.requests
        ]
        busy = [
            (r.server_cpu_seconds + c + r.generator_cpu_seconds) / r.seconds
            for r, c in zip(done, database_cpu[workers], strict=False)
            if r.server_cpu_seconds is not None and r.generator_cpu_seconds is not None
        ]
        first = workers == processes[0]
        target = Target(min_ratio=MIN_RATIO_2) if workers == 2 else None
        rps_values = ", ".join(f"{r.rps:,.0f}" for r in done)
        out += [
            Result(
                "scale",
                f"{label} create req/s",
                _median(done, "rps"),
                "req/s",
                baseline=None if first else one_rps,
                baseline_name=None if first else label_of(processes[0]),
                target=target,
                valid=valid,
                note=f"median of {len(done)} run(s): {rps_values}"
                + ("" if valid else "; " + "; ".join(r.problem() for r in done if not r.valid)),
                extra=extra,
            ),
            Result("scale", f"{label} create p99", _median(done, "p99_ms"), "ms", valid=valid),
            Result(
                "scale",
                f"{label} per server CPU-s",
                _median(done, "per_cpu_second"),
                "req/CPU-s",
                baseline=None if first else one_cpu,
                baseline_name=None if first else label_of(processes[0]),
                valid=valid,
                note=""
                if not first
                else "requests per CPU second of the server's processes (PostgreSQL's not "
                "counted): the cost of a request, whatever share of the cores it got",
            ),
            Result(
                "scale",
                f"{label} PostgreSQL CPU ms per create",
                statistics.median(pg) * 1000 if pg else None,
                "ms",
                valid=valid,
            ),
            Result(
                "scale",
                f"{label} cores busy",
                statistics.median(busy) if busy else None,
                "cores",
                valid=valid,
                note=f"of {CORES}: the server's processes, PostgreSQL's backends for its "
                "database and the load generator, CPU seconds per second of the run",
                extra={"cores": CORES, "runs": busy},
            ),
        ]
        if first and busy:
            out.append(
                Result(
                    "scale",
                    "ceiling of more processes / 1",
                    CORES / statistics.median(busy),
                    "x",
                    valid=valid,
                    note=f"{CORES} cores over the cores one process's run kept busy: the most "
                    "more processes could add if each create cost what it costs in one",
                )
            )
    return out


def label_of(workers: int) -> str:
    if workers == SQLITE:
        return "SQLite 1 process"
    return f"{workers} process{'es' if workers > 1 else ''}"
