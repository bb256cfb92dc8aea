"""Templates, the page wrapper that turns refusals into HTML pages, and response headers.

`render(request, "x.html", {...})` fills the one layout (`templates/base.html`): navigation,
the signed-in user and the CSRF token come with every page. `@console_page` goes on every
console handler: a missing login becomes the login page, any other domain error an HTML
error page with the Chinese message (never data), and the security headers are set.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup
from pydantic import ValidationError
from yarl import URL

from backend.console import labels
from backend.console.auth import SESSION_COOKIE, SIGNED_IN, clear_cookie, csrf_token
from backend.console.nav import nav_for
from backend.errors import DomainError, Unauthorised

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TEMPLATES = Path(__file__).parent / "templates"
CHINA_TIME = timezone(timedelta(hours=8), "CST")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self'; form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages can hold personal data: never kept by the browser
}

# Form fields as staff read them, for validation messages.
FIELD_LABELS = {
    "reason": "原因", "text": "回复内容", "to": "目标状态", "name": "姓名", "phone": "手机号",
    "id_number": "身份证号", "kind": "类别", "organisation": "单位", "district": "区县",
    "username": "用户名", "password": "密码",
}
_PROBLEMS = {
    "missing": "请填写这一项", "string_too_short": "不能为空", "string_too_long": "内容太长",
    "string_pattern_mismatch": "含有不允许的字符", "literal_error": "请从选项中选择",
    "enum": "请从选项中选择", "extra_forbidden": "不认识这一项",
}


# What a page says after a form succeeded: `redirect(url(..., {"done": key}))` shows it.
DONE_MESSAGES: dict[str, str] = {}


@jinja2.pass_context
def _csrf_field(context: Any) -> Markup:
    """`{{ csrf_field() }}` inside every POST form."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(
        context.get("csrf_token") or "")


def _format_time(value: datetime | str | None) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


def _format_money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["time"] = _format_time
    env.filters["money"] = _format_money
    env.globals["labels"] = labels.ALL
    env.globals["csrf_field"] = _csrf_field
    return env


def url(request: web.Request, route: str, query: dict[str, Any] | None = None, **parts: Any) -> str:
    """The path of a named route, with an optional query string (empty values dropped)."""
    target = request.app.router[route].url_for(**{k: str(v) for k, v in parts.items()})
    if query:
        target = target.with_query({k: str(v) for k, v in query.items() if v not in (None, "")})
    return str(target)


def render(request: web.Request, template: str, context: dict[str, Any] | None = None, *,
           status: int = 200) -> web.Response:
    staff = request.get(SIGNED_IN)
    html = environment().get_template(template).render(
        request=request, staff=staff, nav=nav_for(staff), current_path=request.path,
        csrf_token=csrf_token(request) if staff else None,
        url=functools.partial(url, request),
        **{"done": DONE_MESSAGES.get(request.query.get("done", "")), **(context or {})})
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def redirect(location: str) -> web.Response:
    """303 See Other: after a form, the browser GETs the page that shows the result."""
    return web.Response(status=303, headers={"Location": location})


def validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0] if exc.errors() else None
    if first is None:
        return "填写的内容有误"
    field = str(first["loc"][0]) if first["loc"] else ""
    problem = str(first.get("ctx", {}).get("error", "")) or _PROBLEMS.get(first["type"], "格式不对")
    label = FIELD_LABELS.get(field)
    return f"{label}：{problem}" if label else problem


def _back_link(request: web.Request) -> str | None:
    """Where an error page sends staff back to: the page itself, or the page a form was on."""
    if request.method == "GET":
        return None
    parent = request.path.rstrip("/").rsplit("/", 1)[0]
    return parent if parent.startswith("/console/") else None


def error_page(request: web.Request, status: int, message: str) -> web.Response:
    titles = {403: "无权访问", 404: "没有找到", 409: "操作未完成", 422: "填写有误"}
    return render(request, "error.html", {"title": titles.get(status, "出错了"), "message": message,
                                          "back": _back_link(request)}, status=status)


def _to_login(request: web.Request) -> web.Response:
    query = {"next": request.path_qs} if request.method == "GET" else None
    response = redirect(url(request, "console_login", query))
    clear_cookie(response, SESSION_COOKIE)
    return response


def console_page(handler: Handler) -> Handler:
    """Wrap a console handler: login redirects, HTML error pages, security headers."""

    @functools.wraps(handler)
    async def page(request: web.Request) -> web.StreamResponse:
        try:
            response = await handler(request)
        except Unauthorised:
            response = _to_login(request)
        except DomainError as exc:
            response = error_page(request, exc.status, exc.message)
        except ValidationError as exc:
            response = error_page(request, 422, validation_message(exc))
        response.headers.update(SECURITY_HEADERS)
        return response

    return page


def safe_next(value: str | None) -> str | None:
    """A post-login destination only if it is a console path on this site."""
    if not value or not value.startswith("/console") or value.startswith("//") or "\\" in value:
        return None
    target = URL(value)
    return value if not target.is_absolute() and target.path.startswith("/console") else None
