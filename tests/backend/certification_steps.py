"""Steps the certification tests share: an approved case, an identity check, a certification."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.backend.factories import complete_case
from tests.backend.helpers import BASE

CERT = f"{BASE}/certifications"
REVIEW_STEPS = ("accepted", "verifying", "reviewing", "approved")


async def approve(client: TestClient, staff: dict[str, str], case_no: str) -> None:
    for status in REVIEW_STEPS:
        response = await client.post(f"/api/v1/cases/{case_no}/transitions",
                                     json={"to": status, "reason": "审核通过"}, headers=staff)
        assert response.status == 200, await response.text()


async def approved_case(client: TestClient, service: dict[str, str], staff: dict[str, str],
                        channel_user: str = "chat-1", **overrides: Any
                        ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A case (王秀英, 3 people, 渝中区解放碑街道 unless overridden), approved: (case, its body)."""
    body = complete_case(channel_user, **overrides)
    response = await client.post(f"{BASE}/cases", json=body, headers=service)
    assert response.status == 201, await response.text()
    case = await response.json()
    await approve(client, staff, case["case_no"])
    return case, body


def right_answers(challenge: dict[str, Any], body: dict[str, Any]) -> dict[str, str]:
    """The true answers to the questions the backend chose (name, ID tail, one case fact)."""
    fact_question = next(q["text"] for q in challenge["questions"] if q["key"] == "fact")
    household = 1 + len(body["members"])
    fact = f"{household}口人" if "几口人" in fact_question else body["street"]
    return {"name": body["applicant_name"], "id_tail": body["applicant_id_number"][-4:],
            "fact": fact}


async def start(client: TestClient, service: dict[str, str], channel_user: str = "chat-1",
                status: int = 201, **body: Any) -> dict[str, Any]:
    response = await client.post(f"{CERT}/verifications",
                                 json={"channel_user": channel_user, **body}, headers=service)
    assert response.status == status, await response.text()
    return await response.json()


async def answer(client: TestClient, service: dict[str, str], challenge: dict[str, Any],
                 answers: dict[str, str], channel_user: str = "chat-1") -> tuple[int, Any]:
    response = await client.post(
        f"{CERT}/verifications/{challenge['verification_id']}/answers",
        json={"channel_user": channel_user, "answers": answers}, headers=service)
    return response.status, await response.json()


NO_CHANGES = {"still_at_address": True, "household_changed": False, "income_changed": False}


async def certify(client: TestClient, service: dict[str, str], challenge: dict[str, Any],
                  channel_user: str = "chat-1", key: str | None = None,
                  **answers: Any) -> tuple[int, Any]:
    headers = {**service, **({"Idempotency-Key": key} if key else {})}
    response = await client.post(CERT, headers=headers, json={
        "channel_user": channel_user, "verification_id": challenge["verification_id"],
        **(answers or NO_CHANGES)})
    return response.status, await response.json()
