"""Economic-check authorisations: who must sign, signing in chat, one-time signing codes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Conflict, InvalidInput, NotFound, TooManyAttempts
from backend.lifecycle import CaseStatus
from backend.models import AuthorisationSignature, Case, CaseEvent, HouseholdMember, SigningCode
from backend.models.base import utcnow
from backend.privacy.crypto import PersonalDataCipher, secret_digest
from backend.services.case_numbers import ALPHABET
from backend.services.cases import age_of

MAX_CODE_FAILURES = 5


@dataclass(frozen=True)
class Signer:
    """Someone whose signature the case needs. `member_id` None is the applicant."""

    member_id: int | None
    name: str
    relation: str
    signed: bool


def required_signers(case: Case) -> list[Signer]:
    """The applicant, every adult household member and every support obligor."""
    signed_members = {s.member_id for s in case.signatures}
    applicant_name = case.applicant.name if case.applicant and case.applicant.name else "申请人"
    signers = [Signer(None, applicant_name, "申请人", None in signed_members)]
    for member in case.members:
        age = age_of(member.birth_date)
        if member.role == "obligor" or (age is not None and age >= 18):
            signers.append(Signer(member.id, member.name, member.relation,
                                  member.id in signed_members))
    return signers


def _require_signable(case: Case) -> None:
    if case.status in (CaseStatus.DRAFT.value, CaseStatus.WITHDRAWN.value,
                       CaseStatus.APPROVED.value, CaseStatus.REJECTED.value,
                       CaseStatus.SUSPENDED.value, CaseStatus.TERMINATED.value):
        raise Conflict("这个案件现在不能签署授权书", code="not_signable")


def _record(case: Case, *, member: HouseholdMember | None, signer_name: str,
            channel_user: str, method: str) -> AuthorisationSignature:
    signature = AuthorisationSignature(member_id=member.id if member else None,
                                       signer_key=f"member:{member.id}" if member else "applicant",
                                       signer_name=signer_name, channel_user=channel_user,
                                       method=method)
    case.signatures.append(signature)
    who = f"{member.relation}{member.name}" if member else f"申请人{signer_name}"
    case.events.append(CaseEvent(kind="signature", actor_type="signer", actor=channel_user,
                                 reason=f"{who}签署了经济状况核对授权书"))
    return signature


def sign_as_applicant(*, case: Case, signer_name: str, channel_user: str) -> AuthorisationSignature:
    """The applicant confirms by typing their own name (a helper cannot sign for them)."""
    _require_signable(case)
    applicant = case.applicant
    if applicant is None or applicant.channel_user != channel_user:
        raise Conflict("授权书需要申请人本人签署；请申请人用自己的微信或手机签署",
                       code="applicant_must_sign")
    if signer_name != applicant.name:
        raise InvalidInput("签名和申请人姓名不一致，请输入申请人本人的姓名", code="name_mismatch")
    for signature in case.signatures:
        if signature.member_id is None:
            return signature
    return _record(case, member=None, signer_name=signer_name, channel_user=channel_user,
                   method="chat_name")


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


async def issue_signing_codes(*, session: AsyncSession, case: Case,
                              valid_for: timedelta) -> list[tuple[Signer, str]]:
    """Fresh one-time codes for every member who still has to sign; older codes stop working.

    The applicant's own signature also gets a code when the case was filed by a helper.
    """
    _require_signable(case)
    now = utcnow()
    await session.execute(
        update(SigningCode)
        .where(SigningCode.case_id == case.id, SigningCode.used_at.is_(None))
        .values(expires_at=now)
    )
    issued: list[tuple[Signer, str]] = []
    applicant_has_chat = bool(case.applicant and case.applicant.channel_user)
    for signer in required_signers(case):
        if signer.signed or (signer.member_id is None and applicant_has_chat):
            continue
        code = _new_code()
        session.add(SigningCode(case_id=case.id, member_id=signer.member_id,
                                code_hash=secret_digest(code.replace("-", "")),
                                expires_at=now + valid_for))
        issued.append((signer, code))
    await session.flush()
    return issued


async def redeem_signing_code(*, session: AsyncSession, cipher: PersonalDataCipher, code: str,
                              signer_name: str, id_tail: str,
                              channel_user: str) -> tuple[Case, AuthorisationSignature | None]:
    """A member signs from their own chat: the code, their name and their ID-number tail.

    A wrong name or tail returns no signature and counts a failure on the code; the caller
    must commit so that the count sticks.
    """
    digest = secret_digest(code.upper().replace("-", ""))
    signing_code = await session.scalar(select(SigningCode).where(SigningCode.code_hash == digest))
    now = utcnow()
    if signing_code is None:
        raise NotFound("签署码不对，请核对后再输入", code="signing_code_invalid")
    if signing_code.used_at is not None or signing_code.expires_at <= now:
        raise Conflict("这个签署码已经用过或已过期，请让申请人重新获取", code="signing_code_expired")
    if signing_code.failed_attempts >= MAX_CODE_FAILURES:
        raise TooManyAttempts("核对失败次数太多，这个签署码已停用，请让申请人重新获取")
    case = await session.get(Case, signing_code.case_id)
    if case is None:
        raise NotFound("签署码不对，请核对后再输入", code="signing_code_invalid")
    _require_signable(case)
    member = (await session.get(HouseholdMember, signing_code.member_id)
              if signing_code.member_id is not None else None)
    person = member or case.applicant
    tail_ok = bool(person and person.id_number_enc) and (
        cipher.decrypt(person.id_number_enc)[-4:] == id_tail.upper())
    if person is None or signer_name != person.name or not tail_ok:
        signing_code.failed_attempts += 1
        await session.flush()
        return case, None
    signing_code.used_at = now
    if member is None and case.applicant is not None:
        case.applicant.channel_user = channel_user  # the applicant can now follow the case
    member_id = member.id if member else None
    existing = next((s for s in case.signatures if s.member_id == member_id), None)
    signature = existing or _record(case, member=member, signer_name=signer_name,
                                    channel_user=channel_user, method="signing_code")
    await session.flush()
    return case, signature
