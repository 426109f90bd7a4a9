"""Import jobs: a lead file into a list, every row accounted for, safe to repeat.

An import runs in chunks. Each chunk commits in one transaction with everything it
decided: the new contacts (and their lookup indexes), the updates, the rejected rows with
their reasons, and the job's counters and ``last_line``. A job stopped at any point (even
by kill -9) has no half-written contact, and resuming it starts after ``last_line``.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from dialbook.contacts import service as contact_service
from dialbook.contacts.prepared import NewContact
from dialbook.db import Conn, Database
from dialbook.errors import Conflict, LeaseLost, NotFound, invalid
from dialbook.events import service as event_service
from dialbook.fields import service as field_service
from dialbook.fields.schemas import FieldCreate
from dialbook.imports import repository
from dialbook.imports.mapping import Mapping, MappingError, parse_overrides, recognize
from dialbook.imports.reader import ReadError, Row, Source, open_rows
from dialbook.imports.schemas import (
    ColumnMapping,
    DryRun,
    ImportOptions,
    ImportRead,
    ImportTemplate,
    ImportTemplateCreate,
    RowProblem,
    UndoResult,
)
from dialbook.imports.workers import (
    Plan,
    Problem,
    Result,
    normalize_rows,
)
from dialbook.kit import clock
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead
from dialbook.normalize.fields import FieldDefinition
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.schemas import Caller

CHUNK = 2000  # rows per transaction (an import's chunk; undo's contacts)
JSON_PEEK = 1000  # JSON records read to learn the keys of a JSON file
REJECTS_PAGE = 5000


# -- jobs ---------------------------------------------------------------------------------


def _read(row: dict[str, Any]) -> ImportRead:
    total = row["bytes_total"] or 0
    done = row["bytes_done"] or 0
    row = {k: v for k, v in row.items() if k not in ("path", "columns")}
    row["progress"] = 1.0 if row["status"] == "done" else (min(done / total, 1.0) if total else 0.0)
    return msgspec.convert(row, ImportRead)


def create_job(
    conn: Conn, *, caller: Caller, list_id: int, path: Path, options: ImportOptions
) -> ImportRead:
    """Register a stored file as a queued import into ``list_id`` (checks the options)."""
    list_service.get(conn, workspace_id=caller.workspace_id, id=list_id, with_count=False)
    opened = open_file(path, options)  # the file is readable and the mapping fits it
    try:
        check_file(conn, caller=caller, opened=opened, options=options)
    finally:
        opened.source.close()
    now = clock.now()
    row = repository.insert_job(
        conn,
        values={
            "workspace_id": caller.workspace_id,
            "list_id": list_id,
            "status": "queued",
            "filename": options.filename or path.name,
            "path": str(path),
            "options": msgspec.to_builtins(options),
            "bytes_total": path.stat().st_size,
            "created_at": now,
            "updated_at": now,
        },
    )
    return _read(row)


def get_job(conn: Conn, *, caller: Caller, id: int) -> ImportRead:
    row = repository.get_job(conn, workspace_id=caller.workspace_id, id=id)
    if row is None:
        raise NotFound(f"No import with id {id}.")
    return _read(row)


def list_jobs(conn: Conn, *, caller: Caller, list_id: int, limit: int = 50) -> list[ImportRead]:
    """The imports into a list, newest first."""
    list_service.get(conn, workspace_id=caller.workspace_id, id=list_id, with_count=False)
    found = repository.list_jobs(
        conn, workspace_id=caller.workspace_id, list_id=list_id, limit=limit
    )
    return [_read(row) for row in found]


def undo(conn: Conn, *, caller: Caller, id: int) -> UndoResult:
    """Delete the contacts import ``id`` created (a contact.deleted each, then
    import.undone), found by their contact.created events (actor ``import:<id>``).
    Contacts the import only updated stay as they are. Refused (Conflict) while the import
    is queued or running, once it is undone, and when retention removed its events."""
    job = get_job(conn, caller=caller, id=id)
    if not repository.mark_undone(conn, workspace_id=caller.workspace_id, id=id, now=clock.now()):
        if job.status == "undone":
            raise Conflict(f"Import {id} has already been undone.")
        raise Conflict(f"Import {id} is {job.status}: undo it once it has finished.")
    deleted = 0
    for ids in event_service.created_by(
        conn,
        caller=caller,
        actor=f"import:{id}",
        since=job.started_at or job.created_at,
        until=job.finished_at,  # None for a failed import: up to now
        chunk=CHUNK,
    ):
        deleted += contact_service.delete_many(conn, caller=caller, ids=ids)
    undone = get_job(conn, caller=caller, id=id)
    event_service.record(conn, caller, "import.undone", list_id=job.list_id, data=undone)
    return UndoResult(import_id=id, deleted=deleted)


# -- templates ----------------------------------------------------------------------------


def _template(row: dict[str, Any]) -> ImportTemplate:
    mapping = [{"column": column, "target": target} for column, target in row["mapping"]]
    return msgspec.convert({**row, "mapping": mapping}, ImportTemplate)


def save_template(conn: Conn, *, caller: Caller, data: ImportTemplateCreate) -> ImportTemplate:
    """Save a mapping ("Column=target" each) under a name; a template of that name is
    replaced."""
    name = data.name.strip()
    if not name:
        raise invalid("name", "must not be empty")
    try:
        mapping = [[column, target] for column, target in parse_overrides(data.map).items()]
    except MappingError as error:
        raise invalid("map", str(error)) from None
    row = repository.save_template(
        conn, workspace_id=caller.workspace_id, name=name, mapping=mapping, now=clock.now()
    )
    return _template(row)


def list_templates(conn: Conn, *, caller: Caller) -> list[ImportTemplate]:
    return [_template(row) for row in repository.templates(conn, workspace_id=caller.workspace_id)]


def with_template(
    conn: Conn, *, caller: Caller, id: int, path: Path, options: ImportOptions
) -> ImportOptions:
    """``options`` mapping ``path``'s columns as template ``id`` does (the columns the
    template knows; the others as the importer recognizes them)."""
    row = repository.template(conn, workspace_id=caller.workspace_id, id=id)
    if row is None:
        raise invalid("template", f"no import template with id {id}")
    opened = open_file(path, msgspec.structs.replace(options, map=[]))
    opened.source.close()
    columns = set(opened.mapping.targets)
    chosen = [f"{column}={target}" for column, target in row["mapping"] if column in columns]
    return msgspec.structs.replace(options, map=chosen)


# -- leases: which process runs a job --------------------------------------------------
#
# A running job is held by one process (``runner``) until ``lease_until``. The runner renews
# the lease from a thread every fifth of its length and in every chunk's transaction; every
# server process looks for jobs whose lease ran out (their process was killed, its machine
# died, or it hangs) and takes them over with one conditional UPDATE (``claim``), resuming
# after ``last_line``. A chunk commits only while its transaction holds the lease (the
# first statement renews it, which on PostgreSQL locks the job's row until the commit), so
# a runner that was taken over writes nothing more: a chunk is written once.


#
# On one machine a job whose process is gone is taken over without waiting for its lease
# (a restarted server resumes at once). Telling a live process for a dead one (machines
# sharing a host name, pid namespaces) costs only a handoff: the live one's next chunk
# finds its lease gone and stops, before writing anything.


def this_runner() -> str:
    """This process: ``host:pid`` (a run adds ``/token``, imports/jobs.py)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead_runners(conn: Conn) -> list[str]:
    host = socket.gethostname()
    dead = []
    for runner in repository.runners(conn):
        name, _, pid = runner.split("/")[0].rpartition(":")
        if name == host and pid.isdigit() and not _alive(int(pid)):
            dead.append(runner)
    return dead


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A process that ended and waits to be reaped (an import's child process whose server
    was killed, not reaped yet by whoever adopted it) runs nothing."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc here, or it is gone now: kill(pid, 0) said it was there
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def unfinished(conn: Conn) -> list[tuple[int, int]]:
    """(workspace_id, id) of the jobs to run: waiting, or their lease has run out, or their
    process is gone."""
    return repository.unfinished(conn, now=clock.now(), dead=_dead_runners(conn))


def renew(conn: Conn, *, caller: Caller, id: int, runner: str, lease: dt.timedelta) -> bool:
    """Extend ``runner``'s lease on the job; False when it is no longer its."""
    return repository.renew(
        conn, workspace_id=caller.workspace_id, id=id, runner=runner, until=clock.now() + lease
    )


def release(conn: Conn, *, caller: Caller, id: int, runner: str) -> bool:
    """End ``runner``'s lease now (it stops: the server shuts down, or its parent died),
    so another process takes the job over at its next look instead of waiting it out."""
    return repository.update_held(
        conn,
        workspace_id=caller.workspace_id,
        id=id,
        runner=runner,
        values={"lease_until": clock.now()},
    )


def _hold(conn: Conn, *, caller: Caller, id: int, runner: str, lease: dt.timedelta) -> None:
    if not renew(conn, caller=caller, id=id, runner=runner, lease=lease):
        raise LeaseLost(f"Import {id} is no longer run by this process ({runner}).")


def job_file(conn: Conn, *, caller: Caller, id: int) -> Path:
    """Where the job's file is kept."""
    row = repository.get_job(conn, workspace_id=caller.workspace_id, id=id)
    if row is None:
        raise NotFound(f"No import with id {id}.")
    return Path(row["path"])


def caller_for_job(conn: Conn, *, workspace_id: int, id: int) -> Caller:
    """The workspace an import belongs to, as the caller it runs for."""
    try:
        workspace = workspace_service.get_by_id(conn, id=workspace_id)
    except NotFound:
        raise NotFound(f"No import with id {id}.") from None
    if repository.get_job(conn, workspace_id=workspace_id, id=id) is None:
        raise NotFound(f"No import with id {id}.")
    return Caller(
        workspace_id=workspace.id,
        key_id=0,
        scopes=frozenset({"admin"}),
        default_region=workspace.default_region,
        via=f"import:{id}",
    )


# -- planning -----------------------------------------------------------------------------


@dataclass(slots=True)
class Opened:
    source: Source
    rows: Iterator[Row]
    mapping: Mapping


def open_file(path: Path, options: ImportOptions) -> Opened:
    """Open the file and decide the mapping (JSON files: from the keys of their first records)."""
    try:
        source = open_rows(
            path, format=options.format, delimiter=options.delimiter, encoding=options.encoding
        )
    except (ReadError, OSError, LookupError) as error:
        raise invalid("file", str(error)) from None
    rows: Iterator[Row] = source.rows
    columns = source.columns
    if source.format in ("json", "jsonl"):
        head = list(itertools.islice(rows, JSON_PEEK))
        columns = list(dict.fromkeys(k for row in head for k in row.values))
        rows = itertools.chain(head, rows)
    try:
        mapping = recognize(columns, parse_overrides(options.map), options.unmapped)
    except MappingError as error:
        source.close()
        raise invalid("map", str(error)) from None
    return Opened(source, rows, mapping)


DATA_BINARY = (
    " (With curl, send a file with --data-binary @FILE: -d strips its newlines"
    " and makes it one line.)"
)


def check_file(conn: Conn, *, caller: Caller, opened: Opened, options: ImportOptions) -> None:
    """Refuse, before anything is written, a file that cannot be what the caller meant: a
    header without data rows, a header with no column dialbook recognizes, or one that
    would create more custom fields than ``options.allow_new_fields``."""
    mapping = opened.mapping
    if opened.source.format not in ("json", "jsonl"):
        known = [c for c, t in mapping.targets.items() if not t.startswith(("custom:", "ignore"))]
        if not known:
            shown = ", ".join(repr(c[:40]) for c in list(mapping.targets)[:5])
            raise invalid(
                "file",
                f"the header has no column dialbook recognizes ({len(mapping.targets):,} "
                f"columns: {shown}{', ...' if len(mapping.targets) > 5 else ''}); name a column "
                "Name, Phone or Email, or map one with map=COLUMN=TARGET." + DATA_BINARY,
            )
    first = next(opened.rows, None)
    if first is None:
        raise invalid(
            "file",
            f"it has a header ({len(mapping.targets):,} columns) and no data rows." + DATA_BINARY,
        )
    opened.rows = itertools.chain([first], opened.rows)
    definitions = field_service.definitions(conn, workspace_id=caller.workspace_id)
    new = [key for key in mapping.custom_keys() if key not in definitions]
    if len(new) > options.allow_new_fields:
        raise invalid(
            "allow_new_fields",
            f"the file would create {len(new):,} new custom fields ({', '.join(new[:5])}"
            f"{', ...' if len(new) > 5 else ''}) and at most {options.allow_new_fields} are "
            "allowed: pass allow_new_fields=N (--allow-new-fields N), map the columns "
            "(map=COLUMN=TARGET) or ignore unknown ones (unmapped=ignore).",
        )


def _plan(
    conn: Conn,
    *,
    caller: Caller,
    lst: ListRead,
    mapping: Mapping,
    define: bool,
    on_duplicate: str = "skip",
) -> Plan:
    """What workers need; with ``define``, missing custom fields are created (as text)."""
    definitions = field_service.definitions(conn, workspace_id=caller.workspace_id)
    for key, column in mapping.custom_keys().items():
        if key in definitions:
            continue
        if define:
            with contextlib.suppress(Conflict):  # defined since it was read
                field_service.create(
                    conn,
                    workspace_id=caller.workspace_id,
                    data=FieldCreate(key=key, label=column[:200]),
                )
        definitions[key] = FieldDefinition(key=key, type="string")
    return Plan(
        mapping=mapping,
        regions=(lst.default_region, caller.default_region),
        definitions=definitions,
        list_default_timezone=lst.default_timezone,
        target=contact_service.batch_target(lst, on_duplicate=on_duplicate),
        format=contact_service.row_format(conn),
        phone_order=lst.phone_order,
    )


def dry_run(
    conn: Conn,
    *,
    caller: Caller,
    list_id: int,
    path: Path,
    options: ImportOptions,
    rows: int = 1000,
) -> DryRun:
    """The mapping and the first problems, from the first ``rows`` rows; writes nothing."""
    lst = list_service.get(conn, workspace_id=caller.workspace_id, id=list_id, with_count=False)
    opened = open_file(path, options)
    try:
        check_file(conn, caller=caller, opened=opened, options=options)
        plan = _plan(conn, caller=caller, lst=lst, mapping=opened.mapping, define=False)
        head = list(itertools.islice(opened.rows, rows))
    finally:
        opened.source.close()
    good = [row for row in head if row.error is None]
    results = normalize_rows(plan, [row.values for row in good])
    problems = [RowProblem(line=row.line, errors=[{"name": "row", "detail": row.error}])
                for row in head if row.error is not None]  # fmt: skip
    problems += [
        RowProblem(line=row.line, errors=[{"name": n, "detail": d} for n, d in found])
        for row, (_columns, found, _warned) in zip(good, results, strict=True)
        if found
    ]
    problems.sort(key=lambda p: p.line)
    warned = [
        RowProblem(line=row.line, errors=[{"name": n, "detail": d} for n, d in kept])
        for row, (_columns, _found, kept) in zip(good, results, strict=True)
        if kept
    ]
    return DryRun(
        format=opened.source.format,
        encoding=opened.source.encoding,
        delimiter=opened.source.delimiter,
        mapping=[ColumnMapping(column=c, target=t) for c, t in opened.mapping.describe()],
        rows_checked=len(head),
        valid=len(head) - len(problems),
        rejected=len(problems),
        first_errors=problems[:20],
        warned=len(warned),
        first_warnings=warned[:20],
    )


# -- running: each function is one transaction of imports/jobs.py's runner ----------------


def fail(
    conn: Conn, *, caller: Caller, id: int, message: str, runner: str | None = None
) -> ImportRead:
    """Mark the job failed, with why: with ``runner``, only while that runner holds it
    (a runner that was taken over leaves the job to its new one)."""
    values = {"status": "failed", "error": message[:2000], "updated_at": clock.now()}
    if runner is None:
        repository.update_job(conn, workspace_id=caller.workspace_id, id=id, values=values)
    elif not repository.update_held(
        conn, workspace_id=caller.workspace_id, id=id, runner=runner, values=values
    ):
        return get_job(conn, caller=caller, id=id)
    job = get_job(conn, caller=caller, id=id)
    event_service.record(conn, caller, "import.failed", list_id=job.list_id, data=job)
    return job


def start(
    conn: Conn,
    *,
    caller: Caller,
    id: int,
    lst: ListRead,
    mapping: Mapping,
    force: bool,
    runner: str,
    lease: dt.timedelta,
    on_duplicate: str = "skip",
) -> Plan:
    """Claim the job for ``runner`` (Conflict when another process holds its lease) and
    plan its rows."""
    now = clock.now()
    job = repository.get_job(conn, workspace_id=caller.workspace_id, id=id)
    assert job is not None
    force = force or job["status"] == "failed"  # resuming a failed job is asked for
    if not repository.claim(
        conn,
        workspace_id=caller.workspace_id,
        id=id,
        runner=runner,
        now=now,
        until=now + lease,
        dead=_dead_runners(conn),
        force=force,
    ):
        raise Conflict(f"Import {id} is being run by another process.")
    repository.update_job(
        conn, workspace_id=caller.workspace_id, id=id, values={"columns": list(mapping.targets)}
    )
    return _plan(
        conn, caller=caller, lst=lst, mapping=mapping, define=True, on_duplicate=on_duplicate
    )


def finish(conn: Conn, *, caller: Caller, id: int, runner: str) -> ImportRead:
    """Mark the job done (LeaseLost when ``runner`` no longer holds it)."""
    now = clock.now()
    if not repository.update_held(
        conn,
        workspace_id=caller.workspace_id,
        id=id,
        runner=runner,
        values={"status": "done", "finished_at": now, "updated_at": now, "lease_until": None},
    ):
        raise LeaseLost(f"Import {id} is no longer run by this process ({runner}).")
    job = get_job(conn, caller=caller, id=id)
    event_service.record(conn, caller, "import.completed", list_id=job.list_id, data=job)
    return job


def commit_chunk(
    conn: Conn,
    *,
    caller: Caller,
    id: int,
    lst: ListRead,
    chunk: list[Row],
    results: list[Result],
    on_duplicate: str,
    bytes_done: int,
    runner: str,
    lease: dt.timedelta,
) -> ImportRead:
    """Write one chunk and the job's progress, in the caller's one transaction, which
    first renews ``runner``'s lease (LeaseLost, and nothing written, when it is gone)."""
    _hold(conn, caller=caller, id=id, runner=runner, lease=lease)
    now = clock.now()
    rejects: list[dict[str, Any]] = []
    good = iter(results)
    outcomes: list[tuple[Row, NewContact, list[Problem]]] = []
    for row in chunk:
        if row.error is not None:
            rejects.append(_reject(id, row, [("row", row.error)]))
            continue
        contact, problems, kept = next(good)
        if problems or contact is None:
            rejects.append(_reject(id, row, problems or []))
        else:
            outcomes.append((row, contact, kept))

    written = contact_service.write_batch(
        conn,
        caller=caller,
        lst=lst,
        rows=[contact for _row, contact, _kept in outcomes],
        on_duplicate=on_duplicate,
    )
    counts = dict.fromkeys(("created", "updated", "skipped"), 0)
    warned: list[dict[str, Any]] = []
    for (row, _columns, kept), result in zip(outcomes, written, strict=True):
        if result.error is not None:
            error = result.error
            problems = [(f.name, f.detail) for f in error.fields] or [("row", error.detail)]
            rejects.append(_reject(id, row, problems))
            continue
        counts[result.action] += 1
        if kept and result.action != "skipped":
            warned.append({"import_id": id, "line": row.line, "warnings": _named(kept)})
    repository.insert_rejects(conn, workspace_id=caller.workspace_id, rows=rejects)
    repository.insert_warnings(conn, workspace_id=caller.workspace_id, rows=warned)
    job = repository.get_job(conn, workspace_id=caller.workspace_id, id=id)
    assert job is not None
    repository.update_job(
        conn,
        workspace_id=caller.workspace_id,
        id=id,
        values={
            "rows_read": job["rows_read"] + len(chunk),
            "created": job["created"] + counts["created"],
            "updated": job["updated"] + counts["updated"],
            "skipped": job["skipped"] + counts["skipped"],
            "rejected": job["rejected"] + len(rejects),
            "warned": job["warned"] + len(warned),
            "last_line": max(job["last_line"], chunk[-1].line),
            "bytes_done": bytes_done,
            "updated_at": now,
        },
    )
    return get_job(conn, caller=caller, id=id)


def _reject(import_id: int, row: Row, problems: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "import_id": import_id,
        "line": row.line,
        "original": row.original if row.original is not None else row.values,
        "errors": _named(problems),
    }


def _named(problems: list[Problem]) -> list[dict[str, str]]:
    return [{"name": n, "detail": d} for n, d in problems]


# -- rejects ------------------------------------------------------------------------------


def rejects_csv(db: Database, *, caller: Caller, id: int) -> Iterator[str]:
    """The rejected rows as CSV: line, the reasons (per field), then the row as it was."""
    job = _job_row(db, caller=caller, id=id)

    def cells(reject: dict[str, Any]) -> list[Any]:
        original = reject["original"]
        if isinstance(original, list):
            row = original
        elif isinstance(original, str):
            row = [original]
        else:
            row = [msgspec.json.encode(original).decode()]
        return [reject["line"], _reasons(reject["errors"]), *row]

    header = ["line", "errors", *(job["columns"] or ["row"])]
    return _csv(db, caller=caller, id=id, read=repository.rejects, header=header, cells=cells)


def warnings_csv(db: Database, *, caller: Caller, id: int) -> Iterator[str]:
    """The rows imported with a warning, as CSV: line, then what was kept or ignored."""
    _job_row(db, caller=caller, id=id)
    return _csv(
        db,
        caller=caller,
        id=id,
        read=repository.warnings,
        header=["line", "warnings"],
        cells=lambda row: [row["line"], _reasons(row["warnings"])],
    )


def _job_row(db: Database, *, caller: Caller, id: int) -> dict[str, Any]:
    job = db.run_read(repository.get_job, workspace_id=caller.workspace_id, id=id)
    if job is None:
        raise NotFound(f"No import with id {id}.")
    return job


def _reasons(named: list[dict[str, str]]) -> str:
    return "; ".join(f"{e['name']}: {e['detail']}" for e in named)


def _csv(
    db: Database,
    *,
    caller: Caller,
    id: int,
    read: Callable[..., list[dict[str, Any]]],
    header: list[str],
    cells: Callable[[dict[str, Any]], list[Any]],
) -> Iterator[str]:
    """An import's rows of one kind (``read``, by line) as CSV text, a page at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    after = 0
    while True:
        page = db.run_read(
            read, workspace_id=caller.workspace_id, import_id=id, after_line=after,
            limit=REJECTS_PAGE,
        )  # fmt: skip
        for row in page:
            writer.writerow(cells(row))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(page) < REJECTS_PAGE:
            return
        after = page[-1]["line"]


def store_upload(source: Path, directory: Path) -> Path:
    """Keep an uploaded file in the data directory (imports are resumable from it)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{clock.now().strftime('%Y%m%dT%H%M%S')}-{source.name}"
    shutil.copyfile(source, target)
    return target
