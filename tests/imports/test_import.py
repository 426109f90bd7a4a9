from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from dialbook.cli import cli
from dialbook.db import Database
from dialbook.imports import jobs as import_jobs
from dialbook.imports import service as import_service
from dialbook.imports.mapping import parse_overrides, recognize, to_given
from dialbook.imports.schemas import ImportOptions
from dialbook.workspaces.schemas import Caller
from tests.conftest import create_list

MESSY = """First Name,Last Name,Email,Phone,Mobile,Company,Job Title,Country,ZIP,Industry,Notes
Ann,Lee,ANN@EXAMPLE.COM,001-672-799-2170x5610,,Acme,CEO,US,10001,SaaS,first
Bo,Ng,bo@example.com,(240)452-2332x4601,+1-887-577-1205,Beta,,US,46320,,
Cy,Ox,cy@example.com,223.427.4047,,Gamma,,,,Retail,"multi
line note"
Di,Uk,di@example.co.uk,020 7946 0958,07700 900123,Delta,,GB,,,
Ed,De,ed@example.de,030 123456,,Epsilon,,Germany,,,
Fi,Bad,not-an-email,12,,Zeta,,US,,,
Gu,Dup,gu@example.com,(240) 452-2332,,Eta,,US,,,
"""


def import_file(db: Database, caller: Caller, list_id: int, path: Path, **options: Any) -> Any:
    job = db.run_write(
        import_service.create_job,
        caller=caller,
        list_id=list_id,
        path=path,
        options=ImportOptions(**options),
    )
    return import_jobs.run(db, workspace_id=caller.workspace_id, id=job.id, workers=0)


def test_mapping_recognizes_crm_headers() -> None:
    mapping = recognize(
        [
            "FirstName",
            "last_name",
            "E-mail",
            "Phone 2",
            "Cell",
            "Work Phone",
            "Direct Dial",
            "Zip/Postal Code",
            "Job Title",
            "Salesforce ID",
            "Favourite Color",
        ],
        parse_overrides(["Cell=phone:mobile"]),
    )
    assert mapping.targets == {
        "FirstName": "first_name",
        "last_name": "last_name",
        "E-mail": "email",
        "Phone 2": "phone:extra_1",
        "Cell": "phone:mobile",
        "Work Phone": "phone:office",
        "Direct Dial": "phone:direct",
        "Zip/Postal Code": "postal_code",
        "Job Title": "title",
        "Salesforce ID": "external:salesforce",
        "Favourite Color": "custom:favourite_color",
    }
    given, errors = to_given({"FirstName": "Ada", "Cell": "555", "Salesforce ID": "003"}, mapping)
    assert errors == []
    assert given["external_refs"] == [{"provider": "salesforce", "id": "003"}]
    assert given["phones"][0].type == "mobile"


def test_worker_processes_stay_light() -> None:
    """Spawned workers re-run the console script's module and import the worker code:
    neither may load the CLI, the web stack or the database layer (memory per worker)."""
    code = (
        "import sys, dialbook.__main__, dialbook.imports.workers;"
        "print(sorted(m for m in ('dialbook.cli', 'sqlalchemy', 'starlette', 'alembic')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_row_values_reach_their_targets() -> None:
    """Every kind of column: text, converted values, phones (plain, numbered export slots,
    JSON), custom fields (JSON lists too), external ids, DND channels, tags, blanks."""
    mapping = recognize(
        ["Name", "Priority", "DNC", "Country", "Tags", "Cell", "phone_2", "phone_2_type",
         "Colors", "CRM ID", "dnd_sms", "timezone", "timezone_source", "phones", "Blank"],
        parse_overrides(["Colors=custom:colors", "dnd_sms=dnd:sms"]),
    )  # fmt: skip
    given, errors = to_given(
        {"Name": "  Ada Lovelace ", "Priority": "3", "DNC": "yes", "Country": "Germany",
         "Tags": "a; b|c", "Cell": " 555 0100 ", "phone_2": "555 0199", "phone_2_type": "home",
         "Colors": '["red", "blue"]', "CRM ID": 42, "dnd_sms": "Active",
         "timezone": "Europe/Berlin", "timezone_source": "postal_code",
         "phones": '[{"number": "+4930123456", "type": "office"}]', "Blank": "   "},
        mapping,
    )  # fmt: skip
    assert errors == []
    assert given["full_name"] == "Ada Lovelace"
    assert (given["priority"], given["dnc"], given["country"]) == (3, True, "DE")
    assert given["tags"] == ["a", " b", "c"]
    assert [(p if isinstance(p, str) else (p.number, p.type)) for p in given["phones"]] == [
        ("555 0100", "mobile"),
        ("+4930123456", "office"),
        ("555 0199", "home"),
    ]
    assert given["custom_fields"] == {"colors": ["red", "blue"]}
    assert given["external_refs"] == [{"provider": "crm", "id": "42"}]
    assert given["dnd"] == {"sms": "active"}
    assert "timezone" not in given  # an inferred zone in our export is inferred again
    assert "blank" not in given.get("custom_fields", {})

    _, errors = to_given({"Priority": "high", "DNC": "maybe", "Country": "Atlantis"}, mapping)
    assert [e.name for e in errors] == ["Priority", "DNC", "Country"]


def test_messy_file_every_row_accounted_for(
    db: Database, caller: Caller, api: TestClient, tmp_path: Path
) -> None:
    lst = create_list(api, default_region="US")
    path = tmp_path / "messy.csv"
    path.write_text(MESSY)
    result = import_file(db, caller, lst["id"], path)
    assert (result.status, result.rows_read, result.created, result.skipped, result.rejected) == (
        "done",
        7,
        5,
        1,
        1,
    )
    contacts = {
        c["first_name"]: c
        for c in api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"]
    }
    assert contacts["Ann"]["phones"][0]["number"] == "+16727992170"
    assert contacts["Ann"]["phones"][0]["extension"] == "5610"
    assert contacts["Ann"]["email"] == "ANN@EXAMPLE.COM"
    assert contacts["Ann"]["custom_fields"] == {"industry": "SaaS"}
    assert [p["number"] for p in contacts["Bo"]["phones"]] == ["+12404522332", "+18875771205"]
    assert contacts["Bo"]["phones"][1]["valid"] is False
    assert contacts["Bo"]["timezone_candidates"] == ["America/New_York", "America/Chicago"]
    assert contacts["Cy"]["phones"][0]["number"] == "+12234274047"
    assert contacts["Cy"]["notes"] == "multi\nline note"
    assert [p["number"] for p in contacts["Di"]["phones"]] == ["+442079460958", "+447700900123"]
    assert contacts["Di"]["timezone"] == "Europe/London"
    assert contacts["Ed"]["country"] == "DE"
    assert contacts["Ed"]["phones"][0]["number"] == "+4930123456"
    rejects = list(
        csv.reader(
            io.StringIO("".join(import_service.rejects_csv(db, caller=caller, id=result.id)))
        )
    )
    assert rejects[0][:3] == ["line", "errors", "First Name"]
    assert rejects[1][0] == "8"
    assert "Email" in rejects[1][1] or "email" in rejects[1][1]
    assert "too short" in rejects[1][1]
    assert rejects[1][2:5] == ["Fi", "Bad", "not-an-email"]


@pytest.mark.parametrize(
    ("mode", "created", "updated", "skipped"),
    [("skip", 1, 0, 1), ("update", 1, 1, 0), ("create", 2, 0, 0)],
)
def test_on_duplicate(
    db: Database,
    caller: Caller,
    api: TestClient,
    tmp_path: Path,
    mode: str,
    created: int,
    updated: int,
    skipped: int,
) -> None:
    lst = create_list(api, default_region="US")
    api.post(
        "/v1/contacts", json={"list_id": lst["id"], "phones": ["240-452-2332"], "company": "Old"}
    )
    path = tmp_path / "d.csv"
    path.write_text("Phone,Company\n(240) 452-2332,New\n(240) 452-2399,Other\n")
    result = import_file(db, caller, lst["id"], path, on_duplicate=mode)
    assert (result.created, result.updated, result.skipped) == (created, updated, skipped)
    found = api.get("/v1/contacts", params={"phone": "2404522332"}).json()["data"]
    companies = sorted(c["company"] for c in found)
    assert companies == {"skip": ["Old"], "update": ["New"], "create": ["New", "Old"]}[mode]


def test_duplicates_within_the_file(
    db: Database, caller: Caller, api: TestClient, tmp_path: Path
) -> None:
    lst = create_list(api, default_region="US")
    path = tmp_path / "d.csv"
    path.write_text("Phone\n240-452-2332\n(240) 452-2332\n+12404522332\n")
    result = import_file(db, caller, lst["id"], path)
    assert (result.created, result.skipped) == (1, 2)


def test_export_then_import_reproduces_the_contacts(
    db: Database, caller: Caller, api: TestClient, tmp_path: Path
) -> None:
    api.post("/v1/custom-fields", json={"key": "employees", "type": "number"})
    api.post("/v1/custom-fields", json={"key": "stack", "type": "string_list"})
    source = create_list(api, name="Source", default_region="US")
    bodies = [
        {
            "full_name": "Ada Lovelace",
            "email": "Ada@Example.com",
            "phones": [
                {"number": "(240) 452-2332", "extension": "12", "type": "office"},
                "+44 20 7946 0958",
            ],
            "tags": ["vip", "a,b"],
            "dnd": {"sms": "active"},
            "custom_fields": {"employees": 12, "stack": ["py", "sql"]},
            "external_refs": [
                {"provider": "hubspot", "id": "9", "url": "https://h.example/9", "sync": True}
            ],
            "priority": 2,
            "dnc": True,
            "date_of_birth": "1815-12-10",
            "country": "GB",
            "postal_code": "SW1",
            "notes": 'says "hi"\nbye',
        },
        {"first_name": "Grace", "phones": ["223.427.4047"], "timezone": "America/Chicago"},
    ]
    for body in bodies:
        assert api.post("/v1/contacts", json={**body, "list_id": source["id"]}).status_code == 201
    for format_ in ("csv", "jsonl"):
        exported = api.get(f"/v1/lists/{source['id']}/export", params={"format": format_})
        assert exported.status_code == 200
        path = tmp_path / f"export.{format_}"
        path.write_bytes(exported.content)
        target = create_list(
            api, name=f"Copy {format_}", default_region="FR"
        )  # another region on purpose
        result = import_file(db, caller, target["id"], path)
        assert (result.created, result.rejected) == (2, 0), result
        before = api.get("/v1/contacts", params={"list_id": source["id"]}).json()["data"]
        after = api.get("/v1/contacts", params={"list_id": target["id"]}).json()["data"]
        assert len(after) == len(before)
        for old, new in zip(before, after, strict=True):
            old, new = _comparable(old), _comparable(new)
            assert {k: new[k] for k in old if old[k] != new[k]} == {}, format_


def _comparable(contact: dict[str, Any]) -> dict[str, Any]:
    skip = {"id", "list_id", "created_at", "updated_at", "version", "status"}
    data = {k: v for k, v in contact.items() if k not in skip}
    data["phones"] = [{k: v for k, v in p.items() if k != "raw"} for p in data["phones"]]
    return data


def test_import_over_http(api: TestClient, tmp_path: Path) -> None:
    lst = create_list(api, default_region="US")
    dry = api.post(
        f"/v1/lists/{lst['id']}/imports",
        params={"dry_run": "true", "map": "Notes=ignore"},
        files={"file": ("leads.csv", MESSY.encode(), "text/csv")},
    )
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["rows_checked"] == 7
    assert report["rejected"] == 1
    assert {"column": "Mobile", "target": "phone:mobile"} in report["mapping"]
    assert api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"] == []
    started = api.post(
        f"/v1/lists/{lst['id']}/imports", content=MESSY.encode(), params={"filename": "raw.csv"}
    )
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    for _ in range(200):
        job = api.get(f"/v1/imports/{job_id}").json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert (job["status"], job["created"], job["rejected"], job["progress"]) == ("done", 5, 1, 1.0)
    for contact in api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"]:
        history = api.get(f"/v1/contacts/{contact['id']}/history").json()["data"]
        assert [(e["type"], e["actor"], e["data"]["id"]) for e in history] == [
            ("contact.created", f"import:{job_id}", contact["id"])
        ]
    rejects = api.get(f"/v1/imports/{job_id}/rejects")
    assert rejects.headers["content-type"].startswith("text/csv")
    assert len(list(csv.reader(io.StringIO(rejects.text)))) == 2
    assert api.post(f"/v1/lists/{lst['id']}/imports", content=b"").status_code == 400
    bad_map = api.post(
        f"/v1/lists/{lst['id']}/imports", content=MESSY.encode(), params={"map": "Nope=email"}
    )
    assert bad_map.status_code == 422
    assert bad_map.json()["fields"][0]["name"] == "map"


def test_cli_import_dry_run_and_export(tmp_path: Path, sqlite_template: Path) -> None:
    runner = CliRunner(
        env={"DIALBOOK_DATA_DIR": str(tmp_path / "data"), "DIALBOOK_DATABASE_URL": ""}
    )
    lst = json.loads(
        runner.invoke(cli, ["lists", "create", "Leads", "--region", "US", "--json"]).output
    )
    path = tmp_path / "messy.csv"
    path.write_text(MESSY)
    dry = runner.invoke(cli, ["import", str(path), "--list", str(lst["id"]), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "phone:mobile" in dry.output
    assert "1 rejected" in dry.output
    done = runner.invoke(cli, ["import", str(path), "--list", str(lst["id"]), "--workers", "0"])
    assert done.exit_code == 0, done.output
    assert "5 created" in done.output
    assert "1 rejected" in done.output
    assert "7/7 rows" in done.output  # the progress bar counts rows, not bytes
    assert "rows/s" in done.output
    exported = runner.invoke(cli, ["export", "--list", str(lst["id"])])
    assert exported.exit_code == 0
    assert len(list(csv.DictReader(io.StringIO(exported.stdout)))) == 5
    assert exported.stderr == f"Exported 5 contacts of list {lst['id']} to standard output.\n"
    path = tmp_path / "out.jsonl"
    written = runner.invoke(
        cli, ["export", "--list", str(lst["id"]), "--format", "jsonl", "-o", str(path)]
    )
    assert written.exit_code == 0
    size = path.stat().st_size
    assert (
        written.output == f"Exported 5 contacts of list {lst['id']} to {path} ({size:,} bytes).\n"
    )


@pytest.mark.slow
def test_killed_import_resumes_without_duplicates(tmp_path: Path, sqlite_template: Path) -> None:
    """kill -9 in the middle, then --resume: every row once, nothing half-written."""
    data = tmp_path / "data"
    env = {**os.environ, "DIALBOOK_DATA_DIR": str(data), "DIALBOOK_DATABASE_URL": ""}
    runner = CliRunner(env={"DIALBOOK_DATA_DIR": str(data), "DIALBOOK_DATABASE_URL": ""})
    lst = json.loads(
        runner.invoke(
            cli, ["lists", "create", "Big", "--region", "US", "--duplicate-key", "none", "--json"]
        ).output
    )
    rows = 30_000
    path = tmp_path / "big.csv"
    with path.open("w") as handle:
        handle.write("Name,Phone\n")
        for i in range(rows):
            handle.write(f"P{i},+1212{i // 10000 + 200}{i % 10000:04d}\n")
    dialbook = str(Path(sys.prefix) / "bin" / "dialbook")
    process = subprocess.Popen(
        [dialbook, "import", str(path), "--list", str(lst["id"]), "--workers", "0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = Database(f"sqlite:///{data / 'dialbook.db'}")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            jobs = db.run_read(
                lambda conn: conn.exec_driver_sql("SELECT id, last_line FROM imports").all()
            )
            if jobs and 2000 < jobs[0][1] < rows:
                break
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        # Read after the kill, in one transaction: a chunk that committed between the poll
        # and the kill moved both numbers.
        job_id, last_line, count = db.run_read(
            lambda conn: conn.exec_driver_sql(
                "SELECT id, last_line, (SELECT count(*) FROM contacts) FROM imports"
            ).one()
        )
        assert count == last_line - 1  # exactly the committed rows (line 1 is the header)
        assert (
            db.run_read(lambda conn: conn.exec_driver_sql("PRAGMA integrity_check").scalar())
            == "ok"
        )
        # The killed process is gone, so the job is taken over without --force.
        resumed = runner.invoke(cli, ["import", "--resume", str(job_id), "--workers", "0"])
        assert resumed.exit_code == 0, resumed.output
        numbers = db.run_read(
            lambda conn: conn.exec_driver_sql(
                "SELECT count(DISTINCT number), count(*) FROM contact_phones"
            ).one()
        )
        assert tuple(numbers) == (rows, rows)
        again = runner.invoke(cli, ["import", "--resume", str(job_id)])
        assert again.exit_code == 0
        assert (
            db.run_read(lambda conn: conn.exec_driver_sql("SELECT count(*) FROM contacts").scalar())
            == rows
        )
    finally:
        db.close()


def test_a_title_and_suffix_column_are_read(api: TestClient) -> None:
    lst = create_list(api, default_region="US")
    body = (
        b"Salutation,Name,Suffix,Phone\n"
        b"Dr.,Grace Hopper,PhD,+12125550100\n"
        b",Dr. Ada King Jr.,,+12125550101\n"
    )
    job = api.post(f"/v1/lists/{lst['id']}/imports", content=body).json()
    for _ in range(400):
        job = api.get(f"/v1/imports/{job['id']}").json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert (job["status"], job["created"]) == ("done", 2), job
    contacts = api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"]
    assert [(c["name_prefix"], c["first_name"], c["name_suffix"]) for c in contacts] == [
        ("Dr.", "Grace", "PhD"),
        ("Dr.", "Ada", "Jr."),
    ]


AWKWARD = (
    "Name,Phone,Company,Notes,Tags,Salesforce ID,Favourite Colour\n"
    '"Tab\tHere","240-452-2332","back\\slash \\N","line one\nline two\r\nthree","a\\b","003\tX",'
    '"\\\\ ""quoted"" é ☎"\n'
    "Plain,240-452-2333,,,,,\n"
)


def test_imported_values_and_events_survive_the_driver_formats(
    db: Database, caller: Caller, api: TestClient, tmp_path: Path
) -> None:
    """Workers make the rows ready for the driver (tuples on SQLite, COPY text lines on
    PostgreSQL): tabs, newlines, backslashes and a literal \\N come back as written, and
    each contact.created payload is the contact as the API reads it."""
    lst = create_list(api, default_region="US")
    path = tmp_path / "awkward.csv"
    path.write_text(AWKWARD, encoding="utf-8")
    result = import_file(db, caller, lst["id"], path, map=["Tags=tags"])
    assert (result.created, result.rejected) == (2, 0)
    found = api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"]
    contacts = {c["id"]: c for c in found}
    awkward = next(c for c in found if c["company"])
    assert awkward["full_name"] == "Tab Here"  # names are tidied; the rest kept as written
    assert awkward["company"] == "back\\slash \\N"
    assert awkward["notes"] == "line one\nline two\r\nthree"
    assert awkward["tags"] == ["a\\b"]
    assert [r["id"] for r in awkward["external_refs"]] == ["003\tX"]
    assert awkward["custom_fields"] == {"favourite_colour": '\\\\ "quoted" é ☎'}
    assert api.get("/v1/contacts", params={"tag": "a\\b"}).json()["data"][0]["id"] == awkward["id"]
    events = api.get("/v1/events", params={"types": "contact.created"}).json()["data"]
    assert sorted(e["contact_id"] for e in events) == sorted(contacts)
    for event in events:
        assert event["data"] == contacts[event["contact_id"]]
