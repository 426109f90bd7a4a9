"""Spreading the tables over a Citus cluster, by workspace (docs/scaling.md).

Where the database has the ``citus`` extension, :func:`distribute` makes the reference
tables (db/tenancy.py) reference tables, copied to every node, and distributes the tenant
tables by workspace_id, co-located with ``lists`` so that one workspace's rows of every
table live on one node. Citus refuses foreign keys between a distributed table and one that
is not (yet) distributed, so the foreign keys of the tables still to convert are dropped
first and made again after, from their definitions in the catalog. It all happens in the
caller's transaction, one connection per node ("sequential" mode, which Citus needs to add
foreign keys after moving data in the same transaction). Without the extension, and for
tables already converted, it does nothing.

The migration that made the keys Citus needs runs it (so does ``dialbook db distribute``,
for a database that gets the extension later); a migration that adds a tenant table runs it
for that table. Docs followed: Citus "Creating and Modifying Distributed Objects (DDL)" and
"Citus Utility Functions" (create_reference_table, create_distributed_table with
colocate_with).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from dialbook.db import tenancy


@dataclass(frozen=True, slots=True)
class ForeignKey:
    table: str
    name: str
    definition: str  # as pg_get_constraintdef gives it: FOREIGN KEY (...) REFERENCES ...


def installed(conn: Connection) -> bool:
    """Whether the database has the citus extension."""
    if conn.dialect.name != "postgresql":
        return False
    found = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'citus'")).first()
    return found is not None


def distribute(
    conn: Connection,
    *,
    reference: Sequence[str] = tuple(sorted(tenancy.REFERENCE_TABLES)),
    tenants: Sequence[str] = tuple(sorted(tenancy.TENANT_TABLES)),
) -> list[str]:
    """Convert the tables not converted yet (see the module docstring); their names."""
    if not installed(conn):
        return []
    done = {
        str(name)
        for (name,) in conn.execute(
            text(
                "SELECT c.relname FROM pg_dist_partition p"
                " JOIN pg_class c ON c.oid = p.logicalrelid"
                " WHERE c.relnamespace = to_regnamespace(current_schema())"
            )
        )
    }
    pending = [name for name in (*reference, *tenants) if name not in done]
    if not pending:
        return []
    statements = plan(
        reference=[name for name in reference if name in pending],
        tenants=[name for name in tenants if name in pending],
        colocated=tenancy.COLOCATE_WITH in done,
        foreign_keys=foreign_keys(conn, pending),
    )
    conn.exec_driver_sql("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'")
    for statement in statements:
        conn.exec_driver_sql(statement)
    return pending


def foreign_keys(conn: Connection, tables: Sequence[str]) -> list[ForeignKey]:
    """The foreign keys from or to ``tables`` (in the current schema), in a fixed order."""
    rows = conn.execute(
        text(
            "SELECT t.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k"
            " JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid"
            " WHERE k.contype = 'f' AND t.relnamespace = to_regnamespace(current_schema())"
            " AND (t.relname = ANY(:tables) OR r.relname = ANY(:tables))"
            " ORDER BY t.relname, k.conname"
        ),
        {"tables": list(tables)},
    )
    return [ForeignKey(str(table), str(name), str(definition)) for table, name, definition in rows]


def plan(
    *,
    reference: Sequence[str],
    tenants: Sequence[str],
    colocated: bool,
    foreign_keys: Sequence[ForeignKey],
) -> list[str]:
    """The statements that convert the tables, in the order Citus accepts: drop the
    foreign keys, make the reference tables, distribute ``lists`` (in a co-location group
    of its own, unless ``colocated``: it is distributed already) and then the other tenant
    tables with it, and make the foreign keys again."""
    column, anchor = tenancy.TENANT_COLUMN, tenancy.COLOCATE_WITH
    ordered = sorted(tenants, key=lambda name: name != anchor)  # lists first
    if ordered and ordered[0] != anchor and not colocated:
        raise ValueError(f"{anchor} must be distributed first: the others join its group")
    statements = [f'ALTER TABLE "{fk.table}" DROP CONSTRAINT "{fk.name}"' for fk in foreign_keys]
    statements += [f"SELECT create_reference_table('{name}')" for name in reference]
    for name in ordered:
        group = "none" if name == anchor else anchor
        statements.append(
            f"SELECT create_distributed_table('{name}', '{column}', colocate_with => '{group}')"
        )
    statements += [
        f'ALTER TABLE "{fk.table}" ADD CONSTRAINT "{fk.name}" {fk.definition}'
        for fk in foreign_keys
    ]
    return statements
