"""Console pages of cases: the filtered list, the audited case page, status transitions."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import func, select

from backend.console.auth import require_console_post, require_console_staff
from backend.console.labels import staff_targets
from backend.console.rendering import DONE_MESSAGES, console_page, redirect, render, url
from backend.districts import DISTRICTS
from backend.errors import InvalidInput
from backend.keys import CIPHER, DB, SETTINGS
from backend.lifecycle import AssistanceType, CaseStatus
from backend.models import AuditEntry, Case, Escalation, RegisteredHelper, StaffUser
from backend.schemas import TransitionIn
from backend.services import case_review
from backend.services import cases as case_service
from backend.services import staff as staff_service
from backend.services.case_numbers import normalise_case_no
from backend.views import case_view

routes = web.RouteTableDef()
PAGE_SIZE = 50
DONE_MESSAGES["transition"] = "案件状态已变更，原因已记入案件记录"


def _filters(request: web.Request, staff: StaffUser) -> tuple[dict[str, str], list[object]]:
    query = request.query
    chosen = {key: query.get(key, "").strip()
              for key in ("status", "assistance_type", "district", "q")}
    if staff.role != "city":
        chosen["district"] = ""  # district staff see their own 区县 only
    conditions: list[object] = [staff_service.district_filter(staff, Case.district),
                                Case.status != CaseStatus.DRAFT.value]
    if chosen["status"]:
        if chosen["status"] not in {s.value for s in CaseStatus} - {"draft"}:
            raise InvalidInput("没有这种案件状态", code="bad_filter")
        conditions.append(Case.status == chosen["status"])
    if chosen["assistance_type"]:
        if chosen["assistance_type"] not in {t.value for t in AssistanceType}:
            raise InvalidInput("没有这种救助类型", code="bad_filter")
        conditions.append(Case.assistance_type == chosen["assistance_type"])
    if chosen["district"]:
        conditions.append(Case.district == chosen["district"])
    if chosen["q"]:
        conditions.append(Case.case_no.contains(normalise_case_no(chosen["q"])[:30],
                                                autoescape=True))
    return chosen, conditions


@routes.get("/console/cases", name="console_cases")
@console_page
async def case_list(request: web.Request) -> web.StreamResponse:
    """Staff console: cases by status, type, 区县 (city role) and case number."""
    try:
        page = max(int(request.query.get("page", "1")), 1)
    except ValueError as exc:
        raise InvalidInput("页码应为整数", code="bad_filter") from exc
    async with request.app[DB]() as session:
        staff = await require_console_staff(request, session)
        chosen, conditions = _filters(request, staff)
        total = await session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0
        rows = list(await session.scalars(select(Case).where(*conditions).order_by(Case.id.desc())
                                          .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render(request, "cases.html", {
        "cases": rows, "total": total, "page": page, "pages": pages, "chosen": chosen,
        "statuses": [s.value for s in CaseStatus if s is not CaseStatus.DRAFT],
        "types": [t.value for t in AssistanceType], "districts": DISTRICTS})


@routes.get("/console/cases/{case_no}", name="console_case")
@console_page
async def case_page(request: web.Request) -> web.StreamResponse:
    """Staff console: the whole case with full ID numbers; every read is audited."""
    cipher = request.app[CIPHER]
    async with request.app[DB].begin() as session:
        staff = await require_console_staff(request, session)
        case = await case_service.get_case(session=session, case_no=request.match_info["case_no"])
        staff_service.ensure_case_visible(staff, case)
        staff_service.audit(session=session, staff=staff, action="case.read", case=case,
                            detail="console")
        view = case_view(case, reveal_with=cipher)
        audit_rows = (await session.execute(
            select(AuditEntry, StaffUser.username).outerjoin(StaffUser, StaffUser.id == AuditEntry.staff_id)
            .where(AuditEntry.case_id == case.id).order_by(AuditEntry.id.desc()).limit(100))).all()
        escalations = list(await session.scalars(
            select(Escalation).where(Escalation.case_id == case.id).order_by(Escalation.id.desc())))
        registered = None
        if case.helper and case.helper.phone_enc:
            phone_hash = cipher.lookup_hash(cipher.decrypt(case.helper.phone_enc))
            registered = await session.scalar(select(RegisteredHelper).where(
                RegisteredHelper.phone_hash == phone_hash, RegisteredHelper.name == case.helper.name,
                staff_service.district_filter(staff, RegisteredHelper.district)))
    return render(request, "case.html", {
        "case": view, "audit_rows": audit_rows, "escalations": escalations,
        "registered_helper": registered, "targets": staff_targets(view["status"])})


@routes.post("/console/cases/{case_no}/transition", name="console_case_transition")
@console_page
async def transition(request: web.Request) -> web.StreamResponse:
    """Staff console: move a case to another status, with a reason (form post)."""
    async with request.app[DB].begin() as session:
        staff, form = await require_console_post(request, session)
        data = TransitionIn.model_validate({"to": form.get("to", ""),
                                            "reason": form.get("reason", "")})
        case = await case_review.transition_case(
            session=session, staff=staff, case_no=request.match_info["case_no"],
            target=data.to, reason=data.reason, settings=request.app[SETTINGS])
    return redirect(url(request, "console_case", {"done": "transition"}, case_no=case.case_no))
