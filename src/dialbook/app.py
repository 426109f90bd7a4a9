"""The application factory: every surface on one Starlette app."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialbook import __version__, dialects
from dialbook.config import Settings
from dialbook.console import admin as _console_admin  # noqa: F401 - its pages join the router
from dialbook.console import monitor as _console_monitor  # noqa: F401 - likewise
from dialbook.console import web as console_web
from dialbook.console.endpoints import router as console_router
from dialbook.contacts.endpoints import router as contacts_router
from dialbook.contacts.statistics import StatisticsKeeper
from dialbook.db import Database
from dialbook.events import retention
from dialbook.events.endpoints import router as events_router
from dialbook.fields.endpoints import router as fields_router
from dialbook.http import openapi
from dialbook.http.auth import KeyAuthenticator
from dialbook.http.errors import Render, exception_handlers
from dialbook.http.limits import RateLimiter
from dialbook.http.metrics import RequestMetrics
from dialbook.http.routing import PrefixRoutes, Router, Services, json_response
from dialbook.imports.endpoints import router as imports_router
from dialbook.imports.jobs import Jobs
from dialbook.kit.workers import Workers
from dialbook.lists.endpoints import router as lists_router
from dialbook.metrics.endpoints import router as metrics_router
from dialbook.queue.endpoints import router as queue_router
from dialbook.registries.endpoints import router as registries_router
from dialbook.suppressions.endpoints import router as suppressions_router
from dialbook.webhooks.delivery import Deliverer
from dialbook.webhooks.endpoints import router as webhooks_router
from dialbook.workspaces import service as workspace_service
from dialbook.workspaces.endpoints import router as workspaces_router

NATIVE: tuple[Router, ...] = (
    workspaces_router,
    lists_router,
    contacts_router,
    fields_router,
    suppressions_router,
    registries_router,
    queue_router,
    imports_router,
    events_router,
    webhooks_router,
)


async def healthz(request: Request) -> Response:
    return json_response({"status": "ok", "version": __version__})


async def root(request: Request) -> Response:
    """A browser goes to the console; an API client is told where the API's docs are."""
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse("/console/", status_code=307)
    return json_response(
        {"name": "dialbook", "version": __version__, "docs": "/docs", "openapi": "/openapi.json"}
    )


def create_app(settings: Settings | None = None, *, db: Database | None = None) -> Starlette:
    """Build the app. The database is opened here and closed when the app shuts down."""
    settings = settings or Settings.from_env()
    database = db or Database(settings.url, processes=settings.server_processes)
    services = Services(
        db=database,
        settings=settings,
        keys=KeyAuthenticator(database, cache_seconds=settings.key_cache_seconds),
        workers=Workers(),
        limits=RateLimiter(settings.rate_limit, database),
    )
    native = [route for router in NATIVE for route in router.routes(services)]
    routes: list[BaseRoute] = [
        Route("/", root, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    routes.append(PrefixRoutes("/v1/", native))
    if settings.metrics:
        routes += metrics_router.routes(services)
    found = dialects.discover()
    routes += openapi.routes(
        openapi.build(NATIVE), {d.name: openapi.build_dialect(d) for d in found}
    )
    console = console_web.Console(
        services, console_web.CookieSigner(console_web.cookie_secret(settings))
    )
    routes.append(console_web.routes(console, console_router))
    surfaces: dict[str, Render] = {console_web.PREFIX: console_web.render_error}
    for dialect in found:
        surfaces[dialect.prefix] = dialect.render
        group = [route for router in dialect.routers for route in router.routes(services)]
        routes.append(PrefixRoutes(dialect.prefix, group))
    # Each domain's background worker, started and stopped with the app (in this order,
    # and the reverse). StatisticsKeeper keeps PostgreSQL's plans right as tables grow.
    # Retention gets the workspaces' ids from here: events sit below
    # workspaces, which record events. Webhook deliveries may be left to a process of
    # their own (`dialbook webhooks deliver`).
    services.workers.register(Jobs(database, lease=settings.import_lease_seconds))
    if settings.webhooks_delivery == "serve":
        services.workers.register(Deliverer(database, settings, dialects.webhook_formats(found)))
    services.workers.register(StatisticsKeeper(database))
    services.workers.register(
        retention.Pruner(
            database, days=settings.events_retention_days, workspace_ids=workspace_service.all_ids
        )
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        services.workers.start()
        try:
            yield
        finally:
            await services.workers.stop()
            if db is None:
                database.close()

    app = Starlette(
        routes=routes,
        exception_handlers=dict(exception_handlers(surfaces)),
        middleware=[Middleware(RequestMetrics)] if settings.metrics else [],
        lifespan=lifespan,
    )
    app.state.services = services
    return app


def create_served_app() -> Starlette:
    """The app as ``dialbook serve`` runs it (uvicorn's factory, once per server process).

    What exists once the app is built (modules, routes, table metadata, libphonenumber's
    data) lives as long as the process: ``gc.freeze`` takes it out of the cyclic garbage
    collector's sight. Without it every full collection walked all of it while the event
    loop stood still (50-75 ms, a dozen times in 10 s of creates: most of the p99)."""
    app = create_app()
    gc.collect()
    gc.freeze()
    return app
