"""The alerts staff work through: listing (own 区县, open first) and resolving. Audited."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Conflict, NotFound
from backend.models import Case, MonitoringAlert, MonitoringImport, StaffUser
from backend.models.base import utcnow
from backend.services import staff as staff_service

STATUSES = ("open", "resolved")


@dataclass(frozen=True)
class AlertFilters:
    """Optional filters of the alert list; None means any."""

    status: str | None = None  # open | resolved
    kind: str | None = None  # the record kind: deaths | detention | ...
    action: str | None = None  # suspend_review | review | household_review | ...
    group: str | None = None  # recipient | edge | linshi | left | rejected
    priority: str | None = None  # high | normal
    district: str | None = None  # narrows the city role's view
    case_no: str | None = None


def _filtered(query: Select, staff: StaffUser, filters: AlertFilters) -> Select:  # type: ignore[type-arg]
    query = query.where(staff_service.district_filter(staff, MonitoringAlert.district))
    columns = {"status": MonitoringAlert.status, "kind": MonitoringAlert.kind,
               "action": MonitoringAlert.action, "group": MonitoringAlert.person_group,
               "priority": MonitoringAlert.priority, "district": MonitoringAlert.district,
               "case_no": Case.case_no}
    for name, column in columns.items():
        if (value := getattr(filters, name)) is not None:
            query = query.where(column == value)
    return query


async def list_alerts(*, session: AsyncSession, staff: StaffUser, filters: AlertFilters,
                      limit: int, offset: int) -> tuple[list[tuple[MonitoringAlert, str]], int]:
    """A page of the alerts the staff user may see: open first, then urgent, newest first."""
    base = select(MonitoringAlert, Case.case_no).join(Case, Case.id == MonitoringAlert.case_id)
    query = _filtered(base, staff, filters).order_by(
        case((MonitoringAlert.status == "open", 0), else_=1),
        case((MonitoringAlert.priority == "high", 0), else_=1),
        MonitoringAlert.id.desc(),
    ).limit(limit).offset(offset)
    counted = _filtered(select(func.count()).select_from(MonitoringAlert)
                        .join(Case, Case.id == MonitoringAlert.case_id), staff, filters)
    total = await session.scalar(counted) or 0
    rows = [(alert, case_no) for alert, case_no in await session.execute(query)]
    given = {k: v for k, v in asdict(filters).items() if v is not None}
    staff_service.audit(session=session, staff=staff, action="monitoring.alerts.list",
                        detail=json.dumps({"filters": given, "shown": len(rows)}, ensure_ascii=False))
    return rows, total


async def _visible_alert(session: AsyncSession, staff: StaffUser, alert_id: int, *,
                         for_update: bool = False) -> tuple[MonitoringAlert, Case | None]:
    alert = await session.get(MonitoringAlert, alert_id, with_for_update=for_update)
    if alert is None or (staff.role != "city" and alert.district != staff.district):
        raise NotFound("没有找到这条预警", code="alert_not_found")
    return alert, await session.get(Case, alert.case_id)


async def get_alert(*, session: AsyncSession, staff: StaffUser,
                    alert_id: int) -> tuple[MonitoringAlert, str]:
    """One alert the staff user may see (audited)."""
    alert, case_row = await _visible_alert(session, staff, alert_id)
    staff_service.audit(session=session, staff=staff, action="monitoring.alert.read",
                        case=case_row, detail=f"alert {alert.id}")
    return alert, case_row.case_no if case_row else ""


async def resolve_alert(*, session: AsyncSession, staff: StaffUser, alert_id: int,
                        outcome_code: str, outcome_text: str) -> tuple[MonitoringAlert, str]:
    """Close an open alert the staff user may see, with what was done about it."""
    alert, case_row = await _visible_alert(session, staff, alert_id, for_update=True)
    if alert.status != "open":
        raise Conflict("这条预警已经处理过了", code="alert_resolved")
    alert.status = "resolved"
    alert.resolved_at = utcnow()
    alert.resolved_by = staff.id
    alert.outcome_code = outcome_code
    alert.outcome_text = outcome_text
    staff_service.audit(session=session, staff=staff, action="monitoring.alert.resolve",
                        case=case_row, detail=f"alert {alert.id}: {outcome_code}")
    await session.flush()
    return alert, case_row.case_no if case_row else ""


async def recent_imports(*, session: AsyncSession, staff: StaffUser, limit: int = 20) -> list[MonitoringImport]:
    """The latest imports: the city role sees all, district staff their own."""
    query = select(MonitoringImport).order_by(MonitoringImport.id.desc()).limit(limit)
    if staff.role != "city":
        query = query.where(MonitoringImport.staff_id == staff.id)
    return list(await session.scalars(query))
