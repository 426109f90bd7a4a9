"""dialbook import FILE and dialbook export."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from dialbook.cli import App, pass_app, workspace_option
from dialbook.cli.output import console, print_json, print_table
from dialbook.errors import Conflict, DialbookError, LeaseLost
from dialbook.imports import export as exporter
from dialbook.imports import jobs as import_jobs
from dialbook.imports import service as import_service
from dialbook.imports.reader import FORMATS
from dialbook.imports.schemas import ImportOptions, ImportRead


@click.command("import")
@click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False
)
@click.option("--list", "list_id", type=int, help="The list to import into.")
@workspace_option
@click.option("--format", "format_", type=click.Choice(FORMATS), help="Default: from the file.")
@click.option("--delimiter", help="CSV delimiter. Default: detected from the header.")
@click.option("--encoding", help="Default: UTF-8, or Windows-1252 when the file is not UTF-8.")
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COLUMN=TARGET",
    help='Override the mapping, e.g. --map "Cell=phone:mobile" --map "Ref=ignore".',
)
@click.option(
    "--unmapped",
    type=click.Choice(["custom", "ignore"]),
    default="custom",
    show_default=True,
    help="Columns nobody recognizes: custom fields, or ignored.",
)
@click.option(
    "--on-duplicate",
    type=click.Choice(["skip", "update", "create"]),
    default="skip",
    show_default=True,
    help="A row that matches a contact by the list's duplicate policy.",
)
@click.option(
    "--allow-new-fields",
    type=click.IntRange(0, 100_000),
    default=50,
    show_default=True,
    help="New custom fields the file may create; more refuses the import before any write.",
)
@click.option(
    "--dry-run", is_flag=True, help="Show the mapping and the first errors; write nothing."
)
@click.option("--resume", "resume_id", type=int, help="Resume (or re-run) an import by its id.")
@click.option("--force", is_flag=True, help="With --resume: take over a job whose process is gone.")
@click.option("--workers", type=int, help="Normalizing processes. Default: one per core.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def import_command(
    app: App, file: Path | None, list_id: int | None, workspace: str, format_: str | None,
    delimiter: str | None, encoding: str | None, maps: tuple[str, ...], unmapped: str,
    on_duplicate: str, allow_new_fields: int, dry_run: bool, resume_id: int | None, force: bool,
    workers: int | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Import a lead file (CSV, TSV, JSON Lines, JSON or XLSX) into a list.

    Every row is normalized as the API would; rejected rows are kept with their reasons
    (see the rejects file). An interrupted import is resumed with --resume ID.

    Example: dialbook import leads.csv --list 2 --map "Cell=phone:mobile"
    """
    caller = app.caller(workspace)
    if resume_id is None:
        if file is None or list_id is None:
            raise click.UsageError("Give a FILE and --list (or --resume ID).")
        options = ImportOptions(
            format=format_,  # type: ignore[arg-type]
            delimiter=delimiter,
            encoding=encoding,
            map=list(maps),
            unmapped=unmapped,  # type: ignore[arg-type]
            on_duplicate=on_duplicate,  # type: ignore[arg-type]
            allow_new_fields=allow_new_fields,
            filename=file.name,
        )
        if dry_run:
            report = app.read(
                import_service.dry_run,
                caller=caller,
                list_id=list_id,
                path=file.resolve(),
                options=options,
            )
            if as_json:
                print_json(report)
                return
            delimiter = repr(report.delimiter) if report.delimiter else ""
            console.print(f"{report.format}, {report.encoding or ''} {delimiter}")
            print_table(
                "Mapping", ["column", "goes to"], [(m.column, m.target) for m in report.mapping]
            )
            console.print(
                f"First {report.rows_checked:,} rows: {report.valid:,} good, "
                f"{report.rejected:,} rejected, {report.warned:,} with warnings."
            )
            for title, found in (
                ("First problems", report.first_errors),
                ("First warnings", report.first_warnings),
            ):
                if found:
                    rows = [
                        (p.line, "; ".join(f"{e['name']}: {e['detail']}" for e in p.errors))
                        for p in found
                    ]
                    print_table(title, ["line", "problem"], rows)
            return
        stored = import_service.store_upload(file, app.settings.data_dir / "imports")
        job = app.write(
            import_service.create_job, caller=caller, list_id=list_id, path=stored, options=options
        )
    else:
        job = app.read(import_service.get_job, caller=caller, id=resume_id)
    result = _run(app, caller.workspace_id, job, workers, show=not as_json, force=force)
    if as_json:
        print_json(result)
        return
    console.print(
        f"Import {result.id} {result.status}: {result.rows_read:,} rows read, "
        f"{result.created:,} created, {result.updated:,} updated, "
        f"{result.skipped:,} skipped as duplicates, {result.rejected:,} rejected, "
        f"{result.warned:,} imported with warnings."
    )
    if result.rejected:
        console.print(
            f"Rejected rows and reasons: dialbook import-rejects {result.id} > rejects.csv"
        )
    if result.warned:
        console.print(
            f"Rows kept with a warning: dialbook import-warnings {result.id} > warnings.csv"
        )
    if result.status != "done":
        raise click.ClickException(result.error or "The import did not finish.")


def _run(
    app: App, workspace_id: int, job: ImportRead, workers: int | None, *, show: bool, force: bool
) -> ImportRead:
    # Rows, not bytes: the total is estimated from the bytes read so far (rows per byte),
    # so the bar, the rate and the ETA are all in rows.
    columns = (TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.completed:,.0f}/{task.fields[estimate]} rows"),
               TextColumn("{task.fields[rate]} rows/s"), TextColumn("ETA"),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=console, disable=not show, transient=False) as bar:
        task = bar.add_task(
            f"import {job.id}", total=None, completed=job.rows_read, rate="-", estimate="?"
        )
        started = [0.0, job.rows_read]

        def update(progress: ImportRead) -> None:
            now = time.monotonic()
            if not started[0]:
                started[0] = now
            elapsed = max(now - started[0], 1e-6)
            rate = (progress.rows_read - started[1]) / elapsed if elapsed > 0.5 else 0
            total = _estimated_rows(progress)
            bar.update(
                task,
                completed=progress.rows_read,
                total=total,
                estimate=f"~{total:,}" if total else "?",
                rate=f"{rate:,.0f}" if rate else "-",
            )

        try:
            result = import_jobs.run(
                app.db,
                workspace_id=workspace_id,
                id=job.id,
                workers=workers,
                progress=update,
                force=force,
                lease=app.settings.import_lease_seconds,
            )
        except LeaseLost as error:
            raise click.ClickException(error.detail) from None
        except Conflict as error:
            raise click.ClickException(
                f"{error.detail} If that process is gone, resume with --force."
            ) from None
        except DialbookError as error:
            raise click.ClickException(error.detail) from None
        rows = result.rows_read
        bar.update(task, completed=rows, total=rows, estimate=f"{rows:,}")
    return result


def _estimated_rows(job: ImportRead) -> int | None:
    """The rows the whole file holds, judged by the rows per byte read so far."""
    if job.status == "done":
        return job.rows_read
    if not job.rows_read or not job.bytes_done or not job.bytes_total:
        return None
    return max(job.rows_read, round(job.rows_read * job.bytes_total / job.bytes_done))


@click.command("import-rejects")
@click.argument("import_id", type=int)
@workspace_option
@pass_app
def rejects_command(app: App, import_id: int, workspace: str) -> None:
    """Print an import's rejected rows as CSV (line, reasons, the row as it was).

    Example: dialbook import-rejects 7 > rejects.csv
    """
    _print_csv(app, import_service.rejects_csv, import_id, workspace)


@click.command("import-warnings")
@click.argument("import_id", type=int)
@workspace_option
@pass_app
def warnings_command(app: App, import_id: int, workspace: str) -> None:
    """Print the rows an import kept with a warning as CSV (line, what was kept or ignored:
    an unknown state, an unusable time zone).

    Example: dialbook import-warnings 7 > warnings.csv
    """
    _print_csv(app, import_service.warnings_csv, import_id, workspace)


@click.command("import-undo")
@click.argument("import_id", type=int)
@workspace_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def undo_command(app: App, import_id: int, workspace: str, yes: bool) -> None:
    """Undo an import: delete the contacts it created (those it updated stay as they are).

    Example: dialbook import-undo 7 --yes
    """
    caller = app.caller(workspace)
    job = app.read(import_service.get_job, caller=caller, id=import_id)
    if not yes:
        click.confirm(
            f"Delete the contacts import {job.id} ({job.filename}) created ({job.created:,})?",
            abort=True,
        )
    result = app.write(import_service.undo, caller=caller, id=import_id)
    console.print(f"Import {result.import_id} undone: {result.deleted:,} contacts deleted.")


def _print_csv(
    app: App, rows: Callable[..., Iterator[str]], import_id: int, workspace: str
) -> None:
    caller = app.caller(workspace)
    try:
        for text in rows(app.db, caller=caller, id=import_id):
            sys.stdout.write(text)
    except DialbookError as error:
        raise click.ClickException(error.detail) from None


@click.command("export")
@click.option("--list", "list_id", type=int, required=True)
@workspace_option
@click.option(
    "--format", "format_", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Default: standard output.",
)
@pass_app
def export_command(
    app: App, list_id: int, workspace: str, format_: str, output: Path | None
) -> None:
    """Export every contact of a list, with every field and custom field.

    Example: dialbook export --list 2 --format csv -o leads.csv
    """
    caller = app.caller(workspace)
    contacts = [0]

    def counted(page: int) -> None:
        contacts[0] += page

    try:
        chunks = exporter.export(
            app.db,
            caller=caller,
            list_id=list_id,
            format=format_,  # type: ignore[arg-type]
            counted=counted,
        )
        if output is None:
            for text in chunks:
                sys.stdout.write(text)
        else:
            with output.open("w", newline="", encoding="utf-8") as handle:
                for text in chunks:
                    handle.write(text)
    except DialbookError as error:
        raise click.ClickException(error.detail) from None
    # On standard error, so that standard output stays the file.
    where = f"{output} ({output.stat().st_size:,} bytes)" if output else "standard output"
    click.echo(f"Exported {contacts[0]:,} contacts of list {list_id} to {where}.", err=True)
