"""Health check, the OpenAPI document, and the web chat page."""

from __future__ import annotations

from dataclasses import replace

from aiohttp import web
from aiohttp.test_utils import TestClient

from backend.app import create_app
from backend.settings import Settings
from tests.backend.conftest import make_settings


async def test_healthz_answers_when_the_database_does(client: TestClient) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["database"] == "up"


async def test_healthz_reports_a_dead_database(aiohttp_client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dead = make_settings("postgresql://nobody@127.0.0.1:1/none")
    client = await aiohttp_client(create_app(dead))
    response = await client.get("/healthz")
    assert response.status == 503
    assert (await response.json())["status"] == "unavailable"


async def test_openapi_lists_every_endpoint(client: TestClient, settings: Settings) -> None:
    document = await (await client.get("/api/openapi.json")).json()
    app: web.Application = create_app(settings)
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if route.method == "HEAD":
            continue
        assert route.method.lower() in document["paths"][path], (route.method, path)
    login = document["paths"]["/api/v1/staff/login"]["post"]
    schema_name = login["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert schema_name.endswith("/StaffLogin")
    assert document["paths"]["/api/v1/cases"]["get"]["security"] == [{"staffToken": []}]
    assert document["components"]["schemas"]["MemberIn"]["additionalProperties"] is False


async def test_chat_page_is_served(client: TestClient) -> None:
    response = await client.get("/chat")
    assert response.status == 200
    text = await response.text()
    assert "社会救助小助手" in text
    assert 'name="viewport"' in text


async def test_chat_relay_apologises_when_rasa_is_down(aiohttp_client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    client = await aiohttp_client(create_app(replace(settings, rasa_url="http://127.0.0.1:1")))
    response = await client.post("/chat/messages",
                                 json={"sender": "web-abcdef123456", "message": "你好"})
    replies = await response.json()
    assert response.status == 200
    assert "不会丢失" in replies[0]["text"]
    response = await client.post("/chat/messages", json={"sender": "bad id", "message": "hi"})
    assert response.status == 422
