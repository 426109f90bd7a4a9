"""Vendor dialects: each platform's API, translated onto the canonical services.

Every sub-package here is one platform and exposes ``dialect`` (a :class:`Dialect`).
The app finds them by listing this package, so adding a platform is one new folder.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

from dialbook.dialects.base import Dialect
from dialbook.webhooks.service import Render as WebhookBodies


def discover() -> list[Dialect]:
    found = []
    for module in pkgutil.iter_modules(__path__):
        if module.ispkg:
            package = importlib.import_module(f"{__name__}.{module.name}")
            found.append(package.dialect)
    return sorted(found, key=lambda d: d.name)


def webhook_formats(found: Iterable[Dialect]) -> dict[str, WebhookBodies]:
    """The webhook formats the dialects add (an endpoint with ``format: "<name>"`` receives
    that platform's own bodies): for every process that delivers."""
    return {d.name: d.webhook_bodies for d in found if d.webhook_bodies is not None}


__all__ = ["Dialect", "discover", "webhook_formats"]
