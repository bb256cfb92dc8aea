"""What staff see of monitoring alerts and imports: masked ID numbers only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.models import MonitoringAlert, MonitoringImport
from backend.services.monitoring.records import KIND_NAMES, RecordKind
from backend.services.monitoring.rules import (
    ACTION_NAMES,
    CATEGORY_NAMES,
    GROUP_NAMES,
    OUTCOMES,
    ROLE_NAMES,
    Category,
    PersonGroup,
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def alert_view(alert: MonitoringAlert, case_no: str) -> dict[str, Any]:
    return {
        "id": alert.id,
        "status": alert.status,
        "status_text": "待处理" if alert.status == "open" else "已处理",
        "priority": alert.priority,
        "kind": alert.kind,
        "kind_name": KIND_NAMES[RecordKind(alert.kind)],
        "event_date": alert.event_date.isoformat(),
        "case_no": case_no,
        "district": alert.district,
        "category": alert.category,
        "category_name": CATEGORY_NAMES[Category(alert.category)],
        "group": alert.person_group,
        "group_name": GROUP_NAMES[PersonGroup(alert.person_group)],
        "member_role": alert.member_role,
        "member_role_name": ROLE_NAMES.get(alert.member_role, alert.member_role),
        "id_number_masked": alert.person_masked,
        "action": alert.action,
        "action_name": ACTION_NAMES[alert.action],
        "reason": alert.reason,
        "facts": alert.facts,
        "created_at": _iso(alert.created_at),
        "resolved_at": _iso(alert.resolved_at),
        "outcome_code": alert.outcome_code,
        "outcome_name": OUTCOMES.get(alert.outcome_code or ""),
        "outcome_text": alert.outcome_text,
    }


def import_view(record: MonitoringImport) -> dict[str, Any]:
    return {
        "id": record.id, "kind": record.kind, "kind_name": KIND_NAMES[RecordKind(record.kind)],
        "filename": record.filename, "source": record.source, "status": record.status,
        "rows_read": record.rows_read, "matched": record.matched,
        "alerts_created": record.alerts_created, "duplicates": record.duplicates,
        "bad_rows": record.bad_rows, "created_at": _iso(record.created_at),
        "finished_at": _iso(record.finished_at),
    }
