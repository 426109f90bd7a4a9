"""The queue monitor and the admin screens in a real browser (the fixtures and the rules of
test_browser.py: Debian's Chromium, skipped without it, screenshots of each screen)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.console import test_browser as shared
from tests.console.test_browser import ALL_DAY, EMAIL, PASSWORD, Console, sign_in

# The same fixtures and marks (a server, the browser, a page watched for scripts).
pytestmark = shared.pytestmark
browser, console, page = shared.browser, shared.console, shared.page


def test_the_queue_monitor_updates_itself(page: Any, console: Console) -> None:
    lst = console.post(
        "/v1/lists",
        {"name": "Spring leads", "calling_window": ALL_DAY, "default_timezone": "America/New_York"},
    )
    zones = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London"]
    for n in range(12):
        console.post(
            "/v1/contacts",
            {"list_id": lst["id"], "phones": [f"+1212555{n:04d}"], "timezone": zones[n % 4],
             "dnc": n == 11},
        )  # fmt: skip
    claimed = console.post(f"/v1/lists/{lst['id']}/queue/claim", {"count": 3})
    console.post(
        f"/v1/queue/leases/{claimed['leases'][0]['lease_id']}/outcome", {"outcome": "busy"}
    )
    sign_in(page, console)
    row = page.get_by_role("row").filter(has_text="Spring leads")
    row.locator("td.callable strong").wait_for()  # htmx filled in the preview
    assert "America/New_York" in row.inner_text()
    console.shoot(page, "lists")
    row.get_by_role("link", name="Queue of Spring leads").click()
    page.wait_for_url(f"**/console/lists/{lst['id']}/queue")
    assert page.locator("#claimed").inner_text() == "3"
    assert page.locator("#leased").inner_text() == "2"
    page.get_by_role("img", name="Why contacts are not callable now").wait_for()
    page.get_by_role("img", name="Contacts callable in each of the next 24 hours (UTC)").wait_for()
    console.post(f"/v1/lists/{lst['id']}/queue/claim", {"count": 2})
    # htmx asks again every 5 seconds: the new claims show without reloading the page.
    expect(page.locator("#claimed")).to_have_text("5", timeout=20_000)
    assert page.locator("#leased").inner_text() == "4"
    console.shoot(page, "queue")
    page.set_viewport_size({"width": 390, "height": 844})
    console.shoot(page, "queue-phone-width")


def test_webhooks_and_api_keys(page: Any, console: Console) -> None:
    sign_in(page, console)
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_label("URL").fill("https://crm.example.com/hooks/dialbook")
    page.get_by_label("Description").fill("The CRM")
    page.get_by_role("button", name="Create endpoint").click()
    secret = page.locator("#created code.secret").inner_text()
    assert secret.startswith("whsec_")
    console.shoot(page, "webhooks")
    page.get_by_role("link", name="https://crm.example.com/hooks/dialbook").click()
    page.get_by_role("button", name="Disable").click()
    page.get_by_role("button", name="Enable").wait_for()
    assert "disabled" in page.locator("#state").inner_text()
    console.shoot(page, "webhook")
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Name").fill("Dialer")
    page.get_by_label("lists:manage").check()
    page.get_by_role("button", name="Create key").click()
    key = page.locator("#created code.secret").inner_text()
    assert key.startswith("dbk_")
    console.shoot(page, "keys")
    found = console.api.get("/v1/lists", headers={"x-api-key": key})
    assert found.status_code == 200
    page.get_by_role("button", name="Revoke Dialer").click()
    page.get_by_role("row").filter(has_text="Dialer").get_by_role("button").wait_for(
        state="detached"
    )
    assert console.api.get("/v1/lists", headers={"x-api-key": key}).status_code == 401


def test_change_your_own_password(page: Any, console: Console) -> None:
    sign_in(page, console)
    page.get_by_role("link", name="Your account").click()
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=False).first.fill("a brand new passphrase")
    page.get_by_label("New password again").fill("a brand new passphrase")
    console.shoot(page, "account")
    page.get_by_role("button", name="Change password").click()
    page.get_by_text("Your password is changed.").wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("a brand new passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/lists")
    assert re.search(r"ana@example.com \(admin\)", page.inner_text("header"))
