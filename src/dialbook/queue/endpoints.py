"""/v1/lists/{id}/queue/..., /v1/queue/leases/{id}/outcome, /v1/contacts/{id}/callable,
/v1/compliance/us-state-rules."""

from __future__ import annotations

from dialbook.http.routing import Context, Router
from dialbook.queue import service as queue_service
from dialbook.queue.schemas import (
    CallableNow,
    ClaimRequest,
    ClaimResult,
    OutcomeRequest,
    OutcomeResult,
    Preview,
    UsStateRules,
)

router = Router(tag="queue", prefix="/v1")


@router.route("POST", "/lists/{id:int}/queue/claim", scope="queue:dial", response=ClaimResult)
async def claim(ctx: Context, body: ClaimRequest) -> ClaimResult:
    """Lease up to `count` contacts that may be called now, in dialing order."""
    return await ctx.db.write(
        queue_service.claim, caller=ctx.caller, list_id=ctx.path("id"), request=body
    )


@router.route("GET", "/lists/{id:int}/queue/preview", scope="contacts:read", response=Preview)
async def preview(ctx: Context) -> Preview:
    """How many contacts are callable now, and why the others are not."""
    return await ctx.db.read(queue_service.preview, caller=ctx.caller, list_id=ctx.path("id"))


@router.route("POST", "/queue/leases/{id:int}/outcome", scope="queue:dial", response=OutcomeResult)
async def record_outcome(ctx: Context, body: OutcomeRequest) -> OutcomeResult:
    """Record how a call went; the contact is retried, finished or marked do-not-call."""
    return await ctx.db.write(
        queue_service.record_outcome, caller=ctx.caller, lease_id=ctx.path("id"), request=body
    )


@router.route("GET", "/contacts/{id:int}/callable", scope="contacts:read", response=CallableNow)
async def callable_now(ctx: Context) -> CallableNow:
    """May this contact be called now, on which number; if not, why not, and from when."""
    return await ctx.db.read(queue_service.check, caller=ctx.caller, id=ctx.path("id"))


@router.route("GET", "/compliance/us-state-rules", scope="contacts:read", response=UsStateRules)
async def us_state_rules(ctx: Context) -> UsStateRules:
    """The built-in US state calling rules: hours, holidays and caps, each with its source,
    and the version of the rules file."""
    return queue_service.us_state_rules()
