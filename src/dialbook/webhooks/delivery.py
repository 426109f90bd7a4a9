"""The webhook delivery worker, one task per endpoint: inside ``dialbook serve``, or alone
in ``dialbook webhooks deliver`` (with ``DIALBOOK_WEBHOOKS_DELIVERY=off`` for the servers).

Each endpoint's task repeats: one short write transaction that turns new events into
deliveries and leases the due ones (webhooks.service.take), a read of their events in the
endpoint's format (prepare), the HTTP requests (concurrently, signed per Standard
Webhooks), then one write that stores the answers (settle). It only reads the events the
API's writes committed; its own two writes are kept short, as on SQLite they hold the
database's one write lock (reading events, rendering and sending happen outside them).
Between passes a task waits until this process commits events (a server's own writes) or
for a pause that adapts to the work: QUICK after a pass that found some, doubling while
passes find none, up to POLL (events of other processes, retries coming due). A process
of its own, which commits no events, finds new ones that way: within QUICK while they keep
coming, within POLL of the first one after a quiet spell.

With several processes (servers on PostgreSQL, or deliver processes on either backend)
each delivery is leased by exactly one of them (on PostgreSQL ``FOR UPDATE SKIP LOCKED``;
SQLite's single writer takes one lease at a time); a process that dies lets its leases run
out and another one (or itself, restarted) sends them again with the same ``webhook-id``:
at least once. A deliverer stopped with a grace period lets the requests in flight finish
and stores their answers first.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import logging
import socket
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from standardwebhooks import Webhook

from dialbook import __version__
from dialbook.config import Settings
from dialbook.db import Conn, Database
from dialbook.kit import clock
from dialbook.kit.metrics import WEBHOOK_ATTEMPTS, WEBHOOK_LAG
from dialbook.webhooks import service as webhook_service
from dialbook.webhooks import targets
from dialbook.webhooks.service import Answer, Outgoing, Policy, Render, Taken

log = logging.getLogger("dialbook.webhooks")

POLL = 1.0  # seconds: the longest wait between looks for work (when none was found)
QUICK = 0.05  # seconds: the wait after a pass that found work, doubled after each idle one
LOOK_EVERY = 0.2  # seconds: the least time between two looks for new endpoints
BATCH = 200  # deliveries leased per endpoint and pass
CONCURRENCY = 64  # requests in flight per endpoint
LEASE_MARGIN = 5.0  # seconds a lease outlasts the request timeout


class GuardedResolver(AbstractResolver):
    """Resolves names, then drops the addresses webhooks may not reach (webhooks/targets.py):
    the check applies to the very addresses the connection uses."""

    def __init__(self, *, allow_private: bool) -> None:
        self._inner = aiohttp.ThreadedResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        allowed = [
            r
            for r in found
            if targets.address_allowed(r["host"], allow_private=self._allow_private)
        ]
        if not allowed:
            raise OSError(f"{host} resolves only to non-public addresses; {targets.PRIVATE_HINT}")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number, or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        return max((when - dt.datetime.now(dt.UTC)).total_seconds(), 0.0)
    return None


class Sender:
    """Signs and posts one delivery; never raises for what the receiver does."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._signers: dict[str, Webhook] = {}
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=256,
                limit_per_host=CONCURRENCY,
                resolver=GuardedResolver(allow_private=self._settings.webhooks_allow_private),
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=self._settings.webhook_timeout),
                headers={"User-Agent": f"dialbook-webhooks/{__version__}"},
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def headers(self, outgoing: Outgoing, body: bytes, at: dt.datetime) -> dict[str, str]:
        signatures = []
        for secret in outgoing.secrets:
            signer = self._signers.get(secret)
            if signer is None:
                signer = self._signers[secret] = Webhook(secret)
            signatures.append(signer.sign(outgoing.webhook_id, at, body))
        return {
            "content-type": "application/json",
            "webhook-id": outgoing.webhook_id,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": " ".join(signatures),
        }

    async def send(self, outgoing: Outgoing) -> Answer:
        started = time.perf_counter()

        def answer(status: int | None, error: str | None = None, **extra: Any) -> Answer:
            ms = int((time.perf_counter() - started) * 1000)
            return Answer(outgoing, status, ms, error, **extra)

        if outgoing.body is None:
            return answer(None, "nothing to send: the event was pruned, or this format skips it")
        problem = targets.url_problem(
            outgoing.url, allow_private=self._settings.webhooks_allow_private
        )
        if problem:
            return answer(None, f"url {problem}")
        body = outgoing.body
        try:
            async with self._client().post(
                outgoing.url,
                data=body,
                headers=self.headers(outgoing, body, dt.datetime.now(dt.UTC)),
                allow_redirects=False,
            ) as response:
                status = response.status
                wait = None
                if status in (429, 503):
                    wait = _retry_after(response.headers.get("Retry-After"))
                response.release()
        except TimeoutError:
            return answer(None, f"no answer within {self._settings.webhook_timeout:g} s")
        except (aiohttp.ClientError, OSError) as error:
            return answer(None, f"{type(error).__name__}: {error}"[:500])
        if 300 <= status < 400:
            return answer(status, f"answered {status}; redirects are not followed")
        return answer(
            status, None if 200 <= status < 300 else f"answered {status}", retry_after=wait
        )


def _take(conn: Conn, *, key: tuple[int, int], lease_seconds: float) -> Taken | None:
    workspace_id, id = key
    return webhook_service.take(
        conn,
        workspace_id=workspace_id,
        id=id,
        now=clock.now(),
        limit=BATCH,
        lease_seconds=lease_seconds,
    )


def _prepare(conn: Conn, *, taken: Taken, renders: Mapping[str, Render]) -> list[Outgoing]:
    return webhook_service.prepare(conn, taken=taken, now=clock.now(), renders=renders)


def _settle(conn: Conn, *, answers: list[Answer], policy: Policy) -> None:
    webhook_service.settle(conn, answers=answers, now=clock.now(), policy=policy)


def _count(answers: list[Answer]) -> None:
    """Attempts by result, and each delivered event's lag, into GET /metrics."""
    now = dt.datetime.now(dt.UTC)
    for answer in answers:
        WEBHOOK_ATTEMPTS.labels("delivered" if answer.ok else "failed").inc()
        if answer.ok and answer.outgoing.event_at is not None:
            WEBHOOK_LAG.observe(max(0.0, (now - answer.outgoing.event_at).total_seconds()))


class Deliverer:
    """Keeps one task per enabled endpoint running until :meth:`stop`.

    ``grace``: seconds :meth:`stop` lets the endpoints with requests in flight finish them
    and store the answers (0, a server's default: stop at once, leaving them to their
    leases)."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        formats: Mapping[str, Render],
        *,
        grace: float = 0.0,
    ) -> None:
        self._db = db
        self._settings = settings
        self._formats = {"standard": webhook_service.standard, **formats}
        self._policy = Policy(
            retry_scale=settings.webhook_retry_scale,
            disable_after=dt.timedelta(seconds=settings.webhook_disable_after_seconds),
        )
        self._sender = Sender(settings)
        self._grace = grace
        self._endpoints: set[tuple[int, int]] = set()
        self._tasks: dict[tuple[int, int], asyncio.Task[None]] = {}
        self._busy: set[tuple[int, int]] = set()  # taken, not yet settled
        self._stopping = False
        self._supervisor: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    async def stop(self) -> None:
        self._stopping = True
        busy = [task for key, task in self._tasks.items() if key in self._busy]
        tasks = [t for t in (self._supervisor, *self._tasks.values()) if t is not None]
        for task in tasks:
            if task not in busy:
                task.cancel()
        if busy and self._grace > 0:
            # Each busy task ends after storing its answers (it sees _stopping); what is
            # still in flight after the grace is cancelled and left to its lease.
            await asyncio.wait(busy, timeout=self._grace)
        for task in busy:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        await self._sender.close()

    async def _supervise(self) -> None:
        while True:
            try:
                self._endpoints = set(await self._db.read(webhook_service.endpoints_to_serve))
            except Exception:  # noqa: BLE001 - a database hiccup must not end deliveries
                log.exception("webhooks: cannot list endpoints")
            for key in self._endpoints - self._tasks.keys():
                self._tasks[key] = asyncio.create_task(self._serve(key), name=f"webhooks-{key}")
            for key, task in list(self._tasks.items()):
                if task.done():
                    del self._tasks[key]
            # Under a stream of writes events commit every few milliseconds: look again
            # at most every LOOK_EVERY seconds, not once per commit.
            await asyncio.sleep(LOOK_EVERY)
            await self._db.events.wait(POLL)

    async def _serve(self, key: tuple[int, int]) -> None:
        pause = QUICK
        while key in self._endpoints and not self._stopping:
            try:
                taken = await self._pass(key)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - keep delivering; leases make it safe to retry
                log.exception("webhooks: endpoint %s/%s", *key)
                await asyncio.sleep(POLL)
                continue
            if taken == BATCH or self._stopping:
                continue  # a full batch: more is waiting (or the loop ends)
            # A pass that found work looks again soon (the next batch gathers meanwhile);
            # each idle one waits twice as long, up to POLL. A commit here wakes it at once.
            await self._db.events.wait(QUICK if taken else pause)
            pause = QUICK if taken else min(pause * 2, POLL)

    async def _pass(self, key: tuple[int, int]) -> int:
        """Take the endpoint's due deliveries, send them and store the answers; how many."""
        lease = self._settings.webhook_timeout + LEASE_MARGIN
        self._busy.add(key)
        try:
            taken = await self._db.write(_take, key=key, lease_seconds=lease)
            if taken is None:
                return 0
            outgoing = await self._db.read(_prepare, taken=taken, renders=self._formats)
            answers = await self._send_all(outgoing)
            await self._db.write(_settle, answers=answers, policy=self._policy)
        finally:
            self._busy.discard(key)
        _count(answers)
        return len(outgoing)

    async def _send_all(self, outgoing: list[Outgoing]) -> list[Answer]:
        limit = asyncio.Semaphore(CONCURRENCY)

        async def one(item: Outgoing) -> Answer:
            async with limit:
                return await self._sender.send(item)

        return list(await asyncio.gather(*(one(item) for item in outgoing)))
