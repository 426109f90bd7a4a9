from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from dialbook.cli import cli
from dialbook.kit import clock
from tests.cli.conftest import invoke


def test_workspaces_keys_lists_contacts(run: CliRunner) -> None:
    assert "acme" in invoke(run, "workspaces", "create", "acme", "--region", "GB")
    names = [w["name"] for w in json.loads(invoke(run, "workspaces", "list", "--json"))]
    assert names == ["default", "acme"]

    key = invoke(run, "keys", "create", "-w", "acme", "-s", "contacts:read", "--quiet").strip()
    assert key.startswith("dbk_")
    keys = json.loads(invoke(run, "keys", "list", "-w", "acme", "--json"))
    assert keys[0]["scopes"] == ["contacts:read"]
    assert "key" not in keys[0]
    assert "Revoked" in invoke(run, "keys", "revoke", str(keys[0]["id"]), "-w", "acme")

    lst = json.loads(invoke(run, "lists", "create", "Autumn", "-w", "acme", "--json"))
    assert lst["default_region"] is None  # the workspace's region (GB) applies
    contact = json.loads(
        invoke(run, "contacts", "add", "-w", "acme", "--list", str(lst["id"]),
               "--name", "Alan Turing", "--phone", "020 7946 0958", "--json")
    )  # fmt: skip
    assert contact["phones"][0]["number"] == "+442079460958"
    assert "Alan Turing" in invoke(run, "contacts", "get", str(contact["id"]), "-w", "acme")
    found = json.loads(
        invoke(run, "contacts", "find", "-w", "acme", "--phone", "+44 20 7946 0958", "--json")
    )
    assert [c["id"] for c in found] == [contact["id"]]
    assert "Autumn" in invoke(run, "lists", "list", "-w", "acme")
    assert "Autumn" in invoke(run, "lists", "show", str(lst["id"]), "-w", "acme")


def test_errors_are_one_line_and_exit_1(run: CliRunner) -> None:
    result = run.invoke(cli, ["contacts", "add", "--phone", "12"])
    assert result.exit_code == 1
    assert "phones[0].number: '12' is too short for its country" in result.output
    missing = run.invoke(cli, ["contacts", "get", "99"])
    assert missing.exit_code == 1
    assert "No contact with id 99" in missing.output
    nowhere = run.invoke(cli, ["lists", "list", "-w", "nope"])
    assert nowhere.exit_code == 1
    assert "No workspace named 'nope'" in nowhere.output


def test_db_upgrade(run: CliRunner) -> None:
    assert "up to date" in invoke(run, "db", "upgrade")


def test_db_distribute_needs_citus(run: CliRunner, postgres_url: str) -> None:
    """Citus cannot be installed here: without the extension the command says what to do
    and changes nothing (docs/scaling.md)."""
    for url in ("", postgres_url):
        result = run.invoke(cli, ["db", "distribute"], env={"DIALBOOK_DATABASE_URL": url})
        assert result.exit_code == 1
        assert "no citus extension" in result.output


def test_dnc_and_queue_commands(run: CliRunner, tmp_path: Path) -> None:
    assert "will not be called" in invoke(run, "dnc", "add", "(212) 555-0100", "--reason", "asked")
    assert "is suppressed (asked)" in invoke(run, "dnc", "check", "212-555-0100")
    assert "is not suppressed" in invoke(run, "dnc", "check", "212-555-0199")
    file = tmp_path / "dnc.csv"
    file.write_text("Name,Phone\nA,(212) 555-0101\nB,212.555.0102\nC,\n")
    assert "2 numbers added" in invoke(run, "dnc", "import", str(file))
    bare = tmp_path / "bare.csv"
    bare.write_text("2125550103\n2125550104\n")
    assert "2 numbers added" in invoke(run, "dnc", "import", str(bare))
    assert len(json.loads(invoke(run, "dnc", "list", "--json"))) == 5

    lst = json.loads(invoke(run, "lists", "create", "Dial", "--json"))
    invoke(
        run,
        "contacts",
        "add",
        "--list",
        str(lst["id"]),
        "--phone",
        "+18005550100",
        "--timezone",
        "Atlantic/Reykjavik",  # UTC all year (UTC itself is a fixed offset)
    )
    summary = invoke(run, "queue", "preview", str(lst["id"]))
    assert "of 1 callable now" in summary
    found = json.loads(invoke(run, "contacts", "find", "--phone", "+18005550100", "--json"))
    contact_id = str(found[0]["id"])
    noon = (clock.now() + dt.timedelta(days=1)).replace(hour=12, minute=0)  # open in Reykjavik
    with clock.frozen(noon):
        why = json.loads(invoke(run, "queue", "callable", contact_id, "--json"))
        assert why["number"] == "+18005550100"
        assert (why["callable"], why["reasons"]) == (True, [])
        assert "is callable now on +18005550100" in invoke(run, "queue", "callable", contact_id)
        invoke(run, "dnc", "add", "+18005550100")
        said = invoke(run, "queue", "callable", contact_id)
    assert "not callable now" in said
    assert "- suppressed: +18005550100 is on suppression list" in said
    assert "Not callable until changed." in said
    claimed = json.loads(invoke(run, "queue", "claim", str(lst["id"]), "--count", "3", "--json"))
    assert len(claimed["leases"]) <= 1


def test_events_tail_prints_what_changed(run: CliRunner) -> None:
    lst = json.loads(invoke(run, "lists", "create", "Spring", "--json"))
    invoke(run, "contacts", "add", "--list", str(lst["id"]), "--phone", "+12125550100")
    invoke(run, "dnc", "add", "+12125550199")
    out = invoke(run, "events", "tail", "--after", "0", "--no-follow")
    lines = out.strip().splitlines()
    assert [line.split()[2] for line in lines] == [
        "list.created",  # the default list
        "list.created",
        "contact.created",
        "suppression.added",
    ]
    assert "by cli" in lines[2]
    chosen = invoke(run, "events", "tail", "--after", "0", "--no-follow", "--json",
                    "--types", "contact.created")  # fmt: skip
    [event] = [json.loads(line) for line in chosen.splitlines()]
    assert event["data"]["phones"][0]["number"] == "+12125550100"
    assert invoke(run, "events", "tail", "--no-follow") == ""  # from now on: nothing yet
    bad = run.invoke(cli, ["events", "tail", "--no-follow", "--types", "contact.exploded"])
    assert bad.exit_code == 1
    assert "unknown event type 'contact.exploded'" in bad.output


def test_undo_an_import(run: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("name,phone\nAna,+14155550101\nBo,+14155550102\nCy,+14155550103\n")
    lst = json.loads(invoke(run, "lists", "create", "Leads", "--json"))
    job = json.loads(invoke(run, "import", str(path), "--list", str(lst["id"]), "--json"))
    asked = run.invoke(cli, ["import-undo", str(job["id"])], input="n\n")
    assert asked.exit_code == 1
    assert f"Delete the contacts import {job['id']} (a.csv) created (3)?" in asked.output
    done = invoke(run, "import-undo", str(job["id"]), "--yes")
    assert f"Import {job['id']} undone: 3 contacts deleted." in done
    again = run.invoke(cli, ["import-undo", str(job["id"]), "--yes"])
    assert again.exit_code != 0
    assert "already been undone" in again.output


def test_dnc_import_names_the_lines_it_refuses(run: CliRunner, tmp_path: Path) -> None:
    file = tmp_path / "dnc.csv"
    file.write_text("phone\n(212) 555-0101\ncall me\n212.555.0102\n")
    out = invoke(run, "dnc", "import", str(file))
    assert "line 3: 'call me' is not a phone number" in out
    assert "2 numbers added, 0 already there (refreshed), 1 refused." in out
