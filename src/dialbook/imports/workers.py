"""Normalizing rows in worker processes. Pure: rows in, column values or problems out.

Each worker gets the :class:`Plan` once (the mapping, the regions, the custom field
definitions) and then only chunks of rows, so a chunk costs its rows and nothing else.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from dialbook.contacts import normalize, prepared
from dialbook.errors import FieldError, InvalidInput
from dialbook.imports.mapping import Mapping, to_given
from dialbook.kit.processes import exit_with_parent
from dialbook.normalize.fields import FieldDefinition

T = TypeVar("T")
R = TypeVar("R")

Problem = tuple[str, str]  # (name, detail)
# (contact, problems, warnings): the new contact ready to insert when the row is good,
# else its problems; the warnings of a good row name what was kept as given or ignored
# (an unknown state, an unusable time zone), as the API's Dialbook-Warnings header does.
Result = tuple[prepared.NewContact | None, list[Problem] | None, list[Problem]]


@dataclass(frozen=True, slots=True)
class Plan:
    mapping: Mapping
    regions: tuple[str | None, ...]
    definitions: dict[str, FieldDefinition]
    list_default_timezone: str | None
    target: prepared.Target
    format: prepared.RowFormat
    phone_order: str = "as_given"


def normalize_rows(plan: Plan, rows: Iterable[dict[str, Any]]) -> list[Result]:
    results: list[Result] = []
    prepare = prepared.preparer(plan.target, plan.format)
    for values in rows:
        given, problems = to_given(values, plan.mapping)
        warnings: list[FieldError] = []
        try:
            columns = normalize.build(
                given,
                regions=plan.regions,
                definitions=plan.definitions,
                list_default_timezone=plan.list_default_timezone,
                phone_order=plan.phone_order,
                warnings=warnings,
            )
        except InvalidInput as error:
            problems += error.fields
            columns = None
        if problems or columns is None:
            results.append((None, [(p.name, p.detail) for p in problems], []))
        else:
            # Everything the writer would otherwise do per row happens here, in parallel.
            contact = prepare(columns, given)
            results.append((contact, None, [(w.name, w.detail) for w in warnings]))
    return results


_plan: Plan | None = None
WORKER_NICENESS = 10


def _init(plan: Plan) -> None:
    global _plan
    _plan = plan
    # Normalizing rows may wait; a server answering requests beside it should not.
    os.nice(WORKER_NICENESS)
    exit_with_parent()  # a server killed with -9 leaves no worker behind


def _work(rows: list[dict[str, Any]]) -> list[Result]:
    assert _plan is not None
    return normalize_rows(_plan, rows)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


PART = 500  # rows per message to a worker: smaller messages keep each worker's peak low


def run_ordered(
    plan: Plan, chunks: Iterator[T], rows_of: Callable[[T], list[dict[str, Any]]], workers: int
) -> Generator[tuple[T, list[Result]], None, None]:
    """Normalize chunks in ``workers`` processes (inline when 0), yielding them in order.

    At most two chunks per worker are in flight, so reading never runs ahead of writing
    and memory stays flat. Each chunk goes to the workers in parts of PART rows: a
    worker holds one part's rows and finished contacts at a time.
    """
    if workers <= 0:
        for chunk in chunks:
            yield chunk, normalize_rows(plan, rows_of(chunk))
        return
    context = multiprocessing.get_context("spawn")  # no fork: the server has threads
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init, initargs=(plan,)
    ) as pool:
        pending: deque[tuple[T, list[concurrent.futures.Future[list[Result]]]]] = deque()

        def submit(chunk: T) -> None:
            rows = rows_of(chunk)
            parts = [rows[i : i + PART] for i in range(0, len(rows), PART)]
            pending.append((chunk, [pool.submit(_work, part) for part in parts]))

        def first() -> tuple[T, list[Result]]:
            done, futures = pending.popleft()
            return done, [result for future in futures for result in future.result()]

        try:
            for chunk in chunks:
                submit(chunk)
                if len(pending) >= workers * 2:
                    yield first()
            while pending:
                yield first()
        finally:  # stopped early (an error, a stop): drop the parts not started
            pool.shutdown(wait=True, cancel_futures=True)
