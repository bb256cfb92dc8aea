"""The helper registry: register, list, deactivate, and the cases a helper filed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Conflict, InvalidInput, NotFound
from backend.lifecycle import CaseStatus
from backend.models import Case, CaseHelper, RegisteredHelper, StaffUser
from backend.models.base import utcnow
from backend.privacy.crypto import PersonalDataCipher
from backend.privacy.id_numbers import mask_id_number, mask_phone
from backend.schemas_helper_registry import RegisteredHelperIn
from backend.services.staff import audit, district_filter


def _district_for(staff: StaffUser, requested: str | None) -> str:
    if staff.role == "city":
        if not requested:
            raise InvalidInput("请选择帮办代办人所属的区县", code="district_required")
        return requested
    if staff.district is None or (requested and requested != staff.district):
        raise InvalidInput("只能登记本区县的帮办代办人", code="other_district")
    return staff.district


async def register_helper(*, session: AsyncSession, cipher: PersonalDataCipher, staff: StaffUser,
                          data: RegisteredHelperIn) -> RegisteredHelper:
    district = _district_for(staff, data.district)
    phone_hash = cipher.lookup_hash(data.phone)
    duplicate = await session.scalar(select(RegisteredHelper.id).where(
        RegisteredHelper.phone_hash == phone_hash, RegisteredHelper.is_active.is_(True)))
    if duplicate is not None:
        raise Conflict("这个手机号已经登记为帮办代办人", code="helper_registered")
    helper = RegisteredHelper(
        name=data.name, kind=data.kind, organisation=data.organisation, district=district,
        phone_enc=cipher.encrypt(data.phone), phone_hash=phone_hash,
        phone_masked=mask_phone(data.phone), is_active=True, created_by=staff.id,
    )
    if data.id_number:
        helper.id_number_enc = cipher.encrypt(data.id_number)
        helper.id_number_hash = cipher.lookup_hash(data.id_number)
        helper.id_number_masked = mask_id_number(data.id_number)
    session.add(helper)
    await session.flush()
    audit(session=session, staff=staff, action="helper.register", detail=f"helper:{helper.id}")
    return helper


async def list_helpers(*, session: AsyncSession, staff: StaffUser,
                       active: bool | None = None) -> list[RegisteredHelper]:
    query = select(RegisteredHelper).where(district_filter(staff, RegisteredHelper.district))
    if active is not None:
        query = query.where(RegisteredHelper.is_active.is_(active))
    return list(await session.scalars(
        query.order_by(RegisteredHelper.is_active.desc(), RegisteredHelper.id.desc()).limit(500)))


async def get_helper(*, session: AsyncSession, staff: StaffUser, helper_id: int) -> RegisteredHelper:
    helper = await session.get(RegisteredHelper, helper_id)
    if helper is None or not (staff.role == "city" or helper.district == staff.district):
        raise NotFound("没有找到这位帮办代办人", code="helper_not_found")
    return helper


async def deactivate_helper(*, session: AsyncSession, staff: StaffUser,
                            helper_id: int) -> RegisteredHelper:
    helper = await get_helper(session=session, staff=staff, helper_id=helper_id)
    if not helper.is_active:
        raise Conflict("这位帮办代办人已经停用", code="helper_inactive")
    helper.is_active, helper.deactivated_at, helper.deactivated_by = False, utcnow(), staff.id
    audit(session=session, staff=staff, action="helper.deactivate", detail=f"helper:{helper.id}")
    await session.flush()
    return helper


async def cases_filed_by(*, session: AsyncSession, cipher: PersonalDataCipher, staff: StaffUser,
                         helper: RegisteredHelper) -> list[Case]:
    """Submitted cases whose helper record has this name and phone, within the staff's scope."""
    rows = await session.execute(
        select(Case, CaseHelper.phone_enc).join(CaseHelper, CaseHelper.case_id == Case.id)
        .where(CaseHelper.name == helper.name, CaseHelper.phone_enc.is_not(None),
               Case.status != CaseStatus.DRAFT.value, district_filter(staff, Case.district))
        .order_by(Case.id.desc()).limit(200))
    return [case for case, phone_enc in rows
            if cipher.lookup_hash(cipher.decrypt(phone_enc)) == helper.phone_hash]
