"""Linked benefits (免申即享): granted on approval without a new application, listed for the
recipient, exported per agency.

The list of benefits, the agency of each and the assistance types that bring it are data:
`backend/linked_benefits.json`. Importing this module registers the approval hook.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.lifecycle import ASSISTANCE_TYPE_NAMES, AssistanceType, CaseStatus
from backend.models import Case, CaseEvent, LinkedBenefit, StaffUser
from backend.models.base import utcnow
from backend.services import case_review
from backend.services import cases as case_service
from backend.services.staff import district_filter
from backend.settings import Settings

BENEFITS_FILE = Path(__file__).resolve().parent.parent / "linked_benefits.json"
EXPORT_FIELDS = ("agency", "benefit", "case_no", "district", "street", "assistance_type",
                 "holder_name", "id_number_masked", "household_size", "granted_on")


@dataclass(frozen=True)
class BenefitRule:
    code: str  # stable key of the benefit
    name: str  # what a person reads: 医疗救助
    agency: str  # who provides it: 医保局
    types: frozenset[str]  # assistance types whose approval grants it
    description: str  # one plain sentence for the recipient


def load_rules(path: Path = BENEFITS_FILE) -> tuple[BenefitRule, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    known = {t.value for t in AssistanceType}
    rules = []
    for item in data["benefits"]:
        types = frozenset(item["types"])
        if not types <= known:
            raise ValueError(f"{path.name}: unknown assistance type in {item['code']}")
        rules.append(BenefitRule(code=item["code"], name=item["name"], agency=item["agency"],
                                 types=types, description=item["description"]))
    return tuple(rules)


@functools.cache
def rules() -> tuple[BenefitRule, ...]:
    return load_rules()


def agencies() -> list[str]:
    return sorted({rule.agency for rule in rules()})


async def grant_for_case(*, session: AsyncSession, case: Case,
                         benefit_rules: Sequence[BenefitRule] | None = None) -> list[LinkedBenefit]:
    """Grant every benefit the case's assistance type brings; already granted ones stay."""
    have = set(await session.scalars(
        select(LinkedBenefit.benefit_code).where(LinkedBenefit.case_id == case.id)))
    now = utcnow()
    granted = []
    for rule in benefit_rules if benefit_rules is not None else rules():
        if case.assistance_type in rule.types and rule.code not in have:
            benefit = LinkedBenefit(case_id=case.id, benefit_code=rule.code, name=rule.name,
                                    agency=rule.agency, granted_at=now)
            session.add(benefit)
            granted.append(benefit)
    await session.flush()
    return granted


async def grant_on_approval(*, session: AsyncSession, case: Case, event: CaseEvent,
                            staff: StaffUser | None, settings: Settings) -> None:
    """Status hook: an approval grants the linked benefits in the same transaction."""
    if event.to_status == CaseStatus.APPROVED.value:
        await grant_for_case(session=session, case=case)


if grant_on_approval not in case_review.STATUS_HOOKS:
    case_review.STATUS_HOOKS.append(grant_on_approval)


@dataclass(frozen=True)
class RecipientBenefits:
    approved_cases: list[Case]  # the chat user's approved cases, newest first
    benefits: list[LinkedBenefit]  # granted with those approvals


async def benefits_of_chat_user(*, session: AsyncSession, channel_user: str) -> RecipientBenefits:
    """The benefits of the approved cases this chat user filed or is the applicant of."""
    cases = await case_service.cases_of_chat_user(session=session, channel_user=channel_user)
    approved = [c for c in cases if c.status == CaseStatus.APPROVED.value]
    if not approved:
        return RecipientBenefits(approved_cases=[], benefits=[])
    rows = await session.scalars(
        select(LinkedBenefit).where(LinkedBenefit.case_id.in_([c.id for c in approved]))
        .order_by(LinkedBenefit.case_id.desc(), LinkedBenefit.id))
    return RecipientBenefits(approved_cases=approved, benefits=list(rows))


def describe(benefit: LinkedBenefit) -> str:
    rule = next((r for r in rules() if r.code == benefit.benefit_code), None)
    return rule.description if rule else ""


async def export_rows(*, session: AsyncSession, agency: str | None, district: str | None = None,
                      staff: StaffUser | None = None) -> list[dict[str, Any]]:
    """One row per benefit in force (of one agency, or all), masked: for the providing agency.

    `staff` limits the rows to that staff user's 区县; the operator CLI passes none.
    """
    # Only benefits in force: a suspended or ended case's benefits stop with it.
    query = (select(LinkedBenefit).join(Case, LinkedBenefit.case_id == Case.id)
             .where(Case.status == CaseStatus.APPROVED.value))
    if agency:
        query = query.where(LinkedBenefit.agency == agency)
    if district:
        query = query.where(Case.district == district)
    if staff is not None:
        query = query.where(district_filter(staff, Case.district))
    rows = await session.scalars(query.order_by(LinkedBenefit.agency, LinkedBenefit.id))
    return [export_row(b) for b in rows]


def export_row(benefit: LinkedBenefit) -> dict[str, Any]:
    case = benefit.case
    applicant = case.applicant
    kind = AssistanceType(case.assistance_type) if case.assistance_type else None
    return {
        "agency": benefit.agency, "benefit": benefit.name, "case_no": case.case_no,
        "district": case.district, "street": case.street,
        "assistance_type": ASSISTANCE_TYPE_NAMES[kind] if kind else None,
        "holder_name": applicant.name if applicant else None,
        "id_number_masked": applicant.id_number_masked if applicant else None,
        "household_size": case.household_size,
        "granted_on": benefit.granted_at.date().isoformat(),
    }


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def to_json_lines(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
