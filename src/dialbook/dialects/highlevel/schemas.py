"""HighLevel (LeadConnector) wire shapes, named as HighLevel names them.

Requests follow the DTOs of ``apps/contacts.json`` and ``apps/locations.json`` (HighLevel's
OpenAPI files) plus what third-party probes show the live API accepts; responses follow the
``*SuccessfulResponseDto`` schemas. Fields are camelCase on purpose: they are the wire.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from msgspec import UNSET, Meta, Struct, UnsetType

# The Version header values HighLevel publishes (its Versioning page lists all four;
# the official SDKs send v3 and 2023-02-21; the OpenAPI files declare 2021-07-28).
ApiVersion = Literal["2021-04-15", "2021-07-28", "2023-02-21", "v3"]
VERSIONS: frozenset[str] = frozenset(get_args(ApiVersion))

Text = str | None | UnsetType
CountryCode = Annotated[str, Meta(pattern="^[A-Za-z]{2}$")] | None | UnsetType
TagName = Annotated[str, Meta(max_length=255)]
TagList = Annotated[list[TagName], Meta(max_length=100)]
Option = Annotated[str, Meta(min_length=1, max_length=200)]


# --- requests ----------------------------------------------------------------------------


class DndSettingIn(Struct, forbid_unknown_fields=True, kw_only=True):
    status: Literal["active", "inactive", "permanent"]
    message: str | None = None
    code: str | None = None


DndSettingValue = DndSettingIn | None | UnsetType


class DndSettingsIn(Struct, forbid_unknown_fields=True, kw_only=True):
    """Per-channel DND: ``Call, Email, SMS, WhatsApp, GMB, FB`` (``2021-07-28``) or
    ``call, email, sms, whatsApp, gmb, fb`` (``v3``); ``null`` unsets a channel."""

    Call: DndSettingValue = UNSET
    Email: DndSettingValue = UNSET
    SMS: DndSettingValue = UNSET
    WhatsApp: DndSettingValue = UNSET
    GMB: DndSettingValue = UNSET
    FB: DndSettingValue = UNSET
    call: DndSettingValue = UNSET
    email: DndSettingValue = UNSET
    sms: DndSettingValue = UNSET
    whatsApp: DndSettingValue = UNSET
    gmb: DndSettingValue = UNSET
    fb: DndSettingValue = UNSET


class InboundDndSettingIn(Struct, forbid_unknown_fields=True, kw_only=True):
    status: Literal["active", "inactive"]
    message: str | None = None


class InboundDndSettingsIn(Struct, forbid_unknown_fields=True, kw_only=True):
    all: InboundDndSettingIn | None = None


class CustomFieldIn(Struct, forbid_unknown_fields=True, kw_only=True):
    """``{id|key, field_value}`` (the DTO), ``{id, fieldValue}`` (the v3 example) or
    ``{id, value}`` (the documentation page and every response)."""

    id: str | None = None
    key: str | None = None
    field_value: Any = UNSET
    fieldValue: Any = UNSET
    value: Any = UNSET


class ContactFieldsIn(Struct, forbid_unknown_fields=True, kw_only=True):
    """What create, upsert and update share (``UpdateContactDto`` plus ``companyName``,
    which the live API accepts on update although the spec omits it)."""

    firstName: Text = UNSET
    lastName: Text = UNSET
    name: Text = UNSET
    email: Text = UNSET
    phone: Text = UNSET
    address1: Text = UNSET
    city: Text = UNSET
    state: Text = UNSET
    postalCode: Text = UNSET
    website: Text = UNSET
    timezone: Text = UNSET
    source: Text = UNSET
    country: CountryCode = UNSET  # HighLevel takes ISO 3166-1 alpha-2 codes only
    companyName: Text = UNSET
    dateOfBirth: Text = UNSET
    dnd: bool | None | UnsetType = UNSET
    dndSettings: DndSettingsIn | None | UnsetType = UNSET
    inboundDndSettings: InboundDndSettingsIn | None | UnsetType = UNSET
    tags: TagList | None | UnsetType = UNSET
    customFields: Annotated[list[CustomFieldIn], Meta(max_length=500)] | None | UnsetType = UNSET
    # A HighLevel user id; validated, not stored (dialbook has no users), so bounded here.
    assignedTo: Annotated[str, Meta(max_length=255)] | None | UnsetType = UNSET


class ContactUpdateIn(ContactFieldsIn, forbid_unknown_fields=True, kw_only=True):
    """``PUT /contacts/{contactId}``: no locationId, no gender (HighLevel rejects both)."""


class ContactCreateIn(ContactFieldsIn, forbid_unknown_fields=True, kw_only=True):
    """``POST /contacts/``."""

    locationId: str
    gender: Text = UNSET


class ContactUpsertIn(ContactCreateIn, forbid_unknown_fields=True, kw_only=True):
    """``POST /contacts/upsert``."""

    createNewIfDuplicateAllowed: bool = False


class TagsIn(Struct, forbid_unknown_fields=True, kw_only=True):
    tags: TagList


class ContactListQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    """``GET /contacts/`` (deprecated by HighLevel, still used by older integrations)."""

    locationId: str
    startAfterId: str | None = None
    startAfter: Annotated[float, Meta(ge=0)] | None = None
    query: Annotated[str, Meta(max_length=200)] | None = None
    limit: Annotated[int, Meta(ge=1, le=100)] = 20


class DuplicateQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    """``GET /contacts/search/duplicate``."""

    locationId: str
    number: Annotated[str, Meta(max_length=64)] | None = None
    email: Annotated[str, Meta(max_length=254)] | None = None


class FieldListQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    model: Literal["contact", "opportunity", "all"] = "all"


class NoQuery(Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class VersionHeader(Struct):
    """The header every call sends (``endpoints.check_version`` checks it), for OpenAPI."""

    Version: ApiVersion


class TextBoxListOption(Struct, kw_only=True):
    label: str | None = None
    prefillValue: str | None = None


class CustomFieldCreateIn(Struct, forbid_unknown_fields=True, kw_only=True):
    """``CreateCustomFieldsDTO``; ``fieldKey``, ``parentId`` and ``description`` are accepted
    by the live API although undocumented, and ``options`` carries picklist choices."""

    name: Annotated[str, Meta(min_length=1, max_length=200)]
    dataType: str
    fieldKey: str | None = None
    options: Annotated[list[Option], Meta(max_length=500)] | None = None
    placeholder: str | None = None
    position: float | None = None
    model: Literal["contact", "opportunity"] = "contact"
    acceptedFormat: list[str] | None = None
    isMultipleFile: bool | None = None
    maxNumberOfFiles: float | None = None
    textBoxListOptions: list[TextBoxListOption] | None = None
    parentId: str | None = None
    description: str | None = None


class TagCreateIn(Struct, forbid_unknown_fields=True, kw_only=True):
    name: Annotated[str, Meta(max_length=255)]


# --- responses ---------------------------------------------------------------------------


class DndSettingOut(Struct, kw_only=True):
    status: str


class CustomFieldValueOut(Struct, kw_only=True):
    id: str
    value: str


class ContactOut(Struct, kw_only=True, omit_defaults=True):
    """A contact as HighLevel returns it; absent values are left out, never null (the spec's
    response schemas declare no nullable property)."""

    id: str
    locationId: str
    firstName: str | None = None
    firstNameLowerCase: str | None = None
    lastName: str | None = None
    lastNameLowerCase: str | None = None
    name: str | None = None
    fullNameLowerCase: str | None = None
    email: str | None = None
    emailLowerCase: str | None = None
    phone: str | None = None
    companyName: str | None = None
    address1: str | None = None
    city: str | None = None
    state: str | None = None
    postalCode: str | None = None
    country: str | None = None
    website: str | None = None
    timezone: str | None = None
    source: str | None = None
    gender: str | None = None
    dateOfBirth: str | None = None
    dnd: bool
    dndSettings: dict[str, DndSettingOut] | None = None
    tags: list[str]
    customFields: list[CustomFieldValueOut]
    type: str
    deleted: bool
    dateAdded: str
    dateUpdated: str


class ContactBody(Struct, kw_only=True):
    contact: ContactOut


class UpdatedBody(Struct, kw_only=True):
    # HighLevel spells it "succeded" before v3 and "succeeded" from v3; both are sent.
    succeded: bool
    succeeded: bool
    contact: ContactOut


class DeletedBody(Struct, kw_only=True):
    succeded: bool
    succeeded: bool


class UpsertBody(Struct, kw_only=True):
    new: bool
    contact: ContactOut
    traceId: str


class TagsBody(Struct, kw_only=True):
    tags: list[str]


class ListMeta(Struct, kw_only=True, omit_defaults=True):
    total: int
    startAfterId: str | None = None
    startAfter: int | None = None
    nextPageUrl: str | None = None


class ContactListBody(Struct, kw_only=True):
    contacts: list[ContactOut]
    count: int
    meta: ListMeta


class DuplicateBody(Struct, kw_only=True):
    contact: ContactOut | None


class CustomFieldOut(Struct, kw_only=True, omit_defaults=True):
    id: str
    name: str
    fieldKey: str
    dataType: str
    locationId: str
    model: str
    position: int
    picklistOptions: list[str] | None = None


class CustomFieldBody(Struct, kw_only=True):
    customField: CustomFieldOut


class CustomFieldListBody(Struct, kw_only=True):
    customFields: list[CustomFieldOut]


class LocationTagOut(Struct, kw_only=True):
    id: str
    name: str
    locationId: str


class LocationTagBody(Struct, kw_only=True):
    tag: LocationTagOut


class LocationTagListBody(Struct, kw_only=True):
    tags: list[LocationTagOut]


# --- errors ------------------------------------------------------------------------------


class ErrorBody(Struct, kw_only=True, omit_defaults=True):
    """HighLevel's (NestJS's) error body: ``message`` is a list only on 422."""

    statusCode: int
    message: str | list[str]
    error: str | None = None


class DuplicateMeta(Struct, kw_only=True):
    contactId: str
    contactName: str
    matchingField: str


class DuplicateErrorBody(Struct, kw_only=True):
    statusCode: int
    message: str
    meta: DuplicateMeta
