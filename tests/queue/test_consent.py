"""Per-phone consent, verification and reassigned checks: set through the API and the
importer, and the list options that act on them (require_consent_for_mobile,
block_reassigned) in claims, the preview and /callable alike. Both backends."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from dialbook.db import Database
from dialbook.kit import clock
from dialbook.workspaces.schemas import Caller
from tests.conftest import create_list
from tests.imports.test_import import import_file

NOW = dt.datetime(2026, 6, 3, 16, 0, tzinfo=dt.UTC)  # Wednesday, 12:00 in New York
NY = {"timezone": "America/New_York"}
WRITTEN = {"type": "express_written", "obtained_at": "2026-05-01T10:00:00Z", "source": "web form"}


def add(api: TestClient, list_id: int, *phones: Any) -> int:
    body = {"list_id": list_id, "phones": list(phones), **NY}
    response = api.post("/v1/contacts", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def callable_reasons(api: TestClient, contact_id: int) -> list[str]:
    found = api.get(f"/v1/contacts/{contact_id}/callable").json()
    return [reason["reason"] for reason in found["reasons"]]


def claimed(api: TestClient, list_id: int) -> set[int]:
    response = api.post(f"/v1/lists/{list_id}/queue/claim", json={"count": 100})
    assert response.status_code == 200, response.text
    return {lease["contact"]["id"] for lease in response.json()["leases"]}


def test_consent_and_checks_are_set_kept_and_cleared_through_the_api(api: TestClient) -> None:
    with clock.frozen(NOW):
        lst = create_list(api)
        phone = {
            "number": "(212) 555-0100",
            "type": "mobile",
            "consent": WRITTEN,
            "last_verified_at": "2026-05-20T09:00:00-04:00",
            "reassigned": {"result": "no", "checked_at": "2026-06-01T00:00:00Z"},
        }
        contact_id = add(api, lst["id"], phone, "+12125550101")
        found = api.get(f"/v1/contacts/{contact_id}").json()
        first, second = found["phones"]
        assert first["consent"] == WRITTEN
        assert first["last_verified_at"] == "2026-05-20T13:00:00Z"  # UTC
        assert first["reassigned"] == {"result": "no", "checked_at": "2026-06-01T00:00:00Z"}
        assert "consent" not in second  # none given: left out
        # Phones sent again without their evidence (as a dialect or a CRM sync would) keep
        # it; an explicit null clears it.
        patch = {"phones": ["+12125550101", "+12125550100"]}
        found = api.patch(f"/v1/contacts/{contact_id}", json=patch).json()
        assert found["phones"][1]["consent"] == WRITTEN
        cleared = {"phones": [{"number": "+12125550100", "consent": None}]}
        found = api.patch(f"/v1/contacts/{contact_id}", json=cleared).json()
        assert "consent" not in found["phones"][0]
        assert found["phones"][0]["reassigned"]["result"] == "no"
        # A time without an offset, an unknown type: 422 naming the field, nothing written.
        naive = {"type": "prior_express", "obtained_at": "2026-05-01T10:00:00"}
        response = api.patch(
            f"/v1/contacts/{contact_id}",
            json={"phones": [{"number": "+12125550100", "consent": naive}]},
        )
        assert response.status_code == 422, response.text
        assert [f["name"] for f in response.json()["fields"]] == ["phones[0].consent.obtained_at"]
        bad = {"phones": [{"number": "+12125550100", "consent": {"type": "verbal"}}]}
        response = api.patch(f"/v1/contacts/{contact_id}", json=bad)
        assert response.status_code == 422
        assert "express_written" in response.text
        assert api.get(f"/v1/contacts/{contact_id}").json()["version"] == found["version"]


def test_require_consent_for_mobile_blocks_an_unconsented_mobile_only(api: TestClient) -> None:
    with clock.frozen(NOW):
        lst = create_list(api, require_consent_for_mobile=True)
        assert lst["require_consent_for_mobile"] is True
        ids = {
            "mobile": add(api, lst["id"], {"number": "+12125550100", "type": "mobile"}),
            "landline": add(api, lst["id"], {"number": "+12125550101", "type": "landline"}),
            "consented": add(
                api,
                lst["id"],
                {"number": "+12125550102", "type": "mobile", "consent": {"type": "prior_express"}},
            ),
            "ebr_mobile": add(
                api,
                lst["id"],
                {
                    "number": "+12125550103",
                    "type": "mobile",
                    "consent": {"type": "established_business_relationship"},
                },
            ),
            # Typed nothing: +1 numbers may be mobiles (fixed_line_or_mobile), so consent is
            # needed.
            "untyped": add(api, lst["id"], "+12125550104"),
        }
        blocked = {"mobile", "ebr_mobile", "untyped"}
        preview = api.get(f"/v1/lists/{lst['id']}/queue/preview").json()
        assert preview["excluded"] == {"no_consent": 3}
        assert "3 mobiles without consent" in preview["summary"]
        for name, contact_id in ids.items():
            assert callable_reasons(api, contact_id) == (["no_consent"] if name in blocked else [])
        found = api.get(f"/v1/contacts/{ids['ebr_mobile']}/callable").json()["reasons"][0]
        assert "established_business_relationship is not enough" in found["detail"]
        assert found["source"] == {"kind": "list", "list_id": lst["id"]}
        assert preview["callable"] == 2
        assert claimed(api, lst["id"]) == {ids["landline"], ids["consented"]}
        # Consent given later (through the API) makes the mobile callable.
        patch = {"phones": [{"number": "+12125550100", "consent": WRITTEN}]}
        assert api.patch(f"/v1/contacts/{ids['mobile']}", json=patch).status_code == 200
        assert claimed(api, lst["id"]) == {ids["mobile"]}
        # The option off: every number is dialed.
        api.patch(f"/v1/lists/{lst['id']}", json={"require_consent_for_mobile": False})
        assert claimed(api, lst["id"]) == {ids["ebr_mobile"], ids["untyped"]}


def test_block_reassigned_blocks_a_yes_only(api: TestClient) -> None:
    with clock.frozen(NOW):
        lst = create_list(api, block_reassigned=True)

        def checked(number: str, result: str) -> int:
            check = {"result": result, "checked_at": "2026-06-02T00:00:00Z"}
            return add(api, lst["id"], {"number": number, "reassigned": check})

        yes = checked("+12125550100", "yes")
        no = checked("+12125550101", "no")
        no_data = checked("+12125550102", "no_data")
        unchecked = add(api, lst["id"], "+12125550103")
        # The number dialed is the first valid one: its check counts, not another phone's.
        second = add(
            api,
            lst["id"],
            "+12125550104",
            {"number": "+12125550105", "reassigned": {"result": "yes"}},
        )
        preview = api.get(f"/v1/lists/{lst['id']}/queue/preview").json()
        assert (preview["callable"], preview["excluded"]) == (4, {"reassigned": 1})
        found = api.get(f"/v1/contacts/{yes}/callable").json()
        assert [r["reason"] for r in found["reasons"]] == ["reassigned"]
        assert "checked 2026-06-02T00:00:00+00:00" in found["reasons"][0]["detail"]
        assert found["next_callable_at"] is None
        assert claimed(api, lst["id"]) == {no, no_data, unchecked, second}
        other = create_list(api, name="No blocking")
        moved = checked("+12125550106", "yes")
        api.patch(f"/v1/contacts/{moved}", json={"list_id": other["id"]})
        assert claimed(api, other["id"]) == {moved}


def test_consent_columns_of_a_lead_file(db: Database, caller: Caller, api: TestClient,
                                        tmp_path: Path) -> None:  # fmt: skip
    with clock.frozen(NOW):
        lst = create_list(api, require_consent_for_mobile=True, block_reassigned=True)
        path = tmp_path / "leads.csv"
        path.write_text(
            "Name,Mobile,Phone 2,Consent Type,Consent Date,Consent Source,Reassigned,"
            "RND Date,Last Verified,phone_2_consent_type\n"
            "Ann,(212) 555-0100,,PEWC,2026-05-01,web form,no,2026-06-01,2026-05-30T10:00:00Z,\n"
            "Bob,(212) 555-0101,,,,,yes,,,\n"
            "Cy,(212) 555-0102,,prior express,05/02/2026,,,,,\n"
            "Di,(212) 555-0103,,,,,,,,\n"
            "Ed,(212) 555-0104,,verbal,,,,,,\n"
            "Fa,,,ebr,,,,,,\n"
            "Gi,(212) 555-0106,(212) 555-0107,,,,,,,express written\n"
        )
        job = import_file(db, caller, lst["id"], path)
        rejects = list(csv.reader(io.StringIO(api.get(f"/v1/imports/{job.id}/rejects").text)))
        assert (job.created, job.rejected) == (5, 2)
        errors = {line: reasons for line, reasons, *_ in rejects[1:]}
        assert "Consent Type" in errors["6"]
        assert "'verbal' is not a consent type" in errors["6"]
        assert "there is no phone to apply it to" in errors["7"]
        contacts = api.get("/v1/contacts", params={"list_id": lst["id"]}).json()["data"]
        by_name = {c["first_name"]: c for c in contacts}
        ann = by_name["Ann"]["phones"][0]
        assert ann["consent"] == {
            "type": "express_written",
            "obtained_at": "2026-05-01T00:00:00Z",
            "source": "web form",
        }
        assert ann["reassigned"] == {"result": "no", "checked_at": "2026-06-01T00:00:00Z"}
        assert ann["last_verified_at"] == "2026-05-30T10:00:00Z"
        assert by_name["Bob"]["phones"][0]["reassigned"] == {"result": "yes", "checked_at": None}
        assert by_name["Cy"]["phones"][0]["consent"]["obtained_at"] == "2026-05-02T00:00:00Z"
        gi = by_name["Gi"]["phones"]
        assert "consent" not in gi[0]
        assert gi[1]["consent"]["type"] == "express_written"
        preview = api.get(f"/v1/lists/{lst['id']}/queue/preview").json()
        # Bob: reassigned; Di and Gi (dialed on their first, unconsented mobile): no consent.
        assert (preview["callable"], preview["excluded"]) == (2, {"reassigned": 1, "no_consent": 2})
