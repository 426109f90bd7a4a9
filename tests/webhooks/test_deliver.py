"""`dialbook webhooks deliver`: deliveries from a process of their own, beside servers
started with DIALBOOK_WEBHOOKS_DELIVERY=off. On SQLite (the deliverers share the server's
database file) and PostgreSQL."""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import httpx2 as httpx
import pytest
from click.testing import CliRunner
from standardwebhooks import Webhook

from dialbook.app import create_app
from dialbook.cli import cli
from dialbook.config import SettingError, Settings
from dialbook.db import Database
from dialbook.webhooks.delivery import POLL, Deliverer
from tests import servers
from tests.metrics import sample
from tests.test_reliability import Server
from tests.webhooks.receiver import Receiver

# -- the setting ----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "read"), [("serve", "serve"), ("off", "off"), (" OFF", "off")])
def test_the_setting_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, read: str
) -> None:
    assert Settings.from_env().webhooks_delivery == "serve"  # the default
    monkeypatch.setenv("DIALBOOK_WEBHOOKS_DELIVERY", value)
    assert Settings.from_env().webhooks_delivery == read


@pytest.mark.parametrize("value", ["no", "deliver", ""])
def test_a_bad_value_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str, tmp_path: Path
) -> None:
    monkeypatch.setenv("DIALBOOK_WEBHOOKS_DELIVERY", value)
    with pytest.raises(SettingError, match="DIALBOOK_WEBHOOKS_DELIVERY must be serve or off"):
        Settings.from_env()
    env = {"DIALBOOK_DATA_DIR": str(tmp_path / "data"), "DIALBOOK_WEBHOOKS_DELIVERY": value}
    result = CliRunner(env=env).invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: DIALBOOK_WEBHOOKS_DELIVERY must be serve or off, not {value!r}"
    ]
    assert not (tmp_path / "data").exists()  # refused before anything was created


def test_with_delivery_off_the_app_has_no_deliverer(db: Database, tmp_path: Path) -> None:
    def deliverer(settings: Settings) -> Deliverer | None:
        workers = create_app(settings, db=db).state.services.workers
        with contextlib.suppress(LookupError):
            found: Deliverer = workers.get(Deliverer)
            return found
        return None

    assert deliverer(Settings(data_dir=tmp_path)) is not None
    assert deliverer(Settings(data_dir=tmp_path, webhooks_delivery="off")) is None


# -- processes --------------------------------------------------------------------------------


@pytest.fixture
def env(db_url: str, admin_key: str, tmp_path: Path) -> dict[str, str]:
    """For the servers and the deliverers: the test's database, loopback receivers
    allowed, a 5 s timeout, and one metrics directory for every process."""
    shared = tmp_path / "prometheus"
    shared.mkdir()
    return servers.own_env(
        DIALBOOK_DATABASE_URL=db_url,
        DIALBOOK_WEBHOOKS_ALLOW_PRIVATE="1",
        DIALBOOK_WEBHOOK_TIMEOUT="5",
        PROMETHEUS_MULTIPROC_DIR=str(shared),
    )


class Deliver:
    """A `dialbook webhooks deliver` process of our own, stopped by its id."""

    def __init__(self, env: dict[str, str], cwd: Path, name: str) -> None:
        self.output_path = cwd / f"{name}.log"
        self._output: IO[bytes] = self.output_path.open("wb")
        self.process = subprocess.Popen(
            [servers.DIALBOOK, "webhooks", "deliver", "--log-level", "warning"],
            env=env,
            cwd=cwd,
            stdout=self._output,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        """Until it says it delivers (its stop signals are handled from then on)."""
        deadline = time.monotonic() + timeout
        while "Delivering webhooks" not in self.output:
            assert self.process.poll() is None, self.output
            assert time.monotonic() < deadline, self.output
            time.sleep(0.02)

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, as a service manager stops it; its exit status."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._output.close()

    @property
    def output(self) -> str:
        return self.output_path.read_text()


@contextlib.contextmanager
def _write_lock_held(url: str, seconds: float) -> Iterator[None]:
    """On SQLite, SQLite's write lock taken by this process for ``seconds`` while the
    block runs (as `dialbook db backup` or a CLI import would)."""
    if not url.startswith("sqlite"):
        yield
        return
    conn = sqlite3.connect(
        url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False
    )
    conn.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(seconds, conn.rollback)
    timer.start()
    try:
        yield
    finally:
        timer.join()
        conn.close()


def _client(server: Server, key: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=30)


def _create(client: httpx.Client, numbers: range) -> list[int]:
    """Contacts created four at a time (their writes meet the deliverers'); their ids."""

    def one(n: int) -> int:
        response = client.post("/v1/contacts", json={"phones": [f"+1212555{n:04d}"]})
        assert response.status_code == 201, response.text
        created: int = response.json()["id"]
        return created

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, numbers))


def _deliveries(client: httpx.Client, endpoint: int) -> list[dict[str, Any]]:
    response = client.get(f"/v1/webhook-endpoints/{endpoint}/deliveries", params={"limit": 500})
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["data"]
    return found


def _all_delivered(client: httpx.Client, endpoint: int, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 60
    while True:
        found = _deliveries(client, endpoint)
        if len(found) == count and all(d["status"] == "delivered" for d in found):
            return found
        assert time.monotonic() < deadline, found
        time.sleep(0.05)


@pytest.mark.slow
def test_deliver_processes_send_every_event_once_for_servers_that_do_not(
    env: dict[str, str], admin_key: str, receiver: Receiver, tmp_path: Path
) -> None:
    server = Server({**env, "DIALBOOK_WEBHOOKS_DELIVERY": "off"}, tmp_path)
    deliverers: list[Deliver] = []
    try:
        with _client(server, admin_key) as client:
            hook = client.post(
                "/v1/webhook-endpoints",
                json={"url": receiver.url, "events": ["contact.created"]},
            ).json()
            first = _create(client, range(0, 30))
            # The server alone sends nothing: its worker would have looked (after each
            # commit, and every POLL seconds) well within this.
            time.sleep(2 * POLL)
            assert receiver.received == []
            assert _deliveries(client, hook["id"]) == []  # not even queued
            # Two deliverers (several may run: each delivery is leased by one), while the
            # server keeps creating; on SQLite another process holds the write lock for a
            # while too: the server's writes and the deliverers' wait for it, none fails.
            deliverers = [Deliver(env, tmp_path, f"deliver-{i}") for i in range(2)]
            for deliverer in deliverers:
                deliverer.wait_ready()
            with _write_lock_held(env["DIALBOOK_DATABASE_URL"], seconds=1.0):
                second = _create(client, range(30, 60))
            receiver.wait_for(60)
            found = _all_delivered(client, hook["id"], 60)
            assert all(d["attempts"] == 1 for d in found)
            ids = [got.id for got in receiver.received]
            assert len(ids) == len(set(ids)) == 60
            signer = Webhook(hook["secret"])
            bodies = [signer.verify(got.body, got.headers) for got in receiver.received]
            contacts = [body["contact_id"] for body in bodies]
            assert sorted(contacts) == sorted(first + second)
            # The server's /metrics sums the deliverers' counts (one metrics directory).
            deadline = time.monotonic() + 30
            while (
                sample(
                    text := client.get("/metrics").text,
                    "dialbook_webhook_attempts_total",
                    result="delivered",
                )
                < 60
            ):
                assert time.monotonic() < deadline, text
                time.sleep(0.05)
        for deliverer in deliverers:
            assert deliverer.terminate() == 0, deliverer.output
            assert "Stopped" in deliverer.output
            assert "Traceback" not in deliverer.output  # no write failed, nothing logged
    finally:
        for deliverer in deliverers:
            deliverer.close()
        server.stop()


@pytest.mark.slow
def test_sigterm_lets_the_requests_in_flight_finish_and_stores_their_answers(
    env: dict[str, str], admin_key: str, receiver: Receiver, tmp_path: Path
) -> None:
    receiver.hold = threading.Event()
    server = Server({**env, "DIALBOOK_WEBHOOKS_DELIVERY": "off"}, tmp_path)
    deliverer = Deliver(env, tmp_path, "deliver")
    try:
        deliverer.wait_ready()
        with _client(server, admin_key) as client:
            hook = client.post("/v1/webhook-endpoints", json={"url": receiver.url}).json()
            _create(client, range(1))
            receiver.wait_for(1)
            assert receiver.answered == []  # in flight: the answer waits for the hold
            deliverer.process.send_signal(signal.SIGTERM)
            receiver.hold.set()
            assert deliverer.process.wait(timeout=30) == 0, deliverer.output
            # Stored before the process ended: not left pending under a lease.
            (delivery,) = _deliveries(client, hook["id"])
            assert (delivery["status"], delivery["attempts"]) == ("delivered", 1)
    finally:
        deliverer.close()
        server.stop()
