"""The console's screens over HTTP: lists, contacts, the contact page, do-not-call; escaping
and workspace isolation. On SQLite and PostgreSQL, at fixed instants."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from starlette.testclient import TestClient

from dialbook.console.endpoints import router as console_router
from dialbook.db import Database
from dialbook.imports.jobs import Jobs
from dialbook.kit import clock
from dialbook.onboarding import service as onboarding
from dialbook.users import service as user_service
from tests.conftest import create_list
from tests.console.conftest import csrf_of, make_user, post_form, sign_in

UTC = dt.UTC
MONDAY_NOON_NY = dt.datetime(2026, 6, 1, 16, 0, tzinfo=UTC)  # 12:00 EDT
MONDAY_NIGHT_NY = dt.datetime(2026, 6, 2, 2, 0, tzinfo=UTC)  # 22:00 EDT
WINDOW = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "20:00"}


def contact(api: TestClient, **body: Any) -> dict[str, Any]:
    answer = api.post("/v1/contacts", json=body)
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def text_of(html: str) -> str:
    """The page's text, tags dropped and whitespace squeezed (what a reader sees)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# -- lists ----------------------------------------------------------------------------------


def test_lists_show_counts_by_status_callable_now_and_attempts(
    api: TestClient, admin: TestClient
) -> None:
    with clock.frozen(MONDAY_NOON_NY):
        lst = create_list(api, name="Spring leads", calling_window=WINDOW)
        for n in range(3):
            contact(api, list_id=lst["id"], phones=[f"+1212555010{n}"], state="NY")
        contact(api, list_id=lst["id"], phones=["+12125550109"], state="NY", dnc=True)
        claimed = api.post(f"/v1/lists/{lst['id']}/queue/claim", json={"count": 1}).json()
        lease = claimed["leases"][0]["lease_id"]
        api.post(f"/v1/queue/leases/{lease}/outcome", json={"outcome": "no_answer"})
        page = admin.get("/console/lists")
        # Each row's counts, then the queue's preview, come in requests of their own (htmx
        # asks for them once the page shows): counting reads every contact of the list.
        counts = admin.get(f"/console/lists/{lst['id']}/counts")
        callable_now = admin.get(f"/console/lists/{lst['id']}/callable")
    assert page.status_code == 200
    placeholder = rf'<tr hx-get="([^"]+)"[^>]*>\s*<td><a href="/console/lists/{lst["id"]}".*?</tr>'
    first = re.search(placeholder, page.text, re.S)
    assert first, page.text
    assert first.group(1) == f"/console/lists/{lst['id']}/counts"
    # Without JavaScript the row sends the reader to the list's page, which has the counts.
    assert text_of(first.group(0)) == "Spring leads Queue Counts on the list's page"
    own = text_of(admin.get(f"/console/lists/{lst['id']}").text)
    assert "By status queued : 4" in own
    assert "By time zone America/New_York (NY) 4" in own
    assert counts.status_code == 200
    filled = rf'<tr>\s*<td><a href="/console/lists/{lst["id"]}".*?</tr>'
    found = re.search(filled, counts.text, re.S)
    assert found, counts.text
    row = text_of(found.group(0))
    assert row.startswith("Spring leads Queue 4 ")
    assert "queued 4" in row  # by status: the one called waits for its retry, still queued
    assert "America/New_York (NY) 4" in row  # by time zone (and state, for its hours)
    assert f'hx-get="/console/lists/{lst["id"]}/callable"' in found.group(0)
    assert row.endswith(" 1")  # one attempt
    # Callable now: two fresh ones (the retried one waits, one is DNC).
    assert text_of(callable_now.text) == "2 · not now: do not call 1, retry later 1"


def test_create_and_edit_a_list_from_the_form(api: TestClient, admin: TestClient) -> None:
    made = post_form(
        admin,
        "/console/lists",
        {
            "name": "Autumn",
            "max_attempts": "4",
            "retry_minutes": "45",
            "default_timezone": "America/Chicago",
            "start": "09:00",
            "end": "18:00",
            "days": ["mon", "tue", "wed"],
        },
        page="/console/lists/new",
    )
    assert made.status_code == 303
    list_id = int(made.headers["location"].rsplit("/", 1)[1])
    stored = api.get(f"/v1/lists/{list_id}").json()
    assert stored["max_attempts"] == 4
    assert stored["retry_minutes"] == 45
    assert stored["default_timezone"] == "America/Chicago"
    assert stored["calling_window"]["days"] == ["mon", "tue", "wed"]
    assert stored["calling_window"]["start"] == "09:00"

    api.patch(
        f"/v1/lists/{list_id}",
        json={"calling_window": {**stored["calling_window"], "holidays": ["2026-12-25"]}},
    ).raise_for_status()
    assert "2026-12-25</textarea>" in admin.get(f"/console/lists/{list_id}").text
    edited = post_form(
        admin,
        f"/console/lists/{list_id}",
        {
            "name": "Autumn B",
            "max_attempts": "",
            "retry_minutes": "30",
            "start": "10:00",
            "end": "17:00",
            "days": ["mon"],
            "holidays": "2026-12-25",  # as the form shows it
            "us_state_rules": "on",
        },  # fmt: skip
        page=f"/console/lists/{list_id}",
    )
    assert edited.status_code == 303
    stored = api.get(f"/v1/lists/{list_id}").json()
    assert stored["name"] == "Autumn B"
    assert stored["max_attempts"] is None
    assert stored["default_timezone"] is None
    assert stored["calling_window"]["start"] == "10:00"
    assert stored["calling_window"]["holidays"] == ["2026-12-25"]


def test_a_bad_list_form_names_the_field_and_changes_nothing(
    api: TestClient, admin: TestClient
) -> None:
    before = api.get("/v1/lists").json()
    for data, field in (
        ({"name": "X", "retry_minutes": "soon"}, "retry_minutes"),
        ({"name": "X", "start": "20:00", "end": "09:00", "days": ["mon"]}, "calling_window.end"),
        ({"name": "X", "default_timezone": "Mars/Olympus"}, "default_timezone"),
        ({"name": ""}, "name"),
    ):
        answer = post_form(admin, "/console/lists", data, page="/console/lists/new")
        assert answer.status_code == 422, answer.text
        assert field in text_of(answer.text)
    assert api.get("/v1/lists").json() == before


# -- contacts -------------------------------------------------------------------------------


def test_search_a_phone_typed_differently_from_how_it_was_stored(
    api: TestClient, admin: TestClient
) -> None:
    wanted = contact(api, full_name="Dana Reyes", phones=["+14155550123"])
    contact(api, full_name="Someone Else", phones=["+14155550999"])
    for typed in ("(415) 555-0123", "415.555.0123", "+1 415 555 0123", "1-415-555-0123"):
        page = admin.get("/console/contacts", params={"phone": typed})
        assert page.status_code == 200
        assert f'href="/console/contacts/{wanted["id"]}"' in page.text, typed
        assert "Someone Else" not in page.text


def test_search_by_name_email_tag_and_list_with_keyset_paging(
    api: TestClient, admin: TestClient
) -> None:
    lst = create_list(api, name="Paged")
    for n in range(55):
        contact(api, list_id=lst["id"], full_name=f"Pat Number{n}", tags=["vip"],
                email=f"pat{n}@example.com", phones=[f"+1415555{n:04d}"])  # fmt: skip
    contact(api, full_name="Pat Elsewhere", tags=["vip"])
    first = admin.get("/console/contacts", params={"tag": "vip", "list_id": lst["id"]})
    assert first.text.count('href="/console/contacts/') == 50
    more = re.search(r'href="(/console/contacts\?[^"]*cursor=[^"]+)"', first.text)
    assert more, "a next page link"
    second = admin.get(more.group(1).replace("&amp;", "&"))
    assert second.text.count('href="/console/contacts/') == 5
    assert "Pat Elsewhere" not in first.text + second.text
    by_name = admin.get("/console/contacts", params={"q": "number54"})
    assert "Pat Number54" in by_name.text
    assert by_name.text.count('href="/console/contacts/') == 1
    by_email = admin.get("/console/contacts", params={"email": "PAT7@example.com"})
    assert "Pat Number7" in by_email.text


def test_search_by_external_id_and_status(api: TestClient, admin: TestClient) -> None:
    held = create_list(api, name="Held", queue_mode="on_publish")
    crm = contact(api, list_id=held["id"], full_name="In The CRM", phones=["+14155550131"],
                  external_refs=[{"provider": "hubspot", "id": "HS-77"}])  # fmt: skip
    contact(api, full_name="Queued One", phones=["+14155550132"])
    found = admin.get("/console/contacts", params={"external_id": "HS-77"})
    assert f'href="/console/contacts/{crm["id"]}"' in found.text
    assert found.text.count('href="/console/contacts/') == 1
    held_only = admin.get("/console/contacts", params={"status": "held"})
    assert "In The CRM" in held_only.text
    assert "Queued One" not in held_only.text
    bad = admin.get("/console/contacts", params={"status": "sleeping"})
    assert bad.status_code == 422
    assert "status" in text_of(bad.text)


def test_htmx_search_gets_only_the_results(api: TestClient, admin: TestClient) -> None:
    contact(api, full_name="Dana Reyes", phones=["+14155550123"])
    partial = admin.get(
        "/console/contacts",
        params={"phone": "415 555 0123"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    assert partial.status_code == 200
    assert "Dana Reyes" in partial.text
    assert "<html" not in partial.text
    assert "<form" not in partial.text


def test_a_phone_that_is_no_phone_is_named(admin: TestClient) -> None:
    page = admin.get("/console/contacts", params={"phone": "call me"})
    assert page.status_code == 422
    assert "phone" in text_of(page.text)
    assert "'call me'" in text_of(page.text).replace("&#39;", "'")


def test_a_bad_number_to_check_is_named_in_place(admin: TestClient) -> None:
    htmx = {"HX-Request": "true", "HX-Target": "check"}
    partial = admin.get("/console/dnc", params={"number": "nope"}, headers=htmx)
    assert partial.status_code == 422
    assert "<html" not in partial.text
    assert "number" in text_of(partial.text)


def test_a_script_in_a_name_is_shown_as_text(api: TestClient, admin: TestClient) -> None:
    script = "<script>alert(1)</script>"
    made = contact(api, first_name=script, last_name="O'Neil", phones=["+14155550123"],
                   tags=['"><img src=x onerror=alert(2)>'], company="<b>Acme</b>")  # fmt: skip
    create_list(api, name=script)
    for url in (
        f"/console/contacts/{made['id']}",
        "/console/contacts?phone=4155550123",
        "/console/lists",
    ):
        page = admin.get(url)
        assert page.status_code == 200
        assert script not in page.text
        assert "<img" not in page.text
        assert "<b>Acme" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text, url


def test_the_contact_page_shows_every_field_phones_history_and_why_not_callable(
    api: TestClient, admin: TestClient
) -> None:
    with clock.frozen(MONDAY_NOON_NY):
        lst = create_list(api, name="Window", calling_window=WINDOW)
        made = contact(
            api,
            list_id=lst["id"],
            first_name="Dana",
            last_name="Reyes",
            email="dana@example.com",
            company="Reyes Roofing",
            city="Albany",
            state="NY",
            phones=["(518) 555-0142", "+44 20 7946 0958"],
            tags=["spring"],
            custom_fields={},
        )
        api.patch(f"/v1/contacts/{made['id']}", json={"company": "Reyes & Sons"})
    with clock.frozen(MONDAY_NIGHT_NY):
        page = admin.get(f"/console/contacts/{made['id']}")
    assert page.status_code == 200
    seen = text_of(page.text)
    assert "Callable now? No" in seen
    assert "outside calling hours" in seen
    assert "Next callable: 2026-06-02 13:00 UTC" in seen  # Tuesday 09:00 EDT
    assert "America/New_York" in seen
    for value in ("+15185550142", "(518) 555-0142", "+442079460958", "GB", "Albany",
                  "dana@example.com", "Reyes &amp; Sons", "spring"):  # fmt: skip
        assert value in page.text, value
    assert "contact.created" in seen
    assert "contact.updated" in seen
    assert seen.index("contact.updated") < seen.index("contact.created")  # newest first
    with clock.frozen(MONDAY_NOON_NY + dt.timedelta(days=1)):
        page = admin.get(f"/console/contacts/{made['id']}")
    assert "Callable now? Yes" in text_of(page.text)
    assert "A claim would dial +15185550142" in text_of(page.text)


def test_the_do_not_call_toggle_writes_through_the_contacts_service(
    api: TestClient, admin: TestClient
) -> None:
    made = contact(api, full_name="Dana Reyes", phones=["+14155550123"])
    url = f"/console/contacts/{made['id']}"
    on = post_form(admin, f"{url}/dnc", {"dnc": "on"}, page=url)
    assert on.status_code == 303
    assert api.get(f"/v1/contacts/{made['id']}").json()["dnc"] is True
    page = text_of(admin.get(url).text)
    assert "Callable now? No" in page
    assert "do not call" in page
    history = api.get(f"/v1/contacts/{made['id']}/history").json()["data"]
    assert history[-1]["changes"] == {"dnc": [False, True]}
    assert history[-1]["actor"].startswith("user:")
    # htmx: only the calling panel comes back
    token = csrf_of(admin.get(url))
    partial = admin.post(
        f"{url}/dnc",
        data={"dnc": "off"},
        headers={"HX-Request": "true", "HX-Target": "calling", "X-CSRF-Token": token},
    )
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert "Do not call: off" in text_of(partial.text)
    assert api.get(f"/v1/contacts/{made['id']}").json()["dnc"] is False


# -- do not call ----------------------------------------------------------------------------


def test_add_check_and_remove_a_do_not_call_number(api: TestClient, admin: TestClient) -> None:
    added = post_form(
        admin, "/console/dnc", {"number": "(415) 555-0177", "reason": "asked"}, page="/console/dnc"
    )
    assert added.status_code == 303
    screen = admin.get("/console/dnc")
    assert "+14155550177" in screen.text
    assert "asked" in screen.text
    checked = text_of(admin.get("/console/dnc", params={"number": "415.555.0177"}).text)
    assert "+14155550177 is on do-not-call" in checked
    entry = api.get("/v1/suppressions").json()["data"][0]
    assert entry["number"] == "+14155550177"
    assert entry["source"] == "console"
    removed = post_form(admin, f"/console/dnc/{entry['id']}/remove", {}, page="/console/dnc")
    assert removed.status_code == 303
    checked = text_of(admin.get("/console/dnc", params={"number": "+1 415 555 0177"}).text)
    assert "is not on any do-not-call list" in checked


def test_a_new_suppression_list_and_a_bad_number(api: TestClient, admin: TestClient) -> None:
    made = post_form(admin, "/console/dnc/lists", {"name": "Litigators"}, page="/console/dnc")
    assert made.status_code == 303
    list_id = int(made.headers["location"].rsplit("=", 1)[1])
    bad = post_form(
        admin,
        "/console/dnc",
        {"number": "not a number", "suppression_list_id": str(list_id)},
        page="/console/dnc",
    )
    assert bad.status_code == 422
    assert "number" in text_of(bad.text)
    assert api.get("/v1/suppressions").json()["data"] == []
    good = post_form(
        admin,
        "/console/dnc",
        {"number": "+14155550178", "suppression_list_id": str(list_id)},
        page="/console/dnc",
    )
    assert good.headers["location"] == f"/console/dnc?list={list_id}"
    assert api.get("/v1/suppressions").json()["data"][0]["suppression_list_id"] == list_id


def test_a_number_added_to_do_not_call_is_not_handed_out_by_a_claim(
    api: TestClient, admin: TestClient
) -> None:
    with clock.frozen(MONDAY_NOON_NY):  # 09:00 in Los Angeles
        lst = create_list(api, name="Dialing")
        for name, number in (("Blocked", "+14155550160"), ("Open", "+14155550161")):
            contact(api, list_id=lst["id"], full_name=name, phones=[number],
                    timezone="America/Los_Angeles")  # fmt: skip
        post_form(admin, "/console/dnc", {"number": "415-555-0160"}, page="/console/dnc")
        claimed = api.post(f"/v1/lists/{lst['id']}/queue/claim", json={"count": 10}).json()
    assert [lease["phone"]["number"] for lease in claimed["leases"]] == ["+14155550161"]


# -- isolation ------------------------------------------------------------------------------


def test_a_user_never_reaches_another_workspaces_records(
    api: TestClient, client: TestClient, db: Database
) -> None:
    secret = create_list(api, name="A secret list")
    hidden = contact(
        api, list_id=secret["id"], full_name="A secret person", phones=["+14155550150"]
    )
    api.post("/v1/suppressions", json={"number": "+14155550151"}).raise_for_status()
    entry = api.get("/v1/suppressions").json()["data"][0]
    imported = api.post(
        f"/v1/lists/{secret['id']}/imports",
        content=b"name,phone\nA secret import,+14155550152\n",
        params={"filename": "a.csv"},
    ).json()
    client.app.state.services.workers.get(Jobs).wait()  # type: ignore[attr-defined]
    hook = api.post("/v1/webhook-endpoints", json={"url": "https://a-secret.example.com/h"})
    a_key = api.post("/v1/keys", json={"name": "A secret key"}).json()
    other = db.run_write(onboarding.create_workspace, name="B", default_region="US")
    make_user(db, "bea@example.com", workspace="B")
    key = client.headers.pop("Authorization")  # the client is A's API client too
    assert sign_in(client, "bea@example.com").status_code == 303
    # Every console route naming a record, walked with A's ids (a new route must say which
    # record its id names here, or this fails).
    make_user(db, "aleph@example.com")
    a_user = db.run_read(user_service.get_by_email, email="aleph@example.com")
    a_ids = {
        "users": a_user.id,
        "lists": secret["id"],
        "contacts": hidden["id"],
        "dnc": entry["id"],
        "imports": imported["id"],
        "webhooks": hook.json()["id"],
        "keys": a_key["id"],
    }
    walked = 0
    for route in console_router.pages:
        if "{id:int}" not in route.path:
            continue
        kind = route.path.removeprefix("/console/").split("/")[0]
        path = route.path.replace("{id:int}", str(a_ids[kind]))
        path = path.replace("{upload}", f"{secret['workspace_id']}-{'0' * 32}.csv")
        if route.method == "GET":
            answer = client.get(path)
        else:
            form = {"name": "Taken", "dnc": "on", "role": "agent", "event_id": "1"}
            answer = post_form(client, path, form, page="/console/lists")
        assert answer.status_code == 404, (route.method, path, answer.status_code)
        assert "A secret" not in answer.text
        walked += 1
    assert walked >= 5
    for path in (
        "/console/lists",
        "/console/contacts?q=secret",
        "/console/contacts?phone=4155550150",
        "/console/dnc",
        "/console/dnc?number=4155550151",
        "/console/webhooks",
        "/console/keys",
        "/console/users",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "A secret" not in answer.text
        assert "+14155550151 is on" not in text_of(answer.text)
    listed = client.get("/console/dnc", params={"list": entry["suppression_list_id"]})
    assert listed.status_code == 404
    client.headers["Authorization"] = key
    assert api.get(f"/v1/lists/{secret['id']}").json()["name"] == "A secret list"
    assert api.get(f"/v1/contacts/{hidden['id']}").json()["dnc"] is False
    assert len(api.get("/v1/suppressions").json()["data"]) == 1
    assert other.id != secret["workspace_id"]
