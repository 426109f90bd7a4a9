"""Do-not-call registries: importing the US National Do Not Call Registry's files (over
HTTP and with the CLI), and the rules they drive in claims, the preview and /callable.
Both backends, at fixed instants."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from dialbook.cli import cli
from dialbook.kit import clock
from tests.conftest import create_list, make_key

NOW = dt.datetime(2026, 6, 3, 16, 0, tzinfo=dt.UTC)  # Wednesday, 12:00 in New York
NY = {"timezone": "America/New_York"}
IMPORTS = "/v1/dnc-registries/us-national/imports"


def upload(api: TestClient, body: bytes, status: int = 200, **params: Any) -> Any:
    response = api.post(IMPORTS, content=body, params=params)
    assert response.status_code == status, response.text
    return response.json()


def add(api: TestClient, list_id: int, phone: Any) -> int:
    response = api.post("/v1/contacts", json={"list_id": list_id, "phones": [phone], **NY})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def reasons(api: TestClient, contact_id: int) -> list[str]:
    found = api.get(f"/v1/contacts/{contact_id}/callable").json()
    return [reason["reason"] for reason in found["reasons"]]


def claimed(api: TestClient, list_id: int) -> set[int]:
    response = api.post(f"/v1/lists/{list_id}/queue/claim", json={"count": 100})
    assert response.status_code == 200, response.text
    return {lease["contact"]["id"] for lease in response.json()["leases"]}


def preview(api: TestClient, list_id: int) -> Any:
    return api.get(f"/v1/lists/{list_id}/queue/preview").json()


def test_full_list_plain_blocks_numbers_unless_consent_exempts(api: TestClient) -> None:
    with clock.frozen(NOW):
        lst = create_list(api)
        consent = {
            "written": {"type": "express_written"},
            "prior": {"type": "prior_express"},
            "ebr_recent": {
                "type": "established_business_relationship",
                "obtained_at": "2026-04-01T00:00:00Z",
            },
            "ebr_old": {
                "type": "established_business_relationship",
                "obtained_at": "2026-02-01T00:00:00Z",  # more than three months ago
            },
        }
        ids = {"plain": add(api, lst["id"], "+12125550100")}
        for offset, (name, given) in enumerate(consent.items(), 1):
            number = f"+1212555010{offset}"
            ids[name] = add(api, lst["id"], {"number": number, "consent": given})
        ids["off_list"] = add(api, lst["id"], "+12125550199")
        ids["london"] = add(api, lst["id"], {"number": "+442079460958"})
        # Ten digits and NPA,NXXXXXX, CRLF line ends, a blank line, a number given twice.
        body = b"2125550100\r\n212,5550101\r\n\r\n2125550102\n2125550103\n212,5550104\n2125550100\n"
        result = upload(api, body, as_of="2026-06-01")
        assert result["kind"] == "full"
        assert (result["lines"], result["added"], result["removed"]) == (6, 5, 0)
        assert result["registry"] == {
            "name": "us-national",
            "as_of": "2026-06-01",
            "imported_at": "2026-06-03T16:00:00Z",
            "kind": "full",
            "numbers": 5,
            "area_codes": 0,
        }
        blocked = {"plain", "prior", "ebr_old"}
        for name, contact_id in ids.items():
            assert reasons(api, contact_id) == (["national_dnc"] if name in blocked else [])
        found = api.get(f"/v1/contacts/{ids['plain']}/callable").json()
        assert found["reasons"][0]["source"] == {"kind": "dnc_registry", "registry": "us-national"}
        assert "+12125550100 is on the us-national" in found["reasons"][0]["detail"]
        assert found["next_callable_at"] is None
        counted = preview(api, lst["id"])
        assert (counted["callable"], counted["excluded"]) == (4, {"national_dnc": 3})
        assert "3 on a do-not-call registry" in counted["summary"]
        assert claimed(api, lst["id"]) == {ids[n] for n in ids if n not in blocked}
        assert api.get("/v1/dnc-registries").json()["data"][0]["numbers"] == 5
        # A new full list replaces the copy.
        result = upload(api, b"2125550101\n")
        assert (result["added"], result["removed"]) == (1, 5)
        assert result["registry"]["as_of"] == "2026-06-03"  # today, when not given
        assert claimed(api, lst["id"]) == {ids[n] for n in blocked}  # the others are leased


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def test_zipped_full_list_and_wildcard_area_codes(api: TestClient, tmp_path: Path) -> None:
    with clock.frozen(NOW):
        lst = create_list(api)
        in_305 = add(api, lst["id"], "+13055550100")
        in_786 = add(api, lst["id"], "+17865550100")
        in_212 = add(api, lst["id"], "+12125550100")
        other = add(api, lst["id"], "+12125550101")
        # Two files (one per area code, as the registry's downloads come), one a whole NPA.
        path = _zip(tmp_path / "full.zip", {"b.txt": "786\n", "a.txt": "2125550100\n305*\n"})
        result = upload(api, path.read_bytes())
        assert (result["registry"]["numbers"], result["registry"]["area_codes"]) == (3, 2)
        assert reasons(api, in_305) == ["national_dnc"]
        assert "its area code 305" in api.get(f"/v1/contacts/{in_305}/callable").text
        assert reasons(api, in_786) == ["national_dnc"]
        assert claimed(api, lst["id"]) == {other}
        assert preview(api, lst["id"])["excluded"] == {"national_dnc": 3, "leased": 1}
        assert in_212 not in claimed(api, lst["id"])


def test_a_change_list_applied_twice_gives_the_same_copy(api: TestClient) -> None:
    with clock.frozen(NOW):
        lst = create_list(api)
        ids = [add(api, lst["id"], f"+1212555010{i}") for i in range(4)]
        upload(api, b"2125550100\n2125550101\n", as_of="2026-05-25")
        changes = (
            b"212,5550102,A,2026-06-01\n2125550100,D\n212,*,a\n212,*,DELETED\n2125550103,add\n"
        )
        first = upload(api, changes, as_of="2026-06-01", changes="true")
        assert first["kind"] == "changes"
        assert (first["lines"], first["added"], first["removed"]) == (5, 2, 1)
        assert first["registry"]["as_of"] == "2026-06-01"
        again = upload(api, changes, as_of="2026-06-01", changes="true")
        assert (again["added"], again["removed"]) == (0, 0)
        assert again["registry"]["numbers"] == first["registry"]["numbers"] == 3
        assert [reasons(api, i) for i in ids] == [[], ["national_dnc"], ["national_dnc"],
                                                  ["national_dnc"]]  # fmt: skip


def test_a_stale_registry_copy_stops_us_numbers(api: TestClient) -> None:
    with clock.frozen(NOW):
        lst = create_list(api, registry_max_age_days=31)
        assert lst["registry_max_age_days"] == 31
        us = add(api, lst["id"], "+12125550100")
        london = add(api, lst["id"], "+442079460958")
        # No copy at all: US numbers wait for one.
        assert reasons(api, us) == ["stale_registry"]
        assert "was never imported" in api.get(f"/v1/contacts/{us}/callable").text
        assert reasons(api, london) == []
        upload(api, b"2125550199\n", as_of="2026-05-02")  # 32 days before NOW
        found = api.get(f"/v1/contacts/{us}/callable").json()
        assert [r["reason"] for r in found["reasons"]] == ["stale_registry"]
        assert "as of 2026-05-02" in found["reasons"][0]["detail"]
        assert "310.4(b)(3)(iv)" in found["reasons"][0]["detail"]
        counted = preview(api, lst["id"])
        assert (counted["callable"], counted["excluded"]) == (1, {"stale_registry": 1})
        assert claimed(api, lst["id"]) == {london}
        upload(api, b"2125550199\n", as_of="2026-05-03")  # 31 days: in time
        assert reasons(api, us) == []
        assert claimed(api, lst["id"]) == {us}
        # A list without the option dials on any copy.
        response = api.patch(f"/v1/lists/{lst['id']}", json={"registry_max_age_days": 40})
        assert response.status_code == 422
        assert "registry_max_age_days" in response.text


@pytest.mark.parametrize(
    ("body", "params", "field", "detail"),
    [
        (b"2125550100\n212555010\n", {}, "file", "body line 2: '212555010' is not a registry"),
        (b"2125550100\n2121550100\n", {}, "file", "body line 2: '2121550100' is not a US number"),
        (b"2125550100\n2125550101,A\n", {}, "file", "body line 2: '2125550101,A' has more"),
        (
            b"2125550100,A\n2125550101\n",
            {"changes": "true"},
            "file",
            "body line 2: '2125550101' has no action",
        ),
        (b"2125550100,X\n", {"changes": "true"}, "file", "body line 1: 'X' is not an action"),
        (b"PK\x03\x04broken", {}, "file", "body: is not a readable zip file"),
        (b"2125550100\n", {"as_of": "2026-07-01"}, "as_of", "2026-07-01 is in the future"),
        (b"\n\n", {}, "file", "body: no numbers"),
    ],
)
def test_bad_files_are_refused_naming_the_line(
    api: TestClient, body: bytes, params: dict[str, str], field: str, detail: str
) -> None:
    with clock.frozen(NOW):
        upload(api, b"2125550199\n", as_of="2026-06-01")
        response = api.post(IMPORTS, content=body, params=params)
        assert response.status_code == 422, response.text
        (found,) = response.json()["fields"]
        assert found["name"] == field
        assert found["detail"].startswith(detail), found
        # Nothing half-written: the copy is the one before.
        copy = api.get("/v1/dnc-registries/us-national").json()
        assert (copy["numbers"], copy["as_of"]) == (1, "2026-06-01")


def test_registry_routes_refuse_unknown_names_and_read_only_keys(api: TestClient, db: Any) -> None:
    assert api.post("/v1/dnc-registries/uk-tps/imports", content=b"1\n").status_code == 404
    assert api.get("/v1/dnc-registries/us-national").status_code == 404  # none imported
    response = api.post(IMPORTS, content=b"2125550100,A\n", params={"changes": "true"})
    assert response.status_code == 422
    assert response.json()["fields"][0]["name"] == "changes"
    assert "import a full list" in response.text
    reader = make_key(db, scopes=["contacts:read"])
    response = api.post(
        IMPORTS, content=b"2125550100\n", headers={"Authorization": f"Bearer {reader}"}
    )
    assert response.status_code == 403


def test_cli_imports_registry_files(db_url: str, admin_key: str, tmp_path: Path) -> None:
    runner = CliRunner(env={"DIALBOOK_DATA_DIR": str(tmp_path / "data"),
                            "DIALBOOK_DATABASE_URL": db_url})  # fmt: skip

    def run(*args: str) -> Any:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        return result

    full = _zip(tmp_path / "full.zip", {"2026-06-01.txt": "2125550100\n212,5550101\n415\n"})
    result = run("dnc", "import", str(full), "--registry", "us-national", "--as-of", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert "3 lines read (full): 3 added, 0 removed" in result.output
    assert "1 whole area codes" in result.output
    changes = tmp_path / "changes.txt"
    changes.write_text("2125550100,D\n2125550102,A\n")
    for _ in range(2):
        args = ["dnc", "import", str(changes), "--registry", "us-national", "--changes", "--json"]
        result = run(*args, "--as-of", "2026-06-02")
        assert result.exit_code == 0, result.output
    assert json.loads(result.output)["registry"]["numbers"] == 3
    listed = run("dnc", "registries", "--json")
    assert [(r["name"], r["as_of"]) for r in json.loads(listed.output)] == [
        ("us-national", "2026-06-02")
    ]
    bad = tmp_path / "bad.txt"
    bad.write_text("2125550100\nnot a number\n")
    result = run("dnc", "import", str(bad), "--registry", "us-national")
    assert result.exit_code != 0
    assert "bad.txt line 2" in result.output
    result = run("dnc", "import", str(bad), "--changes")
    assert result.exit_code != 0
    assert "--registry" in result.output


def test_cli_sets_the_consent_and_registry_options(
    db_url: str, admin_key: str, tmp_path: Path
) -> None:
    run = CliRunner(env={"DIALBOOK_DATA_DIR": str(tmp_path / "data"),
                         "DIALBOOK_DATABASE_URL": db_url})  # fmt: skip

    def invoke(*args: str) -> Any:
        result = run.invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    created = invoke("lists", "create", "Consent", "--json")
    found = invoke("lists", "set", str(created["id"]), "--require-consent-for-mobile",
                   "--block-reassigned", "--registry-max-age", "31", "--json")  # fmt: skip
    assert (found["require_consent_for_mobile"], found["block_reassigned"]) == (True, True)
    assert found["registry_max_age_days"] == 31
    found = invoke("lists", "set", str(created["id"]), "--no-block-reassigned",
                   "--registry-max-age", "off", "--json")  # fmt: skip
    assert (found["block_reassigned"], found["registry_max_age_days"]) == (False, None)
    assert found["require_consent_for_mobile"] is True
    result = run.invoke(cli, ["lists", "set", str(created["id"]), "--registry-max-age", "45"])
    assert result.exit_code != 0
    assert "registry_max_age_days" in result.output


def test_preview_claims_and_callable_agree_on_every_new_reason(api: TestClient) -> None:
    with clock.frozen(NOW):
        lst = create_list(api, require_consent_for_mobile=True, block_reassigned=True)
        yes = {"result": "yes"}
        mobile, landline = {"type": "mobile"}, {"type": "landline"}
        phones = {
            "callable": {"number": "+12125550100", **landline},
            "registry": {"number": "+12125550101", **landline},
            "registry_and_mobile": {"number": "+12125550102", **mobile},
            "suppressed_and_registry": {"number": "+12125550103", **landline},
            "reassigned_mobile": {"number": "+12125550104", "reassigned": yes, **mobile},
            "mobile": {"number": "+12125550105", **mobile},
            "written_on_registry": {
                "number": "+12125550106",
                "consent": {"type": "express_written"},
                **mobile,
            },
            "area_code": {"number": "+13055550100", **landline},
            "dnc_flag": {"number": "+12125550107", **landline},
        }
        ids = {name: add(api, lst["id"], phone) for name, phone in phones.items()}
        api.patch(f"/v1/contacts/{ids['dnc_flag']}", json={"dnc": True})
        upload(api, b"2125550101\n2125550102\n2125550103\n2125550106\n2125550107\n305\n")
        assert api.post("/v1/suppressions", json={"number": "+12125550103"}).status_code == 201
        checks = {name: api.get(f"/v1/contacts/{i}/callable").json() for name, i in ids.items()}
        counted = preview(api, lst["id"])
        first = {}
        for found in checks.values():
            if found["reasons"]:
                reason = found["reasons"][0]["reason"]
                first[reason] = first.get(reason, 0) + 1
        assert (
            counted["excluded"]
            == first
            == {
                "national_dnc": 3,
                "suppressed": 1,
                "reassigned": 1,
                "no_consent": 1,
                "do_not_call": 1,
            }
        )
        assert [r["reason"] for r in checks["registry_and_mobile"]["reasons"]] == [
            "national_dnc",
            "no_consent",
        ]
        callable_ids = {ids[n] for n, found in checks.items() if found["callable"]}
        assert callable_ids == {ids["callable"], ids["written_on_registry"]}
        assert counted["callable"] == 2
        assert claimed(api, lst["id"]) == callable_ids
