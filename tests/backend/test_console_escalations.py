"""Staff console: the escalation queue, claim / reply / close, and district scoping."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import Escalation
from tests.backend.helpers import BASE, submit_complete_case
from tests.backend.test_console_auth import post_form, sign_in

Db = async_sessionmaker[AsyncSession]


async def _escalation(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await client.post(f"{BASE}/escalations", headers=headers,
                                 json={"channel_user": "chat-1", **body})
    assert response.status in (200, 201), await response.text()
    return await response.json()


async def _status(db: Db, escalation_id: int) -> str:
    async with db() as session:
        escalation = await session.get(Escalation, escalation_id)
        assert escalation is not None
        return escalation.status


async def test_queue_urgent_first_and_out_of_district_hidden(client: TestClient, db: Db,
                                                             service_headers: dict[str, str]) -> None:
    jiangbei = await submit_complete_case(client, service_headers, district="江北区",
                                          street="观音桥街道")
    await _escalation(client, service_headers, question="怎么申请低保")
    await _escalation(client, service_headers, question="家里断炊了，急需帮助", priority="urgent")
    await _escalation(client, service_headers, question="江北区的案件进度怎么样",
                      case_no=jiangbei["case_no"])
    await sign_in(client, db, "yuzhong", "渝中区")
    response = await client.get("/console/escalations")
    assert response.status == 200
    text = await response.text()
    assert "求助队列" in text
    assert text.index("家里断炊了") < text.index("怎么申请低保")
    assert "紧急" in text
    assert "江北区的案件进度" not in text

    await sign_in(client, db, "jiangbei", "江北区")
    text = await (await client.get("/console/escalations")).text()
    assert "江北区的案件进度" in text and jiangbei["case_no"] in text


async def test_claim_reply_close_reach_the_chat(client: TestClient, db: Db,
                                                service_headers: dict[str, str]) -> None:
    case = await submit_complete_case(client, service_headers)
    escalation = await _escalation(client, service_headers, question="材料要交哪些？",
                                   case_no=case["case_no"])
    csrf = await sign_in(client, db, "yuzhong", "渝中区")
    page = f"/console/escalations/{escalation['id']}"
    response = await client.get(page)
    assert response.status == 200
    text = await response.text()
    assert "材料要交哪些？" in text and case["case_no"] in text and "认领" in text

    response = await post_form(client, f"{page}/claim", csrf)
    assert response.status == 303
    assert response.headers["Location"] == f"{page}?done=claim"
    assert await _status(db, escalation["id"]) == "claimed"
    text = await (await client.get(response.headers["Location"])).text()
    assert "已认领这条求助" in text
    response = await post_form(client, f"{page}/claim", csrf)
    assert response.status == 409
    assert "已经有人处理" in await response.text()

    response = await post_form(client, f"{page}/reply", csrf, text="请带户口簿和身份证到街道。")
    assert response.status == 303
    assert await _status(db, escalation["id"]) == "answered"
    inbox = await (await client.post(f"{BASE}/escalations/inbox", params={"channel_user": "chat-1"},
                                     headers=service_headers)).json()
    assert inbox["items"][0]["replies"][0]["text"] == "请带户口簿和身份证到街道。"
    text = await (await client.get(page)).text()
    assert "请带户口簿和身份证到街道。" in text and "申请人已收到" in text

    response = await post_form(client, f"{page}/reply", csrf, text="")
    assert response.status == 422
    assert "回复内容" in await response.text()

    response = await post_form(client, f"{page}/close", csrf)
    assert response.status == 303
    assert await _status(db, escalation["id"]) == "closed"
    text = await (await client.get("/console/escalations", params={"status": "closed"})).text()
    assert "材料要交哪些？" in text


async def test_forms_need_the_csrf_token(client: TestClient, db: Db,
                                         service_headers: dict[str, str]) -> None:
    escalation = await _escalation(client, service_headers, question="能帮我看看吗")
    await sign_in(client, db, "yuzhong", "渝中区")
    for csrf in (None, "0" * 64):
        for action in ("claim", "close"):
            response = await post_form(client, f"/console/escalations/{escalation['id']}/{action}",
                                       csrf)
            assert response.status == 403
        response = await post_form(client, f"/console/escalations/{escalation['id']}/reply", csrf,
                                   text="伪造的回复")
        assert response.status == 403
    assert await _status(db, escalation["id"]) == "open"


async def test_other_district_gets_404_pages_and_changes_nothing(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    case = await submit_complete_case(client, service_headers, district="江北区", street="观音桥街道")
    escalation = await _escalation(client, service_headers, question="江北的秘密问题",
                                   case_no=case["case_no"])
    csrf = await sign_in(client, db, "yuzhong", "渝中区")
    page = f"/console/escalations/{escalation['id']}"
    response = await client.get(page)
    assert response.status == 404
    text = await response.text()
    assert "没有找到这条求助" in text and "江北的秘密问题" not in text
    for action, fields in (("claim", {}), ("reply", {"text": "越权回复"}), ("close", {})):
        response = await post_form(client, f"{page}/{action}", csrf, **fields)
        assert response.status == 404, action
    assert await _status(db, escalation["id"]) == "open"
    assert (await client.get("/console/escalations/not-a-number")).status == 404

    await sign_in(client, db, "city", None, role="city")
    response = await client.get(page)
    assert response.status == 200
    assert "江北的秘密问题" in await response.text()


async def test_what_the_chat_user_typed_is_escaped(client: TestClient, db: Db,
                                                   service_headers: dict[str, str]) -> None:
    escalation = await _escalation(client, service_headers,
                                   question='<script>alert("x")</script>我的低保呢')
    await sign_in(client, db, "yuzhong", "渝中区")
    for path in ("/console/escalations", f"/console/escalations/{escalation['id']}"):
        text = await (await client.get(path)).text()
        assert "<script>" not in text, path
        assert "&lt;script&gt;" in text, path
