"""python -m bench: run the benchmarks, print the table, write the JSON results.

    python -m bench                       # everything, full sizes (about half an hour)
    python -m bench --quick               # small sizes: checks the harness in about a minute
    python -m bench --only http --duration 20
    python -m bench --only import --rows 100000
    python -m bench --only dnc-registry --registry-lines 1000000
    python -m bench --only console --contacts 1000000
    python -m bench --only scale --rounds 3     # 1, 2, 4 server processes on PostgreSQL

See docs/performance.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from bench import claims, create, imports, phones, registry, scale, webhooks
from bench import console as console_pages
from bench.common import ROOT, Result, checkout, load_average, log, machine, stopping_children
from bench.report import console, notes, table, write_json

GROUPS = (
    "http", "import", "claim", "lookup", "webhooks", "dnc-registry", "phones", "console",
    "scale",
)  # fmt: skip


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of row counts: {text!r}") from None
    if not sizes or any(n <= 0 for n in sizes):
        raise argparse.ArgumentTypeError("row counts must be positive")
    return sizes


def _groups(text: str) -> list[str]:
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [g for g in chosen if g not in GROUPS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown: {', '.join(unknown)} (use {','.join(GROUPS)})")
    return chosen


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only",
        type=_groups,
        default=list(GROUPS),
        help="comma-separated: " + ",".join(GROUPS),
    )
    parser.add_argument(
        "--registry-lines",
        type=int,
        default=None,
        help="lines of the do-not-call registry file (default 1000000)",
    )
    parser.add_argument(
        "--rows", type=_sizes, default=None, help="import sizes (default 100000,1000000)"
    )
    parser.add_argument(
        "--contacts", type=int, default=None, help="contacts for claim/lookup (default 1000000)"
    )
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds per HTTP run (default 10)"
    )
    parser.add_argument(
        "--warmup", type=float, default=None, help="warm-up seconds before each HTTP run (2)"
    )
    parser.add_argument(
        "--targets",
        default=None,
        help=f"HTTP targets (default all: {','.join(create.TARGETS)})",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="scale: runs of each process count, alternating (default 3; quick: 1)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL imports")
    parser.add_argument(
        "--import-timeout",
        type=float,
        default=600,
        help="seconds before an import run is stopped and reported as timed out (600)",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: about a minute")
    parser.add_argument("--json", type=Path, default=None, help="results file")
    args = parser.parse_args(argv)
    quick = args.quick
    args.rows = args.rows or ([5_000] if quick else [100_000, 1_000_000])
    args.contacts = args.contacts or (20_000 if quick else 1_000_000)
    args.duration = args.duration if args.duration is not None else (2.0 if quick else 10.0)
    args.warmup = args.warmup if args.warmup is not None else (1.0 if quick else 2.0)
    args.registry_lines = args.registry_lines or (20_000 if quick else registry.TARGET_LINES)
    args.rounds = args.rounds or (1 if quick else 3)
    args.claims = 200 if quick else 2_000
    args.lookups = 500 if quick else 3_000
    if args.targets:
        names = [n.strip() for n in args.targets.split(",") if n.strip()]
        unknown = [n for n in names if n not in create.TARGETS]
        if unknown:
            parser.error(f"unknown HTTP targets: {', '.join(unknown)}")
        if "native" not in names:
            names.insert(0, "native")  # dialects are measured against it
        args.targets = names
    if args.json is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        args.json = ROOT / "bench" / "results" / f"{stamp}{'-quick' if quick else ''}.json"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    meta = machine()
    meta["options"] = {
        "only": args.only,
        "rows": args.rows,
        "contacts": args.contacts,
        "duration": args.duration,
        "warmup": args.warmup,
        "claims": args.claims,
        "lookups": args.lookups,
        "quick": args.quick,
        "import_timeout": args.import_timeout,
        "registry_lines": args.registry_lines,
        "rounds": args.rounds,
    }
    log(
        f"dialbook bench on {meta['cpu']} ({meta['cores']} cores), load average "
        f"{meta['load_average_start']}"
    )
    results: list[Result] = []
    started = time.monotonic()
    phases: dict[str, list[float]] = {}
    with stopping_children():
        try:
            if "http" in args.only:
                create.bench(args.duration, args.warmup, args.targets, results)
                phases["http"] = load_average()
            if "import" in args.only:
                imports.bench(
                    args.rows,
                    postgres=not args.no_postgres,
                    timeout=args.import_timeout,
                    results=results,
                )
                phases["import"] = load_average()
            wanted = [g for g in ("claim", "lookup") if g in args.only]
            if wanted:
                claims.bench(
                    args.contacts,
                    claims=args.claims,
                    lookups=args.lookups,
                    groups=wanted,
                    results=results,
                )
                phases["claim/lookup"] = load_average()
            if "dnc-registry" in args.only:
                registry.bench(
                    args.registry_lines,
                    postgres=not args.no_postgres,
                    timeout=args.import_timeout,
                    results=results,
                )
                phases["dnc-registry"] = load_average()
            if "webhooks" in args.only:
                webhooks.bench(2_000 if args.quick else webhooks.EVENTS, results=results)
                phases["webhooks"] = load_average()
            if "console" in args.only:
                console_pages.bench(
                    args.contacts,
                    pages=50 if args.quick else 200,
                    import_rows=50_000 if args.quick else 1_000_000,
                    results=results,
                )
                phases["console"] = load_average()
            if "scale" in args.only:
                scale.bench(args.duration, args.warmup, args.rounds, results)
                phases["scale"] = load_average()
            if "phones" in args.only:
                phones.bench(5_000 if args.quick else 100_000, 1 if args.quick else 10, results)
                phases["phones"] = load_average()
        except KeyboardInterrupt:
            log("[red]interrupted[/red]: writing what was measured")
            meta["interrupted"] = True
    meta["load_average_after"] = phases
    meta["load_average_end"] = load_average()
    meta["checkout_end"] = checkout()  # others may commit while a long run goes on
    meta["seconds"] = round(time.monotonic() - started, 1)
    title = (
        f"dialbook bench {meta['date']} - {meta['cpu']}, {meta['cores']} cores - load average "
        f"{meta['load_average_start'][0]} at start, {meta['load_average_end'][0]} at end"
    )
    console.print()
    console.print(table(results, title))
    for line in notes(results):
        console.print(f"[dim]note[/dim] {line}")
    write_json(args.json, meta, results)
    console.print(f"Results: {args.json}  ({meta['seconds']:.0f} s)")
    if meta.get("interrupted"):
        return 130
    failed = [r for r in results if not r.valid]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
