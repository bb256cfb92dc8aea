"""Certificates of assistance (救助证明): issued to the chat user of an approved case, downloaded
through an expiring link, verified by anyone with the printed code."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Conflict, DomainError, NotFound
from backend.lifecycle import CaseStatus
from backend.models import Case, Certificate
from backend.models.base import utcnow
from backend.privacy.crypto import secret_digest
from backend.services import cases as case_service

# 31 characters without 0/O, 1/I/L: read aloud and typed without mistakes. 16 of them carry
# 79 bits, far beyond guessing.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16


class LinkExpired(DomainError):
    status = 410
    code = "certificate_link_expired"


@dataclass(frozen=True)
class Issued:
    certificate: Certificate
    download_token: str  # handed out once, stored only as a digest


@dataclass(frozen=True)
class Verification:
    certificate: Certificate
    status: str  # valid | expired | revoked

    @property
    def valid(self) -> bool:
        return self.status == "valid"


def new_code() -> str:
    """`ABCD-EFGH-JKMN-PQRS`."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str | None:
    """The canonical form of a typed code (any case, spaces or dashes), or None if malformed."""
    raw = "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return None
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def approval_date(case: Case) -> date:
    approvals = [e.created_at for e in case.events if e.to_status == CaseStatus.APPROVED.value]
    return (approvals[-1] if approvals else case.updated_at).date()


async def _approved_case(session: AsyncSession, channel_user: str, case_no: str | None) -> Case:
    if case_no:
        case = await case_service.get_case_for_chat(session=session, case_no=case_no,
                                                    channel_user=channel_user)
        if case.status != CaseStatus.APPROVED.value:
            raise Conflict("这个申请还没有批准，暂时不能开具救助证明。", code="case_not_approved")
        return case
    cases = await case_service.cases_of_chat_user(session=session, channel_user=channel_user)
    approved = [c for c in cases if c.status == CaseStatus.APPROVED.value]
    if not approved:
        raise Conflict("没有找到已经批准的救助，暂时不能开具救助证明。批准以后就可以开了。",
                       code="no_approved_case")
    return approved[0]  # the newest


async def issue(*, session: AsyncSession, channel_user: str, case_no: str | None,
                valid_days: int, link_hours: int) -> Issued:
    """A new certificate of the chat user's approved case, with a fresh download token."""
    case = await _approved_case(session, channel_user, case_no)
    applicant = case.applicant
    if applicant is None or not applicant.name or not case.assistance_type or not case.district:
        raise Conflict("案件信息不完整，暂时不能开具证明，请联系工作人员。", code="case_incomplete")
    token = secrets.token_urlsafe(32)
    today = utcnow().date()
    certificate = Certificate(
        case_id=case.id, code=new_code(), download_token_hash=secret_digest(token),
        download_expires_at=utcnow() + timedelta(hours=link_hours), channel_user=channel_user,
        holder_name=applicant.name, id_number_masked=applicant.id_number_masked,
        assistance_type=case.assistance_type, district=case.district,
        approved_on=approval_date(case), valid_until=today + timedelta(days=valid_days))
    certificate.case = case
    session.add(certificate)
    await session.flush()
    return Issued(certificate=certificate, download_token=token)


def status_of(certificate: Certificate, today: date | None = None) -> str:
    if certificate.case.status != CaseStatus.APPROVED.value:
        return "revoked"
    if (today or utcnow().date()) > certificate.valid_until:
        return "expired"
    return "valid"


async def verify(*, session: AsyncSession, code: str) -> Verification:
    canonical = normalise_code(code)
    certificate = None
    if canonical:
        certificate = await session.scalar(select(Certificate).where(Certificate.code == canonical))
    if certificate is None:
        raise NotFound("没有找到这个验证码。请核对证明上的验证码；查不到的证明不是本系统开具的。",
                       code="certificate_not_found")
    return Verification(certificate=certificate, status=status_of(certificate))


async def for_download(*, session: AsyncSession, token: str,
                       now: datetime | None = None) -> Certificate:
    """The certificate behind a download link that is still open and still valid."""
    certificate = await session.scalar(
        select(Certificate).where(Certificate.download_token_hash == secret_digest(token)))
    if certificate is None:
        raise NotFound("下载链接不对，请在对话里重新说“开救助证明”。", code="certificate_link_unknown")
    if certificate.download_expires_at <= (now or utcnow()):
        raise LinkExpired("下载链接已经过期，请在对话里重新说“开救助证明”。")
    if status_of(certificate) != "valid":
        raise Conflict("这份证明已经失效，不能再下载。", code="certificate_not_valid")
    return certificate
