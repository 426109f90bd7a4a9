"""Helpers for the Talkdesk dialect tests: everything goes through HTTP."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

BASE = "/compat/talkdesk"
GOLDEN = Path(__file__).parent / "golden"

SEED_RECORD: dict[str, Any] = json.loads((GOLDEN / "create_record.request.json").read_text())


def make_list(api: TestClient, name: str = "Leads", **body: Any) -> str:
    response = api.post(f"{BASE}/record-lists", json={"name": name, **body})
    assert response.status_code == 201, response.text
    list_id: str = response.json()["id"]
    return list_id


def record(**fields: Any) -> dict[str, Any]:
    """A small valid record; ``fields`` override or add (None removes a key)."""
    body: dict[str, Any] = {
        "phone_numbers": [{"phone_number": "+14155552671", "phone_type": "MOBILE"}],
        "first_name": "Jane",
        "last_name": "Doe",
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def create_record(api: TestClient, list_id: str, **fields: Any) -> dict[str, Any]:
    response = api.post(f"{BASE}/record-lists/{list_id}/records", json=record(**fields))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def assert_error(response: Any, status: int, *names: str) -> dict[str, Any]:
    """A Talkdesk error body with ``status`` naming exactly ``names`` (in any order)."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "description", "fields"}, body
    assert isinstance(body["code"], str)
    assert body["code"]
    assert isinstance(body["message"], str)
    assert body["message"]
    assert sorted(f["name"] for f in body["fields"]) == sorted(names), body
    assert all(set(f) == {"name", "description"} for f in body["fields"])
    return body


_TIMESTAMP_KEYS = ("created_at", "updated_at")
_HREF_ID = re.compile(r"/(record-lists|records)/(\d+)")


def normalize(doc: Any, *, lists: dict[str, str], records: dict[str, str]) -> Any:
    """Replace what changes from run to run (ids, timestamps) with named placeholders."""

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(v) for v in value]
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        ids = lists if "unique_identifier_type" in value else records
        for key, item in value.items():
            if key in _TIMESTAMP_KEYS and isinstance(item, str):
                out[key] = "<timestamp>"
            elif key == "id" and isinstance(item, str):
                out[key] = ids.get(item, item)
            elif key == "record_list_id" and isinstance(item, str):
                out[key] = lists.get(item, item)
            elif key == "account_id":
                out[key] = "<account>"
            elif key == "href" and isinstance(item, str):
                out[key] = _HREF_ID.sub(
                    lambda m: (
                        f"/{m[1]}/" + (lists if m[1] == "record-lists" else records).get(m[2], m[2])
                    ),
                    item,
                )
            else:
                out[key] = walk(item)
        return out

    return walk(doc)


@pytest.fixture
def golden() -> Any:
    """``golden(name, actual, lists=..., records=...)`` compares with golden/<name>.json."""

    def check(
        name: str,
        actual: Any,
        *,
        lists: dict[str, str] | None = None,
        records: dict[str, str] | None = None,
    ) -> None:
        path = GOLDEN / f"{name}.json"
        found = normalize(actual, lists=lists or {}, records=records or {})
        assert found == json.loads(path.read_text())

    return check
