"""What each audience sees of a case. Only `staff_case_view(..., reveal=...)` shows full numbers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from backend.lifecycle import (
    ASSISTANCE_TYPE_NAMES,
    NEXT_STEPS,
    STATUS_DESCRIPTIONS,
    AssistanceType,
    CaseStatus,
)
from backend.models import Case, Escalation, HouseholdMember
from backend.privacy.crypto import PersonalDataCipher
from backend.services.cases import age_of, missing_fields
from backend.services.signing import required_signers


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _member(member: HouseholdMember, cipher: PersonalDataCipher | None) -> dict[str, Any]:
    view = {
        "id": member.id, "relation": member.relation, "role": member.role, "name": member.name,
        "id_number_masked": member.id_number_masked, "age": age_of(member.birth_date),
        "monthly_income": _money(member.monthly_income), "health": member.health,
        "is_student": member.is_student,
    }
    if cipher and member.id_number_enc:
        view["id_number"] = cipher.decrypt(member.id_number_enc)
    return view


def signature_summary(case: Case) -> dict[str, Any]:
    signers = required_signers(case)
    signed = [s for s in signers if s.signed]
    return {
        "required": len(signers),
        "signed": len(signed),
        "text": f"已签署 {len(signed)}/{len(signers)}",
        "missing": [{"member_id": s.member_id, "name": s.name, "relation": s.relation}
                    for s in signers if not s.signed],
        "items": [{"member_id": s.member_id, "signer_name": s.signer_name,
                   "method": s.method, "signed_at": _iso(s.created_at)}
                  for s in case.signatures],
    }


def _type_name(code: str | None) -> str | None:
    return ASSISTANCE_TYPE_NAMES[AssistanceType(code)] if code else None


def case_view(case: Case, *, reveal_with: PersonalDataCipher | None = None) -> dict[str, Any]:
    """The case shape of the API. Pass `reveal_with` only for the audited staff case page."""
    applicant = case.applicant
    helper = case.helper
    status = CaseStatus(case.status)
    applicant_view: dict[str, Any] = {
        "name": applicant.name if applicant else None,
        "id_number_masked": applicant.id_number_masked if applicant else None,
        "phone_masked": applicant.phone_masked if applicant else None,
        "age": age_of(applicant.birth_date) if applicant else None,
        "monthly_income": _money(applicant.monthly_income) if applicant else None,
        "health": applicant.health if applicant else None,
    }
    if reveal_with and applicant:
        applicant_view["id_number"] = (reveal_with.decrypt(applicant.id_number_enc)
                                       if applicant.id_number_enc else None)
        applicant_view["phone"] = (reveal_with.decrypt(applicant.phone_enc)
                                   if applicant.phone_enc else None)
    return {
        "case_no": case.case_no,
        "assistance_type": case.assistance_type,
        "assistance_type_name": _type_name(case.assistance_type),
        "status": status.value,
        "status_text": STATUS_DESCRIPTIONS[status],
        "next_step": NEXT_STEPS[status],
        "district": case.district,
        "street": case.street,
        "address": case.address,
        "hukou_type": case.hukou_type,
        "household_size": case.household_size,
        "other_income": _money(case.other_income),
        "deposits": _money(case.deposits),
        "housing": case.housing,
        "vehicle": case.vehicle,
        "business": case.business,
        "hardship": case.hardship,
        "applicant": applicant_view,
        "helper": None if helper is None else {
            "name": helper.name, "relation": helper.relation,
            "organisation": helper.organisation, "phone_masked": helper.phone_masked,
        },
        "members": [_member(m, reveal_with) for m in case.members],
        "signatures": signature_summary(case),
        "events": [
            {"kind": e.kind, "from": e.from_status, "to": e.to_status, "actor_type": e.actor_type,
             "reason": e.reason, "at": _iso(e.created_at),
             "text": STATUS_DESCRIPTIONS[CaseStatus(e.to_status)] if e.to_status else e.reason}
            for e in case.events
        ],
        "missing_fields": missing_fields(case) if status is CaseStatus.DRAFT else [],
        "created_at": _iso(case.created_at),
        "submitted_at": _iso(case.submitted_at),
        "updated_at": _iso(case.updated_at),
    }


def case_list_item(case: Case) -> dict[str, Any]:
    status = CaseStatus(case.status)
    return {
        "case_no": case.case_no, "assistance_type": case.assistance_type,
        "status": status.value, "status_text": STATUS_DESCRIPTIONS[status],
        "district": case.district,
        "applicant_name": case.applicant.name if case.applicant else None,
        "applicant_id_number_masked": case.applicant.id_number_masked if case.applicant else None,
        "created_at": _iso(case.created_at), "submitted_at": _iso(case.submitted_at),
    }


def escalation_view(escalation: Escalation) -> dict[str, Any]:
    return {
        "id": escalation.id, "channel_user": escalation.channel_user,
        "question": escalation.question, "summary": escalation.summary,
        "priority": escalation.priority, "status": escalation.status,
        "district": escalation.district, "case_id": escalation.case_id,
        "created_at": _iso(escalation.created_at), "claimed_at": _iso(escalation.claimed_at),
        "answered_at": _iso(escalation.answered_at), "closed_at": _iso(escalation.closed_at),
        "replies": [{"text": r.text, "at": _iso(r.created_at),
                     "delivered": r.delivered_at is not None} for r in escalation.replies],
    }
