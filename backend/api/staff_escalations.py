"""Staff API: the escalation queue, claiming, replying and closing."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from backend.api.common import (
    json_response,
    path_int,
    read_model,
    require_staff,
    run_write,
    staff_principal,
)
from backend.errors import InvalidInput
from backend.keys import DB
from backend.schemas import ReplyIn
from backend.services import escalations as escalation_service
from backend.views import escalation_view

routes = web.RouteTableDef()


def _escalation_id(request: web.Request) -> int:
    return path_int(request, "escalation_id", error=InvalidInput("求助编号不对", code="bad_escalation_id"))


@routes.get("/api/v1/escalations", name="staff_escalations")
async def list_escalations(request: web.Request) -> web.Response:
    status = request.query.get("status")
    if status and status not in escalation_service.STATUSES:
        raise InvalidInput("status 只能是 open、claimed、answered 或 closed", code="bad_filter")
    async with request.app[DB]() as session:
        staff = await require_staff(request, session)
        rows = await escalation_service.list_for_staff(session=session, staff=staff,
                                                       status=status)
        items = [escalation_view(e) for e in rows]
    return json_response({"items": items, "total": len(items)})


def _action(name: str):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.Response:
        text = (await read_model(request, ReplyIn)).text if name == "reply" else None

        async def write(session: AsyncSession) -> tuple[int, object]:
            staff = await require_staff(request, session)
            escalation_id = _escalation_id(request)
            if name == "reply":
                escalation = await escalation_service.reply(
                    session=session, staff=staff, escalation_id=escalation_id, text=text or "")
            elif name == "claim":
                escalation = await escalation_service.claim(
                    session=session, staff=staff, escalation_id=escalation_id)
            else:
                escalation = await escalation_service.close(
                    session=session, staff=staff, escalation_id=escalation_id)
            return 200, escalation_view(escalation)

        return await run_write(request, write, principal=staff_principal(request))

    return handler


for _name in ("claim", "reply", "close"):
    routes.post(f"/api/v1/escalations/{{escalation_id}}/{_name}",
                name=f"staff_escalation_{_name}")(_action(_name))
