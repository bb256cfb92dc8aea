"""Errors as JSON, one structured log line per request, request ids."""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from pydantic import ValidationError

from backend.errors import DomainError
from backend.privacy.redaction import redact

log = logging.getLogger("backend.access")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_response(status: int, code: str, message: str,
                   details: dict[str, object] | None = None) -> web.Response:
    body: dict[str, object] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return web.json_response({"error": body}, status=status,
                             dumps=lambda v: json.dumps(v, ensure_ascii=False))


def _validation_message(exc: ValidationError) -> tuple[str, list[dict[str, str]]]:
    fields = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "body"
        text = str(err.get("ctx", {}).get("error", "")) or _CHINESE.get(err["type"], "格式不对")
        fields.append({"field": loc, "problem": text})
    first = fields[0] if fields else {"field": "body", "problem": "格式不对"}
    return f"{first['field']}：{first['problem']}", fields


_CHINESE = {
    "missing": "缺少这一项",
    "extra_forbidden": "不认识这一项",
    "string_too_long": "内容太长",
    "string_too_short": "不能为空",
    "string_pattern_mismatch": "含有不允许的字符",
    "string_type": "应为文字",
    "int_type": "应为整数", "int_parsing": "应为整数",
    "decimal_type": "应为数字", "decimal_parsing": "应为数字",
    "bool_type": "应为是或否", "bool_parsing": "应为是或否",
    "literal_error": "不是允许的选项", "enum": "不是允许的选项",
    "greater_than_equal": "数值太小", "less_than_equal": "数值太大",
    "too_long": "项目太多", "list_type": "应为列表", "dict_type": "应为对象",
    "model_type": "应为对象",
}


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except DomainError as exc:
        return error_response(exc.status, exc.code, exc.message, exc.details)
    except ValidationError as exc:
        message, fields = _validation_message(exc)
        return error_response(422, "invalid_input", message, {"fields": fields})
    except web.HTTPRequestEntityTooLarge:
        return error_response(413, "body_too_large", "提交的内容太大了")
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        messages = {404: "没有这个地址", 405: "不支持这种请求方式"}
        return error_response(exc.status, exc.reason.lower().replace(" ", "_"),
                              messages.get(exc.status, "请求有误"))
    except Exception:
        logging.getLogger("backend").exception("unhandled error on %s %s", request.method,
                                               logged_path(request))
        return error_response(500, "internal_error", "系统出了点问题，请稍后再试")


SECRET_PATH_PARTS = ("token", "code")  # route parameters that work as passwords


def logged_path(request: web.Request) -> str:
    """The path with numbers masked and secret route parameters (download tokens,
    certificate codes) replaced by their name."""
    path = request.path
    for name in SECRET_PATH_PARTS:
        value = request.match_info.get(name)
        if value:
            path = path.replace(value, "{" + name + "}")
    return redact(path)


@web.middleware
async def access_log_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = request.headers.get("X-Request-Id", "")[:64] or secrets.token_hex(8)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        response.headers["X-Request-Id"] = request_id
        return response
    finally:
        log.info(json.dumps({
            "request_id": redact(request_id), "method": request.method,
            "path": logged_path(request), "query": redact(request.query_string),
            "status": status, "ms": round((time.perf_counter() - started) * 1000, 1),
        }, ensure_ascii=False))
