"""The tenancy rules of the schema (db/tenancy.py): every table classified."""

from __future__ import annotations

from dialbook.db import tenancy
from dialbook.db.tables import metadata


def test_every_table_is_classified_once() -> None:
    names = set(metadata.tables)
    unclassified = names - tenancy.TENANT_TABLES - tenancy.REFERENCE_TABLES
    assert not unclassified, f"add {sorted(unclassified)} to db/tenancy.py"
    assert not tenancy.TENANT_TABLES & tenancy.REFERENCE_TABLES
    gone = (tenancy.TENANT_TABLES | tenancy.REFERENCE_TABLES) - names
    assert not gone, f"{sorted(gone)} are classified but not in tables.py"
    assert tenancy.COLOCATE_WITH in tenancy.TENANT_TABLES
