"""dialbook webhooks ..."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING

import click
import uvloop

from dialbook.cli import App, pass_app
from dialbook.cli.output import console

if TYPE_CHECKING:  # loaded when the command runs: aiohttp is not every command's
    from dialbook.webhooks.delivery import Deliverer

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@click.group("webhooks")
def command() -> None:
    """Webhook deliveries (endpoints are managed over the API: /v1/webhook-endpoints)."""


@command.command("deliver")
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
@pass_app
def deliver(app: App, log_level: str) -> None:
    """Send webhook deliveries from this process until Ctrl-C or SIGTERM.

    Run it beside servers started with DIALBOOK_WEBHOOKS_DELIVERY=off, so that sending
    webhooks takes no CPU from the processes that answer requests. It looks for new events
    every 0.05 s while they keep coming, and at least once a second when idle. Several may
    run (each delivery is leased by one). On a stop, requests in flight get up to the
    webhook timeout to answer and their answers are stored; the rest are sent again when
    their lease runs out.

    \b
    Example, beside the server:
      DIALBOOK_WEBHOOKS_DELIVERY=off dialbook serve
      dialbook webhooks deliver
    """
    from dialbook import dialects
    from dialbook.webhooks.delivery import Deliverer

    # While it starts (migrations, the first connections), SIGTERM stops it as Ctrl-C does;
    # once it delivers, both let the requests in flight finish first.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    deliverer = Deliverer(
        app.db,
        app.settings,
        dialects.webhook_formats(dialects.discover()),
        grace=app.settings.webhook_timeout,
    )
    console.print(f"Database: {app.settings.url.split('@')[-1]}")
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(_until_stopped(deliverer))
    console.print("Stopped: every answer received was stored")


async def _until_stopped(deliverer: Deliverer) -> None:
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stopping.set)
    deliverer.start()
    console.print("Delivering webhooks (Ctrl-C or SIGTERM stops)")
    try:
        await stopping.wait()
    finally:
        await deliverer.stop()
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
