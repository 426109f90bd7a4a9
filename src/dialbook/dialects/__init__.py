"""Vendor dialects: each platform's API, translated onto the canonical services.

Every sub-package here is one platform and exposes ``dialect`` (a :class:`Dialect`).
The app finds them by listing this package, so adding a platform is one new folder.
"""

from __future__ import annotations

import importlib
import pkgutil

from dialbook.dialects.base import Dialect


def discover() -> list[Dialect]:
    found = []
    for module in pkgutil.iter_modules(__path__):
        if module.ispkg:
            package = importlib.import_module(f"{__name__}.{module.name}")
            found.append(package.dialect)
    return sorted(found, key=lambda d: d.name)


__all__ = ["Dialect", "discover"]
