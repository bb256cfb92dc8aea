"""What each audience sees of certificates, notices, objections and linked benefits.

Public shapes carry a masked name, type, district and dates only: never an ID number,
address, phone or case number.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from backend.lifecycle import ASSISTANCE_TYPE_NAMES, AssistanceType
from backend.models import LinkedBenefit, NoticeObjection, PublicNotice
from backend.privacy.crypto import PersonalDataCipher
from backend.privacy.id_numbers import mask_name
from backend.services.certificates import Verification
from backend.services.linked_benefits import describe
from backend.services.notices import notice_ends_at

CERTIFICATE_STATUS_TEXT = {
    "valid": "真实有效",
    "expired": "证明真实，但已超过有效期",
    "revoked": "证明真实，但救助已经终止，证明已失效",
}


def _type_name(code: str) -> str:
    return ASSISTANCE_TYPE_NAMES[AssistanceType(code)]


def _day(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def verification_view(result: Verification) -> dict[str, Any]:
    certificate = result.certificate
    return {
        "code": certificate.code,
        "genuine": True,
        "valid": result.valid,
        "status": result.status,
        "status_text": CERTIFICATE_STATUS_TEXT[result.status],
        "holder_name_masked": mask_name(certificate.holder_name),
        "assistance_type": certificate.assistance_type,
        "assistance_type_name": _type_name(certificate.assistance_type),
        "district": certificate.district,
        "approved_on": _day(certificate.approved_on),
        "issued_on": _day(certificate.created_at),
        "valid_until": _day(certificate.valid_until),
    }


def public_notice_view(notice: PublicNotice, *, notice_days: int,
                       show_amount: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "notice_no": notice.notice_no,
        "district": notice.district,
        "holder_name_masked": notice.holder_name_masked,
        "assistance_type": notice.assistance_type,
        "assistance_type_name": _type_name(notice.assistance_type),
        "household_size": notice.household_size,
        "published_on": _day(notice.published_at),
        "ends_on": _day(notice_ends_at(notice, notice_days)),
    }
    if show_amount:
        view["monthly_amount"] = (float(notice.monthly_amount)
                                  if notice.monthly_amount is not None else None)
    return view


def staff_notice_view(notice: PublicNotice, *, notice_days: int, now: datetime) -> dict[str, Any]:
    return {
        **public_notice_view(notice, notice_days=notice_days, show_amount=True),
        "case_no": notice.case.case_no,
        "current": notice_ends_at(notice, notice_days) > now,
    }


def objection_view(objection: NoticeObjection, cipher: PersonalDataCipher) -> dict[str, Any]:
    """For the district's staff, who may call the person back."""
    notice = objection.notice
    return {
        "id": objection.id,
        "notice_no": notice.notice_no,
        "case_no": notice.case.case_no,
        "district": objection.district,
        "holder_name_masked": notice.holder_name_masked,
        "reason": objection.reason,
        "contact": cipher.decrypt(objection.contact_enc) if objection.contact_enc else None,
        "status": objection.status,
        "resolution": objection.resolution,
        "created_at": objection.created_at.isoformat(),
        "resolved_at": objection.resolved_at.isoformat() if objection.resolved_at else None,
    }


def benefit_view(benefit: LinkedBenefit) -> dict[str, Any]:
    """For the recipient's own chat."""
    return {
        "code": benefit.benefit_code,
        "name": benefit.name,
        "agency": benefit.agency,
        "description": describe(benefit),
        "granted_on": _day(benefit.granted_at),
        "case_no": benefit.case.case_no,
        "assistance_type": benefit.case.assistance_type,
    }
