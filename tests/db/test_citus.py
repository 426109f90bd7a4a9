"""Distributing the tables over Citus (db/citus.py). Citus itself cannot be installed here:
these tests check the order of the conversion, the foreign keys it reads from PostgreSQL's
catalog and the statements that make them again, and that it does nothing without the
extension."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection

from dialbook.db import Database, citus, tenancy
from dialbook.db.tables import schema_for

REFERENCE = sorted(tenancy.REFERENCE_TABLES)
TENANTS = sorted(tenancy.TENANT_TABLES)  # "lists" is not first in this order


def test_the_plan_converts_in_the_order_citus_accepts() -> None:
    fk = citus.ForeignKey("contacts", "fk_c", "FOREIGN KEY (a) REFERENCES lists(b)")
    statements = citus.plan(
        reference=REFERENCE, tenants=TENANTS, colocated=False, foreign_keys=[fk]
    )
    assert statements[0] == 'ALTER TABLE "contacts" DROP CONSTRAINT "fk_c"'
    made = 1 + len(REFERENCE)
    assert statements[1:made] == [f"SELECT create_reference_table('{t}')" for t in REFERENCE]
    assert statements[made] == (
        "SELECT create_distributed_table('lists', 'workspace_id', colocate_with => 'none')"
    )
    others = [t for t in TENANTS if t != "lists"]
    assert statements[made + 1 : -1] == [
        f"SELECT create_distributed_table('{t}', 'workspace_id', colocate_with => 'lists')"
        for t in others
    ]
    assert statements[-1] == (
        'ALTER TABLE "contacts" ADD CONSTRAINT "fk_c" FOREIGN KEY (a) REFERENCES lists(b)'
    )


def test_a_table_added_later_joins_the_group_of_lists() -> None:
    statements = citus.plan(reference=[], tenants=["notes"], colocated=True, foreign_keys=[])
    assert statements == [
        "SELECT create_distributed_table('notes', 'workspace_id', colocate_with => 'lists')"
    ]
    with pytest.raises(ValueError, match="lists must be distributed first"):
        citus.plan(reference=[], tenants=["notes"], colocated=False, foreign_keys=[])


def test_the_foreign_keys_are_read_and_made_again(db: Database) -> None:
    if db.is_sqlite:
        assert db.run_read(citus.distribute) == []
        return
    names = [*REFERENCE, *TENANTS]
    found = db.run_read(citus.foreign_keys, names)
    expected = {
        (table.name, str(fk.name))
        for table in schema_for("postgresql").tables.values()
        for fk in table.foreign_key_constraints
    }
    assert {(fk.table, fk.name) for fk in found} == expected
    assert (
        citus.ForeignKey(
            "contacts",
            "fk_contacts_workspace_id_lists",
            "FOREIGN KEY (workspace_id, list_id) REFERENCES lists(workspace_id, id)"
            " ON DELETE CASCADE",
        )
        in found
    )

    # Dropped and made again from the catalog's definitions, on real PostgreSQL.
    statements = citus.plan(reference=[], tenants=[], colocated=True, foreign_keys=found)

    def round_trip(conn: Connection) -> list[citus.ForeignKey]:
        for statement in statements:
            conn.exec_driver_sql(statement)
        return citus.foreign_keys(conn, names)

    assert db.run_write(round_trip) == found
    assert db.run_read(citus.installed) is False
    assert db.run_write(citus.distribute) == []  # no extension: a no-op
