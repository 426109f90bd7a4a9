"""The console's pages: short handlers, most of them one screen read (console/views.py) or
one service write."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from pathlib import Path
from typing import Any, get_args

from starlette.datastructures import UploadFile
from starlette.responses import Response, StreamingResponse

from dialbook.console import contact_form, list_form, views
from dialbook.console.web import (
    LOGIN_CSRF_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    Page,
    PageRouter,
)
from dialbook.contacts import service as contact_service
from dialbook.contacts.schemas import Contact, ContactQuery, ContactUpdate, Status
from dialbook.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    MalformedRequest,
    NotFound,
    VersionConflict,
)
from dialbook.http.body import copy_upload, decode_query, save_upload
from dialbook.imports import service as import_service
from dialbook.imports.jobs import Jobs
from dialbook.imports.schemas import ImportOptions, ImportTemplateCreate
from dialbook.lists import service as list_service
from dialbook.lists.schemas import WEEKDAYS, ListCreate, ListUpdate
from dialbook.suppressions import service as suppression_service
from dialbook.suppressions.schemas import FileResult, SuppressionCreate, SuppressionListCreate
from dialbook.users import service as user_service
from dialbook.users.schemas import ROLES
from dialbook.users.service import WrongPassword

router = PageRouter()


def set_cookie(response: Response, name: str, value: str, page: Page) -> None:
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
    set_cookie(response, LOGIN_CSRF_COOKIE, token, page)
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
    set_cookie(
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


@router.get("/lists/{id:int}/counts")
async def list_counts(page: Page) -> Response:
    """One row of the lists screen with its counts (htmx asks for it per row)."""
    row = await page.db.read(views.list_counts, caller=page.caller, id=page.path("id"))
    return page.render("list_counts.html", row=row)


@router.get("/lists/new", scope="lists:manage")
async def new_list(page: Page) -> Response:
    return _list_form(page, None, list_form.values_of(None))


def _list_form(
    page: Page, row: views.ListRow | None, values: dict[str, Any], errors: Any = ()
) -> Response:
    return page.render(
        "list_form.html",
        status=422 if errors else 200,
        row=row,
        values=values,
        errors=errors,
        field_errors=list_form.by_field(errors),
        weekdays=WEEKDAYS,
        choices=list_form.CHOICES,
    )


@router.post("/lists", scope="lists:manage")
async def create_list(page: Page) -> Response:
    try:
        data = list_form.parse(page.form, ListCreate)
        created = await page.db.write(list_service.create, caller=page.caller, data=data)
    except InvalidInput as error:
        return _list_form(page, None, list_form.submitted(page.form), error.fields)
    return page.redirect(f"{PREFIX}/lists/{created.id}")


@router.get("/lists/{id:int}")
async def show_list(page: Page) -> Response:
    row = await page.db.read(views.list_row, caller=page.caller, id=page.path("id"))
    return _list_form(page, row, list_form.values_of(row.list))


@router.post("/lists/{id:int}", scope="lists:manage")
async def update_list(page: Page) -> Response:
    row = await page.db.read(views.list_row, caller=page.caller, id=page.path("id"))
    try:
        data = list_form.parse(page.form, ListUpdate)
        await page.db.write_long(
            contact_service.update_list, caller=page.caller, id=row.list.id, data=data
        )
    except InvalidInput as error:
        return _list_form(page, row, list_form.submitted(page.form), error.fields)
    return page.redirect(f"{PREFIX}/lists/{row.list.id}")


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


@router.get("/contacts/{id:int}/edit", scope="contacts:write")
async def edit_contact(page: Page) -> Response:
    found = await page.db.read(contact_service.get, caller=page.caller, id=page.path("id"))
    return _contact_form(page, found, contact_form.values_of(found))


def _contact_form(
    page: Page, found: Contact, values: dict[str, str], errors: Any = (), status: int = 200
) -> Response:
    return page.render(
        "contact_edit.html",
        status=status,
        c=found,
        values=values,
        errors=errors,
        field_errors=contact_form.by_field(errors),
    )


@router.post("/contacts/{id:int}/edit", scope="contacts:write")
async def update_contact(page: Page) -> Response:
    found = await page.db.read(contact_service.get, caller=page.caller, id=page.path("id"))
    version = page.field("version")
    try:
        await page.db.write(
            contact_service.update,
            caller=page.caller,
            id=found.id,
            data=contact_form.parse(page.form, found),
            expected_version=int(version) if version.isdigit() and len(version) < 10 else None,
        )
    except InvalidInput as error:
        return _contact_form(page, found, contact_form.submitted(page.form), error.fields, 422)
    except Conflict as error:  # changed meanwhile, or now the same as another contact
        name = "version" if isinstance(error, VersionConflict) else "contact"
        problem = [FieldError(name, error.detail)]
        return _contact_form(page, found, contact_form.submitted(page.form), problem, 409)
    return page.redirect(f"{PREFIX}/contacts/{found.id}")


@router.post("/contacts/{id:int}/dnc", scope="contacts:write")
async def set_contact_dnc(page: Page) -> Response:
    data = ContactUpdate(dnc=page.field("dnc") == "on")
    await page.db.write(contact_service.update, caller=page.caller, id=page.path("id"), data=data)
    if page.request.headers.get("hx-request"):
        screen = await page.db.read(views.contact_screen, caller=page.caller, id=page.path("id"))
        return page.render("contact.html", block="calling", screen=screen)
    return page.redirect(f"{PREFIX}/contacts/{page.path('id')}")


# -- do not call ----------------------------------------------------------------------------


def _id_of(value: str) -> int | None:
    """An id typed in a form or a link; None for anything else."""
    return int(value) if value.isdigit() and len(value) < 19 else None


async def _dnc(
    page: Page, *, status: int = 200, errors: Any = (), loaded: FileResult | None = None
) -> Response:
    screen = await page.db.read(
        views.dnc_screen,
        caller=page.caller,
        list_id=_id_of(page.query("list") or page.field("suppression_list_id")),
        cursor=page.query("cursor") or None,
        number=page.query("number") or None,
    )
    return page.render(
        "dnc.html", block="check", status=status, screen=screen, errors=errors, loaded=loaded
    )


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
            loaded=None,
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


@router.post("/dnc/upload", scope="lists:manage", upload=True)
async def upload_dnc(page: Page) -> Response:
    upload = page.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _dnc(page, status=422, errors=[FieldError("file", "choose a file")])
    page.settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = page.settings.data_dir / f".dnc-{uuid.uuid4().hex}"
    try:
        with path.open("xb") as handle:
            await copy_upload(upload, handle, page.settings.max_upload_bytes)
        loaded = await page.db.write_long(
            suppression_service.add_file,
            caller=page.caller,
            path=path,
            suppression_list_id=_id_of(page.field("suppression_list_id")),
            reason=page.field("reason")[:200] or None,
            source="console",
        )
    except InvalidInput as error:
        return await _dnc(page, status=422, errors=error.fields)
    finally:
        path.unlink(missing_ok=True)
    return await _dnc(page, loaded=loaded)  # the numbers that were good went in


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


def _mapping(page: Page) -> list[str]:
    """The preview's columns as "Column=target" (an empty target: ignore the column)."""
    return [
        f"{column}={str(target).strip() or 'ignore'}"
        for column, target in zip(
            page.form.getlist("column"), page.form.getlist("target"), strict=False
        )
    ]


def _import_options(page: Page) -> ImportOptions:
    """The preview's form as the importer's options: every column as shown."""
    return decode_query(
        {"map": _mapping(page), "filename": page.field("filename") or None,
         "on_duplicate": page.field("on_duplicate") or "skip"},
        ImportOptions,
    )  # fmt: skip


@router.get("/lists/{id:int}/import", scope="contacts:write")
async def import_form(page: Page) -> Response:
    return await _upload_form(page)


async def _upload_form(page: Page, errors: Any = ()) -> Response:
    screen = await page.db.read(views.upload_screen, caller=page.caller, list_id=page.path("id"))
    return page.render(
        "import_upload.html",
        status=422 if errors else 200,
        lst=screen.list,
        templates=screen.templates,
        errors=errors,
    )


@router.post("/lists/{id:int}/import", scope="contacts:write", upload=True)
async def upload_import(page: Page) -> Response:
    lst = await page.db.read(
        list_service.get, workspace_id=page.caller.workspace_id, id=page.path("id")
    )
    upload = page.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _upload_form(page, [FieldError("file", "choose a file")])
    suffix = Path(upload.filename).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ""
    directory = page.settings.data_dir / "imports"
    try:
        saved, _name = await save_upload(
            page.request, directory, limit=page.settings.max_upload_bytes
        )
    except MalformedRequest:  # the form has a file: it is empty
        return await _upload_form(page, [FieldError("file", "is empty")])
    name = f"{page.caller.workspace_id}-{saved.stem}{suffix}"  # what _UPLOAD names
    saved.rename(directory / name)
    options = ImportOptions(filename=upload.filename[:500])
    template = _id_of(page.field("template"))
    if template is not None:  # its columns as the template maps them
        try:
            options = await page.db.read(
                import_service.with_template,
                caller=page.caller,
                id=template,
                path=directory / name,
                options=options,
            )
        except InvalidInput as error:
            (directory / name).unlink(missing_ok=True)
            return await _upload_form(page, error.fields)
    return await _preview(page, lst.id, name, options)


@router.post("/lists/{id:int}/import/{upload}/preview", scope="contacts:write")
async def preview_import(page: Page) -> Response:
    try:
        options = _import_options(page)
    except InvalidInput as error:
        return page.render("error.html", status=422, error=error)
    return await _preview(page, page.path("id"), page.path("upload"), options)


@router.post("/lists/{id:int}/import/{upload}/template", scope="contacts:write")
async def save_import_template(page: Page) -> Response:
    """Save the preview's columns under a name, and show the preview again."""
    options = _import_options(page)
    try:
        data = decode_query(
            {"name": page.field("template_name"), "map": _mapping(page)}, ImportTemplateCreate
        )
        saved = await page.db.write(import_service.save_template, caller=page.caller, data=data)
    except InvalidInput as error:
        return await _preview(page, page.path("id"), page.path("upload"), options, error.fields)
    return await _preview(page, page.path("id"), page.path("upload"), options, saved=saved.name)


async def _preview(
    page: Page,
    list_id: int,
    upload: str,
    options: ImportOptions,
    problems: Any = (),
    saved: str | None = None,
) -> Response:
    """The dry run of the first rows: the mapping (editable), the rows that would be refused."""
    path = _upload_path(page, upload)
    lst = await page.db.read(list_service.get, workspace_id=page.caller.workspace_id, id=list_id)
    try:
        report = await page.db.read(
            import_service.dry_run, caller=page.caller, list_id=list_id, path=path, options=options
        )
    except InvalidInput as error:
        report, errors = None, [*problems, *error.fields]
    else:
        errors = list(problems)
    return page.render(
        "import_preview.html",
        status=422 if errors else 200,
        lst=lst,
        upload=upload,
        options=options,
        report=report,
        errors=errors,
        saved=saved,
        template_name=page.field("template_name"),
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


@router.get("/imports/{id:int}/undo", scope="contacts:write")
async def confirm_undo_import(page: Page) -> Response:
    screen = await page.db.read(views.import_screen, caller=page.caller, id=page.path("id"))
    return page.render("import_undo.html", screen=screen, error=None)


@router.post("/imports/{id:int}/undo", scope="contacts:write")
async def undo_import(page: Page) -> Response:
    try:
        done = await page.db.write_long(import_service.undo, caller=page.caller, id=page.path("id"))
    except Conflict as error:
        screen = await page.db.read(views.import_screen, caller=page.caller, id=page.path("id"))
        return page.render("import_undo.html", status=409, screen=screen, error=error.detail)
    return page.redirect(f"{PREFIX}/imports/{done.import_id}?deleted={done.deleted}")


# -- users ----------------------------------------------------------------------------------


def admin_only(page: Page) -> None:
    """Managing users is the admin role's (it has no API scope of its own)."""
    assert page.session is not None
    if page.session.user.role != "admin":
        raise Forbidden(f"Your role ({page.session.user.role}) may not do this.")


async def _users(page: Page, *, status: int = 200, errors: Any = ()) -> Response:
    users = await page.db.read(user_service.list_users, workspace_id=page.caller.workspace_id)
    return page.render("users.html", status=status, users=users, roles=ROLES, errors=errors)


@router.get("/users")
async def users(page: Page) -> Response:
    admin_only(page)
    return await _users(page)


@router.post("/users")
async def create_user(page: Page) -> Response:
    admin_only(page)
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
    admin_only(page)
    assert page.session is not None
    await page.db.write(
        user_service.disable_in,
        workspace_id=page.caller.workspace_id,
        id=page.path("id"),
        by=page.session.user.id,
    )
    return page.redirect(f"{PREFIX}/users")
