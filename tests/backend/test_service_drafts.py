"""Drafts field by field, resume, members, submission: the service API the bot uses."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import Case
from tests.backend.factories import make_id

BASE = "/api/v1/service"


async def _draft(client: TestClient, headers: dict[str, str], user: str = "chat-a",
                 **body: Any) -> dict[str, Any]:
    response = await client.post(f"{BASE}/drafts", json={"channel_user": user, **body},
                                  headers=headers)
    assert response.status == 201, await response.text()
    return await response.json()


async def _patch(client: TestClient, headers: dict[str, str], case_no: str, user: str,
                 **fields: Any) -> tuple[int, dict[str, Any]]:
    response = await client.patch(f"{BASE}/cases/{case_no}", params={"channel_user": user},
                                  json=fields, headers=headers)
    return response.status, await response.json()


async def test_draft_saved_field_by_field_and_resumed(client: TestClient,
                                                      service_headers: dict[str, str]) -> None:
    draft = await _draft(client, service_headers, assistance_type="dibao")
    case_no = draft["case_no"]
    assert draft["status"] == "draft"
    assert draft["missing_fields"][0] == "applicant_name"

    status, case = await _patch(client, service_headers, case_no, "chat-a",
                                applicant_name="王秀英")
    assert status == 200
    status, case = await _patch(client, service_headers, case_no, "chat-a",
                                applicant_id_number=make_id("19580312", sequence=122))
    assert status == 200
    assert case["applicant"]["id_number_masked"].startswith("500***")
    assert case["applicant"]["age"] >= 68

    # Another process (or tomorrow) asks for the chat user's draft: it resumes where it was.
    response = await client.get(f"{BASE}/drafts/latest", params={"channel_user": "chat-a"},
                                headers=service_headers)
    resumed = (await response.json())["draft"]
    assert resumed["case_no"] == case_no
    assert resumed["applicant"]["name"] == "王秀英"
    assert resumed["missing_fields"][0] == "applicant_phone"
    assert "id_number" not in resumed["applicant"]


async def test_other_chat_user_cannot_touch_a_draft(client: TestClient,
                                                    service_headers: dict[str, str]) -> None:
    draft = await _draft(client, service_headers)
    status, body = await _patch(client, service_headers, draft["case_no"], "chat-intruder",
                                applicant_name="张三")
    assert status == 404
    assert body["error"]["code"] == "case_not_found"
    response = await client.get(f"{BASE}/cases/{draft['case_no']}",
                                params={"channel_user": "chat-intruder"}, headers=service_headers)
    assert response.status == 404


async def test_members_added_changed_removed(client: TestClient,
                                             service_headers: dict[str, str]) -> None:
    case_no = (await _draft(client, service_headers))["case_no"]
    url = f"{BASE}/cases/{case_no}/members"
    son = {"relation": "儿子", "name": "李强", "id_number": make_id("19850607"),
           "monthly_income": 2000}
    response = await client.post(url, params={"channel_user": "chat-a"}, json=son,
                                 headers=service_headers)
    assert response.status == 201
    son_id = (await response.json())["member_id"]
    in_law = {"relation": "儿媳", "name": "陈芳", "id_number": make_id("19870101")}
    response = await client.post(url, params={"channel_user": "chat-a"}, json=in_law,
                                 headers=service_headers)
    in_law_id = (await response.json())["member_id"]

    # 把我儿子的收入改成三千
    response = await client.patch(f"{url}/{son_id}", params={"channel_user": "chat-a"},
                                  json={"monthly_income": 3000}, headers=service_headers)
    assert response.status == 200
    # 删掉我儿媳
    response = await client.delete(f"{url}/{in_law_id}", params={"channel_user": "chat-a"},
                                   headers=service_headers)
    case = await response.json()
    assert [(m["name"], m["monthly_income"]) for m in case["members"]] == [("李强", 3000.0)]

    # The same person twice is refused.
    response = await client.post(url, params={"channel_user": "chat-a"}, json=son,
                                 headers=service_headers)
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "duplicate_member"


async def test_incomplete_draft_cannot_be_submitted(client: TestClient,
                                                    service_headers: dict[str, str]) -> None:
    case_no = (await _draft(client, service_headers, assistance_type="linshi"))["case_no"]
    response = await client.post(f"{BASE}/cases/{case_no}/submit",
                                 params={"channel_user": "chat-a"}, headers=service_headers)
    assert response.status == 422
    error = (await response.json())["error"]
    assert error["code"] == "draft_incomplete"
    assert "申请人姓名" in error["message"]
    assert error["details"]["missing_fields"][0] == "applicant_name"


async def _fill(client: TestClient, headers: dict[str, str], case_no: str, user: str) -> None:
    status, _ = await _patch(
        client, headers, case_no, user, applicant_name="王秀英",
        applicant_id_number=make_id("19580312"), applicant_phone="13800001234",
        district="渝中区", street="解放碑街道", address="民族路100号", hukou_type="urban",
        hardship="没有收入")
    assert status == 200


async def test_submit_is_idempotent_and_freezes_the_draft(client: TestClient,
                                                          service_headers: dict[str, str]) -> None:
    case_no = (await _draft(client, service_headers, assistance_type="dibao"))["case_no"]
    await _fill(client, service_headers, case_no, "chat-a")
    url = f"{BASE}/cases/{case_no}/submit"
    first = await client.post(url, params={"channel_user": "chat-a"}, headers=service_headers)
    second = await client.post(url, params={"channel_user": "chat-a"}, headers=service_headers)
    assert first.status == second.status == 200
    case = await second.json()
    assert case["status"] == "submitted"
    assert [e["to"] for e in case["events"] if e["kind"] == "transition"] == ["submitted"]
    status, body = await _patch(client, service_headers, case_no, "chat-a", address="改了")
    assert status == 409
    assert body["error"]["code"] == "case_not_draft"


async def test_helper_files_for_applicant_and_only_sees_own_cases(
        client: TestClient, service_headers: dict[str, str]) -> None:
    case_no = (await _draft(client, service_headers, user="chat-helper", for_self=False,
                            assistance_type="tekun"))["case_no"]
    response = await client.put(
        f"{BASE}/cases/{case_no}/helper", params={"channel_user": "chat-helper"},
        json={"name": "刘敏", "phone": "13900005678", "relation": "网格员",
              "organisation": "解放碑街道"}, headers=service_headers)
    assert response.status == 200
    helper = (await response.json())["helper"]
    assert helper == {"name": "刘敏", "relation": "网格员", "organisation": "解放碑街道",
                      "phone_masked": "139****5678"}
    await _fill(client, service_headers, case_no, "chat-helper")
    await _draft(client, service_headers, user="chat-other")

    mine = await client.get(f"{BASE}/cases", params={"channel_user": "chat-helper"},
                            headers=service_headers)
    assert [c["case_no"] for c in (await mine.json())["items"]] == [case_no]
    theirs = await client.get(f"{BASE}/cases", params={"channel_user": "chat-other"},
                              headers=service_headers)
    assert case_no not in [c["case_no"] for c in (await theirs.json())["items"]]


async def test_chat_user_lists_cases_filed_and_applied_for(
        client: TestClient, db: async_sessionmaker[AsyncSession],
        service_headers: dict[str, str]) -> None:
    own = (await _draft(client, service_headers, user="chat-a"))["case_no"]
    filed = (await _draft(client, service_headers, user="chat-a", for_self=False))["case_no"]
    applied = (await _draft(client, service_headers, user="chat-helper",
                            for_self=False))["case_no"]
    await _draft(client, service_headers, user="chat-other")
    async with db.begin() as session:  # the applicant's own chat, linked after a helper filed
        case = await session.scalar(select(Case).where(Case.case_no == applied))
        assert case is not None and case.applicant is not None
        case.applicant.channel_user = "chat-a"

    response = await client.get(f"{BASE}/cases", params={"channel_user": "chat-a"},
                                headers=service_headers)
    body = await response.json()
    assert [c["case_no"] for c in body["items"]] == [applied, filed, own]  # newest first, once each
    assert body["total"] == 3


async def test_lookup_needs_id_tail_and_limits_failures(client: TestClient,
                                                        service_headers: dict[str, str]) -> None:
    id_number = make_id("19580312")
    case_no = (await _draft(client, service_headers, assistance_type="dibao"))["case_no"]
    await _fill(client, service_headers, case_no, "chat-a")
    await _patch(client, service_headers, case_no, "chat-a", applicant_id_number=id_number)
    await client.post(f"{BASE}/cases/{case_no}/submit", params={"channel_user": "chat-a"},
                      headers=service_headers)
    url = f"{BASE}/cases/lookup"
    good = {"channel_user": "chat-b", "case_no": case_no.lower(), "id_tail": id_number[-4:]}
    response = await client.post(url, json=good, headers=service_headers)
    assert response.status == 200
    assert (await response.json())["case_no"] == case_no

    wrong_tail = "0000" if id_number[-4:] != "0000" else "1111"
    for _ in range(5):
        response = await client.post(url, json={**good, "id_tail": wrong_tail},
                                     headers=service_headers)
        assert response.status == 404
    response = await client.post(url, json=good, headers=service_headers)
    assert response.status == 429
    assert "次数太多" in (await response.json())["error"]["message"]


async def test_withdraw_before_decision(client: TestClient,
                                        service_headers: dict[str, str]) -> None:
    case_no = (await _draft(client, service_headers, assistance_type="dibao"))["case_no"]
    await _fill(client, service_headers, case_no, "chat-a")
    await client.post(f"{BASE}/cases/{case_no}/submit", params={"channel_user": "chat-a"},
                      headers=service_headers)
    response = await client.post(f"{BASE}/cases/{case_no}/withdraw",
                                 json={"channel_user": "chat-a", "reason": "不需要了"},
                                 headers=service_headers)
    assert response.status == 200
    assert (await response.json())["status"] == "withdrawn"
    again = await client.post(f"{BASE}/cases/{case_no}/withdraw",
                              json={"channel_user": "chat-a"}, headers=service_headers)
    assert again.status == 409
