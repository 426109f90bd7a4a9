"""The CLI over the dial queue: list settings, claims, outcomes, do-not-call; --json."""

from __future__ import annotations

import json
from typing import Any

import click
from click.testing import CliRunner

from dialbook.cli import cli
from tests.cli.conftest import invoke


def as_json(runner: CliRunner, *args: str) -> Any:
    return json.loads(invoke(runner, *args, "--json"))


def test_lists_set_changes_the_calling_window(run: CliRunner) -> None:
    lst = as_json(run, "lists", "create", "Spring leads")
    lid = str(lst["id"])
    changed = as_json(
        run, "lists", "set", lid, "--window", "09:00-20:00", "--days", "mon-fri",
        "--state-override", "FL=08:00-19:00", "--holiday", "2099-12-25", "--max-attempts", "4",
    )  # fmt: skip
    window = changed["calling_window"]
    assert (window["start"], window["end"]) == ("09:00", "20:00")
    assert window["days"] == ["mon", "tue", "wed", "thu", "fri"]
    assert window["state_overrides"] == {"FL": {"start": "08:00", "end": "19:00", "days": None}}
    assert window["holidays"] == ["2099-12-25"]
    assert changed["max_attempts"] == 4
    # Only what is named changes.
    weekend = as_json(run, "lists", "set", lid, "--days", "sat-mon", "--state-override", "FL=")
    assert weekend["calling_window"]["days"] == ["sat", "sun", "mon"]
    assert weekend["calling_window"]["start"] == "09:00"
    assert weekend["calling_window"]["state_overrides"] == {}
    bad = run.invoke(cli, ["lists", "set", lid, "--window", "9am-8pm"])
    assert bad.exit_code == 1
    assert "calling_window.start" in bad.output
    nothing = run.invoke(cli, ["lists", "set", lid])
    assert nothing.exit_code == 2
    assert "Name at least one setting" in nothing.output


def test_lists_set_changes_the_compliance_settings(run: CliRunner) -> None:
    lid = str(as_json(run, "lists", "create", "Capped")["id"])
    capped = as_json(run, "lists", "set", lid, "--max-calls-per-number", "3/24")
    assert capped["compliance"] == {
        "us_state_rules": True,
        "max_calls_per_number": {"count": 3, "hours": 24},
    }
    off = as_json(run, "lists", "set", lid, "--no-us-state-rules")
    assert off["compliance"]["us_state_rules"] is False
    assert off["compliance"]["max_calls_per_number"] == {"count": 3, "hours": 24}
    cleared = as_json(run, "lists", "set", lid, "--max-calls-per-number", "none")
    assert cleared["compliance"]["max_calls_per_number"] is None
    bad = run.invoke(cli, ["lists", "set", lid, "--max-calls-per-number", "3 a day"])
    assert bad.exit_code == 2
    assert "COUNT/HOURS" in bad.output
    zero = run.invoke(cli, ["lists", "set", lid, "--max-calls-per-number", "0/24"])
    assert zero.exit_code == 1
    assert "max_calls_per_number" in zero.output


def test_claim_shows_the_whole_number_and_outcome_records_it(run: CliRunner) -> None:
    lid = str(as_json(run, "lists", "create", "Now")["id"])
    invoke(
        run, "lists", "set", lid, "--window", "00:00-23:59", "--timezone", "Atlantic/Reykjavik"
    )  # UTC all year; a fixed offset is refused
    invoke(
        run, "contacts", "add", "--list", lid, "--phone", "+12122000123",
        "--name", "Bartholomew Maximilian Fitzgerald-Worthington the Third of Somewhere",
    )  # fmt: skip
    claimed = invoke(run, "queue", "claim", lid, "--agent", "ann")
    [row] = [line for line in claimed.splitlines() if "+12122000123" in line]  # never cut
    lease_id = row.split("│")[1].strip()
    assert lease_id.isdigit()
    assert row.count("Z") >= 1  # the lease's expiry, as the API writes times
    missing = run.invoke(cli, ["queue", "outcome", lease_id, "callback"])
    assert missing.exit_code == 1
    assert "retry_at" in missing.output
    done = invoke(
        run, "queue", "outcome", lease_id, "callback", "--retry-at", "2030-01-01T10:00:00-05:00"
    )
    assert "due 2030-01-01T15:00:00Z" in done
    again = run.invoke(cli, ["queue", "outcome", lease_id, "answered", "--json"])
    assert again.exit_code == 1
    assert "already has the outcome" in again.output
    unknown = run.invoke(cli, ["queue", "outcome", lease_id, "hung_up"])
    assert unknown.exit_code == 2
    assert "'no_answer'" in unknown.output


def test_dnc_add_is_from_the_cli_and_times_are_utc(run: CliRunner) -> None:
    entry = as_json(run, "dnc", "add", "(240) 452-2332", "--expires", "2099-01-31")
    assert entry["source"] == "cli"
    listed = invoke(run, "dnc", "list")
    assert "cli" in listed
    assert "2099-02-01T00:00:00Z" in listed  # the same time format as the API, no quotes
    assert '"20' not in invoke(run, "lists", "show", "1")


READ_COMMANDS = {
    "contacts find", "contacts get", "dnc check", "dnc list", "keys list", "lists list",
    "lists show", "queue preview", "workspaces list",
}  # fmt: skip


def test_every_read_command_takes_json() -> None:
    def walk(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
        found: dict[str, click.Command] = {}
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                found |= walk(command, f"{prefix}{name} ")
            else:
                found[f"{prefix}{name}"] = command
        return found

    commands = walk(cli)  # type: ignore[arg-type]
    assert set(commands) >= READ_COMMANDS
    for name in READ_COMMANDS | {"queue claim", "queue outcome", "lists set", "dnc add"}:
        assert "--json" in [o for p in commands[name].params for o in p.opts], name


def test_numbers_cycle_from_the_cli(run: CliRunner) -> None:
    lid = str(as_json(run, "lists", "create", "Cycling")["id"])
    changed = as_json(
        run, "lists", "set", lid, "--window", "00:00-23:59", "--timezone", "Atlantic/Reykjavik",
        "--phone-order", "mobile_first", "--dial-invalid-numbers",
    )  # fmt: skip
    assert (changed["phone_order"], changed["dial_invalid_numbers"]) == ("mobile_first", True)
    invoke(run, "contacts", "add", "--list", lid, "--phone", "+12122000123",
           "--phone", "+12122000124")  # fmt: skip
    as_json(run, "lists", "set", lid, "--phone-order", "as_given", "--no-dial-invalid-numbers")
    [lease] = as_json(run, "queue", "claim", lid)["leases"]
    assert (lease["phone"]["number"], lease["number_reason"]) == ("+12122000123", "first")
    result = as_json(run, "queue", "outcome", str(lease["lease_id"]), "disconnected")
    assert (result["number"], result["next_number"]) == ("+12122000123", "+12122000124")
    assert result["number_dialing"]["done"] is True
    [lease] = as_json(run, "queue", "claim", lid)["leases"]
    assert lease["number_reason"] == "next_after_disconnected"
    done = invoke(run, "queue", "outcome", str(lease["lease_id"]), "failed")
    assert "is exhausted" in done
    assert "no number left" in done
