"""Create a contact over HTTP: native /v1 and each dialect, beside a raw ASGI echo.

Each target gets a fresh data directory and a fresh ``dialbook serve`` (uvloop, httptools,
one worker, no access log) on a free 127.0.0.1 port. The harness creates two API keys (an
admin key for setup, an ordinary key for the load), does the setup the route needs, sends
one request itself to check that the body is accepted, then runs wrk: a short warm-up and
the measured run, 64 connections on 2 threads. Every request carries a phone number (and
email, and external id) no other request of the run has, so no answer is a duplicate 409;
any non-2xx answer or socket error makes the run an invalid measurement.

The webhook targets subscribe one endpoint, pointing at a local sink (bench/sink.py), to
contact.created. ``native-webhook`` is the recommended production setup: the server with
``DIALBOOK_WEBHOOKS_DELIVERY=off`` and one ``dialbook webhooks deliver`` process beside it
(started and stopped by the harness like the server; its CPU is reported too);
``native-webhook-inprocess`` delivers from inside the server, as ``dialbook serve`` does by
default. For both the harness waits after the load until the sink has every created
contact's event, and reports the delivery lag the sink saw.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import lua, pyload
from bench.common import (
    CHILDREN,
    DIALBOOK,
    ROOT,
    Result,
    Target,
    cpu_seconds,
    dialbook_env,
    free_port,
    load_average,
    log,
    run_cli,
    wait_http,
)

DRAIN_TIMEOUT = 120.0  # seconds the sink may take after the load to receive every event

CONNECTIONS = 64
THREADS = 2
SANITY_PHASE = 2  # phase 0: warm-up, 1: measured run, 2: the harness's own check request

# Targets from the issue, on this 2-core machine with the load generator beside the server.
NATIVE_RPS = 10_000
NATIVE_RATIO = 0.30
NATIVE_P99_MS = 25.0
DIALECT_RATIO = 0.8
WEBHOOK_RATIO = 0.9  # native creates with one webhook endpoint subscribed, against without


@dataclasses.dataclass(slots=True)
class Plan:
    """What the load generator sends: one request shape with unique values filled in."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]  # with "{{PHONE0}}".."{{PHONE2}}" and "{{N}}" placeholders

    def template(self) -> str:
        return json.dumps(self.body, separators=(",", ":"), ensure_ascii=False)


@dataclasses.dataclass(slots=True)
class Run:
    """One measured wrk run."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int
    server_cpu_pct: float | None
    server_cpu_seconds: float | None
    generator: str
    load_average: list[float]
    # CPU seconds the load generator itself used (it shares the machine's cores).
    generator_cpu_seconds: float | None = None

    @property
    def per_cpu_second(self) -> float | None:
        """Requests per second of server CPU time: less sensitive to a busy machine."""
        if not self.server_cpu_seconds:
            return None
        return self.requests / self.server_cpu_seconds

    @property
    def valid(self) -> bool:
        return self.requests > 0 and self.non_2xx == 0 and self.socket_errors == 0

    def problem(self) -> str:
        if self.requests == 0:
            return "no request completed"
        parts = []
        if self.non_2xx:
            parts.append(f"{self.non_2xx:,} non-2xx answers")
        if self.socket_errors:
            parts.append(f"{self.socket_errors:,} socket errors")
        return ", ".join(parts) + " (not a valid measurement)" if parts else ""


# -- talking to the server ----------------------------------------------------------------


class Api:
    def __init__(self, base: str, key: str) -> None:
        self.base = base
        self.key = key

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        auth: bool = True,
    ) -> tuple[int, Any]:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if auth:
            request.add_header("Authorization", f"Bearer {self.key}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, text = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, text.decode(errors="replace")

    def ok(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        status, answer = self.call(method, path, body, **kwargs)
        if not 200 <= status < 300:
            raise RuntimeError(f"{method} {path} answered {status}: {str(answer)[:500]}")
        return answer


# -- the targets ----------------------------------------------------------------------------

Setup = Callable[[Api, str], Plan]  # (admin api, load key) -> plan

HIGHLEVEL_LOCATION = "ve9EPM428h8vShlRW1KT"
NEDZO_LIST = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


def _bearer(key: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}


def _x_api_key(key: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "x-api-key": key}


def native_body(list_id: int | None) -> dict[str, Any]:
    return {
        "list_id": list_id,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada.{{N}}@example.com",
        "phones": ["{{PHONE0}}"],
        "company": "Analytical Engines",
        "title": "Head of Research",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78702",
        "country": "US",
        "tags": ["webinar", "spring"],
        "source": "bench",
    }


def setup_native(admin: Api, key: str) -> Plan:
    lst = admin.ok("POST", "/v1/lists", {"name": "Bench native", "default_region": "US"})
    return Plan("POST", "/v1/contacts", _bearer(key), native_body(lst["id"]))


def setup_cleartalk(admin: Api, key: str) -> Plan:
    body = {  # tests/dialects/cleartalk/golden/create-contact.request.json, unique values
        "listName": "Spring webinar",
        "tag": "webinar",
        "firstName": "Jane",
        "lastName": "Doe",
        "email": "jane.{{N}}@example.com",
        "phone": "{{PHONE0}}",
        "dateOfBirth": "1990-09-25",
        "contactSource": "Webinar signup",
        "clearTalkNotes": "Asked for a demo on Friday.",
        "customField": {"Lead Score": 42, "Industry": "Dental"},
    }
    return Plan("POST", "/compat/cleartalk/contacts", _x_api_key(key), body)


def setup_highlevel(admin: Api, key: str) -> Plan:
    workspace = admin.ok("GET", "/v1/workspaces")["data"][0]["id"]
    admin.ok("PATCH", f"/v1/workspaces/{workspace}", {"aliases": {"highlevel": HIGHLEVEL_LOCATION}})
    body = {  # tests/dialects/highlevel/golden/create-contact.request.json, unique values
        "firstName": "Jane",
        "lastName": "Smith",
        "email": "jane.{{N}}@example.com",
        "phone": "{{PHONE0}}",
        "locationId": HIGHLEVEL_LOCATION,
        "tags": ["new-lead", "website"],
        "source": "api",
        "companyName": "Smith Co",
        "address1": "456 Oak Ave",
        "city": "Austin",
        "state": "TX",
        "postalCode": "78702",
        "country": "US",
        "timezone": "America/Chicago",
    }
    headers = {**_bearer(key), "Version": "2021-07-28"}
    return Plan("POST", "/compat/highlevel/contacts", headers, body)


def setup_nedzo(admin: Api, key: str) -> Plan:
    workspace = admin.ok("GET", "/v1/workspaces")["data"][0]["id"]
    for field in (  # as tests/dialects/nedzo/test_contract.py defines them
        {"key": "lead_source", "label": "Lead Source"},
        {"key": "employees", "label": "Employees", "type": "number"},
    ):
        admin.ok("POST", "/v1/custom-fields", field)
    body = {  # tests/dialects/nedzo/golden/contacts-create.request.json, unique values
        "workspaceId": str(uuid.UUID(int=workspace)),
        "firstName": "Jane",
        "lastName": "Doe",
        "email": "jane.{{N}}@example.com",
        "phone": "{{PHONE0}}",
        "timezone": "America/New_York",
        "tags": ["webinar", "Callback"],
        "customFields": {"Lead Source": "Webinar", "Employees": 250},
    }
    return Plan("POST", "/compat/nedzo/v1/contacts", _bearer(key), body)


def setup_nedzo_legacy(admin: Api, key: str) -> Plan:
    lst = admin.ok("POST", "/v1/lists", {"name": "Bench nedzo", "default_region": "US"})
    admin.ok("PATCH", f"/v1/lists/{lst['id']}", {"aliases": {"nedzo": NEDZO_LIST}})
    body = {  # tests/dialects/nedzo/golden/create-contact.request.json, unique values
        "contact_list_id": NEDZO_LIST,
        "email": "jane.{{N}}@example.com",
        "first_name": "Jane",
        "last_name": "Doe",
        "full_name": "Jane Doe",
        "business_name": "Doe Dental",
        "full_address": "456 Oak Ave",
        "city": "Austin",
        "country": "US",
        "state": "TX",
        "postal_code": "78702",
        "phone": "{{PHONE0}}",
        "job_title": "Owner",
        "dnc": False,
        "custom_fields": [{"custom_field_id": NEDZO_LIST, "value": "webinar"}],
    }
    return Plan("POST", "/compat/nedzo/v1/contact/", _bearer(key), body)


def setup_salesfinity(admin: Api, key: str) -> Plan:
    created = admin.ok(
        "POST",
        "/compat/salesfinity/v1/contact-lists",
        {"name": "Q2 Outbound Prospects", "user_id": "680edc0d1504192884a148e0"},
    )
    body = {  # tests/dialects/salesfinity/golden/02-add-contact.request.json, unique values
        "first_name": "John",
        "last_name": "Doe",
        "email": "john.{{N}}@example.com",
        "company": "Acme Corp",
        "title": "VP of Sales",
        "phone_numbers": [{"type": "direct", "number": "{{PHONE0}}"}],
        "custom_fields": [
            {"type": "string", "label": "Industry", "value": "SaaS"},
            {"type": "number", "label": "Employee Count", "value": 250},
            {"type": "boolean", "label": "Decision Maker", "value": True},
        ],
    }
    path = f"/compat/salesfinity/v1/contact-lists/{created['_id']}"
    return Plan("POST", path, _x_api_key(key), body)


def setup_talkdesk(admin: Api, key: str) -> Plan:
    created = admin.ok("POST", "/compat/talkdesk/record-lists", {"name": "RecordList 20"})
    body = {  # tests/dialects/talkdesk/golden/create_record.request.json, unique values
        "phone_numbers": [
            {"phone_number": "{{PHONE0}}", "phone_type": "MOBILE"},
            {"phone_number": "{{PHONE1}}", "phone_type": "OFFICE"},
            {"phone_number": "{{PHONE2}}", "phone_type": "HOME"},
        ],
        "first_name": "Joey",
        "last_name": "Tribbiani",
        "timezone": "Europe/Lisbon",
        "priority": 6,
        "external_provider": "salesforce",
        "external_id": "0030O{{N}}",
        "external_url": "https://xxx.salesforce.com/0030O{{N}}",
        "sync_external_id": True,
        "extra_data": {"country": "USA", "state": "California", "job": "Actor"},
    }
    path = f"/compat/talkdesk/record-lists/{created['id']}/records"
    return Plan("POST", path, _bearer(key), body)


def setup_native_as_talkdesk(admin: Api, key: str) -> Plan:
    """The native create of the contact Talkdesk's record becomes (three phones, an external
    reference, a time zone, a custom field): what the record costs without the dialect."""
    lst = admin.ok(
        "POST", "/v1/lists", {"name": "Bench native as Talkdesk", "default_region": "US"}
    )
    admin.ok("POST", "/v1/custom-fields", {"key": "job"})  # Talkdesk defines extra_data's keys
    body = {
        "list_id": lst["id"],
        "phones": [
            {"number": "{{PHONE0}}", "type": "mobile"},
            {"number": "{{PHONE1}}", "type": "office"},
            {"number": "{{PHONE2}}", "type": "home"},
        ],
        "first_name": "Joey",
        "last_name": "Tribbiani",
        "timezone": "Europe/Lisbon",
        "priority": 5,
        "external_refs": [
            {
                "provider": "salesforce",
                "id": "0030O{{N}}",
                "url": "https://xxx.salesforce.com/0030O{{N}}",
                "sync": True,
            }
        ],
        "country": "US",
        "state": "CA",
        "custom_fields": {"job": "Actor"},
    }
    return Plan("POST", "/v1/contacts", _bearer(key), body)


# The webhook sink's base URL, started once per bench run.
_SINK: list[str] = []
# The sink stands for a receiver on another machine: it takes the CPU the server leaves.
SINK_NICENESS = 19


def _sink() -> str:
    from bench.webhooks import start_sink  # bench.webhooks imports this module

    if not _SINK:
        proc, url = start_sink(Path(tempfile.mkdtemp(prefix="dialbook-bench-sink-")))
        os.setpriority(os.PRIO_PROCESS, proc.pid, SINK_NICENESS)
        _SINK.append(url)
    return _SINK[0]


def _with_webhook(target: str) -> Setup:
    """Native creates while one endpoint receives every contact.created at the sink's
    /<target>."""

    def setup(admin: Api, key: str) -> Plan:
        endpoint = {"url": f"{_sink()}/{target}", "events": ["contact.created"]}
        admin.ok("POST", "/v1/webhook-endpoints", endpoint)
        return setup_native(admin, key)

    return setup


# name -> setup; the first is the native API, every other is measured against it.
TARGETS: dict[str, Setup] = {
    "native": setup_native,
    "native-webhook": _with_webhook("native-webhook"),
    "native-webhook-inprocess": _with_webhook("native-webhook-inprocess"),
    "cleartalk": setup_cleartalk,
    "highlevel": setup_highlevel,
    "nedzo": setup_nedzo,
    "nedzo-legacy": setup_nedzo_legacy,
    "salesfinity": setup_salesfinity,
    "native-as-talkdesk": setup_native_as_talkdesk,
    "talkdesk": setup_talkdesk,
}
# A dialect beside the native create of the same contact (measured just before it): the
# cost of the dialect's own layer, apart from what its record holds.
SAME_CONTACT = {"talkdesk": "native-as-talkdesk"}
WEBHOOK_TARGETS = ("native-webhook", "native-webhook-inprocess")
DELIVER_BESIDE = ("native-webhook",)  # served with delivery off and a deliver process


# -- load generation -------------------------------------------------------------------------


def ensure_wrk() -> str | None:
    """The wrk binary, installed from Debian's packages when missing; None if that fails."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") is None:
        return None
    log("wrk is missing: apt-get update && apt-get install -y wrk")
    for args in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        try:
            subprocess.run(args, capture_output=True, timeout=600, check=True)
        except (OSError, subprocess.SubprocessError):
            return None
    return shutil.which("wrk")


class Generator:
    """wrk when it can be had, else the Python load generator (and the table says so)."""

    def __init__(self) -> None:
        self.wrk = ensure_wrk()
        self.name = "wrk" if self.wrk else "python (wrk could not be installed)"

    def run(
        self,
        port: int,
        plan: Plan,
        phase: int,
        seconds: float,
        work: Path,
        server_pid: int,
        cpu: Callable[[int], float | None] = cpu_seconds,
    ) -> Run:
        """One load run; ``cpu`` reads the server's CPU seconds (tree_cpu_seconds for a
        server of several processes)."""
        script = work / f"load-{phase}.lua"
        script.write_text(lua.script(plan.method, plan.path, plan.headers, plan.template()))
        before = cpu(server_pid)
        started = time.monotonic()
        if self.wrk:
            args = [
                self.wrk,
                f"-t{THREADS}",
                f"-c{CONNECTIONS}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}",
                "--",
                str(phase),
            ]
        else:
            config = work / f"load-{phase}.json"
            config.write_text(
                json.dumps(
                    pyload.config(plan.method, plan.path, plan.headers, plan.template(), phase)
                )
            )
            args = [
                sys.executable,
                "-m",
                "bench.pyload",
                str(config),
                str(port),
                str(CONNECTIONS),
                str(seconds),
            ]
        # The generator is the only child that ends (and is reaped) during the run.
        reaped_before = _children_cpu_seconds()
        proc = CHILDREN.start(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = proc.communicate(timeout=seconds + 60)
        finally:
            CHILDREN.stop(proc)
        generator_cpu = _children_cpu_seconds() - reaped_before
        elapsed = time.monotonic() - started
        after = cpu(server_pid)
        line = next((x for x in out.decode().splitlines() if x.startswith("BENCH_JSON ")), None)
        if line is None:
            raise RuntimeError(f"the load generator printed no result: {err.decode()[-1000:]}")
        data = json.loads(line.split(" ", 1)[1])
        secs = data["duration_us"] / 1e6
        return Run(
            requests=data["requests"],
            seconds=secs,
            rps=data["requests"] / secs if secs else 0.0,
            p50_ms=data["p50_us"] / 1000,
            p90_ms=data["p90_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
            max_ms=data["max_us"] / 1000,
            non_2xx=data["status"],
            socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
            server_cpu_pct=(
                None if before is None or after is None else 100 * (after - before) / elapsed
            ),
            server_cpu_seconds=None if before is None or after is None else after - before,
            generator=self.name,
            load_average=load_average(),
            generator_cpu_seconds=generator_cpu,
        )


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- one target, start to end ----------------------------------------------------------------


def _check_one(api: Api, plan: Plan) -> None:
    """Send one request built like the load's; the body must be accepted (2xx)."""
    body = lua.fill(plan.template(), phase=SANITY_PHASE, thread=0, counter=1)
    status, answer = api.call(
        plan.method, plan.path, raw=body.encode(), headers=plan.headers, auth=False
    )
    if not 200 <= status < 300:
        raise RuntimeError(
            f"a single {plan.method} {plan.path} answered {status}: {str(answer)[:600]}"
        )


def _serve(
    args: list[str], env: dict[str, str] | None, work: Path, health: str
) -> tuple[subprocess.Popen[Any], int]:
    port = free_port()
    logfile = (work / "server.log").open("wb")
    proc = CHILDREN.start(
        [*args, "--port", str(port)], env=env, cwd=ROOT, stdout=logfile, stderr=subprocess.STDOUT
    )
    try:
        wait_http(f"http://127.0.0.1:{port}{health}", proc)
    except Exception:
        CHILDREN.stop(proc)
        tail = (work / "server.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"the server did not start:\n{tail}") from None
    return proc, port


def _deliverer(env: dict[str, str], work: Path) -> subprocess.Popen[Any]:
    """``dialbook webhooks deliver`` beside the server, on its data directory."""
    logfile = (work / "deliver.log").open("wb")
    return CHILDREN.start(
        [DIALBOOK, "webhooks", "deliver", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
        stdout=logfile,
        stderr=subprocess.STDOUT,
    )


def _sink_count(target: str) -> int:
    with urllib.request.urlopen(f"{_sink()}/count", timeout=5) as answer:
        return int(json.loads(answer.read()).get(f"/{target}", 0))


def _wait_delivered(
    target: str, count: int, procs: list[subprocess.Popen[Any]], timeout: float = DRAIN_TIMEOUT
) -> None:
    """Until the sink has ``count`` deliveries of ``target`` (its processes must live)."""
    deadline = time.monotonic() + timeout
    while (got := _sink_count(target)) < count:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args[1:3]} exited ({proc.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the sink got {got:,} of {count:,} deliveries in {timeout:.0f} s")
        time.sleep(0.02)


def _delivery(
    target: str,
    expected: int,
    since: float,
    server: subprocess.Popen[Any],
    deliverer: subprocess.Popen[Any] | None,
    deliverer_at_start: float | None,
) -> dict[str, Any]:
    """Right after the load: how long the sink takes to have every created contact's event
    (``expected``), the lag of the events made since ``since`` (epoch seconds), and the CPU
    the deliverer (or the server) spent delivering."""
    ended = time.monotonic()
    server_at_end = cpu_seconds(server.pid)
    deliverer_at_end = None if deliverer is None else cpu_seconds(deliverer.pid)
    _wait_delivered(target, expected, [p for p in (server, deliverer) if p is not None])
    figures: dict[str, Any] = {"drain_seconds": time.monotonic() - ended, "events": expected}
    server_drained = cpu_seconds(server.pid)
    if server_at_end is not None and server_drained is not None:
        figures["server_cpu_seconds_after_the_load"] = server_drained - server_at_end
    if deliverer is not None and deliverer_at_start is not None:
        drained = cpu_seconds(deliverer.pid)
        if deliverer_at_end is not None and drained is not None:
            figures["deliverer_cpu_seconds_during_the_load"] = deliverer_at_end - deliverer_at_start
            figures["deliverer_cpu_seconds_until_drained"] = drained - deliverer_at_start
    query = urllib.parse.urlencode({"path": f"/{target}", "since": since})
    with urllib.request.urlopen(f"{_sink()}/lag?{query}", timeout=5) as answer:
        figures["lag"] = json.loads(answer.read())
    return figures


def measure(
    name: str, generator: Generator, seconds: float, warmup: float
) -> tuple[Run, dict[str, Any]]:
    """Start a server for ``name`` ("echo" or a TARGETS key), load it, stop it."""
    work = Path(tempfile.mkdtemp(prefix=f"dialbook-bench-{name}-"))
    proc: subprocess.Popen[Any] | None = None
    deliverer: subprocess.Popen[Any] | None = None
    try:
        if name == "echo":
            args = [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.echo:app",
                "--host",
                "127.0.0.1",
                "--loop",
                "uvloop",
                "--http",
                "httptools",
                "--workers",
                "1",
                "--no-access-log",
                "--log-level",
                "warning",
            ]
            proc, port = _serve(args, None, work, "/")
            plan = Plan("POST", "/v1/contacts", _bearer("echo"), native_body(2))
        else:
            env = dialbook_env(work / "data")
            quiet = ["keys", "create", "--quiet"]
            admin_key = run_cli([*quiet, "--name", "bench-admin", "-s", "admin"], env).strip()
            load_key = run_cli([*quiet, "--name", "bench-load"], env).strip()
            args = [DIALBOOK, "serve", "--host", "127.0.0.1", "--log-level", "warning"]
            if name in DELIVER_BESIDE:
                proc, port = _serve(args, {**env, "DIALBOOK_WEBHOOKS_DELIVERY": "off"}, work,
                                    "/healthz")  # fmt: skip
                deliverer = _deliverer(env, work)
            else:
                proc, port = _serve(args, env, work, "/healthz")
            admin = Api(f"http://127.0.0.1:{port}", admin_key)
            plan = TARGETS[name](admin, load_key)
            _check_one(Api(admin.base, load_key), plan)
        running = [p for p in (proc, deliverer) if p is not None]
        if name in WEBHOOK_TARGETS:
            _wait_delivered(name, 1, running, timeout=30)  # the check's event: it delivers
        warm = generator.run(port, plan, 0, warmup, work, proc.pid) if warmup > 0 else None
        deliverer_at_start = None if deliverer is None else cpu_seconds(deliverer.pid)
        since = time.time()
        run = generator.run(port, plan, 1, seconds, work, proc.pid)
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited during the run ({proc.returncode})")
        info: dict[str, Any] = {"path": plan.path, "body_bytes": len(plan.template())}
        if name in WEBHOOK_TARGETS:
            # Every answered create made one event; the check request one more.
            expected = 1 + (warm.requests if warm else 0) + run.requests
            info["delivery"] = _delivery(name, expected, since, proc, deliverer, deliverer_at_start)
        return run, info
    finally:
        for started in (deliverer, proc):
            if started is not None:
                CHILDREN.stop(started)
        shutil.rmtree(work, ignore_errors=True)


def _extra(run: Run, info: dict[str, Any]) -> dict[str, Any]:
    return {**dataclasses.asdict(run), "requests_per_cpu_second": run.per_cpu_second, **info}


def bench(
    seconds: float,
    warmup: float,
    only: list[str] | None = None,
    results: list[Result] | None = None,
) -> list[Result]:
    """Measure every target; figures are appended to ``results`` as they come."""
    generator = Generator()
    log(
        f"HTTP create: load generator {generator.name}, {CONNECTIONS} connections, "
        f"{THREADS} threads, {seconds:g} s per run after {warmup:g} s of warm-up"
    )
    results = [] if results is None else results
    runs: dict[str, Run] = {}
    chosen = [n for n in (only or TARGETS) if n != "native"]
    names = ["echo", "native"]
    for name in chosen:  # a dialect's same-contact native run goes just before it
        same = SAME_CONTACT.get(name)
        if same and same not in names:
            names.append(same)
        if name not in names:
            names.append(name)
    natives: list[Run] = []
    for name in names:
        measured = _measured(name, generator, seconds, warmup, results)
        if measured is None:
            continue
        run, info = measured
        if name == "native":
            natives.append(run)
        if name in ("echo", "native"):
            runs[name] = run
            results += _results(name, run, info, runs)
            continue
        if name in SAME_CONTACT.values():
            runs[name] = run
        # The machine's speed moves from one minute to the next: each target is compared
        # with native runs just before and just after it.
        before = natives[-1] if natives else None
        after = _measured("native", generator, seconds, warmup, None)
        if after is not None:
            natives.append(after[0])
        beside = _pooled([r for r in (before, after and after[0]) if r is not None])
        results += _results(name, run, info, {**runs, "native": beside} if beside else runs)
    if len(natives) > 1:
        rps = ", ".join(f"{r.rps:,.0f}" for r in natives)
        results.append(
            Result(
                "http",
                "native create req/s, every run",
                statistics.median(r.rps for r in natives),
                "req/s",
                note=f"median of the {len(natives)} native runs beside the other targets "
                f"(each compared with the two around it): {rps}",
            )
        )
    return results


def _measured(
    name: str, generator: Generator, seconds: float, warmup: float, results: list[Result] | None
) -> tuple[Run, dict[str, Any]] | None:
    """One target's run and what :func:`measure` saw, logged; None, and an INVALID figure
    in ``results``, when it failed."""
    log(f"HTTP create: {name}")
    try:
        run, info = measure(name, generator, seconds, warmup)
    except Exception as error:  # noqa: BLE001 - reported as an invalid figure
        log(f"[red]HTTP create {name} failed:[/red] {error}")
        if results is not None:
            results.append(
                Result("http", f"{name} create req/s", None, "req/s", valid=False, note=str(error))
            )
        return None
    log(
        f"  {run.rps:,.0f} req/s, p50 {run.p50_ms:.2f} ms, p99 {run.p99_ms:.2f} ms, "
        f"{run.requests:,} requests, server CPU {run.server_cpu_pct or 0:.0f}%, "
        f"{run.per_cpu_second or 0:,.0f} req/CPU-s"
        + (f", [red]{run.problem()}[/red]" if not run.valid else "")
    )
    return run, info


def _pooled(runs: list[Run]) -> Run | None:
    """Native runs taken together: their mean rate and latencies, their summed requests and
    CPU (so requests per CPU second is over all of them); None without any."""
    if len(runs) <= 1:
        return runs[0] if runs else None
    cpu = [r.server_cpu_seconds for r in runs]
    return dataclasses.replace(
        runs[0],
        requests=sum(r.requests for r in runs),
        seconds=sum(r.seconds for r in runs),
        rps=statistics.mean(r.rps for r in runs),
        p50_ms=statistics.mean(r.p50_ms for r in runs),
        p90_ms=statistics.mean(r.p90_ms for r in runs),
        p99_ms=statistics.mean(r.p99_ms for r in runs),
        max_ms=max(r.max_ms for r in runs),
        non_2xx=sum(r.non_2xx for r in runs),
        socket_errors=sum(r.socket_errors for r in runs),
        server_cpu_seconds=None if None in cpu else sum(c for c in cpu if c is not None),
    )


def _results(name: str, run: Run, info: dict[str, Any], runs: dict[str, Run]) -> list[Result]:
    extra = _extra(run, info)
    note = run.problem()
    if name == "echo":
        return [
            Result("http", "echo req/s", run.rps, "req/s", valid=run.valid, note=note, extra=extra),
            Result("http", "echo p99", run.p99_ms, "ms", valid=run.valid),
            Result(
                "http", "echo per server CPU-s", run.per_cpu_second, "req/CPU-s", valid=run.valid
            ),
        ]
    echo = runs.get("echo")
    native = runs.get("native")
    if name == "native":
        return [
            Result(
                "http",
                "native create req/s",
                run.rps,
                "req/s",
                baseline=echo.rps if echo else None,
                baseline_name="echo",
                target=Target(">=", NATIVE_RPS, NATIVE_RATIO, "req/s"),
                valid=run.valid,
                note=note,
                extra=extra,
            ),
            Result(
                "http",
                "native create p50",
                run.p50_ms,
                "ms",
                baseline=echo.p50_ms if echo else None,
                baseline_name="echo",
                valid=run.valid,
            ),
            Result(
                "http",
                "native create p99",
                run.p99_ms,
                "ms",
                baseline=echo.p99_ms if echo else None,
                baseline_name="echo",
                target=Target("<=", NATIVE_P99_MS, unit="ms"),
                valid=run.valid,
            ),
            Result(
                "http",
                "native create per server CPU-s",
                run.per_cpu_second,
                "req/CPU-s",
                baseline=echo.per_cpu_second if echo else None,
                baseline_name="echo",
                valid=run.valid,
                note="requests per second of server CPU time: how much work a request costs, "
                "whatever share of the cores the server got",
            ),
        ]
    if native and native.per_cpu_second and run.per_cpu_second:
        extra["per_cpu_second_ratio_to_native"] = run.per_cpu_second / native.per_cpu_second
    if name == "native-webhook":
        target: Target | None = Target(min_ratio=WEBHOOK_RATIO)
    elif name in WEBHOOK_TARGETS or name in SAME_CONTACT.values():
        target = None  # for comparison: the in-process delivery, a dialect's contact natively
    else:
        target = Target(min_ratio=DIALECT_RATIO)
    results = [
        Result(
            "http",
            f"{name} create req/s",
            run.rps,
            "req/s",
            baseline=native.rps if native else None,
            baseline_name="native",
            target=target,
            valid=run.valid,
            note=note,
            extra=extra,
        ),
        Result(
            "http",
            f"{name} create p99",
            run.p99_ms,
            "ms",
            baseline=native.p99_ms if native else None,
            baseline_name="native",
            valid=run.valid,
        ),
    ]
    if name in WEBHOOK_TARGETS:
        results += _webhook_results(name, run, info["delivery"], native)
    same = runs.get(SAME_CONTACT.get(name, ""))
    if same is not None:
        results.append(_same_contact_result(name, run, same))
    return results


def _same_contact_result(name: str, run: Run, same: Run) -> Result:
    """A dialect's requests per server CPU second against the native create of the same
    contact: what its own layer costs (per CPU second, as the two runs are minutes apart)."""
    return Result(
        "http",
        f"{name} create per server CPU-s, against the same contact natively",
        run.per_cpu_second,
        "req/CPU-s",
        baseline=same.per_cpu_second,
        baseline_name=SAME_CONTACT[name],
        valid=run.valid and same.valid,
        note="the dialect's own layer (routing, translation, its answer), apart from the "
        "contact's content: the target is against native's one-phone contact",
    )


def _webhook_results(
    name: str, run: Run, delivery: dict[str, Any], native: Run | None
) -> list[Result]:
    """Server CPU per request against native's, and what delivering cost and took."""
    lag = delivery["lag"]
    where = (
        "the deliver process's CPU (not in the server's figure): "
        f"{delivery['deliverer_cpu_seconds_during_the_load']:.1f} s during the load, "
        f"{delivery['deliverer_cpu_seconds_until_drained']:.1f} s until drained"
        if "deliverer_cpu_seconds_until_drained" in delivery
        else "delivered by the server itself; its CPU after the load: "
        f"{delivery.get('server_cpu_seconds_after_the_load', 0):.1f} s"
    )
    return [
        Result(
            "http",
            f"{name} create per server CPU-s",
            run.per_cpu_second,
            "req/CPU-s",
            baseline=native.per_cpu_second if native else None,
            baseline_name="native",
            valid=run.valid,
            note=where,
        ),
        Result(
            "http",
            f"{name} delivery lag p50",
            lag.get("p50_ms"),
            "ms",
            valid=run.valid and lag.get("count", 0) > 0,
        ),
        Result(
            "http",
            f"{name} delivery lag p99",
            lag.get("p99_ms"),
            "ms",
            valid=run.valid and lag.get("count", 0) > 0,
            note=f"from each event of the measured run to its arrival at the sink; every "
            f"event delivered {delivery['drain_seconds']:.1f} s after the load ended",
        ),
    ]
