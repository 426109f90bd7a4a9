"""The results table (rich) and the JSON results file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.common import Result, fmt

console = Console(highlight=False, width=max(shutil.get_terminal_size((160, 40)).columns, 150))


def _verdict(result: Result) -> str:
    if not result.valid:
        return "[bold red]INVALID[/bold red]"
    passed = result.passed
    if passed is None:
        return "[dim]info[/dim]"
    return "[bold green]pass[/bold green]" if passed else "[bold red]FAIL[/bold red]"


def table(results: list[Result], title: str) -> Table:
    out = Table(title=title, show_lines=False, title_justify="left")
    out.add_column("group", style="cyan", no_wrap=True)
    out.add_column("metric", no_wrap=True)
    out.add_column("value", justify="right", no_wrap=True)
    out.add_column("baseline", justify="right")
    out.add_column("ratio", justify="right", no_wrap=True)
    out.add_column("target", no_wrap=True)
    out.add_column("result", no_wrap=True)
    for result in results:
        baseline = fmt(result.baseline, result.unit)
        if result.baseline_name and result.baseline is not None:
            baseline += f" [dim]({result.baseline_name})[/dim]"
        ratio = "-" if result.ratio is None else f"{result.ratio:.2f}"
        out.add_row(
            result.group,
            result.metric,
            fmt(result.value, result.unit),
            baseline,
            ratio,
            result.target.describe() if result.target else "-",
            _verdict(result),
        )
    return out


def notes(results: list[Result]) -> list[str]:
    return [f"{r.group} / {r.metric}: {r.note}" for r in results if r.note]


def write_json(path: Path, meta: dict[str, Any], results: list[Result]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"meta": meta, "results": [r.to_json() for r in results]}
    path.write_text(json.dumps(body, indent=2, default=str) + "\n")


def _verdict_text(row: dict[str, Any]) -> str:
    if not row["valid"]:
        return "INVALID"
    if row["passed"] is None:
        return "info"
    return "pass" if row["passed"] else "**FAIL**"


def markdown(path: Path) -> str:
    """A results file as a Markdown table (for docs/performance.md)."""
    body = json.loads(path.read_text())
    lines = [
        "| group | metric | value | baseline | ratio | target | result |",
        "|---|---|--:|--:|--:|---|---|",
    ]
    for row in body["results"]:
        unit = row["unit"]
        baseline = fmt(row["baseline"], unit)
        if row["baseline"] is not None and row["baseline_name"]:
            baseline += f" ({row['baseline_name']})"
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.2f}"
        lines.append(
            f"| {row['group']} | {row['metric']} | {fmt(row['value'], unit)} | {baseline} "
            f"| {ratio} | {row['target'] or '-'} | {_verdict_text(row)} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(markdown(Path(sys.argv[1])))
