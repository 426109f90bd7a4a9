"""Which tables belong to one workspace: the classification every tenancy rule starts from.

dialbook's data is multi-tenant by ``workspace_id``, and that is also how it spreads over
several database nodes when one PostgreSQL is not enough (Citus, docs/scaling.md): tenant
tables are sharded by ``workspace_id`` and co-located with ``lists``, so everything of one
workspace lives on one node; reference tables are small, shared or looked up before the
workspace is known, and are copied to every node.

Every table in ``tables.py`` is in exactly one of the two sets below
(tests/db/test_tenancy.py fails otherwise), so a new table is classified when it is born.
The schema rules (tests/db/test_tenancy.py) and the statement rule
(:mod:`dialbook.db.statement_check`) read this classification, and so does the
distribution of the tables over a Citus cluster (:mod:`dialbook.db.citus`).
"""

from __future__ import annotations

# Small and shared, or read before the workspace is known (an API key finds its workspace).
REFERENCE_TABLES = frozenset({"workspaces", "api_keys", "users", "call_zones"})

# One workspace's rows: sharded by TENANT_COLUMN, co-located with COLOCATE_WITH.
TENANT_TABLES = frozenset(
    {
        "lists",
        "custom_fields",
        "contacts",
        "contact_phones",
        "contact_tags",
        "contact_external_ids",
        "events",
        "event_horizons",
        "webhook_endpoints",
        "webhook_deliveries",
        "suppression_lists",
        "suppressions",
        "dnc_registries",
        "dnc_registry_numbers",
        "dial_attempts",
        "imports",
        "import_rejects",
        "import_warnings",
        "import_templates",
        "idempotency_keys",
        "rate_limits",
        "console_sessions",
    }
)

TENANT_COLUMN = "workspace_id"
COLOCATE_WITH = "lists"

# A statement that must read or write several workspaces at once (a background scan) says
# so in its SQL with a comment starting with this, e.g. /* cross-tenant: why */, and is
# listed in docs/scaling.md. Every other statement pins workspace_id to one value.
CROSS_TENANT = "cross-tenant:"

# Set (to "report" or "enforce") to check every statement on PostgreSQL against the rule
# above: db/statement_check.py. The test suite sets it.
CHECK_VARIABLE = "DIALBOOK_CHECK_TENANCY"


def is_tenant(table: str) -> bool:
    return table in TENANT_TABLES
