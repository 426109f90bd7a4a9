"""The console's plumbing: pages from templates, the session cookie, CSRF and headers.

A console handler is ``async def handler(page: Page) -> Response``, declared with
``router.get``/``router.post`` like the API's endpoints. The route wrapper finds the
signed-in user from the session cookie (or sends the browser to the sign-in page), checks
the CSRF token of every POST (form field ``csrf_token`` or the ``X-CSRF-Token`` header
htmx sends), checks the role's scope, and adds the security headers to every answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from jinja2_fragments import render_block
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from dialbook.config import Settings
from dialbook.console.throttle import SignInThrottle
from dialbook.db import Database
from dialbook.errors import DialbookError, Forbidden, MalformedRequest, NotFound
from dialbook.http.routing import MAX_ID, PrefixRoutes, Services
from dialbook.users import service as user_service
from dialbook.users.schemas import Session
from dialbook.workspaces.schemas import Caller

PREFIX = "/console"
SESSION_COOKIE = "dialbook_session"
# Before sign-in there is no session to hold the CSRF token: the sign-in form's token is
# also kept in this cookie, and the two must match (double submit).
LOGIN_CSRF_COOKIE = "dialbook_login_csrf"

# Scripts and styles only from the console itself (htmx is vendored); no frames, no
# plugins, forms post only here.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

templates = jinja2.Environment(
    loader=jinja2.PackageLoader("dialbook.console", "templates"),
    autoescape=True,  # every value is escaped, whatever the template's name
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _shown(value: Any) -> Any:
    """A value as a field shows it: times in UTC to the second, nothing as blank."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return value


templates.filters["shown"] = _shown


def secured(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# -- the session cookie ---------------------------------------------------------------------


def cookie_secret(settings: Settings) -> bytes:
    """The signing key: the setting, or one made once and kept in the data directory."""
    if settings.console_secret:
        return settings.console_secret.encode()
    path = settings.data_dir / "console-secret"
    if not path.exists():
        # Written whole under another name, then linked into place: several server
        # processes starting at once all read the one key that won, never a half-written one.
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".console-secret-{os.getpid()}-{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable key; delete it to make a new one")
    return key.encode()


@dataclass(frozen=True, slots=True)
class CookieSigner:
    secret: bytes

    def _mac(self, value: str) -> str:
        return hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()

    def sign(self, workspace_id: int, token: str) -> str:
        value = f"{workspace_id}.{token}"
        return f"{value}.{self._mac(value)}"

    def unsign(self, cookie: str | None) -> tuple[int, str] | None:
        """(workspace id, token) from a cookie this signer made; None for anything else."""
        if not cookie or cookie.count(".") != 2:
            return None
        workspace, token, mac = cookie.split(".")
        if not hmac.compare_digest(mac, self._mac(f"{workspace}.{token}")):
            return None
        if not workspace.isdigit() or int(workspace) > MAX_ID:
            return None
        return int(workspace), token


# -- pages ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Console:
    """What every console handler may use; built once per app."""

    services: Services
    signer: CookieSigner
    throttle: SignInThrottle = field(default_factory=SignInThrottle)


@dataclass(slots=True)
class Page:
    """One console request: who is signed in, their form, and how to answer."""

    request: Request
    console: Console
    session: Session | None
    form: FormData = field(default_factory=FormData)

    @property
    def db(self) -> Database:
        return self.console.services.db

    @property
    def settings(self) -> Settings:
        return self.console.services.settings

    @property
    def caller(self) -> Caller:
        assert self.session is not None
        return user_service.caller_for(self.session)

    def path(self, name: str) -> Any:
        return self.request.path_params[name]

    def allows(self, scope: str) -> bool:
        return self.session is not None and self.caller.allows(scope)

    def field(self, name: str) -> str:
        """A form field as text ('' when absent)."""
        value = self.form.get(name)
        return value.strip() if isinstance(value, str) else ""

    def raw(self, name: str) -> str:
        """A form field exactly as sent (a password: its spaces are part of it)."""
        value = self.form.get(name)
        return value if isinstance(value, str) else ""

    def query(self, name: str) -> str:
        return self.request.query_params.get(name, "").strip()

    def render(
        self, template: str, *, block: str | None = None, status: int = 200, **context: Any
    ) -> Response:
        """The page, or only ``block`` of it when htmx asked to swap that element."""
        context = {
            "page": self,
            "user": self.session.user if self.session else None,
            "csrf_token": self.session.csrf_token if self.session else "",
            **context,
        }
        if block is not None and self.request.headers.get("hx-target") == block:
            html = render_block(templates, template, block, context)
        else:
            html = templates.get_template(template).render(context)
        return secured(HTMLResponse(html, status_code=status))

    def redirect(self, url: str) -> Response:
        """After a form post, the browser loads ``url``: see other (303), or for htmx,
        which would follow a 303 itself and swap the page in, 204 + HX-Redirect."""
        if self.request.headers.get("hx-request"):
            return secured(Response(status_code=204, headers={"HX-Redirect": url}))
        return secured(RedirectResponse(url, status_code=303))


PageHandler = Callable[[Page], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class PageRoute:
    method: str
    path: str
    handler: PageHandler
    scope: str | None
    public: bool
    upload: bool = False  # a multipart form with one file (handlers stream it to disk)


@dataclass
class PageRouter:
    """The console's pages."""

    pages: list[PageRoute] = field(default_factory=list)

    def get(
        self, path: str, *, scope: str | None = "contacts:read", public: bool = False
    ) -> Callable[[PageHandler], PageHandler]:
        return self._add("GET", path, scope, public)

    def post(
        self,
        path: str,
        *,
        scope: str | None = "contacts:read",
        public: bool = False,
        upload: bool = False,
    ) -> Callable[[PageHandler], PageHandler]:
        return self._add("POST", path, scope, public, upload)

    def _add(
        self, method: str, path: str, scope: str | None, public: bool, upload: bool = False
    ) -> Callable[[PageHandler], PageHandler]:
        def decorate(handler: PageHandler) -> PageHandler:
            self.pages.append(PageRoute(method, PREFIX + path, handler, scope, public, upload))
            return handler

        return decorate

    def routes(self, console: Console) -> list[Route]:
        return [
            Route(p.path, _asgi(p, console), methods=[p.method], name=p.handler.__name__)
            for p in self.pages
        ]


def sign_in_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"{PREFIX}/login?next={quote(target, safe='')}"


async def session_of(request: Request, console: Console) -> Session | None:
    found = console.signer.unsign(request.cookies.get(SESSION_COOKIE))
    if found is None:
        return None
    workspace_id, token = found
    db = console.services.db
    idle = console.services.settings.console_idle_minutes
    resumed = await db.read(
        user_service.resume, workspace_id=workspace_id, token=token, idle=dt.timedelta(minutes=idle)
    )
    if resumed is None:
        return None
    session, due = resumed
    if due:  # the idle clock restarts; written at most once a minute
        await db.write(user_service.touch, session=session)
    return session


def _asgi(route: PageRoute, console: Console) -> Callable[[Request], Awaitable[Response]]:
    async def call(request: Request) -> Response:
        if any(isinstance(v, int) and v > MAX_ID for v in request.path_params.values()):
            raise NotFound("No such page.")
        session = await session_of(request, console)
        if session is None and not route.public:
            url = sign_in_url(request)
            if request.headers.get("hx-request"):  # htmx follows this header, not a 303
                return secured(Response(status_code=204, headers={"HX-Redirect": url}))
            return secured(RedirectResponse(url, status_code=303))
        page = Page(request, console, session)
        if route.scope is not None and session is not None and not page.allows(route.scope):
            raise Forbidden(f"Your role ({session.user.role}) may not do this.")
        if route.method != "POST":
            return secured(await route.handler(page))
        # An uploaded file waits in a temporary file (python-multipart spools it to disk
        # past 1 MB) until the handler copies it; closing the form removes it.
        page.form = await _read_form(request, files=1 if route.upload else 0)
        try:
            expected = session.csrf_token if session else request.cookies.get(LOGIN_CSRF_COOKIE)
            given = request.headers.get("x-csrf-token") or page.field("csrf_token")
            if not expected or not given or not hmac.compare_digest(expected, given):
                raise Forbidden("The form has expired or did not come from this console.")
            return secured(await route.handler(page))
        finally:
            await page.form.close()

    return call


async def _read_form(request: Request, *, files: int) -> FormData:
    try:
        return await request.form(max_files=files, max_fields=500, max_part_size=64 * 1024)
    except Exception as error:  # noqa: BLE001 - whatever the parser says, it is bad input
        raise MalformedRequest(f"The form could not be read ({error}).") from None


def routes(console: Console, router: PageRouter) -> BaseRoute:
    """Every console route, the vendored static files among them, as one group."""
    static = Mount(
        f"{PREFIX}/static",
        StaticFiles(directory=Path(__file__).parent / "static"),
        name="console_static",
    )

    async def to_console(request: Request) -> Response:
        return secured(RedirectResponse(f"{PREFIX}/", status_code=307))

    bare = Route(PREFIX, to_console, methods=["GET"])
    return PrefixRoutes(PREFIX, [bare, static, *router.routes(console)])


def render_error(request: Request, error: DialbookError) -> Response:
    """The console's error page (its surface's renderer: every failure under /console)."""
    template = templates.get_template("error.html")
    html = template.render(error=error, user=None, csrf_token="", page=None)
    return secured(HTMLResponse(html, status_code=error.status))
