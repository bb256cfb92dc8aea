"""Eligibility certification from the chat side: schedules, identity checks, certifying."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.app import create_app
from backend.models import (
    Applicant,
    Case,
    CertificationRecord,
    CertificationSchedule,
    VerificationAttempt,
)
from backend.models.base import utcnow
from backend.privacy.crypto import PersonalDataCipher
from backend.services.certification import china_today
from backend.services.identity import KnowledgeVerifier, count_in
from backend.settings import Settings
from tests.backend.certification_steps import (
    CERT,
    NO_CHANGES,
    answer,
    approved_case,
    certify,
    right_answers,
    start,
)
from tests.backend.conftest import staff_token
from tests.backend.factories import make_id

Db = async_sessionmaker[AsyncSession]


async def _schedules(db: Db) -> list[CertificationSchedule]:
    async with db() as session:
        return list(await session.scalars(select(CertificationSchedule)))


async def test_approval_creates_a_schedule_only_for_recurring_assistance(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    case, _ = await approved_case(client, service_headers, staff)
    await approved_case(client, service_headers, staff, assistance_type="linshi")
    schedules = await _schedules(db)
    assert len(schedules) == 1  # 临时救助 is one-off: nothing to certify
    assert schedules[0].next_due_on == china_today() + timedelta(days=90)
    assert schedules[0].last_certified_at is None

    response = await client.get(CERT, params={"channel_user": "chat-1"}, headers=service_headers)
    items = (await response.json())["items"]
    assert [i["case_no"] for i in items] == [case["case_no"]]
    due = china_today() + timedelta(days=90)
    assert items[0]["next_due_text"] == f"{due.year}年{due.month}月{due.day}日前"
    assert items[0]["state"] == "upcoming"
    assert "street" not in items[0]  # the chat never gets what an identity check asks


async def test_interval_comes_from_the_settings(aiohttp_client: Any, settings: Settings,
                                                db: Db, service_headers: dict[str, str]) -> None:
    client = await aiohttp_client(create_app(replace(settings, certification_interval_days=30)))
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    await approved_case(client, service_headers, staff)
    assert (await _schedules(db))[0].next_due_on == china_today() + timedelta(days=30)


async def test_no_certification_before_approval(client: TestClient, db: Db,
                                                service_headers: dict[str, str]) -> None:
    response = await client.post(f"{CERT}/verifications", json={"channel_user": "chat-1"},
                                 headers=service_headers)
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "no_certification"


async def test_questions_go_out_and_the_facts_stay_in(client: TestClient, db: Db,
                                                      service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    _, body = await approved_case(client, service_headers, staff)
    challenge = await start(client, service_headers)
    assert [q["key"] for q in challenge["questions"]] == ["name", "id_tail", "fact"]
    text = str(challenge)
    assert "解放碑" not in text and body["applicant_id_number"][-4:] not in text
    assert "王秀英" not in text

    status, result = await answer(client, service_headers, challenge,
                                  right_answers(challenge, body))
    assert status == 200 and result == {"verified": True}


async def test_wrong_answers_are_refused_without_saying_which(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    _, body = await approved_case(client, service_headers, staff)
    challenge = await start(client, service_headers)
    right = right_answers(challenge, body)
    for wrong in ({"name": "王秀"}, {"id_tail": "0000" if right["id_tail"] != "0000" else "1111"},
                  {"fact": "五口人" if "口人" in right["fact"] else "七星岗街道"}):
        # A different chat user must not get a check it did not start.
        status, _ = await answer(client, service_headers, challenge, right, channel_user="x")
        assert status == 404
        status, result = await answer(client, service_headers, challenge, right | wrong)
        assert status in (422, 429), result
        assert "不一致" in result["error"]["message"] or "太多" in result["error"]["message"]
        if status == 429:
            break
    async with db() as session:
        attempts = list(await session.scalars(select(VerificationAttempt)))
    assert [a.succeeded for a in attempts] == [False, False, False]


async def test_knowledge_verifier_judges_each_fact() -> None:
    key = lambda: secrets.token_bytes(32)  # noqa: E731
    cipher = PersonalDataCipher(encryption_key=key(), hash_key=key())
    id_number = make_id("19580312", sequence=57)
    case = Case(district="渝中区", street="解放碑街道", household_size=3,
                applicant=Applicant(name="王秀英", id_number_enc=cipher.encrypt(id_number)))
    verifier = KnowledgeVerifier(cipher)
    base = {"name": "王秀英", "id_tail": id_number[-4:]}

    async def judge(asked: str, **answers: str) -> bool:
        return await verifier.check(case=case, state={"fact": asked}, answers=base | answers)

    assert await judge("household_size", fact="一家三口")
    assert await judge("household_size", fact="3")
    assert not await judge("household_size", fact="四口人")
    assert await judge("street", fact="渝中区解放碑街道")
    assert await judge("street", fact="解放碑")
    assert not await judge("street", fact="解放碑 七星岗 大溪沟")  # no listing every street
    assert not await judge("street", fact="碑")
    assert await judge("street", fact="解放碑", id_tail=id_number[-6:])  # the last six work too
    assert not await judge("street", fact="解放碑", id_tail=id_number[-5:])
    assert not await judge("street", fact="解放碑", name="王秀")
    assert count_in("十二个人") == 12 and count_in("没有") is None


async def test_three_failures_lock_the_chat_user_and_the_case(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    _, body = await approved_case(client, service_headers, staff)
    challenge = await start(client, service_headers)
    wrong = right_answers(challenge, body) | {"name": "张三"}
    results = [await answer(client, service_headers, challenge, wrong) for _ in range(3)]
    assert [status for status, _ in results] == [422, 422, 429]
    assert results[0][1]["error"]["details"]["remaining_attempts"] == 2
    assert "30分钟" in results[2][1]["error"]["message"]
    # Locked: the right answers do not help now, nor does a new check.
    status, _ = await answer(client, service_headers, challenge, right_answers(challenge, body))
    assert status == 429
    await start(client, service_headers, status=429)

    # The same case from the applicant's own chat is locked too (counted per case) ...
    async with db.begin() as session:
        await session.execute(update(Applicant).values(channel_user="chat-applicant"))
    await start(client, service_headers, channel_user="chat-applicant", status=429)
    # ... and after the lock time both may try again.
    async with db.begin() as session:
        await session.execute(update(VerificationAttempt).values(
            created_at=utcnow() - timedelta(minutes=31)))
    challenge = await start(client, service_headers)
    status, _ = await answer(client, service_headers, challenge, right_answers(challenge, body))
    assert status == 200


async def test_a_success_clears_earlier_failures(client: TestClient, db: Db,
                                                 service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    _, body = await approved_case(client, service_headers, staff)
    challenge = await start(client, service_headers)
    wrong = right_answers(challenge, body) | {"name": "张三"}
    for _ in range(2):
        assert (await answer(client, service_headers, challenge, wrong))[0] == 422
    assert (await answer(client, service_headers, challenge,
                         right_answers(challenge, body)))[0] == 200
    challenge = await start(client, service_headers)
    status, result = await answer(client, service_headers, challenge,
                                  right_answers(challenge, body) | {"name": "张三"})
    assert status == 422 and result["error"]["details"]["remaining_attempts"] == 2


async def test_certify_without_changes_moves_the_due_date(client: TestClient, db: Db,
                                                          service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    case, body = await approved_case(client, service_headers, staff)
    challenge = await start(client, service_headers)
    status, result = await certify(client, service_headers, challenge)
    assert status == 409  # not verified yet
    assert result["error"]["code"] == "identity_not_verified"

    async with db.begin() as session:  # the first period has nearly run out
        await session.execute(update(CertificationSchedule).values(
            next_due_on=china_today() + timedelta(days=3)))
    await answer(client, service_headers, challenge, right_answers(challenge, body))
    status, result = await certify(client, service_headers, challenge, key="cert-1")
    assert status == 201, result
    next_due = china_today() + timedelta(days=90)
    assert result["next_due_on"] == next_due.isoformat()
    assert result["next_due_text"] == f"{next_due.year}年{next_due.month}月{next_due.day}日前"
    assert result["changes_reported"] is False
    # A retry with the same key is answered the same; the check cannot be used twice.
    assert await certify(client, service_headers, challenge, key="cert-1") == (status, result)
    status, again = await certify(client, service_headers, challenge, key="cert-2")
    assert status == 409 and again["error"]["code"] == "verification_expired"

    async with db() as session:
        records = list(await session.scalars(select(CertificationRecord)))
        schedule = (await session.scalars(select(CertificationSchedule))).one()
    assert len(records) == 1
    assert records[0].due_on == china_today() + timedelta(days=3)
    assert records[0].next_due_on == next_due == schedule.next_due_on
    assert records[0].method == "knowledge" and schedule.last_certified_at is not None

    response = await client.get(f"/api/v1/cases/{case['case_no']}", headers=staff)
    events = (await response.json())["events"]
    assert events[-1]["kind"] == "certification" and "没有变化" in events[-1]["text"]


async def test_changes_reported_become_a_task(client: TestClient, db: Db,
                                              service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    case, body = await approved_case(client, service_headers, staff)
    challenge = await start(client, service_headers)
    await answer(client, service_headers, challenge, right_answers(challenge, body))
    status, result = await certify(
        client, service_headers, challenge, still_at_address=False,
        address_detail="搬到渝北区龙溪街道金龙路8号", household_changed=True,
        household_detail="孙女去外地读大学了", income_changed=False)
    assert status == 201 and result["changes_reported"] is True

    response = await client.get("/api/v1/case-tasks", headers=staff)
    tasks = (await response.json())["items"]
    assert len(tasks) == 1
    task = tasks[0]
    assert task["case_no"] == case["case_no"] and task["kind"] == "certification_change"
    assert task["status"] == "open" and task["applicant_name"] == "王秀英"
    assert "金龙路8号" in task["description"] and "孙女去外地读大学了" in task["description"]
    assert "收入" not in task["description"]
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(CertificationRecord)) == 1


async def test_bad_certification_bodies_are_refused(client: TestClient, db: Db,
                                                    service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    _, body = await approved_case(client, service_headers, staff)
    challenge = await start(client, service_headers)
    await answer(client, service_headers, challenge, right_answers(challenge, body))
    response = await client.post(CERT, headers=service_headers, json={
        "channel_user": "chat-1", "verification_id": challenge["verification_id"],
        **NO_CHANGES, "extra": 1})
    assert response.status == 422
    status, result = await certify(client, service_headers, challenge, still_at_address=True,
                                   address_detail="新地址", household_changed=False,
                                   income_changed=False)
    assert status == 422 and result["error"]["code"] == "address_detail_unexpected"
    status, _ = await certify(client, service_headers, challenge, channel_user="chat-2")
    assert status == 404  # another chat cannot use this check
