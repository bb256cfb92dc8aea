"""Escalations: from the chat to staff and the reply back, with district scoping."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.backend.conftest import staff_token
from tests.backend.helpers import BASE, submit_complete_case

Db = async_sessionmaker[AsyncSession]


async def test_question_reply_and_delivery(client: TestClient, db: Db,
                                           service_headers: dict[str, str]) -> None:
    case = await submit_complete_case(client, service_headers)
    response = await client.post(f"{BASE}/escalations", headers=service_headers, json={
        "channel_user": "chat-1", "question": "我的身份证号500103195803121232填错了怎么办",
        "case_no": case["case_no"]})
    escalation = await response.json()
    assert escalation["status"] == "open"
    assert escalation["district"] == "渝中区"
    assert "500103195803121232" not in escalation["question"]
    await client.post(f"{BASE}/escalations", headers=service_headers, json={
        "channel_user": "chat-2", "question": "家里断炊了", "priority": "urgent"})

    headers = await staff_token(client, db, "yuzhong", "渝中区")
    queue = await (await client.get("/api/v1/escalations", params={"status": "open"},
                                    headers=headers)).json()
    assert [e["priority"] for e in queue["items"]] == ["urgent", "normal"]

    url = f"/api/v1/escalations/{escalation['id']}"
    assert (await client.post(f"{url}/claim", headers=headers)).status == 200
    assert (await client.post(f"{url}/claim", headers=headers)).status == 409
    response = await client.post(f"{url}/reply", json={"text": "请到街道办更正。"},
                                 headers=headers)
    answered = await response.json()
    assert answered["status"] == "answered"
    assert answered["claimed_at"] and answered["answered_at"]

    inbox = await (await client.post(f"{BASE}/escalations/inbox",
                                     params={"channel_user": "chat-1"},
                                     headers=service_headers)).json()
    assert inbox["items"][0]["replies"][0]["text"] == "请到街道办更正。"
    again = await (await client.post(f"{BASE}/escalations/inbox",
                                     params={"channel_user": "chat-1"},
                                     headers=service_headers)).json()
    assert again["items"][0]["replies"][0]["delivered"] is True

    closed = await (await client.post(f"{url}/close", headers=headers)).json()
    assert closed["status"] == "closed" and closed["closed_at"]


async def test_other_district_cannot_see_or_answer(client: TestClient, db: Db,
                                                   service_headers: dict[str, str]) -> None:
    case = await submit_complete_case(client, service_headers, district="江北区",
                                      street="观音桥街道")
    escalation = await (await client.post(f"{BASE}/escalations", headers=service_headers, json={
        "channel_user": "chat-1", "question": "进度怎么样", "case_no": case["case_no"]})).json()
    yuzhong = await staff_token(client, db, "yuzhong", "渝中区")
    queue = await (await client.get("/api/v1/escalations", headers=yuzhong)).json()
    assert queue["items"] == []
    response = await client.post(f"/api/v1/escalations/{escalation['id']}/reply",
                                 json={"text": "x"}, headers=yuzhong)
    assert response.status == 404


async def test_staff_reply_reaches_the_web_chat_on_the_next_message(
        aiohttp_client, db: Db, settings, service_headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """The relay appends unseen staff replies to whatever the bot says (here Rasa is down)."""
    from dataclasses import replace

    from backend.app import create_app

    client = await aiohttp_client(create_app(replace(settings, rasa_url="http://127.0.0.1:1")))
    sender = "web-abcdef123456"
    escalation = await (await client.post(f"{BASE}/escalations", headers=service_headers, json={
        "channel_user": sender, "question": "低保怎么申请"})).json()
    headers = await staff_token(client, db, "city", None, role="city")
    await client.post(f"/api/v1/escalations/{escalation['id']}/reply", headers=headers,
                      json={"text": "请带身份证到街道办理。"})
    first = await (await client.post("/chat/messages",
                                     json={"sender": sender, "message": "在吗"})).json()
    assert first[-1]["text"] == "【工作人员回复】请带身份证到街道办理。"
    again = await (await client.post("/chat/messages",
                                     json={"sender": sender, "message": "在吗"})).json()
    assert all("工作人员回复" not in m["text"] for m in again)
