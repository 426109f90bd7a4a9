"""clean states and zones: state names as codes, no fixed-offset zones

Data only (issue 12, part 1). Stored ``state`` values that name a US state, DC, a US
territory or a Canadian province (``Florida``, ``fl``, ``"FL "``) become their two-letter
code, so a list's ``state_overrides`` apply to them. Lists whose ``default_timezone`` is a
fixed offset (``EST``, ``Etc/GMT+5``, ``UTC``) get the real zone it stands for in their
default region, or none. Contacts whose zone is a fixed offset get the real zone it stands
for in their country (``EST`` in the US: America/New_York), or their zone is inferred
again. A contact whose state or zones change gets the matching ``zone_id``. A contact's
``dial_number`` becomes its first phone libphonenumber knows as valid (or none), so claims
no longer hand out numbers such as +1 555 01xx. The values
are read with the same pure functions the application uses (dialbook.normalize).

Nothing is undone on downgrade: the codes and zones are valid values of the old schema.

Revision ID: 0012
Revises: 0004
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from dialbook.db.types import Json
from dialbook.normalize import zone_keys
from dialbook.normalize.phones import time_zones_for
from dialbook.normalize.states import state_code
from dialbook.normalize.timezones import infer_timezone, is_fixed_offset, read_timezone

revision = "0012"
down_revision = "0004"
branch_labels = None
depends_on = None

_BATCH = 2000

_lists = sa.table(
    "lists",
    sa.column("workspace_id", sa.BigInteger),
    sa.column("id", sa.BigInteger),
    sa.column("default_region", sa.String),
    sa.column("default_timezone", sa.String),
)
_contacts = sa.table(
    "contacts",
    sa.column("workspace_id", sa.BigInteger),
    sa.column("id", sa.BigInteger),
    sa.column("list_id", sa.BigInteger),
    sa.column("phones", Json),
    sa.column("state", sa.String),
    sa.column("postal_code", sa.String),
    sa.column("country", sa.String),
    sa.column("timezone", sa.String),
    sa.column("timezone_source", sa.String),
    sa.column("timezone_candidates", Json),
    sa.column("zone_id", sa.Integer),
    sa.column("dial_number", sa.String),
)
_zones = sa.table("call_zones", sa.column("id", sa.Integer), sa.column("key", sa.String))


def _fixed(column: Any) -> Any:
    lowered = sa.func.lower(column)
    names = ["est", "mst", "hst", "utc", "uct", "gmt", "gmt0", "gmt+0", "gmt-0", "greenwich",
             "universal", "zulu", "factory"]  # fmt: skip
    return sa.or_(lowered.in_(names), lowered.like("etc/%"))


def upgrade() -> None:
    conn = op.get_bind()
    defaults = _clean_lists(conn)
    zone_ids: dict[str, int] = {}
    after: tuple[int, int] = (-1, -1)
    while True:
        rows = conn.execute(
            sa.select(_contacts)
            .where(
                sa.or_(
                    _contacts.c.state.is_not(None),
                    _fixed(_contacts.c.timezone),
                    _contacts.c.dial_number.is_not(None),
                ),
                sa.or_(
                    _contacts.c.workspace_id > after[0],
                    sa.and_(_contacts.c.workspace_id == after[0], _contacts.c.id > after[1]),
                ),
            )
            .order_by(_contacts.c.workspace_id, _contacts.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        after = (rows[-1].workspace_id, rows[-1].id)
        for row in rows:
            values = _cleaned(row, defaults.get((row.workspace_id, row.list_id)))
            if values is None:
                continue
            zones = values["timezone_candidates"] or (
                [values["timezone"]] if values["timezone"] else []
            )
            key = zone_keys.zone_key(zones, zone_keys.address_state(values["state"], row.country))
            values["zone_id"] = None if key is None else _zone_id(conn, zone_ids, key)
            conn.execute(
                _contacts.update()
                .where(_contacts.c.workspace_id == row.workspace_id, _contacts.c.id == row.id)
                .values(**values)
            )


def _clean_lists(conn: sa.Connection) -> dict[tuple[int, int], str | None]:
    """Replace fixed-offset list defaults; every list's default zone, by (workspace, id)."""
    defaults: dict[tuple[int, int], str | None] = {}
    for row in conn.execute(sa.select(_lists)).all():
        zone = row.default_timezone
        if zone and is_fixed_offset(zone):
            zone = read_timezone(zone, country=row.default_region).zone
            conn.execute(
                _lists.update()
                .where(_lists.c.workspace_id == row.workspace_id, _lists.c.id == row.id)
                .values(default_timezone=zone)
            )
        defaults[(row.workspace_id, row.id)] = zone
    return defaults


def _cleaned(row: Any, list_default: str | None) -> dict[str, Any] | None:
    """The new state and zone columns of a contact row; None when nothing changes."""
    state = row.state
    code = state_code(state, row.country) if state else None
    if code is not None:
        state = code
    timezone, source, candidates = row.timezone, row.timezone_source, row.timezone_candidates
    if timezone and is_fixed_offset(timezone):
        phones = row.phones or []
        first = phones[0] if phones else {}
        phone_zones = time_zones_for(first["number"]) if first.get("number") else ()
        phone_country = first.get("country")
        reading = read_timezone(
            timezone, country=row.country or phone_country, phone_zones=phone_zones
        )
        if reading.zone is not None:
            timezone, source, candidates = reading.zone, "given", [reading.zone]
        else:
            inference = infer_timezone(
                phone_zones=phone_zones,
                postal_code=row.postal_code,
                country=row.country,
                list_default=list_default,
                phone_country=phone_country,
            )
            timezone, source = inference.timezone, inference.source
            candidates = list(inference.candidates) or None
    dial = next((p["number"] for p in row.phones or [] if p.get("valid", True)), None)
    if (state, timezone, dial) == (row.state, row.timezone, row.dial_number):
        return None
    return {
        "state": state,
        "timezone": timezone,
        "timezone_source": source,
        "timezone_candidates": candidates,
        "dial_number": dial,
    }


def _zone_id(conn: sa.Connection, known: dict[str, int], key: str) -> int:
    if key not in known:
        found = conn.execute(sa.select(_zones.c.id).where(_zones.c.key == key)).scalar()
        if found is None:
            conn.execute(_zones.insert().values(key=key))
            found = conn.execute(sa.select(_zones.c.id).where(_zones.c.key == key)).scalar_one()
        known[key] = int(found)
    return known[key]


def downgrade() -> None:
    pass
