"""Steps the certificate, notice and linked-benefit tests share: a case approved by staff."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.backend.helpers import submit_complete_case

REVIEW_PATH = ("accepted", "verifying", "reviewing", "approved")


async def move_case(client: TestClient, staff: dict[str, str], case_no: str,
                    targets: tuple[str, ...] = REVIEW_PATH) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for target in targets:
        response = await client.post(f"/api/v1/cases/{case_no}/transitions",
                                     json={"to": target, "reason": f"审核：{target}"},
                                     headers=staff)
        assert response.status == 200, await response.text()
        body = await response.json()
    return body


async def approved_case(client: TestClient, service: dict[str, str], staff: dict[str, str],
                        **overrides: Any) -> dict[str, Any]:
    """A complete application, submitted through the service API and approved by staff."""
    case = await submit_complete_case(client, service, **overrides)
    return await move_case(client, staff, case["case_no"])
