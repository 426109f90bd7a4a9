"""The queue monitor and the lists screen's counts over HTTP, at fixed instants: the live
counts (and their htmx fragment), the preview's reasons and the day ahead as SVG charts
with tables. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re

from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.kit import clock
from tests.conftest import create_list
from tests.console.conftest import make_user, sign_in
from tests.console.test_screens import WINDOW, contact, text_of

MONDAY_NOON_NY = dt.datetime(2026, 6, 1, 16, 0, tzinfo=dt.UTC)  # 12:00 EDT


def busy_list(api: TestClient, name: str = "Spring leads") -> int:
    """Four contacts in New York at noon: two claimed (one of them then not answered, so it
    waits an hour for its retry), two waiting."""
    lst = create_list(api, name=name, calling_window=WINDOW, default_timezone="America/New_York")
    for n in range(4):
        contact(api, list_id=lst["id"], phones=[f"+1212555010{n}"], state="NY")
    body = {"count": 2, "lease_seconds": 60}
    leases = api.post(f"/v1/lists/{lst['id']}/queue/claim", json=body).json()["leases"]
    lease = leases[0]["lease_id"]
    api.post(f"/v1/queue/leases/{lease}/outcome", json={"outcome": "no_answer"})
    return int(lst["id"])


def number(html: str, id: str) -> str:
    found = re.search(rf'id="{id}">([^<]*)<', html)
    assert found, id
    return found.group(1)


def test_the_monitor_counts_leases_retries_and_the_days_outcomes(
    api: TestClient, admin: TestClient
) -> None:
    with clock.frozen(MONDAY_NOON_NY):
        list_id = busy_list(api)
        page = admin.get(f"/console/lists/{list_id}/queue")
    assert page.status_code == 200
    html = page.text
    assert number(html, "leased") == "1"
    assert number(html, "expiring") == "1"  # its 60 s lease ends within 2 minutes
    assert number(html, "expired") == "0"
    assert number(html, "retries-due") == "0"
    assert number(html, "retries-hour") == "1"  # the unanswered one, due in 60 minutes
    assert number(html, "claimed") == "2"
    outcomes = text_of(
        re.search(r'<table class="compact" id="outcomes">.*?</table>', html, re.S)[0]
    )
    assert "no answer 1" in outcomes
    assert "no outcome yet 1" in outcomes
    assert "the start of the day in America/New_York" in text_of(html)
    assert "2026-06-01 04:00:00 UTC" in html  # midnight in New York
    # Later, the lease has run out and the retry is due.
    with clock.frozen(MONDAY_NOON_NY + dt.timedelta(minutes=61)):
        later = admin.get(f"/console/lists/{list_id}/queue").text
    assert number(later, "expired") == "1"
    assert number(later, "expiring") == "0"
    assert number(later, "retries-due") == "1"
    assert number(later, "retries-hour") == "0"


def test_htmx_polls_only_the_live_part(api: TestClient, admin: TestClient) -> None:
    with clock.frozen(MONDAY_NOON_NY):
        list_id = busy_list(api)
        page = admin.get(f"/console/lists/{list_id}/queue")
        live = admin.get(
            f"/console/lists/{list_id}/queue", headers={"HX-Request": "true", "HX-Target": "live"}
        )
    assert 'hx-trigger="every 5s"' in page.text
    assert "<svg" in page.text
    assert live.status_code == 200
    assert live.text.lstrip().startswith('<section id="live"')
    assert "<html" not in live.text
    assert "<svg" not in live.text
    assert number(live.text, "claimed") == "2"


def test_the_reasons_and_the_day_ahead_are_charts_with_tables(
    api: TestClient, admin: TestClient
) -> None:
    with clock.frozen(MONDAY_NOON_NY):
        list_id = busy_list(api)
        html = admin.get(f"/console/lists/{list_id}/queue").text
    charts = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(charts) == 2
    for chart in charts:  # an image with a name and a description
        assert 'role="img"' in chart
        assert "<title id=" in chart
        assert "<desc id=" in chart
    reasons = text_of(re.search(r'<table class="compact" id="reasons">.*?</table>', html, re.S)[0])
    assert "callable now 2" in reasons
    assert "leased 1" in reasons
    assert "retry later 1" in reasons
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td class=\"num\">([\d,]+)</td><td class=\"num\">([\d,]+)</td></tr>",
        html,
    )
    assert len(rows) == 24
    hours = {when[11:13]: (int(n), int(opening)) for when, n, opening in rows}
    # The three not leased are callable from now (12:00 EDT) to 19:00 EDT (23:00 UTC), and
    # again from 09:00 EDT (13:00 UTC); the window opens for them at 13:00 UTC.
    assert [h for h, (n, _) in hours.items() if n == 3] == [
        "16", "17", "18", "19", "20", "21", "22", "23", "13", "14", "15",
    ]  # fmt: skip
    assert all(n == 0 for h, (n, _) in hours.items() if h in {"00", "05", "12"})
    assert {h for h, (_, opening) in hours.items() if opening} == {"13"}
    assert hours["13"] == (3, 3)


def test_the_lists_screen_counts_contacts_by_time_zone(api: TestClient, admin: TestClient) -> None:
    lst = create_list(api, name="Zones", calling_window=WINDOW)
    for n, zone in enumerate(["America/Chicago", "America/Chicago", "Europe/Berlin"]):
        contact(api, list_id=lst["id"], phones=[f"+1212555011{n}"], timezone=zone)
    row = text_of(admin.get(f"/console/lists/{lst['id']}/counts").text)  # the screen's row
    assert "America/Chicago (NY) 2" in row
    assert "Europe/Berlin (NY) 1" in row
    assert row.index("Chicago") < row.index("Berlin")  # the largest first


def test_a_script_in_a_list_name_is_text_on_the_monitor(api: TestClient, admin: TestClient) -> None:
    lst = create_list(api, name="<script>alert(1)</script>")
    html = admin.get(f"/console/lists/{lst['id']}/queue").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_agent_watches_the_queue(api: TestClient, client: TestClient, db: Database) -> None:
    with clock.frozen(MONDAY_NOON_NY):
        list_id = busy_list(api)
        key = client.headers.pop("Authorization")
        make_user(db, "agent@example.com", role="agent")
        assert sign_in(client, "agent@example.com").status_code == 303
        assert client.get(f"/console/lists/{list_id}/queue").status_code == 200
        assert client.get(f"/console/lists/{list_id}/callable").status_code == 200
        assert client.get("/console/lists/999999/queue").status_code == 404
        client.headers["Authorization"] = key
