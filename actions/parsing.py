"""Understanding what people type: Chinese numbers and amounts, ID and phone numbers, 区县,
names, relations, yes/no. Pure functions; no I/O."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from actions.reference import DISTRICT_ALIASES, DISTRICTS

_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
_NONE_WORDS = ("没有", "没得", "莫得", "无", "没", "不有", "零收入", "一分没有", "没收入")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _small_chinese(text: str) -> float | None:
    """A Chinese numeral below 10,000: 两千五 → 2500, 三百零八 → 308, 十二 → 12."""
    if not text:
        return 0
    total, current, last_unit, zero_seen = 0, None, None, False
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
            zero_seen = zero_seen or current == 0
        elif ch in _UNITS:
            unit = _UNITS[ch]
            total += (current if current is not None else 1) * unit
            current, last_unit, zero_seen = None, unit, False
        else:
            return None
    if current is not None:
        # 两千五 is 2500: a last digit right after a unit counts in the next lower unit
        # (三百零八 is 308: after 零 it counts as itself).
        shifted = last_unit and last_unit >= 100 and not zero_seen
        total += current * (last_unit // 10 if shifted else 1)
    return total


def chinese_number(text: str) -> float | None:
    """Arabic or Chinese numerals with 万/亿 and a decimal point: 1.2万, 一万二, 3000."""
    text = text.replace(",", "").replace("，", "").strip()
    if not text:
        return None
    for big, factor in sorted(_BIG.items(), key=lambda kv: -kv[1]):
        if big in text:
            head, _, tail = text.partition(big)
            head_value = chinese_number(head) if head else 1
            if head_value is None:
                return None
            tail_value: float | None
            if tail and len(tail) == 1 and tail in _DIGITS:
                tail_value = _DIGITS[tail] * factor / 10  # 一万二 → 12000
            else:
                tail_value = chinese_number(tail) if tail else 0
            if tail_value is None:
                return None
            return head_value * factor + tail_value
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    if re.fullmatch(r"[零〇一二两三四五六七八九]+\.[零〇一二三四五六七八九]+", text):  # 一点五
        whole, _, fraction = text.partition(".")
        digits = "".join(str(_DIGITS[ch]) for ch in whole) + "." + "".join(
            str(_DIGITS[ch]) for ch in fraction)
        return float(digits)
    if re.fullmatch(r"\d+[千百十]", text):  # 3千
        return float(text[:-1]) * _UNITS[text[-1]]
    value = _small_chinese(text)
    return float(value) if value is not None else None


_AMOUNT = re.compile(r"(\d+(?:\.\d+)?\s*[万千百十]?|[零〇一二两俩三四五六七八九十百千万亿幺点.\d]+)")


def parse_amount(text: str) -> float | None:
    """A money amount in yuan from free text: '两千五' → 2500, '每月1.2万元' → 12000,
    '没有' → 0. None when there is no amount in the text."""
    cleaned = re.sub(r"(?<=\d)[,，](?=\d{3})", "", text.strip())
    cleaned = cleaned.replace("块钱", "元").replace("块", "元").replace(" ", "")
    if any(cleaned.startswith(word) for word in _NONE_WORDS) or cleaned in ("0", "零"):
        return 0.0
    for match in _AMOUNT.finditer(cleaned):
        token = match.group(1).replace("点", ".")
        if token in (".",):
            continue
        value = chinese_number(token)
        if value is not None:
            return round(value, 2)
    return None


def parse_count(text: str) -> int | None:
    """How many people: '三口人' → 3, '5个' → 5."""
    match = re.search(r"(\d+|[一二两三四五六七八九十]+)\s*(口|个|人|位)", text)
    if not match:
        return None
    value = chinese_number(match.group(1))
    return int(value) if value else None


_ID_IN_TEXT = re.compile(r"(?<![0-9])(\d{17}[\dXx]|\d{15})(?![0-9])")


def find_id_number(text: str) -> str | None:
    """The first 18-digit (or old 15-digit) ID-shaped number in the text, spaces removed."""
    compact = re.sub(r"[\s-]", "", text)
    match = _ID_IN_TEXT.search(compact)
    return match.group(1).upper() if match else None


def id_number_problem(value: str, today: date | None = None) -> str | None:
    """None if the ID number is valid, else a plain-Chinese reason (same rules as the backend)."""
    if len(value) == 15 and value.isdigit():
        return "这是15位的老身份证号，请提供18位的新身份证号"
    if not re.fullmatch(r"[1-9]\d{16}[\dX]", value):
        return "身份证号应为18位：前17位是数字，最后一位是数字或X"
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号里的出生日期不对"
    if birth > (today or date.today()) or birth.year < 1900:
        return "身份证号里的出生日期不对"
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    if "10X98765432"[total % 11] != value[17]:
        return "身份证号最后一位校验不对，可能有一位数字输错了"
    return None


def age_from_id(value: str, today: date | None = None) -> int:
    today = today or date.today()
    birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def find_phone(text: str) -> str | None:
    compact = re.sub(r"[\s-]", "", text)
    match = re.search(r"(?<!\d)(1[3-9]\d{9})(?!\d)", compact)
    return match.group(1) if match else None


def mask_id(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:]


MASKED_NUMBER = re.compile(r"\d{3}\*{4,11}\d{3}[\dXx]")


def is_masked(value: Any) -> bool:
    """A number as the backend shows it (``500***********1234``, ``138****1234``)."""
    return isinstance(value, str) and MASKED_NUMBER.fullmatch(value) is not None


def find_district(text: str) -> str | None:
    """A Chongqing 区县 from a full name or a common short form: 渝中 → 渝中区, 石柱 → ..."""
    compact = text.replace(" ", "")
    for name in sorted(DISTRICTS, key=len, reverse=True):
        if name in compact:
            return name
    for alias, name in sorted(DISTRICT_ALIASES.items(), key=lambda kv: -len(kv[0])):
        if alias in compact:
            return name
    return None


_NAME_PREFIXES = ("我的名字叫", "我的名字是", "名字叫", "名字是", "我叫", "我是", "姓名是", "姓名",
                  "叫做", "叫", "他叫", "她叫", "申请人叫", "申请人是", "申请人")
# Han names have two to six characters; transliterated minority names join parts with "·".
_NAME = re.compile(r"^([\u4e00-\u9fff]{2,6}|[\u4e00-\u9fff]{1,8}([·•][\u4e00-\u9fff]{1,8}){1,3})$")


# A pronoun or a relation word means a sentence about someone ("我是她儿子"), and words of
# amounts or questions an answer to another question ("每个月三千"): not a name.
_NOT_A_NAME = re.compile("[我你他她您]|" + "|".join(
    ("儿子", "女儿", "闺女", "老伴", "老公", "老婆", "丈夫", "妻子", "爱人", "媳妇", "儿媳",
     "女婿", "孙子", "孙女", "爸爸", "妈妈", "父亲", "母亲", "爷爷", "奶奶", "外公", "外婆",
     "哥哥", "姐姐", "弟弟", "妹妹",
     "每个", "个月", "块钱", "多少", "没有", "不知道", "什么", "怎么")))


def clean_name(text: str) -> str | None:
    """A person's name from '我叫王秀英' / '王秀英。' / '名字是 李强'; None if it is not a name."""
    value = re.sub(r"[\s，。,.!！?？:：;；~～\"“”'‘’]", "", text)
    for prefix in _NAME_PREFIXES:
        if value.startswith(prefix) and len(value) > len(prefix) + 1:
            value = value[len(prefix):]
            break
    value = re.sub(r"(吧|呀|啊|哈|的|嘛)$", "", value)
    if not _NAME.match(value) or _NOT_A_NAME.search(value):
        return None
    return value


# Relation words as people type them → the word recorded on the case.
RELATIONS = {
    "老伴": "配偶", "老公": "配偶", "老婆": "配偶", "丈夫": "配偶", "妻子": "配偶", "爱人": "配偶",
    "媳妇": "配偶", "配偶": "配偶",
    "儿子": "儿子", "娃儿": "子女", "女儿": "女儿", "闺女": "女儿", "儿媳妇": "儿媳", "儿媳": "儿媳",
    "女婿": "女婿", "孙子": "孙子", "孙女": "孙女", "外孙女": "外孙女", "外孙": "外孙",
    "爸爸": "父亲", "父亲": "父亲", "老汉": "父亲", "爸": "父亲", "妈妈": "母亲", "母亲": "母亲",
    "老妈": "母亲", "妈": "母亲", "爷爷": "祖父", "奶奶": "祖母", "外公": "外祖父", "外婆": "外祖母",
    "哥哥": "兄弟姐妹", "姐姐": "兄弟姐妹", "弟弟": "兄弟姐妹", "妹妹": "兄弟姐妹",
    "公公": "公婆", "婆婆": "公婆", "岳父": "岳父母", "岳母": "岳父母",
}


def find_relation(text: str) -> tuple[str, str] | None:
    """(word as typed, normalised relation) of the first relation word in the text."""
    best: tuple[int, str] | None = None
    for word in RELATIONS:
        index = text.find(word)
        if index >= 0 and (best is None or index < best[0]
                           or (index == best[0] and len(word) > len(best[1]))):
            best = (index, word)
    return (best[1], RELATIONS[best[1]]) if best else None


HELPER_ROLES = ("子女", "网格员", "社工", "志愿者", "村干部", "社区干部", "居委会", "村委会",
                "亲戚", "邻居", "朋友", "孙子女", "监护人")

# When someone applies "for my mother", they are her child: the helper's relation to the applicant.
HELPER_RELATION_FOR = {"母亲": "子女", "父亲": "子女", "祖父": "孙子女", "祖母": "孙子女",
                       "外祖父": "孙子女", "外祖母": "孙子女", "配偶": "配偶", "公婆": "儿媳",
                       "岳父母": "女婿", "兄弟姐妹": "兄弟姐妹"}


def applying_for_someone(text: str) -> str | None:
    """'帮我妈申请' → the helper's relation ('子女'), '' when for someone unnamed, None if not."""
    if not any(word in text for word in ("帮", "替", "代", "给我")):
        return None
    if role := next((r for r in HELPER_ROLES if r in text), None):
        return role
    found = find_relation(text)
    if found:
        return HELPER_RELATION_FOR.get(found[1], "")
    return "" if any(word in text for word in ("别人", "群众", "老人", "婆婆", "爷爷")) else None


_YES = ("有", "是", "对", "要得", "能", "可以", "嗯", "好", "会", "行", "y", "yes")
_NO = ("没有", "没", "无", "不", "莫得", "否", "n", "no", "干不了", "不能")


def yes_or_no(text: str) -> bool | None:
    value = text.strip().lower()
    if not value:
        return None
    if any(value.startswith(word) for word in _NO):
        return False
    if any(value.startswith(word) for word in _YES):
        return True
    return None


FINISH_WORDS = ("没有了", "没了", "没有", "没得了", "没得", "莫得", "就这些", "就这样", "没别人",
                "就我一个", "就我们", "完了", "不用了", "没人了", "无")


def is_finished(text: str) -> bool:
    value = re.sub(r"[\s，。,.!！]", "", text)
    return any(value.startswith(word) for word in FINISH_WORDS)


HEALTH_WORDS = (
    (("残疾", "残障", "残疾证", "瘫痪", "聋", "哑", "盲", "智力"), "disabled"),
    (("重病", "大病", "癌", "肿瘤", "尿毒症", "白血病", "透析", "住院"), "serious_illness"),
    (("慢性病", "慢病", "高血压", "糖尿病", "心脏病", "风湿", "长期吃药"), "chronic_illness"),
    (("干不了活", "不能干活", "没劳动能力", "丧失劳动能力"), "unable_to_work"),
    (("健康", "身体好", "好的", "正常", "没病", "挺好", "还行", "可以"), "healthy"),
)
HEALTH_NAMES = {"healthy": "健康", "chronic_illness": "慢性病", "serious_illness": "重病",
                "disabled": "残疾", "unable_to_work": "丧失劳动能力"}


def parse_health(text: str) -> tuple[str | None, bool]:
    """(health code or None, is a student) from '残疾' / '在上学' / '身体还行'."""
    student = any(word in text for word in ("学生", "上学", "读书", "在读", "念书", "上小学",
                                           "上初中", "上高中", "上大学"))
    for words, code in HEALTH_WORDS:
        if any(word in text for word in words):
            return code, student
    return ("healthy" if student else None), student


def parse_hukou(text: str) -> str | None:
    if any(word in text for word in ("农村", "农业", "乡下", "村里")):
        return "rural"
    if any(word in text for word in ("城镇", "城市", "非农", "居民户口", "城里", "街道")):
        return "urban"
    return None


TYPE_WORDS = (
    (("低保边缘", "边缘户", "边缘家庭", "边缘"), "dibao_edge"),
    (("特困", "特因", "五保", "供养"), "tekun"),
    (("临时救助", "临时", "急难", "应急"), "linshi"),
    (("低保", "低包", "底保", "最低生活保障", "吃低保"), "dibao"),
)


def parse_assistance_type(text: str) -> str | None:
    for words, code in TYPE_WORDS:
        if any(word in text for word in words):
            return code
    if text.strip() in ("dibao", "tekun", "linshi", "dibao_edge"):
        return text.strip()
    return None


def is_unsure(text: str) -> bool:
    return any(word in text for word in ("不确定", "不知道", "不清楚", "不晓得", "不懂", "帮我看",
                                         "unsure_type", "哪个好", "该申请"))


_CODE = re.compile(r"([A-Za-z0-9]{4})[-\s]?([A-Za-z0-9]{4})")


def find_signing_code(text: str) -> str | None:
    match = _CODE.search(text.replace("－", "-").replace("—", "-"))
    return f"{match.group(1)}-{match.group(2)}".upper() if match else None


def find_case_no(text: str) -> str | None:
    match = re.search(r"(CQ\d{6})[-\s—－]?([A-Za-z0-9]{8})", text, re.IGNORECASE)
    return f"{match.group(1)}-{match.group(2)}".upper() if match else None


def find_id_tail(text: str) -> str | None:
    match = re.search(r"(?<![0-9])(\d{3}[\dXx])(?![0-9])", text.replace(" ", ""))
    return match.group(1).upper() if match else None


FIELD_WORDS = (  # what people call each field → the form slot
    (("身份证",), "applicant_id_number"), (("电话", "手机"), "applicant_phone"),
    (("名字", "姓名"), "applicant_name"), (("区县",), "district"),
    (("街道", "乡镇"), "street"), (("地址", "住址", "门牌"), "address"),
    (("户口",), "hukou_type"), (("存款",), "deposits"), (("其他收入", "别的收入", "养老金"),
                                                        "other_income"),
    (("住房", "房子"), "housing"), (("车",), "vehicle"), (("生意", "经营", "公司"), "business"),
    (("困难",), "hardship"), (("类型", "低保", "特困", "临时救助"), "assistance_type"),
)


def find_field(text: str) -> str | None:
    """Which answer a person wants to correct: '电话写错了' → applicant_phone."""
    for words, slot in FIELD_WORDS:
        if any(word in text for word in words):
            return slot
    return None
