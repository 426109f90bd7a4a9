"""The console in a real browser: Playwright driving Debian's Chromium against a running
`dialbook serve` (tests/servers.py: its own socket, no fixed port, stopped afterwards), on
SQLite and PostgreSQL.

Skipped, saying why, when /usr/bin/chromium is missing (`apt-get install -y chromium`);
required when DIALBOOK_TEST_REQUIRE_BROWSER=1 (CI). Every screen is photographed at
1280x800 into the test's directory; with DIALBOOK_UPDATE_SCREENSHOTS=1 the pictures go to
docs/console/ instead (docs/console.md shows them).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from dialbook.db import Database
from dialbook.onboarding import service as onboarding
from dialbook.users import service as user_service
from dialbook.workspaces import service as workspace_service
from tests.console.test_import import BAD_EVERY, messy_csv
from tests.servers import spawn

CHROMIUM = Path("/usr/bin/chromium")
REQUIRED = os.environ.get("DIALBOOK_TEST_REQUIRE_BROWSER") == "1"
if not CHROMIUM.exists() and REQUIRED:
    raise RuntimeError("DIALBOOK_TEST_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="no browser: /usr/bin/chromium is missing (apt-get install -y chromium)",
    ),
]

DOCS = Path(__file__).parent.parent.parent / "docs" / "console"
EMAIL, PASSWORD = "ana@example.com", "correct horse battery"
# Open all day, every day: whatever the hour the test runs at, the contacts are callable.
ALL_DAY = {"start": "00:00", "end": "23:59"}


@dataclass
class Console:
    url: str
    api: httpx.Client
    shots: Path

    def shoot(self, page: Any, name: str) -> None:
        page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        answer = self.api.post(path, json=body)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture
def console(db: Database, db_url: str, tmp_path: Path) -> Iterator[Console]:
    """A server on a database with one workspace, an admin user and an API key."""
    db.run_write(onboarding.bootstrap, default_region="US")
    workspace = db.run_read(workspace_service.find_workspace, name_or_id="default")
    db.run_write(
        user_service.create, workspace_id=workspace.id, email=EMAIL, role="admin", password=PASSWORD
    )
    key = db.run_write(workspace_service.create_key, workspace_id=workspace.id, name="test").key
    env = {
        **os.environ,
        "DIALBOOK_DATA_DIR": str(tmp_path / "data"),
        "DIALBOOK_DATABASE_URL": db_url,
    }
    process, url = spawn(env=env, cwd=tmp_path, stdout=subprocess.DEVNULL)
    shots = DOCS if os.environ.get("DIALBOOK_UPDATE_SCREENSHOTS") == "1" else tmp_path
    try:
        with httpx.Client(base_url=url, headers={"x-api-key": key}, timeout=30) as api:
            yield Console(url, api, shots)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def page(browser: Any, console: Console) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.on("pageerror", lambda error: dialogs.append(f"script error: {error}"))
    # A script the Content-Security-Policy refused would be an injection attempt (or a
    # script of ours that breaks our own policy). (Chromium also reports inline *styles* of
    # the documents htmx parses off-page; nothing of those is applied, so they are not
    # counted.)
    opened.on(
        "console",
        lambda message: (
            dialogs.append(message.text)
            if "Content Security Policy" in message.text and "script-src" in message.text
            else None
        ),
    )
    yield opened
    context.close()
    assert dialogs == []  # no script ran, or was refused, that the console did not ship


def sign_in(page: Any, console: Console) -> None:
    page.goto(console.url + "/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/lists")


def test_sign_in_and_out(page: Any, console: Console) -> None:
    page.goto(console.url + "/console/contacts")
    assert page.url.endswith("/console/login?next=%2Fconsole%2Fcontacts")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("wrong password")
    console.shoot(page, "login")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "Wrong email or password."
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/contacts")
    assert "ana@example.com (admin)" in page.inner_text("header")
    page.get_by_role("link", name="Users").click()
    page.get_by_role("cell", name="ana@example.com").wait_for()
    console.shoot(page, "users")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/console/login")
    page.goto(console.url + "/console/lists")
    assert "/console/login" in page.url


def test_the_lists_screen_and_a_list(page: Any, console: Console) -> None:
    lst = console.post("/v1/lists", {"name": "Spring leads", "calling_window": ALL_DAY})
    for n in range(4):
        console.post(
            "/v1/contacts",
            {"list_id": lst["id"], "phones": [f"+1212555010{n}"], "timezone": "America/New_York",
             "dnc": n == 3},
        )  # fmt: skip
    sign_in(page, console)
    row = page.get_by_role("row").filter(has_text="Spring leads")
    row.get_by_text("queued 4").wait_for()  # the row's counts come in their own request
    row.get_by_text("do not call 1").wait_for()  # and then its "callable now" cell
    console.shoot(page, "lists")
    row.get_by_role("link", name="Spring leads", exact=True).click()
    page.get_by_label("Max attempts").fill("3")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/console/lists/{lst['id']}")
    assert console.api.get(f"/v1/lists/{lst['id']}").json()["max_attempts"] == 3
    console.shoot(page, "list")


def test_search_a_phone_typed_differently(page: Any, console: Console) -> None:
    wanted = console.post("/v1/contacts", {"full_name": "Dana Reyes", "phones": ["+14155550123"]})
    console.post("/v1/contacts", {"full_name": "Sam Other", "phones": ["+14155550999"]})
    sign_in(page, console)
    page.get_by_role("link", name="Contacts").click()
    page.get_by_label("Phone, any format").fill("(415) 555-0123")
    page.get_by_role("button", name="Search").click()  # htmx swaps the results in
    page.get_by_role("link", name="Dana Reyes").wait_for()
    assert "Sam Other" not in page.inner_text("#results")
    assert "phone=(415)%20555-0123" in page.url  # the search is in the address bar
    console.shoot(page, "contacts")
    page.get_by_label("Phone, any format").fill("call me")
    page.get_by_role("button", name="Search").click()  # a 422 is swapped in too: the reason
    page.locator("#results").get_by_role("alert").wait_for()
    assert "'call me'" in page.inner_text("#results")
    page.go_back()  # the earlier search, from the address bar's history
    page.get_by_role("link", name="Dana Reyes").click()
    page.wait_for_url(f"**/console/contacts/{wanted['id']}")


def test_search_works_without_javascript(browser: Any, console: Console) -> None:
    console.post("/v1/contacts", {"full_name": "Dana Reyes", "phones": ["+14155550123"]})
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, console)
        page.goto(console.url + "/console/contacts")
        page.get_by_label("Phone, any format").fill("415.555.0123")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("link", name="Dana Reyes").wait_for()
    finally:
        context.close()


def test_the_contact_page_says_why_not_callable_and_toggles_do_not_call(
    page: Any, console: Console
) -> None:
    lst = console.post("/v1/lists", {"name": "Dialing", "calling_window": ALL_DAY})
    made = console.post(
        "/v1/contacts",
        {"list_id": lst["id"], "full_name": "Dana Reyes", "phones": ["(415) 555-0123"],
         "timezone": "America/Los_Angeles", "email": "dana@example.com", "city": "Oakland"},
    )  # fmt: skip
    sign_in(page, console)
    page.goto(f"{console.url}/console/contacts/{made['id']}")
    calling = page.locator("#calling")
    assert "Callable now? Yes" in calling.inner_text()
    page.get_by_role("button", name="Mark do not call").click()  # htmx swaps the panel
    page.get_by_role("button", name="Allow calls again").wait_for()
    assert "Callable now? No" in calling.inner_text()
    assert "do not call:" in calling.inner_text().lower()
    assert console.api.get(f"/v1/contacts/{made['id']}").json()["dnc"] is True
    console.shoot(page, "contact")
    page.set_viewport_size({"width": 390, "height": 844})
    console.shoot(page, "contact-phone-width")


def test_a_number_added_to_do_not_call_is_not_claimed(page: Any, console: Console) -> None:
    lst = console.post("/v1/lists", {"name": "Dialing", "calling_window": ALL_DAY})
    for name, number in (("Blocked", "+14155550160"), ("Open", "+14155550161")):
        console.post(
            "/v1/contacts",
            {"list_id": lst["id"], "full_name": name, "phones": [number],
             "timezone": "America/Los_Angeles"},
        )  # fmt: skip
    sign_in(page, console)
    page.get_by_role("link", name="Do not call").click()
    page.get_by_label("Add a number").fill("415-555-0160")
    page.get_by_label("Reason", exact=True).fill("asked on the phone")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("cell", name="+14155550160", exact=True).wait_for()
    page.get_by_label("Check a number").fill("(415) 555 0160")
    page.get_by_role("button", name="Check").click()
    page.get_by_text("+14155550160 is on do-not-call").wait_for()
    console.shoot(page, "dnc")
    claimed = console.post(f"/v1/lists/{lst['id']}/queue/claim", {"count": 10})
    assert [lease["phone"]["number"] for lease in claimed["leases"]] == ["+14155550161"]


def test_a_script_in_a_name_is_text(page: Any, console: Console) -> None:
    script = "<script>alert(1)</script>"
    made = console.post(
        "/v1/contacts", {"first_name": script, "phones": ["+14155550123"], "company": "<b>x</b>"}
    )
    sign_in(page, console)
    page.goto(f"{console.url}/console/contacts/{made['id']}")
    assert script in page.inner_text("h1")  # shown as text; the page fixture saw no dialog
    page.goto(f"{console.url}/console/contacts?q=script")
    assert script in page.inner_text("#results")


def test_the_import_wizard_on_a_messy_file(page: Any, console: Console, tmp_path: Path) -> None:
    rows = 10_000
    path = tmp_path / "messy leads.csv"
    path.write_bytes(messy_csv(rows))
    lst = console.post("/v1/lists", {"name": "Imported", "calling_window": ALL_DAY})
    sign_in(page, console)
    page.goto(f"{console.url}/console/lists/{lst['id']}")
    page.get_by_role("link", name="Import a file").click()
    page.get_by_label("Lead file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("heading", name="Rows that would be refused").wait_for()
    page.get_by_label("Target of Internal Score").fill("ignore")
    page.get_by_role("button", name="Check again with these columns").click()
    page.get_by_label("Target of Internal Score").wait_for()
    assert page.get_by_label("Target of Internal Score").input_value() == "ignore"
    page.get_by_label("Save them as").fill("Messy CRM export")
    page.get_by_role("button", name="Save as a template").click()
    page.get_by_text("Saved these columns as “Messy CRM export”").wait_for()
    assert page.get_by_label("Target of Internal Score").input_value() == "ignore"
    console.shoot(page, "import-preview")
    page.get_by_role("button", name="Import every row").click()
    page.wait_for_url("**/console/imports/*")
    page.get_by_role("heading", name="Done").wait_for(timeout=120_000)  # htmx polls until done
    refused = rows // BAD_EVERY
    assert f"created {rows - refused:,}" in page.inner_text("#progress")
    assert f"refused {refused}" in page.inner_text("#progress")
    console.shoot(page, "import")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the refused rows (CSV)").click()
    got = Path(download.value.path()).read_text().splitlines()
    assert len(got) == 1 + refused


def test_a_list_with_every_setting_errors_next_to_their_fields(page: Any, console: Console) -> None:
    sign_in(page, console)
    page.get_by_role("link", name="New list").click()
    page.get_by_label("Name").fill("Florida spring")
    page.keyboard.press("Tab")  # keyboard order: the next field is the region's
    assert page.evaluate("document.activeElement.id") == "default_region"
    page.get_by_label("Two contacts are the same when they share their").select_option("email")
    page.get_by_label("Max attempts").fill("lots")
    page.get_by_label("From").fill("09:00")
    page.get_by_label("Until").fill("20:00")
    page.get_by_label("sat").check()
    page.get_by_role("textbox", name="Holidays").fill("2026-12-25")
    page.get_by_label("Hours for some states").fill("FL 08:00-20:00\nTexas")
    page.get_by_label("Require consent to call a mobile").check()
    page.get_by_label("calls", exact=True).fill("3")
    page.get_by_label("hours", exact=True).fill("24")
    page.get_by_role("button", name="Create list").click()
    page.locator("#max_attempts-error").wait_for()
    assert "whole number" in page.locator("#max_attempts-error").inner_text()
    assert "line 2" in page.locator("#state_overrides-error").inner_text()
    assert page.get_by_label("Max attempts").get_attribute("aria-invalid") == "true"
    console.shoot(page, "list-form-errors")
    page.get_by_label("Max attempts").fill("4")
    page.get_by_label("Hours for some states").fill("FL 08:00-20:00\nTX 09:00-21:00 mon,tue")
    page.get_by_role("button", name="Create list").click()
    page.get_by_role("heading", name="Imports").wait_for()
    made = console.api.get(page.url.replace(console.url + "/console", "/v1")).json()
    assert made["max_attempts"] == 4
    assert made["duplicate_policy"]["key"] == "email"
    assert made["calling_window"]["state_overrides"]["TX"]["days"] == ["mon", "tue"]
    assert made["compliance"]["max_calls_per_number"] == {"count": 3, "hours": 24}
    assert made["require_consent_for_mobile"] is True
    console.shoot(page, "list-form")


def test_edit_a_contact(page: Any, console: Console) -> None:
    made = console.post(
        "/v1/contacts",
        {"full_name": "Dana Reyes", "company": "Acme", "timezone": "America/New_York",
         "phones": [{"number": "+12125550142", "type": "mobile",
                     "consent": {"type": "express_written", "source": "web form"}}]},
    )  # fmt: skip
    sign_in(page, console)
    page.goto(f"{console.url}/console/contacts/{made['id']}")
    assert "express written" in page.get_by_role("row").filter(has_text="+12125550142").inner_text()
    page.get_by_role("link", name="Edit the contact").click()
    page.get_by_label("Company").fill("Acme & Sons")
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Save").click()
    page.locator("#email-error").wait_for()
    console.shoot(page, "contact-edit")
    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/console/contacts/{made['id']}")
    assert "Acme & Sons" in page.inner_text("main")
    stored = console.api.get(f"/v1/contacts/{made['id']}").json()
    assert (stored["company"], stored["email"]) == ("Acme & Sons", "dana@example.com")


def test_undo_an_import(page: Any, console: Console) -> None:
    lst = console.post("/v1/lists", {"name": "Imported", "calling_window": ALL_DAY})
    rows = "".join(f"Person {n},+1415555{n:04d}\n" for n in range(25))
    job = console.api.post(
        f"/v1/lists/{lst['id']}/imports",
        content=("name,phone\n" + rows).encode(),
        params={"filename": "spring leads.csv"},
    ).json()
    sign_in(page, console)
    page.goto(f"{console.url}/console/imports/{job['id']}")
    page.get_by_role("heading", name="Done").wait_for(timeout=60_000)
    page.goto(f"{console.url}/console/lists/{lst['id']}")
    page.get_by_role("link", name=f"Undo import {job['id']}").click()
    page.get_by_text("This deletes the 25 contacts this import created").wait_for()
    console.shoot(page, "import-undo")
    page.get_by_role("button", name="Delete 25 contacts").click()
    page.get_by_text("Undone: 25 contacts deleted.").wait_for()
    assert console.api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"] == []


def test_upload_a_do_not_call_file(page: Any, console: Console, tmp_path: Path) -> None:
    path = tmp_path / "our dnc.csv"
    path.write_text("Name,Phone\nAna,(415) 555-0170\nBo,call me\nCy,415.555.0171\n")
    sign_in(page, console)
    page.get_by_role("link", name="Do not call").click()
    page.get_by_label("Upload a file of numbers").set_input_files(str(path))
    page.get_by_label("Reason for every number").fill("from the CRM")
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_text("2 numbers added").wait_for()
    assert "line 3" in page.inner_text("#loaded")
    console.shoot(page, "dnc-upload")
    page.get_by_label("Check a number").fill("4155550171")
    page.get_by_role("button", name="Check").click()
    page.get_by_text("+14155550171 is on do-not-call").wait_for()
