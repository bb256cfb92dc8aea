"""Shared handler plumbing: JSON in and out, authentication, transactions, idempotency."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import DomainError, InvalidInput, Unauthorised
from backend.keys import DB, SETTINGS, STAFF_USER
from backend.models import IdempotencyRecord, StaffUser
from backend.services.staff import staff_for_token

Model = TypeVar("Model", bound=BaseModel)
Write = Callable[[AsyncSession], Awaitable[tuple[int, Any]]]

IDEMPOTENCY_HEADER = "Idempotency-Key"


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_response(payload: Any, status: int = 200) -> web.Response:
    return web.Response(text=dumps(payload), status=status, content_type="application/json")


async def read_model(request: web.Request, model: type[Model]) -> Model:
    raw = await request.read()
    try:
        data = json.loads(raw or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput("请求内容不是有效的 JSON", code="invalid_json") from exc
    if not isinstance(data, dict):
        raise InvalidInput("请求内容应为 JSON 对象", code="invalid_json")
    return model.model_validate(data)


def bearer_token(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorised("缺少访问令牌", code="token_required")
    return token.strip()


def require_service(request: web.Request) -> None:
    """The action server's token; it opens the service API and nothing else."""
    expected = request.app[SETTINGS].service_token
    if not hmac.compare_digest(bearer_token(request).encode(), expected.encode()):
        raise Unauthorised("访问令牌无效", code="bad_token")


async def require_staff(request: web.Request, session: AsyncSession) -> StaffUser:
    staff = await staff_for_token(session=session, token=bearer_token(request))
    request[STAFF_USER] = staff
    return staff


def staff_principal(request: web.Request) -> str:
    """The idempotency scope of a staff write: one login session, without storing the token."""
    return "staff:" + hashlib.sha256(request.headers.get("Authorization", "").encode()).hexdigest()[:16]


def _idempotency_key(request: web.Request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    key = key.strip()
    if not 1 <= len(key) <= 100 or not key.isascii() or not key.isprintable():
        raise InvalidInput("Idempotency-Key 应为1到100个可见ASCII字符", code="bad_idempotency_key")
    return key


async def _stored(session: AsyncSession, scope: str, key: str) -> IdempotencyRecord | None:
    return await session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.scope == scope, IdempotencyRecord.key == key))


def _replay(record: IdempotencyRecord, request_hash: str) -> web.Response:
    if record.request_hash != request_hash:
        raise InvalidInput("这个 Idempotency-Key 已用于另一项不同的请求",
                          code="idempotency_key_reused")
    response = web.Response(text=record.response_body, status=record.status_code,
                            content_type="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


async def run_write(request: web.Request, write: Write, *, principal: str) -> web.Response:
    """Run `write` in one transaction; with an Idempotency-Key, a retry replays the answer."""
    key = _idempotency_key(request)
    scope = f"{request.method} {request.path} {principal}"
    request_hash = hashlib.sha256(await request.read()).hexdigest()
    db = request.app[DB]
    try:
        async with db.begin() as session:
            if key and (stored := await _stored(session, scope, key)):
                return _replay(stored, request_hash)
            status, payload = await write(session)
            body = dumps(payload)
            if key:
                session.add(IdempotencyRecord(scope=scope, key=key, request_hash=request_hash,
                                              status_code=status, response_body=body))
                await session.flush()
    except IntegrityError:
        if not key:
            raise
        async with db() as session:  # a concurrent twin won the race: answer as it did
            stored = await _stored(session, scope, key)
        if stored is None:
            raise
        return _replay(stored, request_hash)
    return web.Response(text=body, status=status, content_type="application/json")


def path_int(request: web.Request, name: str, *, error: DomainError) -> int:
    """An integer route parameter (an escalation, alert, helper ... id); `error` if it is not."""
    try:
        return int(request.match_info[name])
    except ValueError as exc:
        raise error from exc


def page_params(request: web.Request) -> tuple[int, int]:
    """`?limit=` (1-500, default 50) and `?offset=` of a list endpoint."""
    try:
        limit = min(max(int(request.query.get("limit", "50")), 1), 500)
        offset = max(int(request.query.get("offset", "0")), 0)
    except ValueError as exc:
        raise InvalidInput("limit 和 offset 应为整数", code="bad_filter") from exc
    return limit, offset
