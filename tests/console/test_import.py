"""The console's import wizard over HTTP: upload, preview (dry run) with an edited mapping,
the import in the background, its result and the refused rows. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re

import httpx
from starlette.testclient import TestClient

from dialbook.imports.jobs import Jobs
from tests.conftest import create_list
from tests.console.conftest import csrf_of

ROWS = 2000
BAD_EVERY = 100  # rows 100, 200, ... have a phone that is no phone and nothing else


def messy_csv(rows: int = ROWS) -> bytes:
    """Odd headers, several phone formats, stray spaces, a column to ignore, bad rows."""
    lines = ["Full Name , Mobile #,E-Mail Address,Lead Notes,Internal Score"]
    for n in range(1, rows + 1):
        if n % BAD_EVERY == 0:
            lines.append(f",12,,bad row {n},0")
        else:
            phone = f"(415) 5{n // 1000:02d}-{n % 1000:04d}" if n % 2 else f"+1415556{n:04d}"
            lines.append(f" Person {n} ,{phone}, p{n}@Example.com ,note {n},{n % 7}")
    return ("\n".join(lines) + "\n").encode()


def upload(client: TestClient, list_id: int, content: bytes, name: str) -> httpx.Response:
    token = csrf_of(client.get(f"/console/lists/{list_id}/import"))
    return client.post(
        f"/console/lists/{list_id}/import",
        data={"csrf_token": token},
        files={"file": (name, content, "text/csv")},
    )


def form_of(page: httpx.Response) -> dict[str, list[str]]:
    """The preview form's fields, as the browser would send them back."""
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="([a-z_]+)" value="([^"]*)"', page.text):
        fields.setdefault(name, []).append(value.replace("&amp;", "&").replace("&#34;", '"'))
    return fields


def test_the_wizard_from_upload_to_rejects(api: TestClient, admin: TestClient) -> None:
    lst = create_list(api, name="Imported")
    preview = upload(admin, lst["id"], messy_csv(), "leads.csv")
    assert preview.status_code == 200, preview.text
    fields = form_of(preview)
    targets = dict(zip(fields["column"], fields["target"], strict=True))
    assert targets["Mobile #"].startswith("phone")
    assert targets["E-Mail Address"] == "email"
    assert "would be refused" in preview.text
    assert "line" not in fields  # nothing imported yet
    assert api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"] == []

    upload_name = re.search(r"/import/([^/]+)/start", preview.text)
    assert upload_name
    url = f"/console/lists/{lst['id']}/import/{upload_name.group(1)}"
    pairs = zip(fields["column"], fields["target"], strict=True)
    fields["target"] = ["ignore" if c == "Internal Score" else t for c, t in pairs]
    again = admin.post(f"{url}/preview", data=fields)
    assert again.status_code == 200, again.text
    assert (
        dict(zip(form_of(again)["column"], form_of(again)["target"], strict=True))["Internal Score"]
        == "ignore"
    )

    started = admin.post(f"{url}/start", data=form_of(again), follow_redirects=False)
    assert started.status_code == 303, started.text
    job_url = started.headers["location"]
    admin.app.state.services.workers.get(Jobs).wait()  # type: ignore[attr-defined]
    done = admin.get(job_url)
    seen = " ".join(re.sub(r"<[^>]+>", " ", done.text).split())
    rejected = ROWS // BAD_EVERY
    assert "Done" in seen
    assert f"created {ROWS - rejected:,}" in seen
    assert f"refused {rejected}" in seen
    assert 'hx-trigger="every 1s"' not in done.text  # finished: the page stops polling
    contacts = api.get("/v1/contacts", params={"list_id": lst["id"], "q": "person 3"}).json()
    assert contacts["data"][0]["custom_fields"].get("internal_score") is None  # ignored
    rejects = admin.get(f"{job_url}/rejects")
    assert rejects.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(rejects.text)))
    assert len(rows) == 1 + rejected
    assert rows[1][0] == str(BAD_EVERY + 1)  # the file's line (the header is line 1)


def test_a_running_import_page_polls(api: TestClient, admin: TestClient) -> None:
    lst = create_list(api, name="Imported")
    started = api.post(
        f"/v1/lists/{lst['id']}/imports", content=messy_csv(), params={"filename": "x.csv"}
    ).json()
    page = admin.get(f"/console/imports/{started['id']}")
    assert page.status_code == 200
    admin.app.state.services.workers.get(Jobs).wait()  # type: ignore[attr-defined]
    htmx = {"HX-Request": "true", "HX-Target": "progress"}
    partial = admin.get(f"/console/imports/{started['id']}", headers=htmx)
    assert partial.text.lstrip().startswith('<section id="progress"')
    assert "<html" not in partial.text


def test_uploads_are_checked(api: TestClient, admin: TestClient) -> None:
    lst = create_list(api, name="Imported")
    empty = upload(admin, lst["id"], b"", "empty.csv")
    assert empty.status_code == 422
    assert "is empty" in empty.text
    headless = upload(admin, lst["id"], b"Colour,Size\nred,2\n", "odd.csv")
    assert headless.status_code == 422
    assert "no column dialbook recognizes" in headless.text
    token = csrf_of(admin.get(f"/console/lists/{lst['id']}/import"))
    for name in ("999-" + "0" * 32 + ".csv", "..%2F..%2Fdialbook.db", "1-nothex.csv"):
        answer = admin.post(
            f"/console/lists/{lst['id']}/import/{name}/start", data={"csrf_token": token}
        )
        assert answer.status_code == 404, name
    assert api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"] == []


def test_a_mapping_saved_as_a_template_is_used_on_the_next_file(
    api: TestClient, admin: TestClient
) -> None:
    lst = create_list(api, name="Imported")
    preview = upload(admin, lst["id"], messy_csv(20), "monday.csv")
    fields = form_of(preview)
    url = re.search(r'action="(/console/lists/\d+/import/[^/]+)/start"', preview.text)
    assert url
    pairs = zip(fields["column"], fields["target"], strict=True)
    fields["target"] = [{"Internal Score": "ignore", "Lead Notes": "custom:lead_notes"}.get(c, t)
                        for c, t in pairs]  # fmt: skip
    nameless = admin.post(f"{url.group(1)}/template", data={**fields, "template_name": " "})
    assert nameless.status_code == 422
    assert "name" in nameless.text
    saved = admin.post(f"{url.group(1)}/template", data={**fields, "template_name": "CRM export"})
    assert saved.status_code == 200, saved.text
    assert "Saved these columns as “CRM export”" in saved.text
    assert dict(zip(form_of(saved)["column"], form_of(saved)["target"], strict=True))[
        "Internal Score"] == "ignore"  # fmt: skip

    # The next file (its columns in another order, one of them new) picks the template.
    form = admin.get(f"/console/lists/{lst['id']}/import")
    template = re.search(r'<option value="(\d+)">as saved in “CRM export”</option>', form.text)
    assert template, form.text
    tuesday = (
        b"Internal Score,Full Name ,Mobile #,Lead Notes,Shoe Size\n3,Ann Lee,+14155550100,hi,W\n"
    )
    token = csrf_of(form)
    preview = admin.post(
        f"/console/lists/{lst['id']}/import",
        data={"csrf_token": token, "template": template.group(1)},
        files={"file": ("tuesday.csv", tuesday, "text/csv")},
    )
    assert preview.status_code == 200, preview.text
    targets = dict(zip(form_of(preview)["column"], form_of(preview)["target"], strict=True))
    assert targets["Internal Score"] == "ignore"
    assert targets["Lead Notes"] == "custom:lead_notes"
    assert targets["Shoe Size"] == "custom:shoe_size"  # not in the template: as recognized
    start = re.search(r'action="([^"]+/start)"', preview.text)
    assert start
    started = admin.post(start.group(1), data=form_of(preview), follow_redirects=False)
    assert started.status_code == 303
    admin.app.state.services.workers.get(Jobs).wait()  # type: ignore[attr-defined]
    ann = api.get("/v1/contacts", params={"list_id": lst["id"], "q": "ann lee"}).json()["data"][0]
    assert ann["custom_fields"] == {"lead_notes": "hi", "shoe_size": "W"}

    unknown = admin.post(
        f"/console/lists/{lst['id']}/import",
        data={"csrf_token": token, "template": "999999"},
        files={"file": ("x.csv", tuesday, "text/csv")},
    )
    assert unknown.status_code == 422
    assert "no import template with id 999999" in unknown.text
