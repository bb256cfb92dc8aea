"""Every sentence the action server says to a person, in one place."""

from __future__ import annotations

from typing import Any

TYPE_NAMES = {"dibao": "低保", "tekun": "特困人员救助供养", "linshi": "临时救助",
              "dibao_edge": "低保边缘家庭"}
HUKOU_NAMES = {"urban": "城镇户口", "rural": "农村户口"}
HUMAN_BUTTON = {"title": "转人工", "payload": "/request_human"}
ID_TAIL_HINT = "请输入身份证号的最后4位，比如 123X。"

RESUMED = "您上次的申请还没填完，资料都保存着，我们接着填。"
STARTED = "好的，我们开始填申请，一次问一个问题。随时可以说“取消”、“重新开始”或者“转人工”。"
SAVED_LATER = "系统有点忙，您的回答我先记下了，稍后会自动保存，不会丢。"
BACKEND_DOWN = "系统暂时连不上，请稍后再试。您已经填过的内容不会丢失。"
CANCELLED = "好的，先停在这里。您填过的内容已经保存，想接着填时说“继续申请”就行。"
RESTARTED = "好的，我们从头开始填一份新的申请。"
NOTHING_TO_RESUME = "没有找到没填完的申请，我们开始一份新的。"

EXPLAIN = {  # second failed attempt: say it differently and offer a person
    "assistance_type": "可以直接点下面的按钮选一种；拿不准就点“我不确定”，我问几个问题帮您判断。",
    "applying_for": "如果是给您自己办，就点“给自己申请”；替家里老人或者群众办，就点“帮别人申请”。",
    "applicant_name": "请只输入身份证上的名字，比如“王秀英”，不要加别的字。",
    "applicant_id_number": "身份证号在身份证背面，一共18位，最后一位可能是X。请一位一位核对后再输入。",
    "applicant_phone": "手机号是1开头的11位数字，比如13800001234。没有手机可以填家里人的。",
    "helper_phone": "手机号是1开头的11位数字，比如13800001234。",
    "helper_name": "请输入您自己身份证上的名字，比如“刘敏”。",
    "district": "请说重庆的区县名字，比如“渝中区”、“万州区”、“石柱县”。不是重庆的户口暂时不能在这里申请。",
    "member_id_number": "身份证号在身份证背面或户口本上，一共18位，最后一位可能是X。",
    "member_name": "请输入这位家人身份证或户口本上的名字。",
    "member_income": "说个大概数就行，比如“两千五”或者“2500”，没有收入就说“没有”。",
    "other_income": "说个大概的每月金额就行，比如“一千”，没有就说“没有”。",
    "deposits": "说个大概的总数就行，比如“五千”，没有就说“没有”。",
    "hukou_type": "看户口本首页的“户别”：写“非农业”“城镇”的是城镇户口，写“农业”的是农村户口。",
    "cert_identity_answer": "核对身份用的是申请时登记的信息：申请人的姓名、身份证号最后几位，照身份证填就行。",
    "cert_still_at_address": "就是问您是不是还住在申请时登记的地方：还住就点“还住在那里”，搬了就点“搬家了”。",
    "cert_household_changed": "家里有没有人出生、去世、结婚、离婚，或者搬走、搬来一起住？都没有就点“没有变化”。",
    "cert_income_changed": "家里有没有人找到工作、换了工作、工资涨了降了、开始领养老金？都没有就点“没有变化”。",
    "precheck_district": "请说重庆的区县名字，比如“渝中区”、“万州区”、“石柱县”。",
    "precheck_size": "算上自己，一起吃住的家里人一共几个，比如“三口人”；一个人过就说“就我一个”。",
    "precheck_income": "全家每月的收入加起来说个大概数，比如“两千五”；分开说也行，比如“我一千五，老伴八百”。",
    "precheck_deposits": "全家银行存款、理财加起来说个大概数，比如“五千”，没有就说“没有”。",
    "precheck_vehicle": "没有汽车就点“没有车”；有的话说大概值多少钱，比如“值三万”。",
}
GENERIC_EXPLAIN = "这一项我没能理解，换个说法试试，或者点“转人工”找工作人员帮您。"


def type_name(code: str | None) -> str:
    return TYPE_NAMES.get(code or "", "未选择")


def suggestion(code: str, reason: str) -> str:
    return (f"根据您说的情况，建议申请：{type_name(code)}。{reason}\n"
            "（仅供参考，以审核确认结果为准）下面请选择要申请的类型：")


def money(value: float | None) -> str:
    if value is None:
        return "未填"
    return "没有" if value == 0 else f"{value:g}元"


def income(value: float | None) -> str:
    return "无收入" if not value else f"月收入{value:g}元"


def summary(case: dict[str, Any]) -> str:
    applicant = case["applicant"]
    lines = [
        "请核对一下申请内容：",
        f"救助类型：{type_name(case['assistance_type'])}",
        f"申请人：{applicant['name'] or '未填'}（身份证 {applicant['id_number_masked'] or '未填'}）",
        f"电话：{applicant['phone_masked'] or '未填'}",
        f"地址：{case['district'] or ''}{case['street'] or ''}{case['address'] or ''}",
        f"户口：{HUKOU_NAMES.get(case['hukou_type'] or '', '未填')}",
    ]
    if case.get("helper"):
        helper = case["helper"]
        lines.append(f"代办人：{helper['name']}（{helper['relation']}）")
    members = case["members"]
    lines.append("家庭成员：" + ("；".join(
        f"{m['relation']}{m['name']}，{income(m['monthly_income'])}" for m in members)
        if members else "无（只有申请人）"))
    other = money(case['other_income'])
    lines.append(f"其他收入：{'每月' + other if other.endswith('元') else other}；"
                 f"存款：{money(case['deposits'])}")
    lines.append(f"住房：{case['housing'] or '未填'}；车辆：{case['vehicle'] or '未填'}；"
                 f"经营：{case['business'] or '未填'}")
    lines.append(f"困难情况：{case['hardship'] or '未填'}")
    lines.append("没问题就点“确认提交”；要改哪一项就点“修改”。")
    return "\n".join(lines)


CORRECTABLE_FIELDS = (
    ("applicant_name", "姓名"), ("applicant_id_number", "身份证号"), ("applicant_phone", "电话"),
    ("district", "区县"), ("street", "街道乡镇"), ("address", "地址"), ("hukou_type", "户口"),
    ("other_income", "其他收入"), ("deposits", "存款"), ("housing", "住房"),
    ("vehicle", "车辆"), ("business", "经营"), ("hardship", "困难情况"),
    ("assistance_type", "救助类型"),
)


def materials(case: dict[str, Any]) -> list[str]:
    """The checklist derived from the answers."""
    items = ["申请人和共同生活家庭成员的身份证、户口簿（原件，工作人员入户时核对）"]
    people = [case["applicant"], *case["members"]]
    if any(p.get("health") == "disabled" for p in people):
        items.append("残疾人证")
    if any(p.get("health") in ("serious_illness", "chronic_illness") for p in people):
        items.append("医院诊断证明、近期的医疗费用票据")
    if any(m.get("is_student") for m in case["members"]):
        items.append("在读学生的在读证明（学生证）")
    if case.get("assistance_type") == "linshi":
        items.append("遭遇急难的证明材料（如火灾、事故证明，住院发票）")
    if case.get("housing") and "租" in case["housing"]:
        items.append("租房合同")
    if case.get("business") and case["business"] not in ("没有", "无"):
        items.append("经营收入情况说明")
    return items


def submitted(case: dict[str, Any]) -> str:
    checklist = "\n".join(f"· {item}" for item in materials(case))
    return (
        f"申请已提交！案件编号：{case['case_no']}（请记下来，查询进度时要用）。\n"
        "接下来：街道（乡镇）受理 → 入户调查 → 家庭经济状况核对 → 区县审核确认，"
        "一般10到20个工作日，最长不超过30个工作日。\n"
        f"请准备好这些材料，工作人员入户时会看：\n{checklist}"
    )


AUTHORISATION = (
    "【家庭经济状况核对授权书】\n本人同意民政部门及其委托的核对机构，为审核社会救助申请，"
    "依法查询本人的户籍、收入、存款、房产、车辆、社保、公积金等信息。"
    "查询结果只用于社会救助审核，依法保密。\n依据：《最低生活保障审核确认办法》第九条；《社会救助暂行办法》第六十一条。"
)
SIGN_NEXT = "下一步：申请人和家里的成年人都要签署这份授权书，审核才能开始。"
SIGN_BUTTON = {"title": "签署授权书", "payload": "/sign"}


def signature_status(signatures: dict[str, Any]) -> str:
    text = f"授权书{signatures['text']}。"
    if signatures["missing"]:
        text += "还差：" + "、".join(f"{m['relation']}{m['name']}" for m in signatures["missing"])
    return text


def signing_codes(codes: list[dict[str, Any]], hours: int) -> str:
    lines = ["请把下面的签署码分别发给本人，让他们用自己的手机打开这个助手，发送“签署码 XXXX-XXXX”来签字："]
    lines += [f"· {c['relation']}{c['name']}：{c['code']}" for c in codes]
    lines.append(f"签署码{hours}小时内有效，只能用一次。")
    return "\n".join(lines)
