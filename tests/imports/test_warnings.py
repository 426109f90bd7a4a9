"""An import keeps a row whose unknown state or unusable time zone it keeps as given or
ignores, and says so: counted (`warned`), listed by the dry run, downloadable as CSV
(HTTP and CLI), as the API's Dialbook-Warnings header does for one contact."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from starlette.testclient import TestClient

from dialbook.cli import cli
from dialbook.imports.jobs import Jobs
from tests.conftest import create_list

FILE = (
    "Phone,State,Time Zone\n"
    "+12125550100,Atlantis,\n"  # line 2: an unknown state, kept as given
    "+12125550101,NY,Mars/Base\n"  # line 3: no such zone, ignored (inferred from the phone)
    "+12125550102,New York,America/New_York\n"  # line 4: clean
    "nope,NY,\n"  # line 5: rejected
)


def _finish(api: TestClient, job: dict[str, Any]) -> dict[str, Any]:
    api.app.state.services.workers.get(Jobs).wait(timeout=60)  # type: ignore[attr-defined]
    found: dict[str, Any] = api.get(f"/v1/imports/{job['id']}").json()
    return found


def test_the_dry_run_lists_the_rows_that_would_be_kept_with_warnings(api: TestClient) -> None:
    lst = create_list(api, default_region="US")
    report = api.post(
        f"/v1/lists/{lst['id']}/imports", params={"dry_run": "true"}, content=FILE.encode()
    ).json()
    assert (report["valid"], report["rejected"], report["warned"]) == (3, 1, 2)
    assert [(w["line"], [e["name"] for e in w["errors"]]) for w in report["first_warnings"]] == [
        (2, ["state"]),
        (3, ["timezone"]),
    ]


def test_an_import_counts_and_lists_its_warnings(api: TestClient) -> None:
    lst = create_list(api, default_region="US")
    job = _finish(api, api.post(f"/v1/lists/{lst['id']}/imports", content=FILE.encode()).json())
    assert (job["status"], job["created"], job["rejected"], job["warned"]) == ("done", 3, 1, 2)
    answer = api.get(f"/v1/imports/{job['id']}/warnings")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["line", "warnings"]
    assert [row[0] for row in rows[1:]] == ["2", "3"]
    assert "state: " in rows[1][1]
    assert "Atlantis" in rows[1][1]
    assert "Mars/Base" in rows[2][1]
    # The rows were kept: the state as given, the zone inferred from the phone.
    contacts = {
        c["phones"][0]["number"]: c
        for c in api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"]
    }
    assert contacts["+12125550100"]["state"] == "Atlantis"
    assert contacts["+12125550101"]["timezone"] == "America/New_York"
    assert contacts["+12125550102"]["state"] == "NY"
    assert api.get("/v1/imports/999999/warnings").status_code == 404


def test_the_cli_prints_the_warnings(tmp_path: Path, sqlite_template: Path) -> None:
    runner = CliRunner(
        env={"DIALBOOK_DATA_DIR": str(tmp_path / "data"), "DIALBOOK_DATABASE_URL": ""}
    )
    leads = tmp_path / "leads.csv"
    leads.write_text(FILE)
    done = runner.invoke(cli, ["import", str(leads), "--list", "1"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "2 imported with warnings" in done.output
    assert "dialbook import-warnings 1" in done.output
    printed = runner.invoke(cli, ["import-warnings", "1"], catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    assert [row[0] for row in csv.reader(io.StringIO(printed.output))] == ["line", "2", "3"]
