"""What people type, understood: numbers, amounts, IDs, phones, 区县, names, relations."""

from __future__ import annotations

from datetime import date

import pytest

from actions import parsing

VALID_ID = "11010519491231002X"  # the worked example of GB 11643-1999


@pytest.mark.parametrize(("text", "amount"), [
    ("两千五", 2500), ("三千", 3000), ("1.2万", 12000), ("一万二", 12000), ("八百", 800),
    ("2500元", 2500), ("每个月大概1500块", 1500), ("没有", 0), ("莫得", 0), ("0", 0),
    ("三百零八", 308), ("十二", 12), ("一千", 1000), ("3千", 3000), ("两万", 20000),
    ("五万块钱存款", 50000), ("一点五万", 15000), ("月收入 2,800", 2800),
])
def test_amounts(text: str, amount: float) -> None:
    assert parsing.parse_amount(text) == amount


@pytest.mark.parametrize("text", ["不知道", "很多", "😀", ""])
def test_no_amount(text: str) -> None:
    assert parsing.parse_amount(text) is None


def test_counts() -> None:
    assert parsing.parse_count("我们家三口人") == 3
    assert parsing.parse_count("5个人") == 5


def test_id_numbers_found_checked_and_aged() -> None:
    assert parsing.find_id_number(f"我的身份证是 {VALID_ID[:6]} {VALID_ID[6:]}") == VALID_ID
    assert parsing.find_id_number(VALID_ID.lower()) == VALID_ID
    assert parsing.id_number_problem(VALID_ID) is None
    assert "校验" in parsing.id_number_problem(VALID_ID[:17] + "1")
    assert "15位" in parsing.id_number_problem("110105491231002")
    assert "出生日期" in parsing.id_number_problem("110105194902300028")
    assert parsing.age_from_id(VALID_ID, date(2026, 12, 4)) == 76
    assert parsing.mask_id(VALID_ID) == "110***********002X"


def test_phones() -> None:
    assert parsing.find_phone("电话 138 0000 1234") == "13800001234"
    assert parsing.find_phone("1234567") is None
    assert parsing.mask_phone("13800001234") == "138****1234"


@pytest.mark.parametrize(("text", "district"), [
    ("渝中区", "渝中区"), ("我在渝中", "渝中区"), ("石柱", "石柱土家族自治县"),
    ("住在万盛", "万盛经开区"), ("江北区观音桥", "江北区"), ("忠县", "忠县"),
    ("两江新区", "两江新区"), ("高新区", "重庆高新区"), ("北京朝阳区", None),
])
def test_districts(text: str, district: str | None) -> None:
    assert parsing.find_district(text) == district


@pytest.mark.parametrize(("text", "name"), [
    ("王秀英", "王秀英"), ("我叫王秀英", "王秀英"), ("名字是 李强。", "李强"),
    ("欧阳娜娜", "欧阳娜娜"), ("买买提·艾力", "买买提·艾力"),
    ("x'); DROP TABLE", None), ("😀😀", None), ("12345", None), ("王" * 40, None),
    ("她叫李秀兰", "李秀兰"),
    # sentences about a person, not names: they are asked again rather than recorded
    ("我是她儿子", None), ("我儿子", None), ("张伟他妈", None), ("我老伴", None),
    ("每个月三千", None), ("不知道叫啥", None), ("万里", "万里"), ("王千", "王千"),
])
def test_names(text: str, name: str | None) -> None:
    assert parsing.clean_name(text) == name


def test_relations_yes_no_and_finish() -> None:
    assert parsing.find_relation("把我儿子的收入改成三千") == ("儿子", "儿子")
    assert parsing.find_relation("删掉我儿媳") == ("儿媳", "儿媳")
    assert parsing.find_relation("我老伴") == ("老伴", "配偶")
    assert parsing.find_relation("外孙女小美") == ("外孙女", "外孙女")
    assert parsing.yes_or_no("有的") is True
    assert parsing.yes_or_no("莫得") is False
    assert parsing.yes_or_no("干不了") is False
    assert parsing.is_finished("没有了")
    assert not parsing.is_finished("儿子李强")


def test_health_hukou_types_codes() -> None:
    assert parsing.parse_health("有残疾证") == ("disabled", False)
    assert parsing.parse_health("在上学") == ("healthy", True)
    assert parsing.parse_health("高血压") == ("chronic_illness", False)
    assert parsing.parse_hukou("农村户口") == "rural"
    assert parsing.parse_hukou("城镇") == "urban"
    assert parsing.parse_assistance_type("我想申请低包") == "dibao"
    assert parsing.parse_assistance_type("五保") == "tekun"
    assert parsing.parse_assistance_type("低保边缘") == "dibao_edge"
    assert parsing.find_signing_code("签署码 abcd efgh") == "ABCD-EFGH"
    assert parsing.find_case_no("查一下cq261204-abcd2345") == "CQ261204-ABCD2345"
    assert parsing.find_id_tail("后四位是 002x") == "002X"


def test_applying_for_someone_infers_the_helpers_relation() -> None:
    assert parsing.applying_for_someone("帮我妈申请低保") == "子女"
    assert parsing.applying_for_someone("替我老伴办一下") == "配偶"
    assert parsing.applying_for_someone("我是网格员，帮群众申请") == "网格员"
    assert parsing.applying_for_someone("帮村里的老人申请") == ""
    assert parsing.applying_for_someone("我想申请低保") is None


def test_fields_people_want_to_correct() -> None:
    assert parsing.find_field("电话写错了") == "applicant_phone"
    assert parsing.find_field("身份证号填错了") == "applicant_id_number"
    assert parsing.find_field("地址不对") == "address"
    assert parsing.find_field("你好") is None
