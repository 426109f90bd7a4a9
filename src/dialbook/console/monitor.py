"""The queue monitor (a list's queue at work, its preview and its day ahead as charts)
and the lists screen's "callable now" column: what they read, and their pages."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import Response

from dialbook.console import charts
from dialbook.console.endpoints import router
from dialbook.console.web import Page
from dialbook.db import Conn
from dialbook.lists import service as list_service
from dialbook.lists.schemas import ListRead
from dialbook.queue import service as queue_service
from dialbook.queue.schemas import Outlook, Preview, QueueActivity
from dialbook.workspaces.schemas import Caller

# How often the live part of the monitor asks again (htmx polling), in seconds.
POLL_SECONDS = 5


@dataclass(frozen=True, slots=True)
class MonitorScreen:
    list: ListRead
    activity: QueueActivity
    outlook: Outlook | None  # None when only the live part is asked for


def monitor_screen(conn: Conn, *, caller: Caller, id: int, live_only: bool) -> MonitorScreen:
    lst = list_service.get(conn, workspace_id=caller.workspace_id, id=id, with_count=False)
    return MonitorScreen(
        list=lst,
        activity=queue_service.activity(conn, caller=caller, list_id=id),
        outlook=None if live_only else queue_service.outlook(conn, caller=caller, list_id=id),
    )


def reasons_chart(preview: Preview) -> charts.Chart:
    items = [("callable now", preview.callable)] + sorted(
        ((reason.replace("_", " "), n) for reason, n in preview.excluded.items()),
        key=lambda item: -item[1],
    )
    return charts.rows(
        "Why contacts are not callable now",
        f"{preview.summary}. One bar per reason; the table below has the same numbers.",
        items,
    )


def hours_chart(outlook: Outlook) -> charts.Chart:
    items = [(hour.at.strftime("%H:00"), hour.callable) for hour in outlook.hours]
    busiest = max(outlook.hours, key=lambda hour: hour.callable)
    return charts.columns(
        "Contacts callable in each of the next 24 hours (UTC)",
        f"The most, {busiest.callable:,}, at {busiest.at:%H:00} UTC. One column per hour; "
        "the table below has the same numbers.",
        items,
    )


@router.get("/lists/{id:int}/queue")
async def queue_monitor(page: Page) -> Response:
    live_only = page.request.headers.get("hx-target") == "live"
    screen = await page.db.read(
        monitor_screen, caller=page.caller, id=page.path("id"), live_only=live_only
    )
    shown = screen.outlook
    return page.render(
        "queue.html",
        block="live",
        screen=screen,
        poll=POLL_SECONDS,
        reasons=None if shown is None else reasons_chart(shown.preview),
        hours=None if shown is None else hours_chart(shown),
    )


@router.get("/lists/{id:int}/callable")
async def list_callable(page: Page) -> Response:
    """The lists screen's "callable now" cell of one list (htmx asks for it per row)."""
    preview = await page.db.read(queue_service.preview, caller=page.caller, list_id=page.path("id"))
    return page.render("list_callable.html", preview=preview)
