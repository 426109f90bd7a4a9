"""Issue 12, part 1: the inputs the call rules depend on are cleaned on every surface."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import text
from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.imports.mapping import recognize
from dialbook.kit import clock
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


def test_an_imported_phone_column_without_a_type_gets_the_line_type(
    api: TestClient, db: Database, caller: Caller, tmp_path: Path
) -> None:
    assert recognize(["Phone", "Cell"]).describe() == [("Phone", "phone"), ("Cell", "phone:mobile")]
    text = "Name,Phone,Cell\nAnn,01 23 45 67 89,01 23 45 67 88\n"
    _, contacts = _import(api, db, caller, tmp_path, text, default_region="FR")
    assert [(p["type"], p["line_type"]) for p in contacts[0]["phones"]] == [
        ("landline", "fixed_line"),
        ("mobile", "fixed_line"),  # the file said "Cell"
    ]


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


def test_a_contact_with_nothing_to_identify_it_is_refused(api: TestClient) -> None:
    for body in ({}, {"company": "Acme", "phones": []}, {"email": "  ", "tags": ["x"]}):
        response = api.post("/v1/contacts", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["fields"] == [
            {
                "name": "phones",
                "detail": "a contact needs a phone, an email, a name or an external id",
            }
        ]
    upserted = api.post("/v1/contacts/upsert", json={"company": "Acme"})
    assert upserted.status_code == 422, upserted.text
    # Clearing the last thing that identifies a contact is refused the same way.
    ann = _create(api, phones=["+1 240 452 2332"])
    cleared = api.patch(f"/v1/contacts/{ann['id']}", json={"phones": []})
    assert cleared.status_code == 422, cleared.text
    assert cleared.json()["fields"][0]["name"] == "phones"


def test_a_contact_without_a_phone_is_stored_but_never_queued(api: TestClient) -> None:
    lst = create_list(api)
    for body in ({"email": "ann@example.com"}, {"first_name": "Bo"},
                 {"external_refs": [{"provider": "crm", "id": "7"}]}):  # fmt: skip
        _create(api, list_id=lst["id"], **body)
    preview = api.get(f"/v1/lists/{lst['id']}/queue/preview").json()
    assert (preview["total"], preview["callable"]) == (3, 0)
    assert preview["excluded"]["no_phone"] == 3
    claim = api.post(f"/v1/lists/{lst['id']}/queue/claim", json={"count": 10})
    assert claim.json()["leases"] == []


def test_the_importer_refuses_the_same_rows_the_api_does(
    api: TestClient, db: Database, caller: Caller, tmp_path: Path
) -> None:
    text = (
        "First Name,Email,Phone,Company\n"
        "Ann,,,Acme\n,ann@example.com,,\n,,,Acme\n,,+1 240 452 2332,\n"
    )
    job, contacts = _import(api, db, caller, tmp_path, text)
    assert (job.created, job.rejected) == (3, 1)
    assert sorted(c["first_name"] or c["email"] or c["phones"][0]["number"] for c in contacts) == [
        "+12404522332", "Ann", "ann@example.com"
    ]  # fmt: skip


AT_16_09_EASTERN = dt.datetime(2026, 6, 3, 20, 9, tzinfo=dt.UTC)  # a Wednesday


def test_state_names_are_stored_as_codes_so_state_overrides_apply(api: TestClient) -> None:
    window = {
        "start": "08:00",
        "end": "21:00",
        "state_overrides": {"FL": {"start": "08:00", "end": "09:00"}},
    }
    with clock.frozen(AT_16_09_EASTERN - dt.timedelta(days=1)):  # due before the claim
        lst = create_list(api, calling_window=window)
        spellings = ["Florida", "fl", "FL ", "Fla.", "  florida "]
        florida = [
            _create(
                api,
                list_id=lst["id"],
                first_name=f"F{n}",
                phones=[f"+1 305 204 12{n:02d}"],
                state=state,
            )
            for n, state in enumerate(spellings)
        ]
    assert {c["state"] for c in florida} == {"FL"}
    with clock.frozen(AT_16_09_EASTERN - dt.timedelta(days=1)):
        new_york = _create(api, list_id=lst["id"], phones=["+1 212 456 1234"], state="new york")
    assert new_york["state"] == "NY"
    with clock.frozen(AT_16_09_EASTERN):
        claim = api.post(f"/v1/lists/{lst['id']}/queue/claim", json={"count": 10})
    assert [lease["contact"]["id"] for lease in claim.json()["leases"]] == [new_york["id"]]


def test_an_unknown_state_is_kept_as_given(api: TestClient) -> None:
    assert _create(api, first_name="A", state="Bavaria", country="DE")["state"] == "Bavaria"
    assert _create(api, first_name="B", state="Narnia")["state"] == "Narnia"
    # A Canadian province is read in Canada, and a country change reads the state again.
    ontario = _create(api, first_name="C", state="ontario", country="CA")
    assert ontario["state"] == "ON"
    moved = _create(api, first_name="D", state="Florida", country="DE")
    assert moved["state"] == "Florida"
    patched = api.patch(f"/v1/contacts/{moved['id']}", json={"country": "US"}).json()
    assert patched["state"] == "FL"


def test_the_importer_stores_state_codes(
    api: TestClient, db: Database, caller: Caller, tmp_path: Path
) -> None:
    text = "Name,Phone,State\nAnn,+1 305 204 1200,Florida\nBo,+1 305 204 1201,fla.\n"
    _, contacts = _import(api, db, caller, tmp_path, text)
    assert [c["state"] for c in contacts] == ["FL", "FL"]


def test_zone_abbreviations_become_real_zones(api: TestClient) -> None:
    cases = [
        ("PST", {}, "America/Los_Angeles"),
        ("EST", {}, "America/New_York"),  # not tzdata's fixed EST: summer is EDT
        ("Central Standard Time", {}, "America/Chicago"),
        ("Eastern", {"country": "CA"}, "America/Toronto"),
        ("MST", {"phones": ["+1 602 555 0100"]}, "America/Phoenix"),
    ]
    for raw, extra, zone in cases:
        body = {"first_name": "Ann", **extra, "timezone": raw}
        contact = _create(api, **body)
        assert (contact["timezone"], contact["timezone_source"]) == (zone, "given"), raw
        assert contact["timezone_candidates"] == [zone]


def test_an_unusable_zone_is_ignored_and_the_zone_inferred(api: TestClient) -> None:
    for n, raw in enumerate(("Mars/Olympus", "EST5", "UTC")):
        contact = _create(api, phones=[f"+1 212 456 12{n:02d}"], timezone=raw)
        assert (contact["timezone"], contact["timezone_source"]) == ("America/New_York", "phone")
    # GMT-7 in the US is Denver (daylight saving) or Phoenix (none): only the phone can tell.
    by_phone = _create(api, phones=["+1 602 555 0100"], timezone="GMT-7")
    assert (by_phone["timezone"], by_phone["timezone_source"]) == ("America/Phoenix", "given")
    for n, raw in enumerate(("GMT-7", "Etc/GMT+7")):
        toll_free = _create(
            api, phones=[f"+1 800 555 12{n:02d}"], postal_code="46320", timezone=raw
        )
        assert (toll_free["timezone"], toll_free["timezone_source"]) == (
            "America/Chicago",
            "postal_code",
        )
    # An update with one goes back to inference too.
    given = _create(api, phones=["+1 212 456 1260"], timezone="Europe/Paris")
    patched = api.patch(f"/v1/contacts/{given['id']}", json={"timezone": "Mars/Olympus"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["timezone_source"] == "phone"


def test_a_fixed_offset_is_never_a_list_default(api: TestClient) -> None:
    response = api.post("/v1/lists", json={"name": "L", "default_timezone": "EST"})
    assert response.status_code == 422, response.text
    assert response.json()["fields"][0]["name"] == "default_timezone"


def test_the_importer_keeps_rows_with_any_zone_value(
    api: TestClient, db: Database, caller: Caller, tmp_path: Path
) -> None:
    text = (
        "Name,Phone,Time Zone\n"
        "Ann,+1 212 456 1200,PST\n"
        "Bo,+1 212 456 1201,Eastern\n"
        "Cy,+1 212 456 1202,Central Standard Time\n"
        "Di,+1 212 456 1203,GMT-5\n"
        "Ed,+1 212 456 1204,EST\n"
    )
    job, contacts = _import(api, db, caller, tmp_path, text)
    assert (job.created, job.rejected) == (5, 0)
    assert [(c["timezone"], c["timezone_source"]) for c in contacts] == [
        ("America/Los_Angeles", "given"),
        ("America/New_York", "given"),
        ("America/Chicago", "given"),
        ("America/New_York", "given"),  # GMT-5: the US zones of that standard offset
        ("America/New_York", "given"),
    ]


def test_claims_never_hand_out_a_number_not_known_as_valid(api: TestClient) -> None:
    with clock.frozen(AT_16_09_EASTERN - dt.timedelta(days=1)):
        lst = create_list(api)
        fake = _create(api, list_id=lst["id"], first_name="Fake", phones=["+1 555 555 0100"])
        second = _create(
            api, list_id=lst["id"], first_name="Two", phones=["+1 555 555 0101", "+1 212 456 1234"]
        )
    assert [p["valid"] for p in fake["phones"]] == [False]
    preview = api.get(f"/v1/lists/{lst['id']}/queue/preview").json()
    assert preview["excluded"]["invalid_number"] == 1  # no number the list may dial
    with clock.frozen(AT_16_09_EASTERN):
        claim = api.post(f"/v1/lists/{lst['id']}/queue/claim", json={"count": 10}).json()
    assert [(lease["contact"]["id"], lease["phone"]["number"]) for lease in claim["leases"]] == [
        (second["id"], "+12124561234")
    ]


def test_values_kept_or_ignored_are_reported_as_warnings(api: TestClient) -> None:
    response = api.post(
        "/v1/contacts",
        json={"phones": ["+1 212 456 1234"], "state": "Narnia", "timezone": "Mars/Olympus"},
    )
    assert response.status_code == 201, response.text
    warnings = json.loads(response.headers["dialbook-warnings"])
    assert [w["name"] for w in warnings] == ["state", "timezone"]
    assert "kept as given" in warnings[0]["detail"]
    assert "the zone is inferred" in warnings[1]["detail"]
    contact = response.json()
    assert (contact["state"], contact["timezone"]) == ("Narnia", "America/New_York")
    clean = api.patch(f"/v1/contacts/{contact['id']}", json={"state": "Québec", "country": "CA"})
    assert "dialbook-warnings" not in clean.headers
    assert clean.json()["state"] == "QC"
    upserted = api.post("/v1/contacts/upsert", json={"email": "a@example.com", "state": "Oz"})
    assert json.loads(upserted.headers["dialbook-warnings"])[0]["name"] == "state"


def test_a_contact_stored_with_nothing_to_identify_it_may_still_be_changed(
    api: TestClient, db: Database, caller: Caller
) -> None:
    contact = _create(api, email="ann@example.com")

    def forget_email(conn: Any) -> None:  # as contacts created before the rule were stored
        conn.execute(
            text(
                "UPDATE contacts SET email = NULL, email_key = NULL"
                " WHERE workspace_id = :ws AND id = :id"
            ),
            {"ws": caller.workspace_id, "id": contact["id"]},
        )

    db.run_write(forget_email)
    patched = api.patch(f"/v1/contacts/{contact['id']}", json={"notes": "called back"})
    assert patched.status_code == 200, patched.text
    named = api.patch(f"/v1/contacts/{contact['id']}", json={"first_name": "Ann"})
    assert named.json()["first_name"] == "Ann"
    emptied = api.patch(f"/v1/contacts/{contact['id']}", json={"first_name": None})
    assert emptied.status_code == 422, emptied.text
