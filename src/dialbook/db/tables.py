"""Every table, in one place. Migrations under ``db/migrations`` create exactly these.

Contacts keep their list-like parts (phones, tags, external references, custom fields, DND)
as JSON documents on the row, so reading a contact is one row. The ``contact_phones``,
``contact_tags`` and ``contact_external_ids`` tables are lookup indexes over those documents,
written by the contacts repository in the same transaction.

Tenancy (db/tenancy.py): every table except workspaces, api_keys and call_zones holds one
workspace's rows. Such a table has a non-null ``workspace_id``; its primary key, its unique
constraints and its foreign keys to other tenant tables include it, so that the tables can
be distributed by workspace_id over several nodes (docs/scaling.md). These definitions are
the PostgreSQL schema; :func:`schema_for` is the one place that says how SQLite's differs.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from dialbook.db.types import Id, Json, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

workspaces = Table(
    "workspaces",
    metadata,
    Column("id", Id, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("default_region", String(2)),
    # Ids other platforms know this workspace by, e.g. {"highlevel": "<locationId>"}.
    Column("aliases", Json),
    Column("created_at", UTCDateTime, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Id, primary_key=True),
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("scopes", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    Index(None, "workspace_id"),
)

# People who sign in to the console (console/): one workspace each. A reference table, like
# api_keys: sign-in finds a user by email before the workspace is known, so an email is
# unique across workspaces.
users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True),
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(254), nullable=False, unique=True),  # lower-cased
    Column("role", String(20), nullable=False),  # admin | manager | agent
    Column("password_hash", String(200), nullable=False),  # argon2id
    Column("created_at", UTCDateTime, nullable=False),
    Column("password_changed_at", UTCDateTime, nullable=False),
    Column("disabled_at", UTCDateTime),
    Index(None, "workspace_id"),
)

# A signed-in console session: the cookie carries the workspace and a random token, stored
# here only as its SHA-256. Sign-out deletes the row; a row unused for the idle time is dead.
console_sessions = Table(
    "console_sessions",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("workspace_id", "id"),
    UniqueConstraint("workspace_id", "token_hash"),
    Index(None, "workspace_id", "user_id"),
)

lists = Table(
    "lists",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("is_default", Boolean, nullable=False, default=False),
    Column("default_region", String(2)),
    Column("duplicate_key", String(20), nullable=False),
    Column("duplicate_scope", String(20), nullable=False),
    Column("queue_mode", String(20), nullable=False),
    Column("max_attempts", Integer),
    Column("retry_minutes", Integer, nullable=False, default=60),
    Column("default_timezone", String(64)),
    Column("calling_window", Json),
    # us_state_rules (NULL: on) and max_calls_per_number (lists/schemas.Compliance).
    Column("compliance", Json),
    # Consent and registries (queue/repository.RULES): a mobile number without consent is
    # not dialed; a reassigned-number check answering "yes" blocks the number; numbers are
    # not dialed while the workspace's registry copy is older than this many days.
    Column("require_consent_for_mobile", Boolean, nullable=False, default=False),
    Column("block_reassigned", Boolean, nullable=False, default=False),
    Column("registry_max_age_days", Integer),
    # Ids other platforms know this list by, e.g. {"nedzo": "<contact_list_id>"}, so code
    # with a platform's list id hard-coded works unchanged.
    Column("aliases", Json),
    # Attributes a dialect keeps about a list that the canonical model has no field for.
    Column("dialect_settings", Json),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # Number cycling (normalize/numbers.py): as_given | mobile_first; whether numbers
    # libphonenumber does not know as valid may be dialed.
    Column("phone_order", String(20), nullable=False, default="as_given"),
    Column("dial_invalid_numbers", Boolean, nullable=False, default=False),
    PrimaryKeyConstraint("workspace_id", "id"),
    Index(None, "workspace_id", "name"),
)

custom_fields = Table(
    "custom_fields",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(64), nullable=False),
    Column("label", String(200), nullable=False),
    Column("type", String(20), nullable=False),
    Column("options", Json),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("workspace_id", "key"),
    PrimaryKeyConstraint("workspace_id", "id"),
)

# The distinct sets of zones (plus US state, for per-state hours) contacts are called in.
# Small and shared: the queue decides which are inside their calling window once, not per
# contact. key: "America/Chicago|America/New_York@IN".
call_zones = Table(
    "call_zones",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(300), nullable=False, unique=True),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("list_id", Id, nullable=False),
    Column("first_name", String(200)),
    Column("last_name", String(200)),
    Column("full_name", String(401)),
    Column("name_prefix", String(100)),
    Column("name_suffix", String(100)),
    Column("email", String(254)),
    Column("email_key", String(254)),
    Column("phones", Json, nullable=False),
    Column("company", String(300)),
    Column("account", String(500)),
    Column("title", String(300)),
    Column("website", String(500)),
    Column("linkedin", String(500)),
    Column("street", String(500)),
    Column("city", String(200)),
    Column("state", String(100)),
    Column("postal_code", String(20)),
    Column("country", String(2)),
    Column("timezone", String(64)),
    Column("timezone_source", String(20)),
    Column("timezone_candidates", Json),
    Column("priority", Integer),
    Column("dnc", Boolean, nullable=False, default=False),
    Column("dnd", Json, nullable=False),
    Column("tags", Json, nullable=False),
    Column("notes", Text),
    Column("source", String(200)),
    Column("date_of_birth", Date),
    Column("gender", String(40)),
    Column("custom_fields", Json, nullable=False),
    Column("external_refs", Json, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_dial_at", UTCDateTime),
    Column("last_outcome", String(40)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    # Dial-queue state, derived on every write (see queue/): the number to dial, the sort
    # rank (hot leads, priority null, rank -1), when the contact is next due, its call DND,
    # the zones whose calling windows must all be open, and its current lease.
    Column("dial_number", String(20)),
    # Whether libphonenumber knows dial_number as valid (an invalid one is dialed only
    # when no valid number is left, by lists with dial_invalid_numbers).
    Column("dial_number_valid", Boolean, nullable=False, default=True),
    Column("queue_rank", Integer, nullable=False, default=-1),
    Column("due_at", UTCDateTime),
    Column("dnd_call", Boolean, nullable=False, default=False),
    Column("zone_id", Integer, ForeignKey("call_zones.id")),
    Column("lease_id", Id),
    Column("lease_expires_at", UTCDateTime),
    # The dialed phone's consent type and when it was obtained, whether it is a mobile, and
    # its latest reassigned-number result (contacts.normalize.dial_compliance).
    Column("dial_consent", String(40)),
    Column("dial_consent_at", UTCDateTime),
    Column("dial_mobile", Boolean, nullable=False, default=False),
    Column("dial_reassigned", String(10)),
    PrimaryKeyConstraint("workspace_id", "id"),
    ForeignKeyConstraint(
        ["workspace_id", "list_id"], ["lists.workspace_id", "lists.id"], ondelete="CASCADE"
    ),
    # Every index of a tenant table starts with workspace_id, so that statements pinned to a
    # workspace (db/tenancy.py) are still answered from the index alone.
    Index(None, "workspace_id", "list_id", "id"),
    # The queue per calling zone: a claim reads only zones inside their window, and the
    # trailing columns answer its filters and the preview's counts from the index alone.
    # Leases to release: only leased contacts are in it (a partial index).
    Index(
        "ix_contacts_leases",
        "workspace_id",
        "list_id",
        "lease_expires_at",
        sqlite_where=text("status = 'leased'"),
        postgresql_where=text("status = 'leased'"),
    ),
    Index(
        "ix_contacts_queue_by_zone",
        "workspace_id",
        "list_id",
        "status",
        "zone_id",
        "queue_rank",
        "due_at",
        "id",
        "dnc",
        "dnd_call",
        "attempts",
        "dial_number",
        "dial_number_valid",
    ),
    # A list's counts by status and calling zone, and its attempts (the console's lists
    # screen): the queue index's leading columns at a quarter of its width, so one walk
    # counts a list from the index alone.
    Index("ix_contacts_counts", "workspace_id", "list_id", "status", "zone_id", "attempts"),
    # SQLite keys this table by id alone (see schema_for): a workspace's rows in id order.
    Index(None, "workspace_id", "id"),
    Index(None, "workspace_id", "email_key"),
    Index(None, "workspace_id", "updated_at"),
)

_OF_CONTACT = (["workspace_id", "contact_id"], ["contacts.workspace_id", "contacts.id"])

contact_phones = Table(
    "contact_phones",
    metadata,
    Column("contact_id", Id, nullable=False),
    Column("workspace_id", Id, nullable=False),
    Column("number", String(20), nullable=False),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("workspace_id", "number", "contact_id"),  # finds contacts by phone
    ForeignKeyConstraint(*_OF_CONTACT, ondelete="CASCADE"),
    Index(None, "contact_id"),
)

contact_tags = Table(
    "contact_tags",
    metadata,
    Column("contact_id", Id, nullable=False),
    Column("workspace_id", Id, nullable=False),
    Column("tag", String(255), nullable=False),
    PrimaryKeyConstraint("workspace_id", "tag", "contact_id"),
    ForeignKeyConstraint(*_OF_CONTACT, ondelete="CASCADE"),
    Index(None, "contact_id"),
)

contact_external_ids = Table(
    "contact_external_ids",
    metadata,
    Column("contact_id", Id, nullable=False),
    Column("workspace_id", Id, nullable=False),
    Column("provider", String(100), nullable=False),
    Column("external_id", String(255), nullable=False),
    PrimaryKeyConstraint("workspace_id", "provider", "external_id", "contact_id"),
    ForeignKeyConstraint(*_OF_CONTACT, ondelete="CASCADE"),
    Index(None, "contact_id"),
    # A search by external id names no provider (the console's, GET /v1/contacts): its
    # contacts from the index alone.
    Index(None, "workspace_id", "external_id", "contact_id"),
)

suppression_lists = Table(
    "suppression_lists",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("is_default", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("workspace_id", "id"),
    Index(None, "workspace_id"),
)

suppressions = Table(
    "suppressions",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("suppression_list_id", Id, nullable=False),
    Column("number", String(20), nullable=False),
    Column("reason", String(500)),
    Column("source", String(40), nullable=False),
    Column("expires_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("workspace_id", "id"),
    ForeignKeyConstraint(
        ["workspace_id", "suppression_list_id"],
        ["suppression_lists.workspace_id", "suppression_lists.id"],
        ondelete="CASCADE",
    ),
    UniqueConstraint("workspace_id", "suppression_list_id", "number"),
    Index(None, "workspace_id", "number"),
)

# Copies of do-not-call registries (the US National Do Not Call Registry), one per name and
# workspace, with the date the copy is current as of (the safe-harbor rule reads it).
dnc_registries = Table(
    "dnc_registries",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(40), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("kind", String(20), nullable=False),  # the last import: "full" or "changes"
    PrimaryKeyConstraint("workspace_id", "id"),
    UniqueConstraint("workspace_id", "name"),
)

# A registry's numbers in E.164, or "+1" and an area code for a whole area code. Keyed for
# the claim's lookup: by workspace and number. No foreign keys: PostgreSQL checks one per
# inserted row, which cost a registry load three quarters of its time (a full list is
# hundreds of millions of rows); only registries/repository.py writes it, always with the
# registry's id.
dnc_registry_numbers = Table(
    "dnc_registry_numbers",
    metadata,
    Column("workspace_id", Id, nullable=False),
    Column("number", String(16), nullable=False),
    Column("registry_id", Id, nullable=False),
    PrimaryKeyConstraint("workspace_id", "number", "registry_id"),
)

dial_attempts = Table(
    "dial_attempts",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("list_id", Id, nullable=False),
    Column("contact_id", Id, nullable=False),
    Column("number", String(20), nullable=False),
    Column("agent", String(200)),
    Column("claimed_at", UTCDateTime, nullable=False),
    Column("lease_expires_at", UTCDateTime, nullable=False),
    Column("outcome", String(40)),
    Column("notes", Text),
    Column("retry_at", UTCDateTime),
    Column("completed_at", UTCDateTime),
    PrimaryKeyConstraint("workspace_id", "id"),
    ForeignKeyConstraint(*_OF_CONTACT, ondelete="CASCADE"),
    Index(None, "contact_id"),
    # SQLite keys this table by id alone (see schema_for): a workspace's rows in id order.
    Index(None, "workspace_id", "id"),
    # Frequency caps: the calls to one number in a rolling window, one index range.
    Index(None, "workspace_id", "number", "claimed_at"),
    # The queue monitor: a list's claims and outcomes since a time, one index range.
    Index(None, "workspace_id", "list_id", "claimed_at"),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("list_id", Id, nullable=False),
    Column("status", String(20), nullable=False),
    Column("filename", String(500), nullable=False),
    Column("path", String(1000), nullable=False),
    Column("options", Json, nullable=False),
    Column("columns", Json),  # the file's columns, for the rejects file's header
    Column("runner", String(200)),  # "host:pid" of the process running it
    # Until when the runner holds the job: renewed while it runs; once past, any server
    # process may take the job over (imports/service.py, "leases").
    Column("lease_until", UTCDateTime),
    Column("rows_read", Integer, nullable=False, default=0),
    Column("created", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    # Rows imported with a value kept as given or ignored (import_warnings says which).
    Column("warned", Integer, nullable=False, default=0),
    # Every row up to this line is committed; a resumed import starts after it.
    Column("last_line", Integer, nullable=False, default=0),
    Column("bytes_total", BigInteger, nullable=False, default=0),
    Column("bytes_done", BigInteger, nullable=False, default=0),
    Column("error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("workspace_id", "id"),
    ForeignKeyConstraint(
        ["workspace_id", "list_id"], ["lists.workspace_id", "lists.id"], ondelete="CASCADE"
    ),
    # SQLite keys this table by id alone (see schema_for): a workspace's rows in id order.
    Index(None, "workspace_id", "id"),
)

import_rejects = Table(
    "import_rejects",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, nullable=False),
    Column("import_id", Id, nullable=False),
    Column("line", Integer, nullable=False),
    Column("original", Json),
    Column("errors", Json, nullable=False),
    PrimaryKeyConstraint("workspace_id", "id"),
    ForeignKeyConstraint(
        ["workspace_id", "import_id"], ["imports.workspace_id", "imports.id"], ondelete="CASCADE"
    ),
    Index(None, "import_id", "line"),
)

# The rows an import kept with a warning: their line and what was kept or ignored.
import_warnings = Table(
    "import_warnings",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, nullable=False),
    Column("import_id", Id, nullable=False),
    Column("line", Integer, nullable=False),
    Column("warnings", Json, nullable=False),
    PrimaryKeyConstraint("workspace_id", "id"),
    ForeignKeyConstraint(
        ["workspace_id", "import_id"], ["imports.workspace_id", "imports.id"], ondelete="CASCADE"
    ),
    Index(None, "import_id", "line"),
)

# An import's column mapping saved under a name, to use again on the next file: each
# column the file had and its target ("Mobile #" -> "phone:mobile", "Score" -> "ignore").
import_templates = Table(
    "import_templates",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("mapping", Json, nullable=False),  # [[column, target], ...] in the file's order
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("workspace_id", "id"),
    UniqueConstraint("workspace_id", "name"),
)

# Per-key rate limits on PostgreSQL, shared by every server process: the generic cell
# rate algorithm's one number per key, the theoretical arrival time of the next request.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("key_id", Id, nullable=False),
    Column("tat", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("workspace_id", "key_id"),
)

# POST requests sent with an Idempotency-Key: the first response, replayed for 24 hours.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, nullable=False),
    Column("key", String(255), nullable=False),
    Column("fingerprint", String(64), nullable=False),  # method, path and body
    Column("status", Integer),  # None while the first request is still running
    Column("headers", Json),
    Column("body", LargeBinary),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    UniqueConstraint("workspace_id", "key"),
    PrimaryKeyConstraint("workspace_id", "id"),
    Index(None, "expires_at"),
)

# The event log (the transactional outbox): one row per change, written in the same
# transaction as the change (db/outbox.py), so an event exists if and only if its change
# committed. Ids only grow (per workspace, in commit order: see events/repository.py); the
# feed, the stream, the webhooks and a contact's history read it. No foreign keys: the
# events of a deleted contact or list stay until retention prunes them.
events = Table(
    "events",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, nullable=False),
    Column("type", String(40), nullable=False),  # contact.created, list.published, ...
    Column("at", UTCDateTime, nullable=False),
    Column("list_id", Id),
    Column("contact_id", Id),
    Column("version", Integer),  # the contact's version after the change
    Column("key_id", Id),  # the API key; null for the local CLI and jobs
    Column("actor", String(60), nullable=False),  # key:12 | cli | import:5 | system
    Column("changes", Json),  # {field: [before, after]}
    Column("data", Json),  # the resource as the native API shows it after the change
    PrimaryKeyConstraint("workspace_id", "id"),
    Index(None, "workspace_id", "id"),
    Index(None, "workspace_id", "contact_id", "id"),
    Index(None, "workspace_id", "at"),
)

# Where a workspace's events are sent (webhooks). `cursor` is the newest event id already
# turned into deliveries, so each event is queued for an endpoint exactly once.
webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("description", String(500)),
    Column("format", String(20), nullable=False),  # standard | highlevel
    Column("event_types", Json),  # null: every type
    Column("list_ids", Json),  # null: every list
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", String(500)),
    Column("secret", String(100), nullable=False),
    # After a rotation the old secret signs too, until this time (receivers switch over).
    Column("previous_secret", String(100)),
    Column("previous_secret_until", UTCDateTime),
    Column("cursor", Id, nullable=False),
    Column("failing_since", UTCDateTime),  # first failure since the last success
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("workspace_id", "id"),
    Index(None, "workspace_id", "id"),
)

# One event to send to one endpoint, with its retry state. `webhook-id` is evt_<event_id>.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Id, autoincrement=True),
    Column("workspace_id", Id, nullable=False),
    Column("endpoint_id", Id, nullable=False),
    Column("event_id", Id, nullable=False),
    Column("contact_id", Id),  # events of one contact are sent in order
    Column("status", String(20), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("leased_until", UTCDateTime),  # a process is sending it until then
    Column("response_status", Integer),  # of the last attempt
    Column("duration_ms", Integer),
    Column("error", String(500)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    PrimaryKeyConstraint("workspace_id", "id"),
    ForeignKeyConstraint(
        ["workspace_id", "endpoint_id"],
        ["webhook_endpoints.workspace_id", "webhook_endpoints.id"],
        ondelete="CASCADE",
    ),
    Index("ix_webhook_deliveries_due", "workspace_id", "endpoint_id", "status", "next_attempt_at"),
    Index(None, "workspace_id", "endpoint_id", "contact_id", "id"),
    Index(None, "workspace_id", "endpoint_id", "id"),
)

# Per workspace, the highest event id retention has removed: a feed cursor below it gets
# 410 Gone instead of a silent gap.
event_horizons = Table(
    "event_horizons",
    metadata,
    Column("workspace_id", Id, nullable=False),
    Column("pruned_through", Id, nullable=False),
    PrimaryKeyConstraint("workspace_id"),
)


def schema_for(backend: str) -> MetaData:
    """The schema the migrations make on ``backend`` ("postgresql" or "sqlite").

    The tables above are the PostgreSQL schema, with one exception: an index on exactly a
    table's primary key columns is left out there (it would duplicate the key). SQLite
    differs in one way, for the tables keyed (workspace_id, id): it keys them by ``id``
    alone, because an INTEGER PRIMARY KEY is SQLite's rowid, which numbers new rows, and
    its foreign keys to them name ``id`` alone (the parent's key). Such a table declares
    an index on (workspace_id, id) where its queries need a workspace's rows in id order:
    on PostgreSQL that index is its key.
    """
    return _schemas(backend)


@functools.cache
def _schemas(backend: str) -> MetaData:
    sqlite = backend == "sqlite"
    schema = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        key = [c.name for c in table.primary_key.columns]
        if sqlite and _by_rowid(table):
            key = ["id"]
        parts: list[Any] = [
            Column(c.name, c.type, nullable=c.nullable, autoincrement=c.autoincrement)
            for c in table.columns
        ]
        parts.append(PrimaryKeyConstraint(*key, name=str(table.primary_key.name)))
        for fk in table.foreign_key_constraints:
            here = [c.name for c in fk.columns]
            there = [e.target_fullname for e in fk.elements]
            if sqlite and _by_rowid(fk.referred_table) and "workspace_id" in here:
                at = here.index("workspace_id")
                del here[at], there[at]
            parts.append(ForeignKeyConstraint(here, there, ondelete=fk.ondelete))
        for unique in table.constraints:
            if isinstance(unique, UniqueConstraint):
                parts.append(UniqueConstraint(*unique.columns.keys(), name=unique.name))
        for index in table.indexes:
            names = [c.name for c in index.columns]
            if sqlite or names != [c.name for c in table.primary_key.columns]:
                parts.append(Index(index.name, *names, unique=index.unique, **index.dialect_kwargs))
        Table(table.name, schema, *parts)
    return schema


def _by_rowid(table: Table) -> bool:
    return [c.name for c in table.primary_key.columns] == ["workspace_id", "id"]
