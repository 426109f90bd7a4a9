"""Get Team (the workspace and its API keys) and Get Custom Fields (its definitions)."""

from __future__ import annotations

from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.workspaces import service as workspace_service
from tests.conftest import make_key
from tests.dialects.salesfinity.conftest import BASE, SEED_CONTACT, new_list


def test_the_team_is_the_workspace_and_its_keys(sf: TestClient, db: Database) -> None:
    reader = make_key(db, scopes=["contacts:read"])
    revoked = make_key(db, scopes=["contacts:read"])
    found = db.run_read(workspace_service.authenticate, secret=revoked)
    db.run_write(workspace_service.revoke_key, workspace_id=found.workspace_id, key_id=found.key_id)
    team = sf.get(f"{BASE}/team").json()
    assert (team["_id"], team["name"]) == (f"{found.workspace_id:024x}", "default")
    assert [m["user"]["_id"] for m in team["users"]] == [f"{1:024x}", f"{2:024x}"]
    assert team["users"][0] == {
        "user": {"_id": f"{1:024x}", "email": None, "first_name": "bootstrap", "last_name": None},
        "status": "active",
        "license": None,
    }
    # A key that is not an admin key sees only itself.
    own = sf.get(f"{BASE}/team", headers={"x-api-key": reader}).json()
    assert [m["user"]["_id"] for m in own["users"]] == [f"{2:024x}"]


def test_a_team_member_id_can_own_a_list(sf: TestClient) -> None:
    member = sf.get(f"{BASE}/team").json()["users"][0]["user"]["_id"]
    lst = new_list(sf, "Mine", user_id=member)
    assert lst["user"]["_id"] == member
    page = sf.get(f"{BASE}/contact-lists/csv", params={"filters[user]": member}).json()
    assert [x["_id"] for x in page["data"]] == [lst["_id"]]


def test_custom_fields_are_the_workspace_definitions(sf: TestClient) -> None:
    empty = sf.get(f"{BASE}/custom-fields").json()
    assert len(empty) == 1
    assert (empty[0]["source"], empty[0]["fields"], empty[0]["lead_fields"]) == ("custom", [], [])
    lst = new_list(sf)
    assert sf.post(f"{BASE}/contact-lists/{lst['_id']}", json=SEED_CONTACT).status_code == 201
    native = sf.post("/v1/custom-fields", json={"key": "renewal", "type": "date"})
    assert native.status_code == 201, native.text
    fields = sf.get(f"{BASE}/custom-fields").json()[0]["fields"]
    assert fields == [
        {
            "type": "custom",
            "field_type": "string",
            "internal_name": "industry",
            "external_key": "industry",
            "external_name": "Industry",
        },
        {
            "type": "custom",
            "field_type": "number",
            "internal_name": "employee_count",
            "external_key": "employee_count",
            "external_name": "Employee Count",
        },
        {
            "type": "custom",
            "field_type": "boolean",
            "internal_name": "decision_maker",
            "external_key": "decision_maker",
            "external_name": "Decision Maker",
        },
        {
            "type": "custom",
            "field_type": "string",
            "internal_name": "renewal",
            "external_key": "renewal",
            "external_name": "Renewal",
        },
    ]
    # Labels are matched by their key: a second spelling reuses the first definition.
    again = {
        "first_name": "B",
        "phone_numbers": [],
        "custom_fields": [{"type": "string", "label": "employee count", "value": "12"}],
    }
    response = sf.post(f"{BASE}/contact-lists/{lst['_id']}", json=again)
    assert response.status_code == 201, response.text
    assert response.json()["custom_fields"] == [
        {"type": "number", "label": "Employee Count", "value": 12}
    ]
    assert len(sf.get(f"{BASE}/custom-fields").json()[0]["fields"]) == 4


def test_a_workspace_alias_is_the_team_id(sf: TestClient) -> None:
    team_id = "64f0c2a1b2c3d4e5f6a7b8c9"
    workspace = sf.get(f"{BASE}/team").json()["_id"]
    changed = sf.patch(
        f"/v1/workspaces/{int(workspace, 16)}", json={"aliases": {"salesfinity": team_id}}
    )
    assert changed.status_code == 200, changed.text
    assert sf.get(f"{BASE}/team").json()["_id"] == team_id
    assert sf.get(f"{BASE}/custom-fields").json()[0]["team"] == team_id
