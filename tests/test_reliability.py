"""Crash safety, backups and concurrency against real server processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx2 as httpx
import pytest
from click.testing import CliRunner

from dialbook.cli import cli
from dialbook.db.tenancy import CHECK_VARIABLE
from dialbook.lists.schemas import WEEKDAYS
from tests import servers
from tests.conftest import POSTGRES_ADMIN_URL
from tests.servers import process_children, process_parent, process_running

pytestmark = pytest.mark.slow


class Server:
    """A `dialbook serve` process of our own, stopped by its id."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env = env
        self.process, self.url = servers.spawn("--log-level", "warning", env=env, cwd=cwd)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(f"{self.url}/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("server did not start")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        servers.stop(self.process, timeout=20)


@pytest.fixture
def home(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[dict[str, str], str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIALBOOK_")}
    env["DIALBOOK_DATA_DIR"] = str(tmp_path / "data")
    runner = CliRunner(
        env={"DIALBOOK_DATA_DIR": env["DIALBOOK_DATA_DIR"], "DIALBOOK_DATABASE_URL": ""}
    )
    key = runner.invoke(cli, ["keys", "create", "--scopes", "admin", "--quiet"]).output.strip()
    return env, key


def test_kill_9_during_creates_loses_no_acknowledged_write(
    home: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    env, key = home
    server = Server(env, tmp_path)
    acknowledged: list[int] = []
    stop = threading.Event()

    def create(worker: int) -> None:
        with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=5) as client:
            for i in range(100_000):
                if stop.is_set():
                    return
                try:
                    response = client.post(
                        "/v1/contacts",
                        json={
                            "full_name": f"W{worker} {i}",
                            "phones": [f"+1212{worker + 200}{i:04d}"],
                        },
                    )
                except httpx.TransportError:
                    return
                if response.status_code == 201:
                    acknowledged.append(response.json()["id"])

    try:
        threads = [threading.Thread(target=create, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 300 and time.monotonic() < deadline:
            time.sleep(0.02)
        server.kill()
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    assert len(acknowledged) >= 300
    database = Path(env["DIALBOOK_DATA_DIR"]) / "dialbook.db"
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in conn.execute("SELECT id FROM contacts")}
        assert set(acknowledged) <= stored
        # Nothing half-written: every contact has its phone index row, and no index row
        # points at a missing contact.
        orphans = conn.execute(
            "SELECT count(*) FROM contacts c WHERE NOT EXISTS "
            "(SELECT 1 FROM contact_phones p WHERE p.contact_id = c.id)"
        ).fetchone()[0]
        dangling = conn.execute(
            "SELECT count(*) FROM contact_phones p WHERE NOT EXISTS "
            "(SELECT 1 FROM contacts c WHERE c.id = p.contact_id)"
        ).fetchone()[0]
        assert (orphans, dangling) == (0, 0)
    restarted = Server(env, tmp_path)
    try:
        with httpx.Client(base_url=restarted.url, headers={"x-api-key": key}) as client:
            for contact_id in acknowledged[-20:]:
                assert client.get(f"/v1/contacts/{contact_id}").status_code == 200
    finally:
        restarted.stop()


def test_an_import_killed_with_the_server_resumes_when_it_restarts(
    home: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    env, key = home
    rows = 40_000
    path = tmp_path / "leads.csv"
    with path.open("w") as handle:
        handle.write("Name,Phone\n")
        for i in range(rows):
            handle.write(f"P{i},+1312{i // 10000 + 200}{i % 10000:04d}\n")
    server = Server(env, tmp_path)
    try:
        with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=30) as client:
            lst = client.post(
                "/v1/lists", json={"name": "Big", "duplicate_policy": {"key": "none"}}
            ).json()
            job = client.post(
                f"/v1/lists/{lst['id']}/imports",
                content=path.read_bytes(),
                params={"filename": "leads.csv"},
            ).json()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                progress = client.get(f"/v1/imports/{job['id']}").json()
                if progress["last_line"] > 2000:
                    break
                time.sleep(0.02)
        assert progress["status"] == "running", progress
        server.kill()
    finally:
        server.stop()
    restarted = Server(env, tmp_path)
    try:
        with httpx.Client(base_url=restarted.url, headers={"x-api-key": key}, timeout=30) as client:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                done = client.get(f"/v1/imports/{job['id']}").json()
                if done["status"] in ("done", "failed"):
                    break
                time.sleep(0.1)
            assert (done["status"], done["created"], done["rejected"]) == ("done", rows, 0), done
    finally:
        restarted.stop()
    with sqlite3.connect(Path(env["DIALBOOK_DATA_DIR"]) / "dialbook.db") as conn:
        assert conn.execute(
            "SELECT count(*), count(DISTINCT dial_number) FROM contacts"
        ).fetchone() == (rows, rows)


def test_backup_and_restore_round_trip(home: tuple[dict[str, str], str], tmp_path: Path) -> None:
    env, _key = home
    runner = CliRunner(
        env={"DIALBOOK_DATA_DIR": env["DIALBOOK_DATA_DIR"], "DIALBOOK_DATABASE_URL": ""}
    )

    def names() -> list[str]:
        found = runner.invoke(cli, ["contacts", "find", "--json"])
        return sorted(c["full_name"] for c in json.loads(found.output))

    for name in ("Ada Lovelace", "Alan Turing"):
        runner.invoke(
            cli, ["contacts", "add", "--name", name, "--phone", f"+1415555{len(name):04d}"]
        )
    backup = tmp_path / "backups" / "b.db"
    done = runner.invoke(cli, ["db", "backup", str(backup)])
    assert done.exit_code == 0, done.output
    assert "integrity ok" in done.output
    assert runner.invoke(cli, ["db", "backup", str(backup)]).exit_code == 1  # never overwrites
    runner.invoke(cli, ["contacts", "add", "--name", "Grace Hopper", "--phone", "+14155559999"])
    assert names() == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    restored = runner.invoke(cli, ["db", "restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert names() == ["Ada Lovelace", "Alan Turing"]


def test_backup_on_postgresql_points_to_pg_dump() -> None:
    runner = CliRunner(env={"DIALBOOK_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    result = runner.invoke(cli, ["db", "backup", "x.db"])
    assert result.exit_code == 1
    assert "pg_dump" in result.output


def upsert_storm(urls: list[str], key: str) -> list[int]:
    def one(i: int) -> int:
        with httpx.Client(
            base_url=urls[i % len(urls)], headers={"x-api-key": key}, timeout=30
        ) as client:
            body = {"phones": ["(212) 555-0100"], "tags": [f"t{i}"]}
            return client.post("/v1/contacts/upsert", json=body).status_code

    with ThreadPoolExecutor(32) as pool:
        return list(pool.map(one, range(32)))


def test_32_concurrent_upserts_of_one_phone_make_one_contact_on_sqlite(
    home: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    env, key = home
    server = Server(env, tmp_path)
    try:
        statuses = upsert_storm([server.url], key)
        with httpx.Client(base_url=server.url, headers={"x-api-key": key}) as client:
            found = client.get("/v1/contacts", params={"phone": "2125550100"}).json()["data"]
    finally:
        server.stop()
    assert sorted(set(statuses)) == [200, 201]
    assert statuses.count(201) == 1
    assert len(found) == 1


@pytest.fixture
def two_servers(tmp_path: Path, worker_id: str) -> Iterator[tuple[list[Server], str]]:
    """Two `dialbook serve` processes on a new PostgreSQL database, and an admin key."""
    if POSTGRES_ADMIN_URL is None:
        pytest.skip("several server processes need PostgreSQL")
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from dialbook.db import engine as engines

    admin = make_url(engines.normalize_url(POSTGRES_ADMIN_URL))
    name = f"dialbook_servers_{os.getpid()}_{worker_id}"
    admin_engine = engines.create(admin.render_as_string(hide_password=False), pool_size=1)
    with admin_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.set(database=name).render_as_string(hide_password=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIALBOOK_")}
    env["DIALBOOK_DATABASE_URL"] = url
    env[CHECK_VARIABLE] = os.environ[CHECK_VARIABLE]  # the servers' statements are checked too
    env["DIALBOOK_IMPORT_LEASE_SECONDS"] = "5"  # a killed server's import is taken over soon
    started: list[Server] = []
    try:
        runner = CliRunner(env={"DIALBOOK_DATABASE_URL": url})
        key = runner.invoke(cli, ["keys", "create", "--scopes", "admin", "--quiet"]).output.strip()
        started = [Server(env, tmp_path), Server(env, tmp_path)]
        yield started, key
    finally:
        for server in started:
            server.stop()
        with admin_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.mark.postgres
def test_32_concurrent_upserts_across_two_server_processes_on_postgresql(
    two_servers: tuple[list[Server], str],
) -> None:
    servers, key = two_servers
    statuses = upsert_storm([s.url for s in servers], key)
    with httpx.Client(base_url=servers[0].url, headers={"x-api-key": key}) as client:
        found = client.get("/v1/contacts", params={"phone": "2125550100"}).json()["data"]
    assert statuses.count(201) == 1
    assert set(statuses) <= {200, 201}
    assert len(found) == 1
    assert len(found[0]["tags"]) == 1  # upsert tags replace; the last writer's tag stays


def _awake_zone() -> str:
    """A zone where it is now well inside the day, so an all-day window is open."""
    now = dt.datetime.now(dt.UTC)
    for zone in ("America/New_York", "Asia/Tokyo", "Europe/London"):
        if 2 <= now.astimezone(ZoneInfo(zone)).hour <= 21:
            return zone
    raise AssertionError("unreachable: the three zones are 4+ hours apart")


@pytest.mark.postgres
def test_8_dialers_claiming_across_two_server_processes_never_share_a_contact(
    two_servers: tuple[list[Server], str],
) -> None:
    servers, key = two_servers
    headers = {"x-api-key": key}
    with httpx.Client(base_url=servers[0].url, headers=headers, timeout=60) as client:
        window = {"start": "00:00", "end": "23:59", "days": list(WEEKDAYS)}
        body = {
            "name": "Storm",
            "calling_window": window,
            "compliance": {"us_state_rules": False},
        }
        lst = client.post("/v1/lists", json=body).json()
        zone = _awake_zone()
        contacts = [{"phones": [f"+1212555{n:04d}"], "timezone": zone} for n in range(160)]
        for contact in contacts:
            answer = client.post("/v1/contacts", json={**contact, "list_id": lst["id"]})
            assert answer.status_code == 201, answer.text

    def dialer(n: int) -> list[int]:
        got: list[int] = []
        base = servers[n % 2].url
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            while True:
                answer = client.post(
                    f"/v1/lists/{lst['id']}/queue/claim", json={"count": 3, "agent": f"a{n}"}
                )
                assert answer.status_code == 200, answer.text
                leases = answer.json()["leases"]
                if not leases:
                    return got
                got += [lease["contact"]["id"] for lease in leases]

    with ThreadPoolExecutor(8) as pool:
        claimed = [c for got in pool.map(dialer, range(8)) for c in got]
    assert len(claimed) == len(set(claimed)) == 160


@pytest.mark.postgres
def test_an_import_whose_server_is_killed_is_finished_by_the_other_server(
    two_servers: tuple[list[Server], str], tmp_path: Path
) -> None:
    from sqlalchemy import text

    from dialbook.db import engine as engines

    servers, key = two_servers
    rows = 60_000  # several seconds of work on PostgreSQL
    path = tmp_path / "leads.csv"
    with path.open("w") as handle:
        handle.write("Name,Phone\n")
        for i in range(rows):
            handle.write(f"P{i},+1312{i // 10000 + 200}{i % 10000:04d}\n")
    engine = engines.create(servers[0].env["DIALBOOK_DATABASE_URL"], pool_size=1)

    def one(query: str) -> tuple[object, ...]:
        with engine.connect() as conn:
            return tuple(conn.execute(text(query)).one())

    try:
        with httpx.Client(base_url=servers[0].url, headers={"x-api-key": key}, timeout=60) as api:
            lst = api.post(
                "/v1/lists", json={"name": "Big", "duplicate_policy": {"key": "none"}}
            ).json()
            job = api.post(
                f"/v1/lists/{lst['id']}/imports",
                content=path.read_bytes(),
                params={"filename": "leads.csv"},
            ).json()
            workspace = api.get("/v1/workspaces").json()["data"][0]["id"]
        where = f"workspace_id = {workspace} AND id = {job['id']}"
        # Whichever process claimed it (any may): wait for two committed chunks.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status, last_line, runner = one(
                f"SELECT status, last_line, runner FROM imports WHERE {where}"
            )
            if status == "running" and int(str(last_line)) > 4000:
                break
            time.sleep(0.02)
        assert (status, int(str(last_line)) < rows) == ("running", True), (status, last_line)
        # A child process of one server runs the import, its workers under it.
        child = int(str(runner).split("/")[0].rpartition(":")[2])
        victim = next(s for s in servers if s.process.pid == process_parent(child))
        survivor = next(s for s in servers if s is not victim)
        workers = [child, *process_children(child)]
        victim.kill()

        with httpx.Client(base_url=survivor.url, headers={"x-api-key": key}, timeout=60) as api:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                done = api.get(f"/v1/imports/{job['id']}").json()
                if done["status"] in ("done", "failed"):
                    break
                time.sleep(0.1)
        assert (done["status"], done["created"], done["rows_read"], done["rejected"]) == (
            "done", rows, rows, 0,
        ), done  # fmt: skip
        finisher = one(f"SELECT runner FROM imports WHERE {where}")[0]
        assert str(finisher).startswith(f"{socket.gethostname()}:")
        assert str(finisher).split("/")[0] != str(runner).split("/")[0]  # another process
        ws = f"workspace_id = {workspace}"
        assert one(f"SELECT count(*), count(DISTINCT dial_number) FROM contacts WHERE {ws}") == (
            rows, rows,
        )  # fmt: skip
        # Nothing half-written: every contact has its phone row and no phone row is alone.
        orphans = one(
            f"SELECT count(*) FROM contacts c WHERE c.{ws} AND NOT EXISTS (SELECT 1 FROM "
            "contact_phones p WHERE p.workspace_id = c.workspace_id AND p.contact_id = c.id)"
        )
        dangling = one(
            f"SELECT count(*) FROM contact_phones p WHERE p.{ws} AND NOT EXISTS (SELECT 1 FROM "
            "contacts c WHERE c.workspace_id = p.workspace_id AND c.id = p.contact_id)"
        )
        assert (orphans, dangling) == ((0,), (0,))
        # The killed server's workers ended with it.
        deadline = time.monotonic() + 10
        while any(process_running(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if process_running(w)]
    finally:
        engine.dispose()
