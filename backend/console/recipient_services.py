"""Console pages for what approvals bring: objections (异议) to the public notice, to read and
resolve, and the export of linked benefits (免申即享) for each providing agency."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from backend.api.common import path_int
from backend.console.auth import require_console_post, require_console_staff
from backend.console.rendering import DONE_MESSAGES, console_page, redirect, render, url
from backend.errors import InvalidInput, NotFound
from backend.keys import CIPHER, DB
from backend.models.base import utcnow
from backend.schemas_recipient_services import ObjectionResolution
from backend.services import linked_benefits as benefit_service
from backend.services import notices as notice_service
from backend.services import staff as staff_service
from backend.views_recipient_services import objection_view

routes = web.RouteTableDef()
OBJECTION_TABS = {"open": "待处理", "resolved": "已处理", "all": "全部"}
DONE_MESSAGES.update({"objection_resolved": "已记录处理结果，这条异议已处理"})


def _objection_id(request: web.Request) -> int:
    return path_int(request, "objection_id", error=NotFound("没有找到这条异议", code="objection_not_found"))


@routes.get("/console/objections", name="console_objections")
@console_page
async def objection_list(request: web.Request) -> web.StreamResponse:
    """Staff console: objections to the notices of this 区县, and the form to resolve each."""
    tab = request.query.get("status", "open")
    if tab not in OBJECTION_TABS:
        raise InvalidInput("没有这种异议状态", code="bad_filter")
    async with request.app[DB]() as session:
        staff = await require_console_staff(request, session)
        rows = await notice_service.objections_for_staff(
            session=session, staff=staff, status=None if tab == "all" else tab)
        objections = [objection_view(o, request.app[CIPHER]) for o in rows]
    return render(request, "objections.html", {"objections": objections, "tab": tab,
                                               "tabs": OBJECTION_TABS})


@routes.post("/console/objections/{objection_id}/resolve", name="console_objection_resolve")
@console_page
async def resolve(request: web.Request) -> web.StreamResponse:
    """Staff console: record how an objection was handled."""
    async with request.app[DB].begin() as session:
        staff, form = await require_console_post(request, session)
        data = ObjectionResolution.model_validate({"resolution": form.get("resolution", "")})
        await notice_service.resolve_objection(session=session, staff=staff,
                                               objection_id=_objection_id(request),
                                               resolution=data.resolution)
    return redirect(url(request, "console_objections", {"done": "objection_resolved"}))


@routes.get("/console/benefits", name="console_benefits")
@console_page
async def benefits(request: web.Request) -> web.StreamResponse:
    """Staff console: linked benefits granted in this 区县, per agency, with CSV downloads."""
    async with request.app[DB]() as session:
        staff = await require_console_staff(request, session)
        rows = await benefit_service.export_rows(session=session, agency=None, staff=staff)
    counts = {agency: sum(1 for r in rows if r["agency"] == agency)
              for agency in benefit_service.agencies()}
    return render(request, "benefits.html", {"counts": counts, "rules": benefit_service.rules()})


@routes.get("/console/benefits/export", name="console_benefits_export")
@console_page
async def export(request: web.Request) -> web.StreamResponse:
    """Staff console: the CSV of one agency's granted benefits (masked ID numbers). Audited."""
    agency = request.query.get("agency", "")
    if agency not in benefit_service.agencies():
        raise InvalidInput("没有这个部门", code="bad_agency")
    async with request.app[DB].begin() as session:
        staff = await require_console_staff(request, session)
        rows = await benefit_service.export_rows(session=session, agency=agency, staff=staff)
        staff_service.audit(session=session, staff=staff, action="benefits.export",
                            detail=f"console {agency} {len(rows)}")
    filename = quote(f"免申即享-{agency}-{utcnow().date().isoformat()}.csv")
    # With a byte-order mark, spreadsheet programs open the UTF-8 file with its Chinese intact.
    return web.Response(body=("\ufeff" + benefit_service.to_csv(rows)).encode(),
                        content_type="text/csv", charset="utf-8", headers={
                            "Content-Disposition": f"attachment; filename=\"benefits.csv\"; "
                                                   f"filename*=UTF-8''{filename}"})
