"""The tenancy rules of the schema (db/tenancy.py), checked on the databases the migrations
make: what Citus needs to distribute every tenant table by workspace_id (docs/scaling.md).

SQLite keeps ``id`` alone as the key of the tables keyed (workspace_id, id) on PostgreSQL,
and foreign keys to them name ``id`` alone (``tables.schema_for``); the rules
say where that is allowed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Integer, inspect

from dialbook.db import Database, tenancy
from dialbook.db.tables import metadata

WS = tenancy.TENANT_COLUMN


def test_every_table_is_classified_once() -> None:
    names = set(metadata.tables)
    unclassified = names - tenancy.TENANT_TABLES - tenancy.REFERENCE_TABLES
    assert not unclassified, f"add {sorted(unclassified)} to db/tenancy.py"
    assert not tenancy.TENANT_TABLES & tenancy.REFERENCE_TABLES
    gone = (tenancy.TENANT_TABLES | tenancy.REFERENCE_TABLES) - names
    assert not gone, f"{sorted(gone)} are classified but not in tables.py"
    assert tenancy.COLOCATE_WITH in tenancy.TENANT_TABLES


def _rowid_key(pk: list[str], backend: str) -> bool:
    """SQLite's one exception: a single integer ``id`` key, the rowid that numbers rows."""
    return backend == "sqlite" and pk == ["id"]


def schema_violations(db: Database) -> list[str]:
    """Every place the database breaks a tenancy rule, one line each."""
    backend = db.backend
    found: list[str] = []
    with db.read_engine.connect() as conn:
        inspector: Any = inspect(conn)
        keys = {name: inspector.get_pk_constraint(name)["constrained_columns"]
                for name in metadata.tables}  # fmt: skip
        for name in sorted(metadata.tables):
            tenant = tenancy.is_tenant(name)
            columns = {c["name"]: c for c in inspector.get_columns(name)}
            if tenant:
                column = columns.get(WS)
                if column is None:
                    found.append(f"{name}: no {WS}")
                else:
                    kind = Integer if backend == "sqlite" else BigInteger
                    if column["nullable"] or not isinstance(column["type"], kind):
                        found.append(f"{name}.{WS}: {column['type']} (nullable or not BIGINT)")
                if WS not in keys[name] and not _rowid_key(keys[name], backend):
                    found.append(f"{name}: primary key {keys[name]} without {WS}")
                uniques = [(u["name"], u["column_names"])
                           for u in inspector.get_unique_constraints(name)]  # fmt: skip
                uniques += [(i["name"], i["column_names"])
                            for i in inspector.get_indexes(name) if i["unique"]]  # fmt: skip
                for unique, unique_columns in uniques:
                    if WS not in unique_columns:
                        found.append(f"{name}: unique {unique} {unique_columns} without {WS}")
            for fk in inspector.get_foreign_keys(name):
                found += _fk_violations(name, fk, keys, backend)
    return found


def _fk_violations(
    name: str, fk: dict[str, Any], keys: dict[str, list[str]], backend: str
) -> list[str]:
    here, there, target = fk["constrained_columns"], fk["referred_columns"], fk["referred_table"]
    label = f"{name}: foreign key {fk['name']} {here} -> {target}{there}"
    found = []
    if not tenancy.is_tenant(name) and tenancy.is_tenant(target):
        found.append(f"{label} from a reference table to a tenant table")
    if tenancy.is_tenant(name) and tenancy.is_tenant(target):
        pinned = WS in here and WS in there and here.index(WS) == there.index(WS)
        if not pinned and not (_rowid_key(keys[target], backend) and there == ["id"]):
            found.append(f"{label} without {WS} at the same place on both sides")
    action = (fk.get("options") or {}).get("ondelete", "").upper()
    if WS in here and action in ("SET NULL", "SET DEFAULT"):
        found.append(f"{label} ON DELETE {action} would change {WS}")
    return found


def test_the_schema_follows_the_tenancy_rules(db: Database) -> None:
    assert schema_violations(db) == []
