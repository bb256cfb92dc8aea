"""Staff API: objections to notices, the notices of a district, linked-benefit exports."""

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
from backend.keys import CIPHER, DB, SETTINGS
from backend.models.base import utcnow
from backend.schemas_recipient_services import NoticeAmountIn, ObjectionResolution
from backend.services import linked_benefits as benefit_service
from backend.services import notices as notice_service
from backend.services import staff as staff_service
from backend.views_recipient_services import objection_view, staff_notice_view

routes = web.RouteTableDef()


def _objection_id(request: web.Request) -> int:
    return path_int(request, "objection_id", error=InvalidInput("异议编号不对", code="bad_objection_id"))


@routes.get("/api/v1/objections", name="staff_objections")
async def list_objections(request: web.Request) -> web.Response:
    """Objections to the notices of the staff user's 区县 (?status=open|resolved)."""
    status = request.query.get("status")
    if status and status not in notice_service.OBJECTION_STATUSES:
        raise InvalidInput("status 只能是 open 或 resolved", code="bad_filter")
    async with request.app[DB]() as session:
        staff = await require_staff(request, session)
        rows = await notice_service.objections_for_staff(session=session, staff=staff,
                                                         status=status)
        items = [objection_view(o, request.app[CIPHER]) for o in rows]
    return json_response({"items": items, "total": len(items)})


@routes.post("/api/v1/objections/{objection_id}/resolve", name="staff_objection_resolve")
async def resolve_objection(request: web.Request) -> web.Response:
    """Record how an objection was handled; it is then closed."""
    data = await read_model(request, ObjectionResolution)

    async def write(session: AsyncSession) -> tuple[int, object]:
        staff = await require_staff(request, session)
        objection = await notice_service.resolve_objection(
            session=session, staff=staff, objection_id=_objection_id(request),
            resolution=data.resolution)
        return 200, objection_view(objection, request.app[CIPHER])

    return await run_write(request, write, principal=staff_principal(request))


@routes.get("/api/v1/notices", name="staff_notices")
async def list_notices(request: web.Request) -> web.Response:
    """Every notice of the staff user's 区县, current and ended, with its case number."""
    notice_days = request.app[SETTINGS].notice_days
    async with request.app[DB]() as session:
        staff = await require_staff(request, session)
        rows = await notice_service.notices_for_staff(session=session, staff=staff)
        now = utcnow()
        items = [staff_notice_view(n, notice_days=notice_days, now=now) for n in rows]
    return json_response({"items": items, "total": len(items)})


@routes.put("/api/v1/notices/{notice_no}/amount", name="staff_notice_amount")
async def set_notice_amount(request: web.Request) -> web.Response:
    """The monthly amount shown on the notice when SHOW_AMOUNT_IN_NOTICE is on."""
    data = await read_model(request, NoticeAmountIn)
    notice_days = request.app[SETTINGS].notice_days

    async def write(session: AsyncSession) -> tuple[int, object]:
        staff = await require_staff(request, session)
        notice = await notice_service.set_amount(
            session=session, staff=staff, notice_no=request.match_info["notice_no"],
            monthly_amount=data.monthly_amount)
        return 200, staff_notice_view(notice, notice_days=notice_days, now=utcnow())

    return await run_write(request, write, principal=staff_principal(request))


@routes.get("/api/v1/benefits/export", name="staff_benefits_export")
async def export_benefits(request: web.Request) -> web.Response:
    """Granted linked benefits for one agency (?agency=医保局&format=jsonl|csv), masked. Audited."""
    agency = request.query.get("agency", "").strip() or None
    if agency and agency not in benefit_service.agencies():
        raise InvalidInput("没有这个部门，可选：" + "、".join(benefit_service.agencies()),
                           code="bad_agency")
    kind = request.query.get("format", "jsonl")
    if kind not in ("jsonl", "csv"):
        raise InvalidInput("format 只能是 jsonl 或 csv", code="bad_format")
    async with request.app[DB].begin() as session:
        staff = await require_staff(request, session)
        rows = await benefit_service.export_rows(session=session, agency=agency, staff=staff)
        staff_service.audit(session=session, staff=staff, action="benefits.export",
                            detail=f"{agency or '全部'} {len(rows)}")
    if kind == "csv":
        return web.Response(text=benefit_service.to_csv(rows), content_type="text/csv",
                            charset="utf-8")
    return web.Response(text=benefit_service.to_json_lines(rows),
                        content_type="application/x-ndjson", charset="utf-8")
