"""The console's manage screens over HTTP: every list setting on the form, editing a
contact, undoing an import, loading a do-not-call file; htmx redirects; isolation of the
new pages. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.imports import service as import_service
from dialbook.imports.jobs import Jobs
from dialbook.imports.schemas import ImportTemplateCreate
from dialbook.kit import clock
from dialbook.onboarding import service as onboarding
from dialbook.workspaces.schemas import Caller
from tests.conftest import create_list
from tests.console.conftest import csrf_of, make_user, post_form, sign_in
from tests.console.test_screens import MONDAY_NOON_NY, contact, text_of

EVERY_SETTING = {
    "name": "Florida spring",
    "default_region": "US",
    "default_timezone": "America/New_York",
    "duplicate_key": "email",
    "duplicate_scope": "workspace",
    "queue_mode": "on_publish",
    "phone_order": "mobile_first",
    "max_attempts": "5",
    "retry_minutes": "90",
    "start": "09:00",
    "end": "19:30",
    "days": ["mon", "tue", "wed", "thu", "fri", "sat"],
    "holidays": "2026-12-25\n2027-01-01",
    "state_overrides": "fl 08:00-20:00 mon,tue\nTX 9:00-21:00",
    "cap_count": "3",
    "cap_hours": "24",
    "dial_invalid_numbers": "on",
    "require_consent_for_mobile": "on",
    "block_reassigned": "on",
    "registry_max_age_days": "31",
}  # us_state_rules left out: unchecked


def field_error(html: str, name: str) -> str:
    """The error shown next to form field ``name`` (the input points at it)."""
    assert re.search(rf'id="{name}"[^>]*aria-invalid="true" aria-describedby="{name}-error"', html)
    found = re.search(rf'<p class="field-error" id="{name}-error">(.*?)</p>', html, re.S)
    assert found, name
    return found.group(1)


# -- lists ----------------------------------------------------------------------------------


def test_every_list_setting_is_on_the_form(api: TestClient, admin: TestClient) -> None:
    made = post_form(admin, "/console/lists", EVERY_SETTING, page="/console/lists/new")
    assert made.status_code == 303, made.text
    list_id = int(made.headers["location"].rsplit("/", 1)[1])
    stored = api.get(f"/v1/lists/{list_id}").json()
    assert stored["default_region"] == "US"
    assert stored["duplicate_policy"] == {"key": "email", "scope": "workspace"}
    assert stored["queue_mode"] == "on_publish"
    assert stored["phone_order"] == "mobile_first"
    assert (stored["max_attempts"], stored["retry_minutes"]) == (5, 90)
    window = stored["calling_window"]
    assert (window["start"], window["end"]) == ("09:00", "19:30")
    assert window["days"] == ["mon", "tue", "wed", "thu", "fri", "sat"]
    assert window["holidays"] == ["2026-12-25", "2027-01-01"]
    assert window["state_overrides"] == {
        "FL": {"start": "08:00", "end": "20:00", "days": ["mon", "tue"]},
        "TX": {"start": "09:00", "end": "21:00", "days": None},
    }
    assert stored["compliance"] == {
        "us_state_rules": False,
        "max_calls_per_number": {"count": 3, "hours": 24},
    }
    assert stored["dial_invalid_numbers"] is True
    assert stored["require_consent_for_mobile"] is True
    assert stored["block_reassigned"] is True
    assert stored["registry_max_age_days"] == 31

    # The form shows every setting back; saving it untouched changes nothing.
    form = admin.get(f"/console/lists/{list_id}").text
    assert "FL 08:00-20:00 mon,tue\nTX 09:00-21:00</textarea>" in form
    assert '<option value="workspace" selected>' in form
    assert re.search(r'id="block_reassigned" name="block_reassigned" checked', form)
    assert not re.search(r'id="us_state_rules" name="us_state_rules" checked', form)
    events = len(api.get("/v1/events", params={"types": "list.updated"}).json()["data"])
    again = post_form(
        admin, f"/console/lists/{list_id}", EVERY_SETTING, page=f"/console/lists/{list_id}"
    )
    assert again.status_code == 303
    assert len(api.get("/v1/events", params={"types": "list.updated"}).json()["data"]) == events

    turned = {**EVERY_SETTING, "us_state_rules": "on", "cap_count": "", "cap_hours": "",
              "block_reassigned": "", "start": "", "end": "", "holidays": "",
              "state_overrides": ""}  # fmt: skip
    del turned["block_reassigned"]
    post_form(admin, f"/console/lists/{list_id}", turned, page=f"/console/lists/{list_id}")
    stored = api.get(f"/v1/lists/{list_id}").json()
    assert stored["compliance"] == {"us_state_rules": True, "max_calls_per_number": None}
    assert stored["block_reassigned"] is False
    assert stored["calling_window"] is None


def test_every_bad_list_field_is_named_next_to_it(api: TestClient, admin: TestClient) -> None:
    before = api.get("/v1/lists").json()
    bad = {**EVERY_SETTING, "retry_minutes": "soon", "cap_count": "lots",
           "holidays": "12/25/2026", "state_overrides": "Florida all day\nFL 08:00-20:00 someday",
           "registry_max_age_days": "-1"}  # fmt: skip
    answer = post_form(admin, "/console/lists", bad, page="/console/lists/new")
    assert answer.status_code == 422
    html = answer.text
    assert "must be a whole number" in field_error(html, "retry_minutes")
    assert "whole number" in field_error(html, "cap_count")
    assert "&#39;12/25/2026&#39; is no date" in field_error(html, "holidays")
    overrides = field_error(html, "state_overrides")
    assert "line 1: write it as" in overrides
    assert "line 2: someday is not a day" in overrides
    assert "whole number" in field_error(html, "registry_max_age_days")
    assert 'value="Florida spring"' in html  # what was typed stays
    # A value the API's rules refuse (after the form's own checks) is placed too.
    for data, name in (
        ({"start": "20:00", "end": "09:00"}, "end"),
        ({"max_attempts": "0"}, "max_attempts"),
        ({"default_timezone": "Mars/Olympus"}, "default_timezone"),
        ({"registry_max_age_days": "45"}, "registry_max_age_days"),
        ({"cap_hours": "99999"}, "cap_hours"),
        ({"state_overrides": "FL 20:00-08:00"}, "state_overrides"),
        ({"start": "", "end": ""}, "start"),  # holidays without a window
        ({"default_region": "Narnia"}, "default_region"),
    ):
        answer = post_form(
            admin, "/console/lists", {**EVERY_SETTING, **data}, page="/console/lists/new"
        )
        assert answer.status_code == 422, data
        assert field_error(answer.text, name), data
    assert api.get("/v1/lists").json() == before


def test_an_htmx_post_that_succeeds_redirects_with_hx_redirect(
    api: TestClient, admin: TestClient
) -> None:
    token = csrf_of(admin.get("/console/lists/new"))
    answer = admin.post(
        "/console/lists",
        data={"name": "By htmx", "retry_minutes": "60"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 204
    list_id = int(answer.headers["HX-Redirect"].rsplit("/", 1)[1])
    assert api.get(f"/v1/lists/{list_id}").json()["name"] == "By htmx"
    plain = post_form(admin, "/console/lists", {"name": "Plain"}, page="/console/lists/new")
    assert plain.status_code == 303
    assert "HX-Redirect" not in plain.headers


def test_a_new_phone_order_from_the_form_changes_the_number_dialed(
    api: TestClient, admin: TestClient
) -> None:
    lst = create_list(api, name="Order")
    made = contact(api, list_id=lst["id"], phones=[
        {"number": "+12125550100", "type": "office"},
        {"number": "+12125550101", "type": "mobile"}])  # fmt: skip
    url = f"/console/contacts/{made['id']}"
    assert re.search(r"\+12125550100</td>(?:(?!</tr>).)*dialed next", admin.get(url).text, re.S)
    post_form(admin, f"/console/lists/{lst['id']}",
              {"name": "Order", "phone_order": "mobile_first", "us_state_rules": "on"},
              page=f"/console/lists/{lst['id']}")  # fmt: skip
    page = admin.get(url).text
    assert re.search(r"\+12125550101</td>(?:(?!</tr>).)*dialed next", page, re.S)
    assert "(mobile first)" in page


# -- the contact page -----------------------------------------------------------------------


def test_the_contact_page_shows_each_numbers_zone_dialing_state_and_consent(
    api: TestClient, admin: TestClient
) -> None:
    with clock.frozen(MONDAY_NOON_NY):
        made = contact(api, full_name="Dana Reyes", phones=[
            {"number": "(212) 555-0142", "type": "mobile",
             "consent": {"type": "express_written", "obtained_at": "2026-05-01T12:00:00Z",
                         "source": "web form 7"},
             "reassigned": {"result": "no", "checked_at": "2026-05-02T00:00:00Z"}},
            "+1 415 555 0143"], timezone="America/New_York")  # fmt: skip
        claimed = api.post(f"/v1/lists/{made['list_id']}/queue/claim", json={"count": 1}).json()
        lease = claimed["leases"][0]["lease_id"]
        api.post(f"/v1/queue/leases/{lease}/outcome", json={"outcome": "wrong_number"})
    page = admin.get(f"/console/contacts/{made['id']}")
    seen = text_of(page.text)
    assert "America/New_York" in seen
    assert "America/Los_Angeles" in seen
    assert "express written, 2026-05-01 12:00:00 UTC, web form 7" in seen
    assert "reassigned check: no" in seen
    assert "none recorded" in seen  # the second number has no consent
    assert "done 1 attempt, last wrong number 2026-06-01 16:00:00 UTC" in seen
    assert "dialed next (next after wrong number)" in seen


def test_edit_a_contact_writes_only_what_changed_through_the_contacts_service(
    api: TestClient, admin: TestClient
) -> None:
    made = contact(api, first_name="Dana", last_name="Reyes", company="Acme",
                   phones=[{"number": "+14155550123", "type": "office",
                            "consent": {"type": "prior_express"}}], tags=["a"])  # fmt: skip
    url = f"/console/contacts/{made['id']}/edit"
    form = admin.get(url)
    assert form.status_code == 200
    assert "+14155550123 office</textarea>" in form.text
    values = {name: value for name, value in re.findall(r'name="(\w+)" type="\w+" value="([^"]*)"',
                                                        form.text)}  # fmt: skip
    values |= {"phones": "+14155550123 office\n(415) 555-0199 mobile", "notes": "",
               "company": "Acme & Sons", "tags": "a, b", "version": "1"}  # fmt: skip
    saved = post_form(admin, url, values, page=url)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"/console/contacts/{made['id']}"
    stored = api.get(f"/v1/contacts/{made['id']}").json()
    assert stored["company"] == "Acme & Sons"
    assert stored["tags"] == ["a", "b"]
    assert [(p["number"], p["type"]) for p in stored["phones"]] == [
        ("+14155550123", "office"), ("+14155550199", "mobile")]  # fmt: skip
    assert stored["phones"][0]["consent"]["type"] == "prior_express"  # kept
    history = api.get(f"/v1/contacts/{made['id']}/history").json()["data"]
    assert set(history[-1]["changes"]) == {"company", "tags", "phones"}
    assert history[-1]["actor"].startswith("user:")

    stale = post_form(admin, url, {**values, "company": "Late"}, page=url)
    assert stale.status_code == 409  # the form was for version 1
    assert "version" in text_of(stale.text)
    bad = post_form(admin, url, {**values, "version": "2", "email": "not an email",
                                 "phones": "call me"}, page=url)  # fmt: skip
    assert bad.status_code == 422
    assert field_error(bad.text, "email") or field_error(bad.text, "phones")
    assert api.get(f"/v1/contacts/{made['id']}").json()["version"] == 2


def test_an_agent_reads_a_contact_but_may_not_edit_it(
    api: TestClient, client: TestClient, db: Database
) -> None:
    made = contact(api, full_name="Dana Reyes", phones=["+14155550123"])
    key = client.headers.pop("Authorization")
    make_user(db, "agent@example.com", "agent")
    sign_in(client, "agent@example.com")
    page = client.get(f"/console/contacts/{made['id']}")
    assert page.status_code == 200
    assert "Edit the contact" not in page.text
    assert client.get(f"/console/contacts/{made['id']}/edit").status_code == 403
    client.headers["Authorization"] = key


# -- imports --------------------------------------------------------------------------------


def test_import_history_and_undo_with_a_confirmation(api: TestClient, admin: TestClient) -> None:
    lst = create_list(api, name="Leads")
    kept = contact(api, list_id=lst["id"], full_name="Already Here", phones=["+14155550100"])
    imported = api.post(
        f"/v1/lists/{lst['id']}/imports",
        content=b"name,phone,company\nAlready Here,+14155550100,Updated Co\n"
        b"New One,+14155550101,\nNew Two,+14155550102,\nBad,12,\n",
        params={"filename": "spring.csv", "on_duplicate": "update"},
    ).json()
    admin.app.state.services.workers.get(Jobs).wait()  # type: ignore[attr-defined]
    listed = admin.get(f"/console/lists/{lst['id']}")
    row = re.search(
        rf'<tr><td><a href="/console/imports/{imported["id"]}".*?</tr>', listed.text, re.S
    )
    assert row, listed.text
    assert (
        text_of(row.group(0))
        == f"{imported['id']} spring.csv done " + text_of(row.group(0)).split(" done ", 1)[1]
    )
    assert " 2 1 1 Undo" in text_of(row.group(0))  # created, updated, refused
    confirm = admin.get(f"/console/imports/{imported['id']}/undo")
    assert "This deletes the 2 contacts this import created" in text_of(confirm.text)
    assert "The 1 contacts it updated stay" in text_of(confirm.text)
    before = api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"]
    assert len(before) == 3

    undone = post_form(admin, f"/console/imports/{imported['id']}/undo", {},
                       page=f"/console/imports/{imported['id']}/undo")  # fmt: skip
    assert undone.status_code == 303
    assert undone.headers["location"] == f"/console/imports/{imported['id']}?deleted=2"
    after = api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"]
    assert [c["id"] for c in after] == [kept["id"]]
    assert after[0]["company"] == "Updated Co"  # updated by the import: stays as it is
    shown = text_of(admin.get(undone.headers["location"]).text)
    assert "Undone: 2 contacts deleted." in shown
    assert api.get(f"/v1/imports/{imported['id']}").json()["status"] == "undone"
    types = [e["type"] for e in api.get("/v1/events").json()["data"]]
    assert types[-3:] == ["contact.deleted", "contact.deleted", "import.undone"]

    again = post_form(admin, f"/console/imports/{imported['id']}/undo", {},
                      page=f"/console/imports/{imported['id']}")  # fmt: skip
    assert again.status_code == 409
    assert "already been undone" in text_of(again.text)


# -- do not call ----------------------------------------------------------------------------


def upload_dnc(client: TestClient, content: bytes, **fields: Any) -> Any:
    token = csrf_of(client.get("/console/dnc"))
    return client.post(
        "/console/dnc/upload",
        data={"csrf_token": token, **fields},
        files={"file": ("numbers.csv", content, "text/csv")},
    )


def test_upload_a_file_of_numbers_with_its_bad_lines_named(
    api: TestClient, admin: TestClient
) -> None:
    content = b"Name,Phone\nAna,(415) 555-0170\nBo,call me\nCy,415.555.0171\nDi,\nEd,12\n"
    answer = upload_dnc(admin, content, reason="from the CRM")
    assert answer.status_code == 200
    seen = text_of(answer.text)
    assert "2 numbers added, 0 already there (refreshed), 2 refused, of 4 lines." in seen
    assert "line 3: 'call me' is not a phone number" in seen.replace("&#39;", "'")
    assert "line 6: '12'" in seen.replace("&#39;", "'")
    entries = api.get("/v1/suppressions").json()["data"]
    assert sorted(e["number"] for e in entries) == ["+14155550170", "+14155550171"]
    assert {e["source"] for e in entries} == {"console"}
    assert {e["reason"] for e in entries} == {"from the CRM"}
    checked = text_of(admin.get("/console/dnc", params={"number": "415 555 0171"}).text)
    assert "+14155550171 is on do-not-call" in checked
    plain = upload_dnc(admin, b"+14155550170\n+14155550172\n")  # no header: every line
    assert "1 numbers added, 1 already there" in text_of(plain.text)
    empty = upload_dnc(admin, b"")
    assert "0 numbers added" in text_of(empty.text)


# -- isolation ------------------------------------------------------------------------------


def test_the_manage_pages_never_reach_another_workspace(
    api: TestClient, client: TestClient, db: Database, caller: Caller
) -> None:
    lst = create_list(api, name="A secret list")
    made = contact(api, list_id=lst["id"], full_name="A secret person", phones=["+14155550150"])
    imported = api.post(f"/v1/lists/{lst['id']}/imports",
                        content=b"name,phone\nA secret import,+14155550152\n",
                        params={"filename": "a.csv"}).json()  # fmt: skip
    client.app.state.services.workers.get(Jobs).wait()  # type: ignore[attr-defined]
    a_dnc = api.get("/v1/suppression-lists").json()["data"][0]["id"]
    template = db.run_write(
        import_service.save_template,
        caller=caller,
        data=ImportTemplateCreate(name="A secret template", map=["Phone=phone"]),
    )
    db.run_write(onboarding.create_workspace, name="B", default_region="US")
    make_user(db, "bea@example.com", workspace="B")
    key = client.headers.pop("Authorization")
    sign_in(client, "bea@example.com")
    for path in (f"/console/contacts/{made['id']}/edit", f"/console/imports/{imported['id']}/undo"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "A secret" not in answer.text
    for path, data in (
        (f"/console/contacts/{made['id']}/edit", {"company": "Taken", "version": "1"}),
        (f"/console/imports/{imported['id']}/undo", {}),
        (f"/console/lists/{lst['id']}", EVERY_SETTING),
    ):
        assert post_form(client, path, data, page="/console/lists").status_code == 404, path
    b_list = client.get("/console/lists").text
    b_list_id = re.search(r'href="/console/lists/(\d+)"', b_list)
    assert b_list_id
    form = client.get(f"/console/lists/{b_list_id.group(1)}/import")
    assert "A secret" not in form.text
    with_a_template = client.post(
        f"/console/lists/{b_list_id.group(1)}/import",
        data={"csrf_token": csrf_of(form), "template": str(template.id)},
        files={"file": ("x.csv", b"Phone\n+14155550100\n", "text/csv")},
    )
    assert with_a_template.status_code == 422
    assert f"no import template with id {template.id}" in with_a_template.text
    into_a = upload_dnc(client, b"+14155550199\n", suppression_list_id=str(a_dnc))
    assert into_a.status_code == 404  # A's suppression list does not exist for B
    client.headers["Authorization"] = key
    assert api.get(f"/v1/contacts/{made['id']}").json()["company"] is None
    assert api.get(f"/v1/imports/{imported['id']}").json()["status"] == "done"
    assert api.get(f"/v1/lists/{lst['id']}").json()["name"] == "A secret list"
    assert api.get("/v1/suppressions").json()["data"] == []
