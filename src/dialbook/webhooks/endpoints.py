"""/v1/webhook-endpoints: where a workspace's events are sent, and what was sent.

Managing endpoints takes the ``admin`` scope: an endpoint receives every contact the
workspace changes.
"""

from __future__ import annotations

from dialbook.http.routing import Context, Router
from dialbook.webhooks import service as webhook_service
from dialbook.webhooks.schemas import (
    DeliveryPage,
    DeliveryQuery,
    Endpoint,
    EndpointCreate,
    EndpointCreated,
    EndpointPage,
    EndpointUpdate,
    ReplayRequest,
    ReplayResult,
    SecretRotated,
)

router = Router(tag="webhooks", prefix="/v1")


@router.route("POST", "/webhook-endpoints", scope="admin", response=EndpointCreated, status=201)
async def create_endpoint(ctx: Context, body: EndpointCreate) -> EndpointCreated:
    """Send events to a URL; the answer holds the signing secret, shown only this once."""
    return await ctx.db.write(
        webhook_service.create,
        caller=ctx.caller,
        data=body,
        allow_private=ctx.services.settings.webhooks_allow_private,
    )


@router.route("GET", "/webhook-endpoints", scope="admin", response=EndpointPage)
async def list_endpoints(ctx: Context) -> EndpointPage:
    """The workspace's webhook endpoints."""
    return await ctx.db.read(webhook_service.list_all, caller=ctx.caller)


@router.route("GET", "/webhook-endpoints/{id:int}", scope="admin", response=Endpoint)
async def get_endpoint(ctx: Context) -> Endpoint:
    """Get one endpoint (its secret is never shown again)."""
    return await ctx.db.read(webhook_service.get, caller=ctx.caller, id=ctx.path("id"))


@router.route("PATCH", "/webhook-endpoints/{id:int}", scope="admin", response=Endpoint)
async def update_endpoint(ctx: Context, body: EndpointUpdate) -> Endpoint:
    """Change the URL, the filters, or enable and disable the endpoint."""
    return await ctx.db.write(
        webhook_service.update,
        caller=ctx.caller,
        id=ctx.path("id"),
        data=body,
        allow_private=ctx.services.settings.webhooks_allow_private,
    )


@router.route("DELETE", "/webhook-endpoints/{id:int}", scope="admin", status=204)
async def delete_endpoint(ctx: Context) -> None:
    """Delete the endpoint and its deliveries."""
    await ctx.db.write(webhook_service.remove, caller=ctx.caller, id=ctx.path("id"))


@router.route(
    "POST", "/webhook-endpoints/{id:int}/rotate-secret", scope="admin", response=SecretRotated
)
async def rotate_secret(ctx: Context) -> SecretRotated:
    """A new signing secret; for 24 hours each delivery is signed with both."""
    return await ctx.db.write(webhook_service.rotate_secret, caller=ctx.caller, id=ctx.path("id"))


@router.route("GET", "/webhook-endpoints/{id:int}/deliveries", scope="admin", response=DeliveryPage)
async def list_deliveries(ctx: Context, query: DeliveryQuery) -> DeliveryPage:
    """What was sent to the endpoint: status, attempts, the answer's code and time taken."""
    return await ctx.db.read(
        webhook_service.deliveries, caller=ctx.caller, id=ctx.path("id"), query=query
    )


@router.route("POST", "/webhook-endpoints/{id:int}/replay", scope="admin", response=ReplayResult)
async def replay(ctx: Context, body: ReplayRequest) -> ReplayResult:
    """Send one event again (``event_id``), or every event since a time (``since``)."""
    return await ctx.db.write(
        webhook_service.replay, caller=ctx.caller, id=ctx.path("id"), data=body
    )
