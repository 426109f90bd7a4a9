"""Issue 12, part 1: the inputs the call rules depend on are cleaned on every surface."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.workspaces.schemas import Caller
from tests.conftest import create_list
from tests.imports.test_import import import_file


def _create(api: TestClient, **body: Any) -> dict[str, Any]:
    response = api.post("/v1/contacts", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_phone_without_a_type_is_typed_by_its_line_type(api: TestClient) -> None:
    contact = _create(
        api,
        phones=[
            "+33 1 23 45 67 89",  # a French fixed line
            {"number": "+33 6 12 34 56 78"},  # a French mobile
            {"number": "+1 800 555 1234"},  # toll-free
            {"number": "+1 240 452 2332"},  # US: fixed line or mobile, cannot tell
            {"number": "+33 1 23 45 67 88", "type": "office"},  # given: kept
        ],
    )
    assert [(p["type"], p["line_type"]) for p in contact["phones"]] == [
        ("landline", "fixed_line"),
        ("mobile", "mobile"),
        ("other", "toll_free"),
        ("mobile", "fixed_line_or_mobile"),
        ("office", "fixed_line"),
    ]


def test_a_landline_type_may_be_given(api: TestClient) -> None:
    contact = _create(api, phones=[{"number": "+1 240 452 2332", "type": "landline"}])
    assert contact["phones"][0]["type"] == "landline"


def _import(
    api: TestClient, db: Database, caller: Caller, tmp_path: Path, text: str, **list_body: Any
) -> tuple[Any, list[dict[str, Any]]]:
    lst = create_list(api, **list_body)
    path = tmp_path / "leads.csv"
    path.write_text(text)
    job = import_file(db, caller, lst["id"], path)
    contacts = api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"]
    return job, contacts


def test_an_imported_phone_without_a_type_gets_the_line_type(
    api: TestClient, db: Database, caller: Caller, tmp_path: Path
) -> None:
    text = 'name,phones\nAnn,"[{""number"": ""01 23 45 67 89""}]"\n'
    _, contacts = _import(api, db, caller, tmp_path, text, default_region="FR")
    assert [p["type"] for p in contacts[0]["phones"]] == ["landline"]


def test_a_german_numbers_postal_code_is_not_a_us_zip(api: TestClient) -> None:
    berlin = _create(api, phones=["0049 30 1234567"], postal_code="10115")
    assert berlin["timezone_candidates"] == ["Europe/Berlin"]
    # With no country, a US number makes the postal code a ZIP (Gary, Indiana: Central).
    gary = _create(api, phones=["+1 800 555 1234"], postal_code="46320")
    assert (gary["timezone"], gary["timezone_source"]) == ("America/Chicago", "postal_code")


def test_an_impossible_length_is_refused_naming_the_phone(api: TestClient) -> None:
    response = api.post(
        "/v1/contacts",
        json={"first_name": "Ann", "phones": ["+33 6 12 34 56 78", "+33 1 23 45 67 89 01 23"]},
    )
    assert response.status_code == 422, response.text
    fields = response.json()["fields"]
    assert [f["name"] for f in fields] == ["phones[1].number"]
    assert "too long for its country" in fields[0]["detail"]
