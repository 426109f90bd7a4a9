"""Rules for contacts: normalization, duplicate policy, versions.

Every surface (native API, dialects, importer, CLI) ends here. Input arrives as "given"
fields in canonical names (see ``ContactCreate``); every field is checked and all problems
are reported together; nothing is written unless the whole contact is good.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from dialbook.contacts import repository
from dialbook.contacts.repository import Match
from dialbook.contacts.schemas import (
    Contact,
    ContactCreate,
    ContactPage,
    ContactQuery,
    ContactUpdate,
    Phone,
    PhoneIn,
    UpsertResult,
)
from dialbook.db import Conn
from dialbook.errors import (
    DuplicateContact,
    FieldError,
    InvalidInput,
    NotFound,
    VersionConflict,
    invalid,
)
from dialbook.fields import service as field_service
from dialbook.kit import clock, cursors
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead
from dialbook.normalize.dates import DateError, parse_date
from dialbook.normalize.emails import EmailError, email_key, normalize_email
from dialbook.normalize.fields import FieldDefinition, FieldValueError, coerce_value
from dialbook.normalize.names import normalize_names
from dialbook.normalize.phones import PhoneError, parse_phone, time_zones_for
from dialbook.normalize.timezones import TimezoneError, infer_timezone, normalize_timezone
from dialbook.queue import service as queue_service
from dialbook.queue.windows import state_code
from dialbook.workspaces.schemas import Caller

# Plain text columns: trimmed, and an empty string means "no value".
_TEXT_FIELDS = (
    "company",
    "account",
    "title",
    "website",
    "linkedin",
    "street",
    "city",
    "state",
    "postal_code",
    "notes",
    "source",
    "gender",
)
_NAME_FIELDS = ("first_name", "last_name", "full_name")


def given_fields(data: ContactCreate | ContactUpdate) -> dict[str, Any]:
    """The fields a request set: all of a create, only the present ones of an update."""
    return {
        name: getattr(data, name)
        for name in data.__struct_fields__
        if getattr(data, name) is not msgspec.UNSET
    }


class _Builder:
    """Turns given fields into column values, collecting every field error."""

    def __init__(
        self,
        *,
        regions: Sequence[str | None],
        definitions: dict[str, FieldDefinition],
        existing: Contact | None,
    ) -> None:
        self.regions = regions
        self.definitions = definitions
        self.existing = existing
        self.errors: list[FieldError] = []

    def fail(self, name: str, detail: str) -> None:
        self.errors.append(FieldError(name, detail))

    def build(self, given: dict[str, Any]) -> dict[str, Any]:
        columns: dict[str, Any] = {}
        for name in _TEXT_FIELDS:
            if name in given:
                columns[name] = _text(given[name])
        if any(name in given for name in _NAME_FIELDS):
            columns.update(self._names(given))
        if "email" in given:
            columns.update(self._email(given["email"]))
        if "country" in given:
            columns["country"] = given["country"].upper() if given["country"] else None
        if "phones" in given:
            columns["phones"] = self._phones(given["phones"])
        if "timezone" in given:
            columns.update(self._timezone(given["timezone"]))
        if "date_of_birth" in given:
            columns["date_of_birth"] = self._date(given["date_of_birth"])
        if "tags" in given:
            columns["tags"] = clean_tags(given["tags"])
        if "custom_fields" in given:
            columns["custom_fields"] = self._custom_fields(given["custom_fields"])
        if "dnd" in given:
            columns["dnd"] = self._dnd(given["dnd"])
        if "external_refs" in given:
            columns["external_refs"] = [msgspec.to_builtins(ref) for ref in given["external_refs"]]
        for name in ("priority", "dnc", "list_id"):
            if name in given:
                columns[name] = given[name]
        if self.errors:
            raise InvalidInput(fields=self.errors)
        return columns

    def _names(self, given: dict[str, Any]) -> dict[str, Any]:
        old = self.existing
        if "first_name" in given or "last_name" in given:
            first = given.get("first_name", old.first_name if old else None)
            last = given.get("last_name", old.last_name if old else None)
            names = normalize_names(first, last, given.get("full_name"))
            if not names.full and given.get("full_name"):
                names = normalize_names(None, None, given["full_name"])
        else:
            names = normalize_names(None, None, given.get("full_name"))
        return {"first_name": names.first, "last_name": names.last, "full_name": names.full}

    def _email(self, raw: str | None) -> dict[str, Any]:
        if raw is None or not raw.strip():
            return {"email": None, "email_key": None}
        try:
            email = normalize_email(raw)
        except EmailError as error:
            self.fail("email", str(error))
            return {}
        return {"email": email, "email_key": email_key(email)}

    def _phones(self, items: Iterable[PhoneIn | Phone | str]) -> list[dict[str, Any]]:
        phones: list[dict[str, Any]] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            if isinstance(item, Phone):  # already normalized (kept by an upsert)
                if item.number not in seen:
                    seen.add(item.number)
                    phones.append(msgspec.to_builtins(item))
                continue
            phone = PhoneIn(number=item) if isinstance(item, str) else item
            try:
                parsed = parse_phone(
                    phone.number, [phone.country, *self.regions], extension=phone.extension
                )
            except PhoneError as error:
                self.fail(f"phones[{index}].number", f"{phone.number!r} {error}")
                continue
            if parsed.number in seen:
                continue  # the same number twice is one phone
            seen.add(parsed.number)
            phones.append(
                {
                    "number": parsed.number,
                    "raw": phone.number,
                    "type": phone.type,
                    "extension": parsed.extension,
                    "country": parsed.country,
                    "valid": parsed.valid,
                    "line_type": parsed.line_type,
                }
            )
        return phones

    def _timezone(self, raw: str | None) -> dict[str, Any]:
        if raw is None or not raw.strip():
            return {"timezone": None, "timezone_source": None, "timezone_candidates": None}
        try:
            zone = normalize_timezone(raw)
        except TimezoneError as error:
            self.fail("timezone", f"{raw!r} {error}")
            return {}
        return {"timezone": zone, "timezone_source": "given", "timezone_candidates": [zone]}

    def _date(self, raw: str | None) -> Any:
        if raw is None or not raw.strip():
            return None
        try:
            return parse_date(raw)
        except DateError as error:
            self.fail("date_of_birth", f"{raw!r} {error}")
            return None

    def _custom_fields(self, given: dict[str, Any]) -> dict[str, Any]:
        merged = dict(self.existing.custom_fields) if self.existing else {}
        for key, value in given.items():
            definition = self.definitions.get(key)
            if definition is None:
                self.fail(
                    f"custom_fields.{key}",
                    "is not a custom field of this workspace (define it at /v1/custom-fields)",
                )
                continue
            try:
                coerced = coerce_value(definition, value)
            except FieldValueError as error:
                self.fail(f"custom_fields.{key}", str(error))
                continue
            if coerced is None:
                merged.pop(key, None)
            else:
                merged[key] = coerced
        return merged

    def _dnd(self, given: dict[str, str | None]) -> dict[str, str]:
        merged = dict(self.existing.dnd) if self.existing else {}
        for channel, status in given.items():
            if status is None:
                merged.pop(channel, None)
            else:
                merged[channel] = status
        return merged


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Trimmed, without blanks or repeats, in the order given."""
    return list(dict.fromkeys(t.strip() for t in tags if t.strip()))


def _regions(caller: Caller, lst: ListRead, country: str | None) -> list[str | None]:
    return [country, lst.default_region, caller.default_region]


def _prepare(
    conn: Conn,
    *,
    caller: Caller,
    lst: ListRead,
    given: dict[str, Any],
    existing: Contact | None,
) -> dict[str, Any]:
    country = given.get("country", existing.country if existing else None)
    definitions = (
        field_service.definitions(conn, workspace_id=caller.workspace_id)
        if given.get("custom_fields")
        else {}
    )
    builder = _Builder(
        regions=_regions(caller, lst, country), definitions=definitions, existing=existing
    )
    columns = builder.build(given)
    columns.update(_locate(conn, lst=lst, given=given, columns=columns, existing=existing))
    return columns


# A change to any of these may change where (in which zones) the contact is.
_PLACE_FIELDS = ("phones", "postal_code", "country", "state", "timezone", "list_id")


def _locate(
    conn: Conn,
    *,
    lst: ListRead,
    given: dict[str, Any],
    columns: dict[str, Any],
    existing: Contact | None,
) -> dict[str, Any]:
    """The time zone (inferred unless given explicitly) and the dial-queue columns."""
    merged = {**(_columns_of(existing) if existing else _defaults()), **columns}
    phones = merged["phones"]
    out: dict[str, Any] = {}
    explicit = merged["timezone_source"] == "given" and merged["timezone"]
    if not explicit and (existing is None or any(k in given for k in _PLACE_FIELDS)):
        inference = infer_timezone(
            phone_zones=time_zones_for(phones[0]["number"]) if phones else (),
            postal_code=merged["postal_code"],
            country=merged["country"],
            list_default=lst.default_timezone,
        )
        out["timezone"] = inference.timezone
        out["timezone_source"] = inference.source
        out["timezone_candidates"] = list(inference.candidates) or None
        merged.update(out)
    zones = merged["timezone_candidates"] or ([merged["timezone"]] if merged["timezone"] else [])
    out["zone_id"] = queue_service.zone_id_for(
        conn, zones=zones, state=state_code(merged["state"], merged["country"])
    )
    out["dial_number"] = phones[0]["number"] if phones else None
    out["queue_rank"] = -1 if merged["priority"] is None else merged["priority"]
    out["dnd_call"] = merged["dnd"].get("call") in ("active", "permanent")
    return out


def _duplicate_keys(columns: dict[str, Any], key: str) -> list[str]:
    if key == "phone":
        return [f"phone:{p['number']}" for p in columns.get("phones") or ()]
    if key == "email":
        return [f"email:{columns['email_key']}"] if columns.get("email_key") else []
    if key == "external_id":
        return [f"ext:{r['provider']}:{r['id']}" for r in columns.get("external_refs") or ()]
    return []


def find_match(
    conn: Conn,
    *,
    workspace_id: int,
    lst: ListRead,
    columns: dict[str, Any],
    keys: Sequence[str],
    exclude_id: int | None = None,
) -> Match | None:
    """The first existing contact sharing one of ``keys`` with ``columns``, in list order."""
    list_id = lst.id if lst.duplicate_policy.scope == "list" else None
    repository.lock_keys(
        conn,
        workspace_id=workspace_id,
        keys=[k for key in keys for k in _duplicate_keys(columns, key)],
    )
    for key in keys:
        match: Match | None = None
        if key == "phone" and columns.get("phones"):
            match = repository.find_by_phone(
                conn,
                workspace_id=workspace_id,
                numbers=[p["number"] for p in columns["phones"]],
                list_id=list_id,
                exclude_id=exclude_id,
            )
        elif key == "email" and columns.get("email_key"):
            match = repository.find_by_email(
                conn,
                workspace_id=workspace_id,
                email_key=columns["email_key"],
                list_id=list_id,
                exclude_id=exclude_id,
            )
        elif key == "external_id" and columns.get("external_refs"):
            match = repository.find_by_external_id(
                conn,
                workspace_id=workspace_id,
                refs=[(r["provider"], r["id"]) for r in columns["external_refs"]],
                list_id=list_id,
                exclude_id=exclude_id,
            )
        if match is not None:
            return match
    return None


def _policy_keys(lst: ListRead) -> list[str]:
    key = lst.duplicate_policy.key
    return [] if key == "none" else [key]


def _defaults() -> dict[str, Any]:
    return {
        "first_name": None,
        "last_name": None,
        "full_name": None,
        "email": None,
        "email_key": None,
        "phones": [],
        **{name: None for name in _TEXT_FIELDS},
        "country": None,
        "timezone": None,
        "timezone_source": None,
        "timezone_candidates": None,
        "priority": None,
        "dnc": False,
        "dnd": {},
        "tags": [],
        "date_of_birth": None,
        "custom_fields": {},
        "external_refs": [],
        "status": "queued",
        "attempts": 0,
        "last_dial_at": None,
        "last_outcome": None,
    }


def create(
    conn: Conn,
    *,
    caller: Caller,
    data: ContactCreate | None = None,
    given: dict[str, Any] | None = None,
    match_on: Sequence[str] | None = None,
) -> Contact:
    """Create a contact from ``data`` (or from ``given`` canonical fields).

    Raises DuplicateContact when another contact shares a key: the list's duplicate policy
    decides which, unless ``match_on`` names the keys to check, in order (``[]``: none).
    """
    if given is None:
        assert data is not None, "pass data or given"
        given = given_fields(data)
    lst = list_service.get_or_default(
        conn, workspace_id=caller.workspace_id, id=given.get("list_id")
    )
    columns = _prepare(conn, caller=caller, lst=lst, given=given, existing=None)
    keys = list(match_on) if match_on is not None else _policy_keys(lst)
    match = find_match(conn, workspace_id=caller.workspace_id, lst=lst, columns=columns, keys=keys)
    if match is not None:
        raise DuplicateContact(
            existing_id=match.id, matching_field=match.field, existing_name=match.name or ""
        )
    return _insert(conn, caller=caller, lst=lst, columns=columns)


def _insert(conn: Conn, *, caller: Caller, lst: ListRead, columns: dict[str, Any]) -> Contact:
    now = clock.now()
    values = {
        **_defaults(),
        **columns,
        "status": "queued" if lst.queue_mode == "immediate" else "held",
        "due_at": now,
        "workspace_id": caller.workspace_id,
        "list_id": lst.id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    values["id"] = repository.insert_contact(conn, values=values)
    return repository.to_contact(values)


def get(conn: Conn, *, caller: Caller, id: int) -> Contact:
    found = repository.get(conn, workspace_id=caller.workspace_id, id=id)
    if found is None:
        raise NotFound(f"No contact with id {id}.")
    return found


def update(
    conn: Conn,
    *,
    caller: Caller,
    id: int,
    data: ContactUpdate | None = None,
    given: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Contact:
    """Apply a partial update; re-checks the duplicate policy when keys change."""
    if given is None:
        assert data is not None
        given = given_fields(data)
    existing = get(conn, caller=caller, id=id)
    return _update(
        conn, caller=caller, existing=existing, given=given, expected_version=expected_version
    )


def _update(
    conn: Conn,
    *,
    caller: Caller,
    existing: Contact,
    given: dict[str, Any],
    expected_version: int | None = None,
) -> Contact:
    if expected_version is not None and expected_version != existing.version:
        raise VersionConflict(current_version=existing.version)
    list_id = given.get("list_id", existing.list_id)
    lst = list_service.get_or_default(conn, workspace_id=caller.workspace_id, id=list_id)
    columns = _prepare(conn, caller=caller, lst=lst, given=given, existing=existing)
    keys = [
        k
        for k in _policy_keys(lst)
        if {"phone": "phones", "email": "email", "external_id": "external_refs"}[k] in given
        or "list_id" in given
    ]
    if keys:
        merged = {**_columns_of(existing), **columns}
        match = find_match(
            conn,
            workspace_id=caller.workspace_id,
            lst=lst,
            columns=merged,
            keys=keys,
            exclude_id=existing.id,
        )
        if match is not None:
            raise DuplicateContact(
                existing_id=match.id, matching_field=match.field, existing_name=match.name or ""
            )
    if not columns:
        return existing
    columns["updated_at"] = clock.now()
    if not repository.update_contact(
        conn,
        workspace_id=caller.workspace_id,
        id=existing.id,
        values=columns,
        version=existing.version,
    ):
        current = get(conn, caller=caller, id=existing.id)
        raise VersionConflict(current_version=current.version)
    return get(conn, caller=caller, id=existing.id)


def _columns_of(contact: Contact) -> dict[str, Any]:
    data = msgspec.to_builtins(contact)
    data["email_key"] = email_key(contact.email) if contact.email else None
    return data  # type: ignore[no-any-return]


def upsert(
    conn: Conn,
    *,
    caller: Caller,
    given: dict[str, Any],
    match_on: Sequence[str] | None = None,
    preserve_existing: bool = False,
    add_tags: bool = False,
) -> UpsertResult:
    """Update the contact that matches ``given`` (by the list's policy unless ``match_on``
    names the keys to try, in order), or create one.

    On a match, phones are added to the contact's own; ``preserve_existing`` only fills
    fields that are empty on the match; ``add_tags`` adds the given tags instead of
    replacing them.
    """
    lst = list_service.get_or_default(
        conn, workspace_id=caller.workspace_id, id=given.get("list_id")
    )
    columns = _prepare(conn, caller=caller, lst=lst, given=given, existing=None)
    keys = list(match_on) if match_on is not None else _policy_keys(lst)
    match = find_match(conn, workspace_id=caller.workspace_id, lst=lst, columns=columns, keys=keys)
    if match is None:
        contact = _insert(conn, caller=caller, lst=lst, columns=columns)
        return UpsertResult(created=True, contact=contact)
    existing = get(conn, caller=caller, id=match.id)
    changes = dict(given)
    changes.pop("list_id", None)
    if preserve_existing:
        changes = {k: v for k, v in changes.items() if _is_empty(getattr(existing, k, None))}
    if add_tags and "tags" in changes:
        changes["tags"] = [*existing.tags, *changes["tags"]]
    if "phones" in changes:  # a match keeps its numbers; new ones are added after them
        changes["phones"] = [*existing.phones, *changes["phones"]]
    contact = _update(conn, caller=caller, existing=existing, given=changes)
    return UpsertResult(created=False, contact=contact, matched_on=match.field)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def delete(conn: Conn, *, caller: Caller, id: int) -> None:
    if not repository.delete_contact(conn, workspace_id=caller.workspace_id, id=id):
        raise NotFound(f"No contact with id {id}.")


def change_tags(
    conn: Conn, *, caller: Caller, id: int, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> Contact:
    existing = get(conn, caller=caller, id=id)
    removed = set(clean_tags(remove))
    tags = [t for t in clean_tags([*existing.tags, *add]) if t not in removed]
    if tags == existing.tags:
        return existing
    return _update(conn, caller=caller, existing=existing, given={"tags": tags})


def tags_in_use(conn: Conn, *, caller: Caller) -> list[str]:
    """Every tag on the workspace's contacts, each once, sorted."""
    return repository.distinct_tags(conn, workspace_id=caller.workspace_id)


def page(conn: Conn, *, caller: Caller, query: ContactQuery) -> ContactPage:
    after = 0
    if query.cursor:
        decoded = cursors.decode(query.cursor)
        if decoded is None:
            raise invalid("cursor", "is not a cursor returned by this API")
        after = decoded
    phone = None
    if query.phone:
        lst = (
            list_service.get(
                conn, workspace_id=caller.workspace_id, id=query.list_id, with_count=False
            )
            if query.list_id is not None
            else None
        )
        regions = [lst.default_region if lst else None, caller.default_region]
        try:
            phone = parse_phone(query.phone, regions).number
        except PhoneError as error:
            raise invalid("phone", f"{query.phone!r} {error}") from None
    rows = repository.page(
        conn,
        workspace_id=caller.workspace_id,
        after_id=after,
        limit=query.limit + 1,
        list_id=query.list_id,
        tag=query.tag.strip() if query.tag else None,
        phone=phone,
        email_key=email_key(query.email) if query.email else None,
        text_query=query.q,
        updated_since=query.updated_since,
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return ContactPage(data=rows, next_cursor=cursors.encode(rows[-1].id) if more else None)
