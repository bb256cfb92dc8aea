"""Drafts, submission and access to cases from the chat side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Conflict, InvalidInput, NotFound, TooManyAttempts
from backend.lifecycle import Actor, CaseStatus
from backend.models import Applicant, Case, CaseHelper, HouseholdMember, LookupAttempt
from backend.models.base import utcnow
from backend.privacy.crypto import PersonalDataCipher
from backend.privacy.id_numbers import mask_id_number, mask_phone, parse_id_number
from backend.schemas import (
    CompleteCaseIn,
    DraftCreate,
    DraftUpdate,
    HelperIn,
    MemberIn,
    MemberUpdate,
)
from backend.services.case_numbers import new_case_no, normalise_case_no
from backend.services.transitions import apply_transition

# Fields a case needs before it can be submitted, in the order the chat asks for them,
# with the label a person reads.
REQUIRED_FIELDS: tuple[tuple[str, str], ...] = (
    ("assistance_type", "救助类型"),
    ("applicant_name", "申请人姓名"),
    ("applicant_id_number", "申请人身份证号"),
    ("applicant_phone", "联系电话"),
    ("district", "所在区县"),
    ("street", "街道（乡镇）"),
    ("address", "详细地址"),
    ("hukou_type", "户籍类型（城镇/农村）"),
    ("hardship", "困难情况说明"),
)

_CASE_FIELDS = ("assistance_type", "district", "street", "address", "hukou_type",
                "household_size", "other_income", "deposits", "housing", "vehicle",
                "business", "hardship")


@dataclass(frozen=True)
class CaseAccess:
    """How a chat user relates to a case."""

    case: Case
    as_filer: bool


def missing_fields(case: Case) -> list[str]:
    applicant = case.applicant
    present = {
        "assistance_type": case.assistance_type,
        "applicant_name": applicant and applicant.name,
        "applicant_id_number": applicant and applicant.id_number_enc,
        "applicant_phone": applicant and applicant.phone_enc,
        "district": case.district,
        "street": case.street,
        "address": case.address,
        "hukou_type": case.hukou_type,
        "hardship": case.hardship,
    }
    return [name for name, _label in REQUIRED_FIELDS if not present[name]]


async def get_case(*, session: AsyncSession, case_no: str) -> Case:
    case = await session.scalar(select(Case).where(Case.case_no == normalise_case_no(case_no)))
    if case is None:
        raise NotFound("没有找到这个案件编号", code="case_not_found")
    return case


async def get_case_for_chat(*, session: AsyncSession, case_no: str, channel_user: str) -> Case:
    """The case, if this chat user filed it or is its applicant; else 404 (never 403)."""
    case = await get_case(session=session, case_no=case_no)
    applicant_user = case.applicant.channel_user if case.applicant else None
    if channel_user not in (case.filed_by_channel_user, applicant_user):
        raise NotFound("没有找到这个案件编号", code="case_not_found")
    return case


def _new_draft(data: DraftCreate) -> Case:
    return Case(
        case_no=new_case_no(),
        status=CaseStatus.DRAFT.value,
        assistance_type=data.assistance_type.value if data.assistance_type else None,
        filed_by_channel_user=data.channel_user,
        applicant=Applicant(channel_user=data.channel_user if data.for_self else None),
        helper=None, members=[], signatures=[], events=[],
    )


async def create_draft(*, session: AsyncSession, data: DraftCreate) -> Case:
    case = _new_draft(data)
    session.add(case)
    await session.flush()
    return case


async def latest_draft(*, session: AsyncSession, channel_user: str) -> Case | None:
    return await session.scalar(
        select(Case)
        .where(Case.filed_by_channel_user == channel_user, Case.status == CaseStatus.DRAFT.value)
        .order_by(Case.updated_at.desc(), Case.id.desc())
        .limit(1)
    )


def _editable(case: Case, channel_user: str) -> None:
    if case.filed_by_channel_user != channel_user:
        raise NotFound("没有找到这个案件编号", code="case_not_found")
    if case.status != CaseStatus.DRAFT.value:
        raise Conflict("申请已经提交，不能再修改；如需更正请联系工作人员", code="case_not_draft")


def set_personal_numbers(target: Applicant | HouseholdMember, id_number: str,
                         cipher: PersonalDataCipher) -> None:
    parsed = parse_id_number(id_number)
    target.id_number_enc = cipher.encrypt(parsed.value)
    target.id_number_hash = cipher.lookup_hash(parsed.value)
    target.id_number_masked = mask_id_number(parsed.value)
    target.birth_date = parsed.birth_date


async def update_draft(*, session: AsyncSession, cipher: PersonalDataCipher, case_no: str,
                       channel_user: str, data: DraftUpdate) -> Case:
    case = await get_case(session=session, case_no=case_no)
    _editable(case, channel_user)
    _apply_fields(case, data, cipher)
    case.updated_at = utcnow()
    await session.flush()
    return case


def _apply_fields(case: Case, data: DraftUpdate, cipher: PersonalDataCipher) -> None:
    given = data.model_dump(exclude_unset=True)
    applicant = case.applicant or Applicant()
    case.applicant = applicant
    for name in _CASE_FIELDS:
        if name in given:
            value = given[name]
            setattr(case, name, getattr(value, "value", value))
    if "applicant_name" in given:
        applicant.name = given["applicant_name"]
    if given.get("applicant_id_number"):
        set_personal_numbers(applicant, given["applicant_id_number"], cipher)
    if given.get("applicant_phone"):
        applicant.phone_enc = cipher.encrypt(given["applicant_phone"])
        applicant.phone_masked = mask_phone(given["applicant_phone"])
    if "applicant_monthly_income" in given:
        applicant.monthly_income = given["applicant_monthly_income"]
    if "applicant_health" in given:
        applicant.health = given["applicant_health"]


async def set_helper(*, session: AsyncSession, cipher: PersonalDataCipher, case_no: str,
                     channel_user: str, data: HelperIn) -> Case:
    case = await get_case(session=session, case_no=case_no)
    _editable(case, channel_user)
    _apply_helper(case, channel_user, data, cipher)
    case.updated_at = utcnow()
    await session.flush()
    return case


def _apply_helper(case: Case, channel_user: str, data: HelperIn, cipher: PersonalDataCipher) -> None:
    helper = case.helper or CaseHelper(channel_user=channel_user)
    helper.name, helper.relation, helper.organisation = data.name, data.relation, data.organisation
    helper.phone_enc = cipher.encrypt(data.phone) if data.phone else None
    helper.phone_masked = mask_phone(data.phone) if data.phone else None
    case.helper = helper
    if case.applicant and case.applicant.channel_user == channel_user:
        case.applicant.channel_user = None  # the helper's chat is not the applicant's


def _new_member(data: MemberIn, cipher: PersonalDataCipher) -> HouseholdMember:
    member = HouseholdMember(
        relation=data.relation, role=data.role, name=data.name,
        monthly_income=data.monthly_income, health=data.health, is_student=data.is_student,
    )
    set_personal_numbers(member, data.id_number, cipher)
    return member


def _check_duplicate_member(case: Case, id_hash: str | None, except_id: int | None = None) -> None:
    applicant_hash = case.applicant.id_number_hash if case.applicant else None
    others = [m.id_number_hash for m in case.members if except_id is None or m.id != except_id]
    if id_hash and (id_hash == applicant_hash or id_hash in others):
        raise Conflict("这个身份证号已经登记过了", code="duplicate_member")


async def add_member(*, session: AsyncSession, cipher: PersonalDataCipher, case_no: str,
                     channel_user: str, data: MemberIn) -> HouseholdMember:
    case = await get_case(session=session, case_no=case_no)
    _editable(case, channel_user)
    if len(case.members) >= 30:
        raise InvalidInput("家庭成员最多登记30人", code="too_many_members")
    member = _new_member(data, cipher)
    _check_duplicate_member(case, member.id_number_hash)
    case.members.append(member)
    case.updated_at = utcnow()
    await session.flush()
    return member


def _find_member(case: Case, member_id: int) -> HouseholdMember:
    for member in case.members:
        if member.id == member_id:
            return member
    raise NotFound("没有找到这位家庭成员", code="member_not_found")


async def update_member(*, session: AsyncSession, cipher: PersonalDataCipher, case_no: str,
                        channel_user: str, member_id: int, data: MemberUpdate) -> HouseholdMember:
    case = await get_case(session=session, case_no=case_no)
    _editable(case, channel_user)
    member = _find_member(case, member_id)
    given = data.model_dump(exclude_unset=True)
    if given.get("id_number"):
        set_personal_numbers(member, given.pop("id_number"), cipher)
        _check_duplicate_member(case, member.id_number_hash, except_id=member.id)
    for name, value in given.items():
        if value is not None or name in ("monthly_income", "health"):
            setattr(member, name, value)
    case.updated_at = utcnow()
    await session.flush()
    return member


async def remove_member(*, session: AsyncSession, case_no: str, channel_user: str,
                        member_id: int) -> Case:
    case = await get_case(session=session, case_no=case_no)
    _editable(case, channel_user)
    case.members.remove(_find_member(case, member_id))
    case.updated_at = utcnow()
    await session.flush()
    return case


async def submit(*, session: AsyncSession, case_no: str, channel_user: str) -> Case:
    """Submit a complete draft. Submitting an already submitted case changes nothing."""
    case = await get_case_for_chat(session=session, case_no=case_no, channel_user=channel_user)
    if case.status != CaseStatus.DRAFT.value:
        return case
    _submit_draft(case, channel_user)
    await session.flush()
    return case


def _submit_draft(case: Case, channel_user: str) -> None:
    missing = missing_fields(case)
    if missing:
        labels = dict(REQUIRED_FIELDS)
        raise InvalidInput("还缺这些信息：" + "、".join(labels[m] for m in missing),
                           code="draft_incomplete", details={"missing_fields": missing})
    case.household_size = case.household_size or 1 + sum(
        1 for m in case.members if m.role == "member")
    case.submitted_at = utcnow()
    actor = "helper" if case.helper else "applicant"
    apply_transition(case, CaseStatus.SUBMITTED, actor=Actor.APPLICANT, actor_type=actor,
                     actor_name=channel_user, reason="申请人提交申请" if actor == "applicant"
                     else "帮办人代为提交申请")


async def create_complete_case(*, session: AsyncSession, cipher: PersonalDataCipher,
                               data: CompleteCaseIn) -> Case:
    """A whole application, built in memory and written in one flush (one INSERT per table)."""
    case = _new_draft(DraftCreate(channel_user=data.channel_user,
                                  assistance_type=data.assistance_type,
                                  for_self=data.helper is None))
    _apply_fields(case, data, cipher)
    if data.helper:
        _apply_helper(case, data.channel_user, data.helper, cipher)
    for member_in in data.members:
        member = _new_member(member_in, cipher)
        _check_duplicate_member(case, member.id_number_hash)
        case.members.append(member)
    if data.submit:
        _submit_draft(case, data.channel_user)
    session.add(case)
    await session.flush()
    return case


async def cases_of_chat_user(*, session: AsyncSession, channel_user: str) -> list[Case]:
    """Cases this chat user filed (as applicant or helper) or is the applicant of."""
    # A union of two index look-ups: an OR across the applicant join would scan every case.
    case_ids = union(
        select(Case.id).where(Case.filed_by_channel_user == channel_user),
        select(Applicant.case_id).where(Applicant.channel_user == channel_user),
    )
    rows = await session.scalars(
        select(Case)
        .where(Case.id.in_(case_ids))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(50)
    )
    return list(rows)


async def lookup_with_second_factor(*, session: AsyncSession, cipher: PersonalDataCipher,
                                    channel_user: str, case_no: str, id_tail: str,
                                    max_failures: int, window: timedelta) -> Case:
    """Find a case from a chat that did not file it: case number plus ID-number tail."""
    since = utcnow() - window
    failures = await session.scalar(
        select(func.count()).select_from(LookupAttempt).where(
            LookupAttempt.channel_user == channel_user,
            LookupAttempt.succeeded.is_(False),
            LookupAttempt.created_at >= since,
        )
    )
    if (failures or 0) >= max_failures:
        raise TooManyAttempts("查询失败次数太多，请30分钟后再试，或联系工作人员")
    case = await session.scalar(select(Case).where(Case.case_no == normalise_case_no(case_no)))
    matched = bool(
        case and case.status != CaseStatus.DRAFT.value and case.applicant
        and case.applicant.id_number_enc
        and cipher.decrypt(case.applicant.id_number_enc)[-4:] == id_tail.upper()
    )
    session.add(LookupAttempt(channel_user=channel_user, succeeded=matched))
    if not matched or case is None:
        raise NotFound("案件编号或身份证后四位不对，请核对后再试", code="lookup_failed")
    return case


def age_of(birth_date: date | None, today: date | None = None) -> int | None:
    if birth_date is None:
        return None
    today = today or date.today()
    return today.year - birth_date.year - ((today.month, today.day) <
                                            (birth_date.month, birth_date.day))
