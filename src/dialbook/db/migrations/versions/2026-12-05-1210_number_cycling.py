"""number cycling: per-number dialing state, phone_order, dial_invalid_numbers

Issue 12, part 4. Lists get ``phone_order`` (``as_given``) and ``dial_invalid_numbers``
(false); contacts get ``dial_number_valid``, whether libphonenumber knows the number a
claim dials as valid, and the dial-queue index carries it (the preview counts
``invalid_number`` from the index alone).

Existing contacts: each phone's ``dialing`` state (attempts, last outcome, last dial time,
done) is rebuilt from the contact's recorded attempts on that number; a number whose last
outcome was ``wrong_number`` is done (``failed`` used to retry the same number, so it is
not). ``dial_number`` becomes the number cycling would dial next (normalize/numbers.py, the
list order ``as_given``): a contact whose numbers are all invalid now has one, marked
invalid, so the preview counts it as ``invalid_number`` rather than ``no_phone``.

Downgrade drops the columns; the phones' ``dialing`` objects stay (the old code ignores
them).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

from dialbook.contacts.normalize import dial_columns
from dialbook.db.types import Json
from dialbook.normalize import numbers

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_BATCH = 2000
QUEUE_COLUMNS = (
    "status", "zone_id", "queue_rank", "due_at", "id", "dnc", "dnd_call", "attempts",
    "dial_number",
)  # fmt: skip

_workspaces = sa.table("workspaces", sa.column("id", sa.BigInteger))
_contacts = sa.table(
    "contacts",
    sa.column("workspace_id", sa.BigInteger),
    sa.column("id", sa.BigInteger),
    sa.column("phones", Json),
    sa.column("dial_number", sa.String),
    sa.column("dial_number_valid", sa.Boolean),
)
_attempts = sa.table(
    "dial_attempts",
    sa.column("workspace_id", sa.BigInteger),
    sa.column("id", sa.BigInteger),
    sa.column("contact_id", sa.BigInteger),
    sa.column("number", sa.String),
    sa.column("claimed_at", sa.DateTime(timezone=True)),
    sa.column("outcome", sa.String),
)


def upgrade() -> None:
    # Plain ALTER TABLE on both backends: a batch would copy the tables on SQLite, and
    # dropping the old ``lists`` would cascade to every contact.
    op.add_column(
        "lists", sa.Column("phone_order", sa.String(20), nullable=False, server_default="as_given")
    )
    op.add_column(
        "lists",
        sa.Column("dial_invalid_numbers", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "contacts",
        sa.Column("dial_number_valid", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    op.drop_index("ix_contacts_queue_by_zone", table_name="contacts")
    op.create_index(
        "ix_contacts_queue_by_zone",
        "contacts",
        ["workspace_id", "list_id", *QUEUE_COLUMNS, "dial_number_valid"],
    )
    conn = op.get_bind()
    for (workspace_id,) in conn.execute(sa.select(_workspaces.c.id)).all():
        _cycle_contacts(conn, workspace_id)


def _cycle_contacts(conn: sa.Connection, workspace_id: int) -> None:
    """Each contact of the workspace: its phones' dialing state and its next number."""
    after = -1
    while True:
        rows = conn.execute(
            sa.select(_contacts)
            .where(_contacts.c.workspace_id == workspace_id, _contacts.c.id > after)
            .order_by(_contacts.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        after = rows[-1].id
        dialed = _dialed(conn, workspace_id, [row.id for row in rows if row.phones])
        for row in rows:
            if not row.phones:
                continue
            phones = [_with_dialing(p, dialed.get((row.id, p["number"]))) for p in row.phones]
            dial = dial_columns(phones, "as_given")  # (later revisions add columns to it)
            values = {
                "phones": phones,
                "dial_number": dial["dial_number"],
                "dial_number_valid": dial["dial_number_valid"],
            }
            if values == {
                "phones": row.phones,
                "dial_number": row.dial_number,
                "dial_number_valid": row.dial_number_valid,
            }:
                continue
            conn.execute(
                _contacts.update()
                .where(_contacts.c.workspace_id == workspace_id, _contacts.c.id == row.id)
                .values(**values)
            )


def _dialed(
    conn: sa.Connection, workspace_id: int, contact_ids: list[int]
) -> dict[tuple[int, str], list[Any]]:
    """(contact id, number) -> its recorded attempts (outcome, claimed_at), oldest first."""
    found: dict[tuple[int, str], list[Any]] = defaultdict(list)
    if not contact_ids:
        return found
    for attempt in conn.execute(
        sa.select(
            _attempts.c.contact_id, _attempts.c.number, _attempts.c.outcome, _attempts.c.claimed_at
        )  # fmt: skip
        .where(
            _attempts.c.workspace_id == workspace_id,
            _attempts.c.contact_id.in_(contact_ids),
            _attempts.c.outcome.is_not(None),
        )
        .order_by(_attempts.c.claimed_at, _attempts.c.id)
    ):
        found[(attempt.contact_id, attempt.number)].append(attempt)
    return found


def _with_dialing(phone: dict[str, Any], attempts: list[Any] | None) -> dict[str, Any]:
    if "dialing" in phone:
        return phone
    state = numbers.fresh()
    if attempts:
        last = attempts[-1]
        state.update(
            attempts=len(attempts),
            last_outcome=last.outcome,
            last_dial_at=_utc_text(last.claimed_at),
            done=last.outcome == "wrong_number",
        )
    return {**phone, "dialing": state}


def _utc_text(when: dt.datetime | str) -> str:
    """An attempt's time as the API writes it (``2026-06-03T16:00:00Z``)."""
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    if when.tzinfo is None:  # SQLite keeps UTC as naive text
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def downgrade() -> None:
    op.drop_index("ix_contacts_queue_by_zone", table_name="contacts")
    op.create_index(
        "ix_contacts_queue_by_zone", "contacts", ["workspace_id", "list_id", *QUEUE_COLUMNS]
    )
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), for the same reason as above.
    op.drop_column("contacts", "dial_number_valid")
    op.drop_column("lists", "dial_invalid_numbers")
    op.drop_column("lists", "phone_order")
