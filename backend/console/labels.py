"""The Chinese words staff read for the codes in the database."""

from __future__ import annotations

from backend.lifecycle import ASSISTANCE_TYPE_NAMES, TRANSITIONS, Actor, CaseStatus
from backend.models.helper_registry import HELPER_KINDS

STATUS_LABELS = {
    "draft": "草稿", "submitted": "已提交", "accepted": "已受理", "verifying": "核对中",
    "needs_info": "需补充材料", "reviewing": "审核确认中", "approved": "已批准",
    "rejected": "未通过", "withdrawn": "已撤回", "suspended": "暂停发放", "terminated": "已停止救助",
}

# The button that moves a case to each status.
TRANSITION_LABELS = {
    "accepted": "受理", "verifying": "开始核对（经济状况核对、入户调查）",
    "reviewing": "核对完成，提交审核确认", "needs_info": "要求补充材料",
    "approved": "审核通过，批准", "rejected": "不予批准 / 不予受理",
    "suspended": "暂停发放，复核", "terminated": "停止救助（停保）",
}
# Where one target is reached from several statuses and means something else.
TRANSITION_LABELS_FROM = {("suspended", "approved"): "复核通过，恢复发放"}

TYPE_LABELS = {t.value: name for t, name in ASSISTANCE_TYPE_NAMES.items()}

ESCALATION_STATUS_LABELS = {"open": "待处理", "claimed": "处理中", "answered": "已答复",
                            "closed": "已关闭"}
PRIORITY_LABELS = {"normal": "普通", "urgent": "紧急"}
HEALTH_LABELS = {"healthy": "健康", "chronic_illness": "慢性病", "serious_illness": "重病",
                 "disabled": "残疾", "unable_to_work": "丧失劳动能力"}
HUKOU_LABELS = {"urban": "城镇", "rural": "农村"}
ROLE_LABELS = {"member": "家庭成员", "obligor": "赡养（抚养、扶养）义务人"}
ACTOR_LABELS = {"applicant": "申请人", "helper": "帮办人", "staff": "工作人员", "system": "系统"}
AUDIT_LABELS = {"case.read": "查看案件", "case.transition": "变更状态",
                "helper.register": "登记帮办代办人", "helper.deactivate": "停用帮办代办人"}
AUDIT_DETAIL_LABELS = {"console": "通过工作台", **STATUS_LABELS}
SIGN_METHOD_LABELS = {"chat_name": "聊天中签名", "signing_code": "签署码签名"}
HELPER_KIND_LABELS = HELPER_KINDS

# Labels handed to every template as `labels`.
ALL = {
    "status": STATUS_LABELS, "transition": TRANSITION_LABELS, "type": TYPE_LABELS,
    "escalation_status": ESCALATION_STATUS_LABELS, "priority": PRIORITY_LABELS,
    "health": HEALTH_LABELS, "hukou": HUKOU_LABELS, "role": ROLE_LABELS, "actor": ACTOR_LABELS,
    "audit": AUDIT_LABELS, "audit_detail": AUDIT_DETAIL_LABELS, "sign_method": SIGN_METHOD_LABELS,
    "helper_kind": HELPER_KIND_LABELS,
}


def staff_targets(status: str) -> list[tuple[str, str]]:
    """(status, button label) for each status staff may move a case in `status` to, from
    the one transition table."""
    current = CaseStatus(status)
    return [(to.value, TRANSITION_LABELS_FROM.get((status, to.value))
             or TRANSITION_LABELS.get(to.value, STATUS_LABELS[to.value]))
            for (frm, to), actors in TRANSITIONS.items()
            if frm is current and Actor.STAFF in actors]
