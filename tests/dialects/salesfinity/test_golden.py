"""Golden request/response pairs built from Salesfinity's documented examples (see golden/)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from tests.dialects.salesfinity.conftest import BASE, add, phone

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DIALBOOK_UPDATE_GOLDEN") == "1"
PREFIX = BASE.removesuffix("/v1")
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
MERGE_ALIASES = [f"507f1f77bcf86cd7994390{n}" for n in (11, 12, 13)]


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("createdAt", "updatedAt"):
                assert isinstance(item, str), (key, item)
                assert TIME.match(item), (key, item)
                item = "<time>"
            out[key] = _scrub(item)
        return out
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


def _before_merge(sf: TestClient) -> None:
    """The merge example's three ids, as aliases of three lists with one contact each."""
    for n, alias in enumerate(MERGE_ALIASES):
        made = sf.post(
            "/v1/lists", json={"name": f"Part {n + 1}", "aliases": {"salesfinity": alias}}
        )
        assert made.status_code == 201, made.text
        add(sf, alias, first_name=f"Part{n + 1}", phone_numbers=[phone(f"+1415555020{n}")])


SETUP = {"09-merge-lists": _before_merge}


def test_golden_scenario(sf: TestClient) -> None:
    requests = sorted(GOLDEN.glob("*.request.json"))
    assert len(requests) == 14
    for request_file in requests:
        name = request_file.name.removesuffix(".request.json")
        if name in SETUP:
            SETUP[name](sf)
        request = json.loads(request_file.read_text())
        response = sf.request(request["method"], PREFIX + request["path"], json=request.get("body"))
        got = {"status": response.status_code, "body": _scrub(response.json())}
        expected_file = GOLDEN / f"{name}.response.json"
        if UPDATE:
            expected_file.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
        expected = json.loads(expected_file.read_text())
        assert got == expected, name
