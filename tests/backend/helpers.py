"""Steps several backend tests share."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.backend.factories import complete_case

BASE = "/api/v1/service"


async def submit_complete_case(client: TestClient, headers: dict[str, str],
                               **overrides: Any) -> dict[str, Any]:
    response = await client.post(f"{BASE}/cases", json=complete_case(**overrides),
                                 headers=headers)
    assert response.status == 201, await response.text()
    return await response.json()
