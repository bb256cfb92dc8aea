"""The web chat page, and the relay that carries its messages to Rasa's REST channel."""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from backend.api.common import json_response
from backend.errors import InvalidInput
from backend.keys import DB, SETTINGS
from backend.services.escalations import undelivered_replies

routes = web.RouteTableDef()
log = logging.getLogger(__name__)
HTTP = web.AppKey("rasa_http", aiohttp.ClientSession)
_PAGE = Path(__file__).parent / "static" / "chat.html"
_SENDER = re.compile(r"^web-[A-Za-z0-9_-]{8,64}$")
RASA_DOWN = "助手暂时不在线，请稍后再试。您刚才填写的内容已经保存，不会丢失。"


@functools.cache
def _page_template() -> str:
    return _PAGE.read_text(encoding="utf-8")


async def rasa_client(app: web.Application) -> AsyncIterator[None]:
    """One HTTP session to Rasa for the life of the app (registered in `cleanup_ctx`)."""
    app[HTTP] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
    yield
    await app[HTTP].close()


@routes.get("/", name="home")
async def home(request: web.Request) -> web.Response:
    """Redirect to the chat page."""
    raise web.HTTPFound(request.app.router["chat"].url_for())


@routes.get("/chat", name="chat")
async def chat(request: web.Request) -> web.Response:
    """The web chat page (phone-sized screens first)."""
    return web.Response(text=_page_template(), content_type="text/html", charset="utf-8")


@routes.post("/chat/messages", name="chat_relay")
async def relay(request: web.Request) -> web.Response:
    """Pass one chat message to Rasa's REST channel and return the bot's replies."""
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput("请求内容不是有效的 JSON", code="invalid_json") from exc
    sender = str(body.get("sender", "")) if isinstance(body, dict) else ""
    message = body.get("message") if isinstance(body, dict) else None
    if not _SENDER.match(sender) or not isinstance(message, str) or len(message) > 5000:
        raise InvalidInput("消息格式不对", code="bad_message")
    replies = await _ask_rasa(request.app, sender, message)
    try:
        async with request.app[DB].begin() as session:
            staff_replies = await undelivered_replies(session=session, channel_user=sender)
    except (SQLAlchemyError, OSError):  # the chat goes on; the replies wait for the next message
        log.warning("staff replies could not be read for a chat user")
        staff_replies = []
    return json_response([*replies, *({"text": f"【工作人员回复】{text}"} for text in staff_replies)])


async def _ask_rasa(app: web.Application, sender: str, message: str) -> list[dict[str, object]]:
    url = app[SETTINGS].rasa_url.rstrip("/") + "/webhooks/rest/webhook"
    try:
        async with app[HTTP].post(url, json={"sender": sender, "message": message}) as response:
            if response.status == 200:
                return list(await response.json())
    except (aiohttp.ClientError, TimeoutError):
        pass
    return [{"text": RASA_DOWN}]
