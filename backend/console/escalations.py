"""Console pages of the escalation queue: urgent first, claim, reply, close."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from backend.api.common import path_int
from backend.console.auth import require_console_post, require_console_staff
from backend.console.rendering import DONE_MESSAGES, console_page, redirect, render, url
from backend.errors import InvalidInput, NotFound
from backend.keys import DB
from backend.models import Case, StaffUser
from backend.schemas import ReplyIn
from backend.services import escalations as escalation_service

routes = web.RouteTableDef()
TABS = ("open", "claimed", "answered", "closed", "all")
DONE_MESSAGES.update({
    "claim": "已认领这条求助",
    "reply": "回复已发出：申请人下次在聊天中发消息时会收到",
    "close": "这条求助已关闭",
})


def _escalation_id(request: web.Request) -> int:
    return path_int(request, "escalation_id", error=NotFound("没有找到这条求助", code="escalation_not_found"))


@routes.get("/console/escalations", name="console_escalations")
@console_page
async def queue(request: web.Request) -> web.StreamResponse:
    """Staff console: the escalation queue, urgent first."""
    tab = request.query.get("status", "open")
    if tab not in TABS:
        raise InvalidInput("没有这种求助状态", code="bad_filter")
    async with request.app[DB]() as session:
        staff = await require_console_staff(request, session)
        rows = await escalation_service.list_for_staff(session=session, staff=staff,
                                                       status=None if tab == "all" else tab)
        case_ids = {e.case_id for e in rows if e.case_id}
        case_nos = {case_id: case_no for case_id, case_no in await session.execute(
            select(Case.id, Case.case_no).where(Case.id.in_(case_ids)))} if case_ids else {}
    return render(request, "escalations.html", {"escalations": rows, "tab": tab, "tabs": TABS,
                                                "case_nos": case_nos})


@routes.get("/console/escalations/{escalation_id}", name="console_escalation")
@console_page
async def detail(request: web.Request) -> web.StreamResponse:
    """Staff console: one escalation, its replies and the claim / reply / close forms."""
    async with request.app[DB]() as session:
        staff = await require_console_staff(request, session)
        escalation = await escalation_service.get_for_staff(
            session=session, staff=staff, escalation_id=_escalation_id(request))
        case = await session.get(Case, escalation.case_id) if escalation.case_id else None
        staff_ids = {r.staff_id for r in escalation.replies} | {escalation.claimed_by or 0}
        names = {staff_id: username for staff_id, username in await session.execute(
            select(StaffUser.id, StaffUser.username).where(StaffUser.id.in_(staff_ids)))}
    return render(request, "escalation.html", {
        "escalation": escalation, "case_no": case.case_no if case else None, "names": names})


def _action(name: str):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.StreamResponse:
        async with request.app[DB].begin() as session:
            staff, form = await require_console_post(request, session)
            escalation_id = _escalation_id(request)
            if name == "claim":
                await escalation_service.claim(session=session, staff=staff,
                                               escalation_id=escalation_id)
            elif name == "reply":
                text = ReplyIn.model_validate({"text": form.get("text", "")}).text
                await escalation_service.reply(session=session, staff=staff,
                                               escalation_id=escalation_id, text=text)
            else:
                await escalation_service.close(session=session, staff=staff,
                                               escalation_id=escalation_id)
        return redirect(url(request, "console_escalation", {"done": name},
                            escalation_id=escalation_id))

    handler.__doc__ = f"Staff console: {name} an escalation (form post)."
    return console_page(handler)


for _name in ("claim", "reply", "close"):
    routes.post(f"/console/escalations/{{escalation_id}}/{_name}",
                name=f"console_escalation_{_name}")(_action(_name))
