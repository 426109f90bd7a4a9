"""Files that cannot be what the caller meant are refused before anything is written."""

from __future__ import annotations

import json
import time
from pathlib import Path

from click.testing import CliRunner
from starlette.testclient import TestClient

from dialbook.cli import cli
from tests.conftest import create_list

LEADS = "Name,Phone\nAda Lovelace,+12125550100\nAlan Turing,+12125550101\n"


def test_a_file_sent_with_curl_d_is_refused(api: TestClient) -> None:
    lst = create_list(api)
    # curl -d strips the newlines: the whole file becomes one "header" line.
    flattened = LEADS.replace("\n", "").encode()
    response = api.post(f"/v1/lists/{lst['id']}/imports", content=flattened)
    assert response.status_code == 422
    [field] = response.json()["fields"]
    assert field["name"] == "file"
    assert "no data rows" in field["detail"]
    assert "--data-binary" in field["detail"]
    assert api.get("/v1/custom-fields").json()["data"] == []
    assert api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"] == []


def test_a_header_without_a_known_column_is_refused(api: TestClient) -> None:
    lst = create_list(api)
    response = api.post(
        f"/v1/lists/{lst['id']}/imports", content=b"Foo,Bar\nx,y\n", params={"dry_run": "1"}
    )
    assert response.status_code == 422
    assert "no column dialbook recognizes" in response.json()["fields"][0]["detail"]


def test_new_custom_fields_are_limited(api: TestClient) -> None:
    lst = create_list(api)
    header = "Name,Phone," + ",".join(f"Extra {i}" for i in range(51))
    body = f"{header}\nAda,+12125550100{',x' * 51}\n".encode()
    refused = api.post(f"/v1/lists/{lst['id']}/imports", content=body)
    assert refused.status_code == 422
    [field] = refused.json()["fields"]
    assert field["name"] == "allow_new_fields"
    assert "would create 51 new custom fields" in field["detail"]
    assert api.get("/v1/custom-fields").json()["data"] == []
    allowed = api.post(
        f"/v1/lists/{lst['id']}/imports", content=body, params={"allow_new_fields": "51"}
    )
    assert allowed.status_code == 202, allowed.text
    job = allowed.json()
    for _ in range(400):  # the background job finishes before the test lets the db go
        job = api.get(f"/v1/imports/{job['id']}").json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert (job["status"], job["created"]) == ("done", 1)
    assert len(api.get("/v1/custom-fields", params={"limit": 100}).json()["data"]) == 51


def test_the_cli_takes_allow_new_fields(tmp_path: Path, sqlite_template: Path) -> None:
    runner = CliRunner(
        env={"DIALBOOK_DATA_DIR": str(tmp_path / "data"), "DIALBOOK_DATABASE_URL": ""}
    )
    lst = json.loads(runner.invoke(cli, ["lists", "create", "Leads", "--json"]).output)
    path = tmp_path / "wide.csv"
    path.write_text("Name,Phone,Shoe size,Pet\nAda,+12125550100,38,cat\n")
    args = ["import", str(path), "--list", str(lst["id"]), "--workers", "0"]
    refused = runner.invoke(cli, [*args, "--allow-new-fields", "1"])
    assert refused.exit_code == 1
    assert "would create 2 new custom fields" in refused.output
    done = runner.invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert "1 created" in done.output


def test_a_quote_never_closed_is_reported_as_broken_quoting(api: TestClient) -> None:
    lst = create_list(api, default_region="US")
    body = (
        b"Name,Phone,Notes\n"
        b"Ada,+12125550100,fine\n"
        b'Cy,+12125550101,"broken, row with\n'
        b"Bob,+12125550102,ok\n"
        b'Dee,+12125550103,"two\nlines"\n'
    )
    report = api.post(
        f"/v1/lists/{lst['id']}/imports", content=body, params={"dry_run": "true"}
    ).json()
    assert (report["rows_checked"], report["valid"], report["rejected"]) == (4, 3, 1)
    [problem] = report["first_errors"]
    assert problem["line"] == 3
    assert "quote" in problem["errors"][0]["detail"]
    assert "never closed" in problem["errors"][0]["detail"]
    assert "phone" not in problem["errors"][0]["detail"]
