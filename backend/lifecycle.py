"""Assistance types, case statuses and the one table of legal transitions."""

from __future__ import annotations

from enum import Enum


class AssistanceType(str, Enum):
    DIBAO = "dibao"
    TEKUN = "tekun"
    LINSHI = "linshi"
    DIBAO_EDGE = "dibao_edge"


ASSISTANCE_TYPE_NAMES = {
    AssistanceType.DIBAO: "最低生活保障（低保）",
    AssistanceType.TEKUN: "特困人员救助供养（特困）",
    AssistanceType.LINSHI: "临时救助",
    AssistanceType.DIBAO_EDGE: "低保边缘家庭",
}


class CaseStatus(str, Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    VERIFYING = "verifying"
    NEEDS_INFO = "needs_info"
    REVIEWING = "reviewing"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    # After approval: payment paused while a change is reviewed (e.g. a monitoring alert),
    # and assistance ended (停保: no longer eligible, deceased, moved away).
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class Actor(str, Enum):
    """Who may cause a transition."""

    APPLICANT = "applicant"  # the applicant or their helper, through the chat
    STAFF = "staff"
    SYSTEM = "system"


# What the applicant reads about each status.
STATUS_DESCRIPTIONS = {
    CaseStatus.DRAFT: "草稿：还没有提交",
    CaseStatus.SUBMITTED: "已提交，等待街道（乡镇）受理",
    CaseStatus.ACCEPTED: "已受理，即将开展家庭经济状况核对和入户调查",
    CaseStatus.VERIFYING: "正在核对：家庭经济状况核对和入户调查",
    CaseStatus.NEEDS_INFO: "需要补充材料，请按工作人员的要求补充",
    CaseStatus.REVIEWING: "正在审核确认",
    CaseStatus.APPROVED: "审核通过，已批准",
    CaseStatus.REJECTED: "未通过审核",
    CaseStatus.WITHDRAWN: "已撤回申请",
    CaseStatus.SUSPENDED: "救助暂停发放，正在复核家庭情况",
    CaseStatus.TERMINATED: "救助已停止",
}

# What happens next, in plain Chinese.
NEXT_STEPS = {
    CaseStatus.DRAFT: "把资料填完并提交后，街道（乡镇）会受理。",
    CaseStatus.SUBMITTED: "街道（乡镇）工作人员会尽快受理您的申请。",
    CaseStatus.ACCEPTED: "接下来会核对家庭经济状况，并安排工作人员入户调查。",
    CaseStatus.VERIFYING: "核对和入户调查完成后，进入审核确认。",
    CaseStatus.NEEDS_INFO: "补充材料后，工作人员会继续核对。",
    CaseStatus.REVIEWING: "区县民政部门审核确认后会通知您结果。",
    CaseStatus.APPROVED: "救助金将按月发放，请留意通知。",
    CaseStatus.REJECTED: "如有异议，可以向区县民政部门申请复核。",
    CaseStatus.WITHDRAWN: "如需再次申请，可以随时重新提交。",
    CaseStatus.SUSPENDED: "工作人员复核后会恢复或停止救助，并通知您；有疑问可以联系街道（乡镇）。",
    CaseStatus.TERMINATED: "如对停止救助有异议，可以向区县民政部门申请复核；情况变化后可以重新申请。",
}

# No move leads out of these.
TERMINAL = frozenset({CaseStatus.REJECTED, CaseStatus.WITHDRAWN, CaseStatus.TERMINATED})
# The assistance is (or was until paused) in force: recipients.
RECIPIENT_STATUSES = frozenset({CaseStatus.APPROVED, CaseStatus.SUSPENDED})

_S = CaseStatus
# (from, to) -> who may make that move.
TRANSITIONS: dict[tuple[CaseStatus, CaseStatus], frozenset[Actor]] = {
    (_S.DRAFT, _S.SUBMITTED): frozenset({Actor.APPLICANT}),
    (_S.SUBMITTED, _S.ACCEPTED): frozenset({Actor.STAFF}),
    (_S.SUBMITTED, _S.REJECTED): frozenset({Actor.STAFF}),  # 不予受理
    (_S.ACCEPTED, _S.VERIFYING): frozenset({Actor.STAFF}),
    (_S.VERIFYING, _S.REVIEWING): frozenset({Actor.STAFF}),
    (_S.VERIFYING, _S.NEEDS_INFO): frozenset({Actor.STAFF}),
    (_S.NEEDS_INFO, _S.VERIFYING): frozenset({Actor.STAFF, Actor.APPLICANT}),
    (_S.REVIEWING, _S.NEEDS_INFO): frozenset({Actor.STAFF}),
    (_S.REVIEWING, _S.APPROVED): frozenset({Actor.STAFF}),
    (_S.REVIEWING, _S.REJECTED): frozenset({Actor.STAFF}),
    (_S.APPROVED, _S.SUSPENDED): frozenset({Actor.STAFF}),  # 暂停发放，复核
    (_S.SUSPENDED, _S.APPROVED): frozenset({Actor.STAFF}),  # 复核后恢复
    (_S.APPROVED, _S.TERMINATED): frozenset({Actor.STAFF}),  # 停保
    (_S.SUSPENDED, _S.TERMINATED): frozenset({Actor.STAFF}),
    **{
        (status, _S.WITHDRAWN): frozenset({Actor.APPLICANT})
        for status in (_S.DRAFT, _S.SUBMITTED, _S.ACCEPTED, _S.VERIFYING, _S.NEEDS_INFO,
                       _S.REVIEWING)
    },
}


def can_transition(current: CaseStatus, target: CaseStatus, actor: Actor) -> bool:
    return actor in TRANSITIONS.get((current, target), frozenset())
