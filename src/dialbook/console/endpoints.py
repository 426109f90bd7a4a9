"""The console's pages: short handlers, most of them one screen read (console/views.py) or
one service write."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path
from typing import Any, get_args

import msgspec
from starlette.datastructures import UploadFile
from starlette.responses import Response, StreamingResponse

from dialbook.console import views
from dialbook.console.web import (
    LOGIN_CSRF_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    Page,
    PageRouter,
)
from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import ContactQuery, ContactUpdate, Status
from dialbook.errors import FieldError, Forbidden, InvalidInput, MalformedRequest, NotFound
from dialbook.http.body import decode_query, save_upload
from dialbook.imports import service as import_service
from dialbook.imports.jobs import Jobs
from dialbook.imports.schemas import ImportOptions
from dialbook.lists import service as list_service
from dialbook.lists.schemas import WEEKDAYS, ListCreate, ListUpdate
from dialbook.suppressions import service as suppression_service
from dialbook.suppressions.schemas import SuppressionCreate, SuppressionListCreate
from dialbook.users import service as user_service
from dialbook.users.schemas import ROLES
from dialbook.users.service import WrongPassword

router = PageRouter()


def _cookie(response: Response, name: str, value: str, page: Page) -> None:
    response.set_cookie(
        name,
        value,
        path=PREFIX,
        httponly=True,
        samesite="lax",
        secure=page.request.url.scheme == "https",
    )


def _next_url(value: str) -> str:
    """Where to go after sign-in: a console path only (never another site)."""
    if value.startswith(PREFIX + "/") and not value.startswith("//") and "\\" not in value:
        return value
    return PREFIX + "/"


# -- sign-in --------------------------------------------------------------------------------


@router.get("/", scope=None)
async def home(page: Page) -> Response:
    return page.redirect(f"{PREFIX}/lists")


@router.get("/login", scope=None, public=True)
async def login_form(page: Page) -> Response:
    if page.session is not None:
        return page.redirect(_next_url(page.query("next")))
    return _login(page, error=None, status=200)


def _login(page: Page, *, error: str | None, status: int) -> Response:
    token = secrets.token_urlsafe(32)
    response = page.render(
        "login.html",
        status=status,
        login_csrf=token,
        error=error,
        email=page.field("email"),
        next=_next_url(page.field("next") or page.query("next")),
    )
    _cookie(response, LOGIN_CSRF_COOKIE, token, page)
    return response


@router.post("/login", scope=None, public=True)
async def login(page: Page) -> Response:
    email, address = page.field("email"), page.request.client.host if page.request.client else ""
    throttle = page.console.throttle
    wait = throttle.wait(email, address)
    if wait:
        message = f"Too many failed sign-ins for this email: try again in {wait} s."
        return _login(page, error=message, status=429)
    try:
        # The hash is checked on a reader thread, not in the (SQLite) writer's transaction.
        user = await page.db.read(
            user_service.check_password, email=email, password=page.raw("password")
        )
    except WrongPassword as error:
        throttle.failed(email, address)
        return _login(page, error=error.detail, status=401)
    throttle.succeeded(email, address)
    old = page.console.signer.unsign(page.request.cookies.get(SESSION_COOKIE))
    signed_in = await page.db.write(
        user_service.start_session,
        user=user,
        idle=dt.timedelta(minutes=page.settings.console_idle_minutes),
        replaces=old[1] if old and old[0] == user.workspace_id else None,
    )
    response = page.redirect(_next_url(page.field("next")))
    _cookie(
        response,
        SESSION_COOKIE,
        page.console.signer.sign(user.workspace_id, signed_in.token),
        page,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
    return response


@router.post("/logout", scope=None)
async def logout(page: Page) -> Response:
    found = page.console.signer.unsign(page.request.cookies.get(SESSION_COOKIE))
    if found is not None:
        await page.db.write(user_service.end_session, workspace_id=found[0], token=found[1])
    response = page.redirect(f"{PREFIX}/login")
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


# -- lists ----------------------------------------------------------------------------------


@router.get("/lists")
async def lists(page: Page) -> Response:
    screen = await page.db.read(
        views.lists_screen, caller=page.caller, cursor=page.query("cursor") or None
    )
    return page.render("lists.html", screen=screen)


@router.get("/lists/new", scope="lists:manage")
async def new_list(page: Page) -> Response:
    return page.render("list_form.html", row=None, values=_list_values(None), errors=[])


@router.post("/lists", scope="lists:manage")
async def create_list(page: Page) -> Response:
    try:
        data = decode_query(_list_fields(page, None), ListCreate)
        created = await page.db.write(list_service.create, caller=page.caller, data=data)
    except InvalidInput as error:
        values = _list_values(None) | _form_values(page)
        return page.render(
            "list_form.html", status=422, row=None, values=values, errors=error.fields
        )
    return page.redirect(f"{PREFIX}/lists/{created.id}")


@router.get("/lists/{id:int}")
async def show_list(page: Page) -> Response:
    row = await page.db.read(views.list_row, caller=page.caller, id=page.path("id"))
    return page.render("list_form.html", row=row, values=_list_values(row.list), errors=[])


@router.post("/lists/{id:int}", scope="lists:manage")
async def update_list(page: Page) -> Response:
    row = await page.db.read(views.list_row, caller=page.caller, id=page.path("id"))
    try:
        data = decode_query(_list_fields(page, row.list.calling_window), ListUpdate)
        await page.db.write(list_service.update, caller=page.caller, id=row.list.id, data=data)
    except InvalidInput as error:
        values = _list_values(row.list) | _form_values(page)
        return page.render(
            "list_form.html", status=422, row=row, values=values, errors=error.fields
        )
    return page.redirect(f"{PREFIX}/lists/{row.list.id}")


_LIST_FIELDS = ("name", "max_attempts", "retry_minutes", "default_timezone", "start", "end")


def _list_values(lst: Any) -> dict[str, Any]:
    """A list's settings as the form shows them (a new list: the defaults)."""
    window = lst.calling_window if lst is not None else None
    return {
        "name": lst.name if lst else "",
        "max_attempts": "" if lst is None or lst.max_attempts is None else str(lst.max_attempts),
        "retry_minutes": str(lst.retry_minutes) if lst else "60",
        "default_timezone": (lst.default_timezone or "") if lst else "",
        "start": window.start if window else "",
        "end": window.end if window else "",
        "days": list(window.days) if window else list(WEEKDAYS),
    }


def _form_values(page: Page) -> dict[str, Any]:
    values: dict[str, Any] = {name: page.field(name) for name in _LIST_FIELDS}
    values["days"] = page.form.getlist("days")
    return values


def _list_fields(page: Page, window: Any) -> dict[str, Any]:
    """The form as the API's list body: empty boxes mean 'none'; a calling window when
    either time is given (its state rules and holidays kept as they were)."""
    values: dict[str, Any] = {
        "name": page.field("name"),
        "max_attempts": page.field("max_attempts") or None,
        "retry_minutes": page.field("retry_minutes") or 60,
        "default_timezone": page.field("default_timezone") or None,
        "calling_window": None,
    }
    start, end = page.field("start"), page.field("end")
    if start or end:
        values["calling_window"] = {
            "days": page.form.getlist("days"),
            "start": start,
            "end": end,
            "state_overrides": {}
            if window is None
            else msgspec.to_builtins(window.state_overrides),
            "holidays": [] if window is None else list(window.holidays),
        }
    return values


# -- contacts -------------------------------------------------------------------------------

_SEARCH_FIELDS = ("q", "phone", "email", "external_id", "tag", "list_id", "status", "cursor")


@router.get("/contacts")
async def contacts(page: Page) -> Response:
    given = {name: page.query(name) for name in _SEARCH_FIELDS if page.query(name)}
    errors = []
    query = None
    if set(given) - {"cursor"}:
        try:
            query = decode_query(given, ContactQuery)
            screen = await page.db.read(views.contacts_screen, caller=page.caller, query=query)
        except InvalidInput as error:
            errors, query = error.fields, None
    if query is None:
        screen = await page.db.read(views.contacts_screen, caller=page.caller, query=None)
    status = 422 if errors else 200
    return page.render(
        "contacts.html",
        block="results",
        status=status,
        screen=screen,
        given=given,
        errors=errors,
        statuses=get_args(Status),
    )


@router.get("/contacts/{id:int}")
async def show_contact(page: Page) -> Response:
    screen = await page.db.read(views.contact_screen, caller=page.caller, id=page.path("id"))
    return page.render("contact.html", screen=screen)


@router.post("/contacts/{id:int}/dnc", scope="contacts:write")
async def set_contact_dnc(page: Page) -> Response:
    data = ContactUpdate(dnc=page.field("dnc") == "on")
    await page.db.write(contact_service.update, caller=page.caller, id=page.path("id"), data=data)
    if page.request.headers.get("hx-request"):
        screen = await page.db.read(views.contact_screen, caller=page.caller, id=page.path("id"))
        return page.render("contact.html", block="calling", screen=screen)
    return page.redirect(f"{PREFIX}/contacts/{page.path('id')}")


# -- do not call ----------------------------------------------------------------------------


async def _dnc(page: Page, *, status: int = 200, errors: Any = ()) -> Response:
    list_id = page.query("list") or page.field("suppression_list_id")
    screen = await page.db.read(
        views.dnc_screen,
        caller=page.caller,
        list_id=int(list_id) if list_id.isdigit() and len(list_id) < 19 else None,
        cursor=page.query("cursor") or None,
        number=page.query("number") or None,
    )
    return page.render("dnc.html", block="check", status=status, screen=screen, errors=errors)


@router.get("/dnc")
async def dnc(page: Page) -> Response:
    try:
        return await _dnc(page)
    except InvalidInput as error:  # the number checked is not a phone number
        return page.render(
            "dnc.html",
            block="check",
            status=422,
            screen=await page.db.read(
                views.dnc_screen, caller=page.caller, list_id=None, cursor=None, number=None
            ),
            errors=error.fields,
        )


@router.post("/dnc", scope="lists:manage")
async def add_dnc(page: Page) -> Response:
    list_id = page.field("suppression_list_id")
    try:
        data = decode_query(
            {
                "number": page.field("number"),
                "reason": page.field("reason") or None,
                "suppression_list_id": list_id or None,
            },
            SuppressionCreate,
        )
        await page.db.write(
            suppression_service.add, caller=page.caller, data=data, source="console"
        )
    except InvalidInput as error:
        return await _dnc(page, status=422, errors=error.fields)
    return page.redirect(f"{PREFIX}/dnc?list={list_id}" if list_id else f"{PREFIX}/dnc")


@router.post("/dnc/{id:int}/remove", scope="lists:manage")
async def remove_dnc(page: Page) -> Response:
    await page.db.write(suppression_service.remove, caller=page.caller, id=page.path("id"))
    list_id = page.field("suppression_list_id")
    return page.redirect(f"{PREFIX}/dnc?list={list_id}" if list_id.isdigit() else f"{PREFIX}/dnc")


@router.post("/dnc/lists", scope="lists:manage")
async def create_dnc_list(page: Page) -> Response:
    try:
        data = decode_query({"name": page.field("name")}, SuppressionListCreate)
        created = await page.db.write(
            suppression_service.create_list, workspace_id=page.caller.workspace_id, name=data.name
        )
    except InvalidInput as error:
        return await _dnc(page, status=422, errors=error.fields)
    return page.redirect(f"{PREFIX}/dnc?list={created.id}")


# -- imports --------------------------------------------------------------------------------

# An upload waiting for its import: "<workspace id>-<32 hex digits><suffix>", in
# <data dir>/imports, so a user can name only their own workspace's files.
_UPLOAD = re.compile(r"(\d+)-[0-9a-f]{32}(\.[a-z0-9]{1,5})?")


def _upload_path(page: Page, name: str) -> Path:
    found = _UPLOAD.fullmatch(name)
    if found is None or int(found.group(1)) != page.caller.workspace_id:
        raise NotFound("No such upload.")
    path = page.settings.data_dir / "imports" / name
    if not path.exists():
        raise NotFound("The upload is gone; upload the file again.")
    return path


def _import_options(page: Page) -> ImportOptions:
    """The preview's mapping as the importer's overrides: each column whose target the
    user changed (an empty target: ignore the column)."""
    overrides = [
        f"{column}={target or 'ignore'}"
        for column, suggested, target in zip(
            page.form.getlist("column"),
            page.form.getlist("suggested"),
            [str(t).strip() for t in page.form.getlist("target")],
            strict=False,
        )
        if target != suggested
    ]
    return decode_query(
        {"map": overrides, "filename": page.field("filename") or None,
         "on_duplicate": page.field("on_duplicate") or "skip"},
        ImportOptions,
    )  # fmt: skip


@router.get("/lists/{id:int}/import", scope="contacts:write")
async def import_form(page: Page) -> Response:
    lst = await page.db.read(
        list_service.get, workspace_id=page.caller.workspace_id, id=page.path("id")
    )
    return page.render("import_upload.html", lst=lst, errors=[])


@router.post("/lists/{id:int}/import", scope="contacts:write", upload=True)
async def upload_import(page: Page) -> Response:
    lst = await page.db.read(
        list_service.get, workspace_id=page.caller.workspace_id, id=page.path("id")
    )
    upload = page.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return page.render(
            "import_upload.html", status=422, lst=lst, errors=[FieldError("file", "choose a file")]
        )
    suffix = Path(upload.filename).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ""
    try:
        saved, _name = await save_upload(
            page.request,
            page.settings.data_dir / "imports",
            limit=page.settings.max_upload_bytes,
        )
    except MalformedRequest:  # the form has a file: it is empty
        return page.render(
            "import_upload.html", status=422, lst=lst, errors=[FieldError("file", "is empty")]
        )
    name = f"{page.caller.workspace_id}-{saved.stem}{suffix}"  # what _UPLOAD names
    saved.rename(saved.with_name(name))
    options = ImportOptions(filename=upload.filename[:500])
    return await _preview(page, lst.id, name, options)


@router.post("/lists/{id:int}/import/{upload}/preview", scope="contacts:write")
async def preview_import(page: Page) -> Response:
    try:
        options = _import_options(page)
    except InvalidInput as error:
        return page.render("error.html", status=422, error=error)
    return await _preview(page, page.path("id"), page.path("upload"), options)


async def _preview(page: Page, list_id: int, upload: str, options: ImportOptions) -> Response:
    """The dry run of the first rows: the mapping (editable), the rows that would be refused."""
    path = _upload_path(page, upload)
    lst = await page.db.read(list_service.get, workspace_id=page.caller.workspace_id, id=list_id)
    try:
        report = await page.db.read(
            import_service.dry_run, caller=page.caller, list_id=list_id, path=path, options=options
        )
    except InvalidInput as error:
        report, errors = None, error.fields
    else:
        errors = []
    # What the file's headers map to by themselves, kept from the first preview, so that
    # a change made in an earlier preview stays a change.
    suggested = dict(zip(page.form.getlist("column"), page.form.getlist("suggested"), strict=False))
    return page.render(
        "import_preview.html",
        status=422 if errors else 200,
        lst=lst,
        upload=upload,
        options=options,
        report=report,
        errors=errors,
        suggested=suggested,
    )


@router.post("/lists/{id:int}/import/{upload}/start", scope="contacts:write")
async def start_import(page: Page) -> Response:
    path = _upload_path(page, page.path("upload"))
    options = _import_options(page)
    job = await page.db.write(
        import_service.create_job,
        caller=page.caller,
        list_id=page.path("id"),
        path=path,
        options=options,
    )
    page.console.services.workers.get(Jobs).submit(page.caller.workspace_id, job.id)
    return page.redirect(f"{PREFIX}/imports/{job.id}")


@router.get("/imports/{id:int}")
async def show_import(page: Page) -> Response:
    screen = await page.db.read(views.import_screen, caller=page.caller, id=page.path("id"))
    return page.render("import.html", block="progress", screen=screen)


@router.get("/imports/{id:int}/rejects")
async def import_rejects(page: Page) -> Response:
    await page.db.read(import_service.get_job, caller=page.caller, id=page.path("id"))
    return StreamingResponse(
        import_service.rejects_csv(page.db, caller=page.caller, id=page.path("id")),
        media_type="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="import-{page.path("id")}-rejects.csv"'
        },
    )


# -- users ----------------------------------------------------------------------------------


def _admin_only(page: Page) -> None:
    """Managing users is the admin role's (it has no API scope of its own)."""
    assert page.session is not None
    if page.session.user.role != "admin":
        raise Forbidden(f"Your role ({page.session.user.role}) may not do this.")


async def _users(page: Page, *, status: int = 200, errors: Any = ()) -> Response:
    users = await page.db.read(user_service.list_users, workspace_id=page.caller.workspace_id)
    return page.render("users.html", status=status, users=users, roles=ROLES, errors=errors)


@router.get("/users")
async def users(page: Page) -> Response:
    _admin_only(page)
    return await _users(page)


@router.post("/users")
async def create_user(page: Page) -> Response:
    _admin_only(page)
    try:
        await page.db.write(
            user_service.create,
            workspace_id=page.caller.workspace_id,
            email=page.field("email"),
            role=page.field("role"),
            password=page.raw("password"),
        )
    except InvalidInput as error:
        return await _users(page, status=422, errors=error.fields)
    return page.redirect(f"{PREFIX}/users")


@router.post("/users/{id:int}/disable")
async def disable_user(page: Page) -> Response:
    _admin_only(page)
    assert page.session is not None
    await page.db.write(
        user_service.disable_in,
        workspace_id=page.caller.workspace_id,
        id=page.path("id"),
        by=page.session.user.id,
    )
    return page.redirect(f"{PREFIX}/users")
