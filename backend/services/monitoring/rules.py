"""The early-warning rules: which cross-check record about which monitored person asks what
of staff. One table, `RULES`; a (kind, group) pair that is not in it makes no alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from backend.services.monitoring.records import RecordKind

# How long people stay monitored after their assistance ended (left, or one-off 临时救助).
MONITORING_WINDOW = timedelta(days=365)


class Category(str, Enum):
    """Why a person is in the monitored population (from their case)."""

    DIBAO = "dibao"  # approved 低保
    TEKUN = "tekun"  # approved 特困
    DIBAO_EDGE = "dibao_edge"  # approved 低保边缘家庭
    LINSHI = "linshi"  # 临时救助 granted (monitored for a year after)
    REJECTED = "rejected"  # applied and was not approved (kept for monitoring)


class PersonGroup(str, Enum):
    """What the rules look at: the category and whether the assistance still lasts."""

    RECIPIENT = "recipient"  # 低保 or 特困, in force
    EDGE = "edge"  # 低保边缘家庭, in force
    LINSHI = "linshi"  # 临时救助 in the last year
    LEFT = "left"  # left 低保 / 特困 / 低保边缘 in the last year
    REJECTED = "rejected"  # applicant's household not approved


CATEGORY_NAMES = {
    Category.DIBAO: "低保对象",
    Category.TEKUN: "特困人员",
    Category.DIBAO_EDGE: "低保边缘家庭",
    Category.LINSHI: "临时救助对象",
    Category.REJECTED: "未获批准的申请家庭",
}

GROUP_NAMES = {
    PersonGroup.RECIPIENT: "低保、特困对象",
    PersonGroup.EDGE: "低保边缘家庭",
    PersonGroup.LINSHI: "近一年临时救助对象",
    PersonGroup.LEFT: "近一年退出保障的人员",
    PersonGroup.REJECTED: "未获批准的申请家庭",
}

ROLE_NAMES = {"applicant": "申请人本人", "member": "家庭成员", "obligor": "赡养（抚养、扶养）义务人"}

ACTION_NAMES = {
    "suspend_review": "暂停待遇复核",
    "review": "复核",
    "household_review": "家庭人口变化复核",
    "benefit_review": "待遇调整复核",
    "proactive": "可能符合救助条件，主动发现",
}

# How staff close an alert.
OUTCOMES = {
    "benefit_suspended": "已暂停或停止待遇",
    "benefit_adjusted": "已调整待遇或保障人口",
    "no_change": "经核实，无需调整",
    "assistance_offered": "已上门了解，引导申请救助",
    "not_eligible": "经核实，不符合救助条件",
    "data_error": "比对数据有误",
}


def person_group(category: str, until: datetime | None) -> PersonGroup:
    if category == Category.REJECTED.value:
        return PersonGroup.REJECTED
    if category == Category.LINSHI.value:
        return PersonGroup.LINSHI
    if until is not None:
        return PersonGroup.LEFT
    if category == Category.DIBAO_EDGE.value:
        return PersonGroup.EDGE
    return PersonGroup.RECIPIENT


def _who(category: str, group: PersonGroup, role: str) -> str:
    if group is PersonGroup.LEFT:
        subject = f"近一年退出保障的{CATEGORY_NAMES[Category(category)]}"
    else:
        subject = CATEGORY_NAMES[Category(category)]
    return f"{subject}（{ROLE_NAMES.get(role, role)}）"


@dataclass(frozen=True)
class Rule:
    action: str  # a key of ACTION_NAMES
    priority: str  # high | normal
    reason: str  # format fields: who, date, and the record's facts


_DEATH_PROACTIVE = Rule("proactive", "normal",
                        "{who}于{date}死亡，家庭可能因此陷入困难，请主动了解是否符合救助条件")
_NEW_MEMBER_PROACTIVE = Rule("proactive", "normal",
                             "{who}家庭于{date}新增成员（{change_reason}），"
                             "家庭负担加重，可能符合救助条件，请主动发现")
_DISABILITY_PROACTIVE = Rule("proactive", "high",
                             "{who}于{date}新认定为{disability_grade}{disability_type}残疾，"
                             "可能符合救助条件，请主动发现、上门了解")

_K, _G = RecordKind, PersonGroup
RULES: dict[tuple[RecordKind, PersonGroup], Rule] = {
    (_K.DEATHS, _G.RECIPIENT): Rule("suspend_review", "high",
                                    "{who}于{date}死亡，请暂停待遇并复核家庭保障情况"),
    (_K.DEATHS, _G.EDGE): Rule("household_review", "normal",
                               "{who}于{date}死亡，家庭人口变化，请复核低保边缘家庭认定"),
    (_K.DEATHS, _G.LINSHI): _DEATH_PROACTIVE,
    (_K.DEATHS, _G.LEFT): _DEATH_PROACTIVE,
    (_K.DEATHS, _G.REJECTED): _DEATH_PROACTIVE,
    (_K.DETENTION, _G.RECIPIENT): Rule("review", "high",
                                       "{who}自{date}起处于{detention_type}状态，"
                                       "请复核其是否仍计入保障范围、待遇是否调整"),
    (_K.DETENTION, _G.EDGE): Rule("review", "normal",
                                  "{who}自{date}起处于{detention_type}状态，请复核低保边缘家庭认定"),
    (_K.NEW_MEMBERS, _G.RECIPIENT): Rule("household_review", "normal",
                                         "{who}家庭于{date}新增成员（{change_reason}），"
                                         "请复核家庭人口和待遇"),
    (_K.NEW_MEMBERS, _G.EDGE): Rule("household_review", "normal",
                                    "{who}家庭于{date}新增成员（{change_reason}），请复核家庭人口"),
    (_K.NEW_MEMBERS, _G.LINSHI): _NEW_MEMBER_PROACTIVE,
    (_K.NEW_MEMBERS, _G.LEFT): _NEW_MEMBER_PROACTIVE,
    (_K.NEW_MEMBERS, _G.REJECTED): _NEW_MEMBER_PROACTIVE,
    (_K.DISABILITY, _G.RECIPIENT): Rule("benefit_review", "normal",
                                        "{who}于{date}新认定为{disability_grade}{disability_type}残疾，"
                                        "请复核是否需要调整待遇（如重度残疾人单独施保、加发）"),
    (_K.DISABILITY, _G.EDGE): _DISABILITY_PROACTIVE,
    (_K.DISABILITY, _G.LINSHI): _DISABILITY_PROACTIVE,
    (_K.DISABILITY, _G.LEFT): _DISABILITY_PROACTIVE,
    (_K.DISABILITY, _G.REJECTED): _DISABILITY_PROACTIVE,
    (_K.MARRIAGE, _G.RECIPIENT): Rule("review", "normal",
                                      "{who}于{date}{marriage_change}，家庭成员可能变化，请复核"),
    (_K.MARRIAGE, _G.EDGE): Rule("review", "normal",
                                 "{who}于{date}{marriage_change}，家庭成员可能变化，请复核"),
}


@dataclass(frozen=True)
class Decision:
    group: PersonGroup
    action: str
    priority: str
    reason: str


def decide(kind: RecordKind, *, category: str, until: datetime | None, member_role: str,
           event_date: str, facts: dict[str, Any]) -> Decision | None:
    """The alert a record about a monitored person makes, or None when no rule applies."""
    group = person_group(category, until)
    rule = RULES.get((kind, group))
    if rule is None:
        return None
    reason = rule.reason.format(who=_who(category, group, member_role), date=event_date, **facts)
    return Decision(group=group, action=rule.action, priority=rule.priority, reason=reason)

