"""What the chat and staff see of certifications and case tasks (ID numbers always masked)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from backend.lifecycle import ASSISTANCE_TYPE_NAMES, AssistanceType
from backend.models import Case, CaseTask, CertificationRecord, CertificationSchedule
from backend.services.certification import (
    STATE_NAMES,
    TASK_KINDS,
    CertificationPolicy,
    china_today,
    due_text,
    schedule_state,
)
from backend.services.identity import Challenge


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def _type_name(case: Case) -> str | None:
    return ASSISTANCE_TYPE_NAMES[AssistanceType(case.assistance_type)] \
        if case.assistance_type else None


def schedule_view(schedule: CertificationSchedule, case: Case, policy: CertificationPolicy,
                  *, for_staff: bool = False) -> dict[str, Any]:
    """A schedule and its state. The chat's view leaves out what identity checks ask about."""
    state = schedule_state(schedule, today=china_today(), window_days=policy.due_window_days)
    view: dict[str, Any] = {
        "case_no": case.case_no, "assistance_type": case.assistance_type,
        "assistance_type_name": _type_name(case),
        "next_due_on": _iso(schedule.next_due_on), "next_due_text": due_text(schedule.next_due_on),
        "last_certified_at": _iso(schedule.last_certified_at),
        "state": state, "state_text": STATE_NAMES[state],
    }
    if for_staff:
        applicant = case.applicant
        view.update(
            district=case.district, street=case.street,
            applicant_name=applicant.name if applicant else None,
            applicant_id_number_masked=applicant.id_number_masked if applicant else None)
    return view


def challenge_view(public_id: str, case: Case, challenge: Challenge, method: str,
                   expires_at: datetime) -> dict[str, Any]:
    """What the chat gets to start an identity check: the questions, never the answers."""
    return {
        "verification_id": public_id, "method": method, "case_no": case.case_no,
        "assistance_type": case.assistance_type, "assistance_type_name": _type_name(case),
        "questions": [{"key": q.key, "text": q.text} for q in challenge.questions],
        "expires_at": _iso(expires_at),
    }


def record_view(record: CertificationRecord) -> dict[str, Any]:
    return {
        "certified_at": _iso(record.created_at), "method": record.method,
        "still_at_address": record.still_at_address, "address_detail": record.address_detail,
        "household_changed": record.household_changed,
        "household_detail": record.household_detail,
        "income_changed": record.income_changed, "income_detail": record.income_detail,
        "due_on": _iso(record.due_on), "next_due_on": _iso(record.next_due_on),
    }


def task_view(task: CaseTask, case: Case) -> dict[str, Any]:
    applicant = case.applicant
    return {
        "id": task.id, "case_no": case.case_no, "district": case.district,
        "street": case.street, "applicant_name": applicant.name if applicant else None,
        "kind": task.kind, "kind_text": TASK_KINDS.get(task.kind, task.kind),
        "description": task.description, "status": task.status,
        "created_at": _iso(task.created_at), "done_at": _iso(task.done_at),
    }
