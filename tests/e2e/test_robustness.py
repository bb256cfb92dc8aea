"""Bad input, a backend outage and a restart in the middle of an application: a polite Chinese
reply every time, and nothing the person already gave is lost."""

from __future__ import annotations

from tests.e2e.conftest import Chat
from tests.e2e.ids import make_id, masked
from tests.e2e.stack import Stack, http_json

APPLICANT_ID = make_id("19620520", 233)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_bad_input_gets_a_reply_and_the_question_stays(chat: Chat) -> None:
    chat.text("我要申请临时救助")
    chat.text("给自己申请")
    assert "身份证号" in chat.text("陈大勇")
    for bad in ("5" * 15, "x" * 5000, "😀😀😀", "I want money", "'; DROP TABLE case; --",
                "啊啊啊啊"):
        reply = chat.text(bad)
        assert _has_chinese(reply), bad
        assert "身份证号" in reply, (bad, reply)  # still asking for the ID number
    assert "15位" in chat.transcript[3][1][0]
    reply = chat.text("")
    assert _has_chinese(reply) or reply == ""  # an empty message never breaks the form
    assert "手机号" in chat.text(APPLICANT_ID)


def test_backend_outage_loses_nothing(chat: Chat, stack: Stack, staff: dict[str, str]) -> None:
    chat.text("申请低保边缘")
    chat.text("我自己申请")
    chat.text("周丽")
    chat.text(APPLICANT_ID)
    stack.stop_backend()
    try:
        reply = chat.text("13700001111")
        assert "不会丢" in reply and "区县" in reply
        assert "街道" in chat.text("九龙坡")
    finally:
        stack.start_backend()
    chat.text("杨家坪街道")
    chat.text("西郊路8号")
    chat.text("城镇")
    chat.text("没有了")
    for answer in ("没有", "三千", "租房住", "没有", "没有"):
        chat.text(answer)
    reply = chat.text("下岗了，丈夫生病住院，房租都交不起")
    assert "137****1111" in reply and "九龙坡区" in reply
    case_no = chat.text("确认提交").split("案件编号：")[1][:17]
    status, case = http_json("GET", f"{stack.backend_url}/api/v1/cases/{case_no}",
                             headers=staff)
    assert status == 200
    assert case["assistance_type"] == "dibao_edge"
    assert case["applicant"]["phone_masked"] == "137****1111"  # given while the backend was down
    assert case["applicant"]["id_number_masked"] == masked(APPLICANT_ID)
    assert case["district"] == "九龙坡区" and case["deposits"] == 3000.0


def test_cancel_then_resume_at_the_first_missing_question(chat: Chat) -> None:
    chat.text("我想办低保")
    chat.text("给自己")
    chat.text("赵春花")
    assert "已经保存" in chat.text("取消")
    reply = chat.text("继续申请")
    assert "接着填" in reply and "身份证号" in reply


def test_mid_form_question_person_and_out_of_scope(chat: Chat, stack: Stack,
                                                    staff: dict[str, str]) -> None:
    chat.text("申请低保")
    chat.text("本人")
    assert "依据" in chat.text("低保一个月多少钱")
    reply = chat.text("转人工")
    assert "工作人员" in reply and "叫什么名字" in reply
    status, queue = http_json("GET", f"{stack.backend_url}/api/v1/escalations?status=open",
                              headers=staff)
    assert any(e["channel_user"] == chat.sender for e in queue["items"])
    reply = chat.text("今天天气怎么样")
    assert "社会救助" in reply and "叫什么名字" in reply  # redirected, and not taken as a name


def test_helper_sentence_is_not_taken_for_a_name_and_a_question_mid_form(chat: Chat) -> None:
    chat.text("我想给我妈申请低保")
    reply = chat.text("我是她儿子")
    assert "名字" in reply and "手机号" not in reply  # asked again, not recorded as a name
    assert "手机号" in chat.text("王建国")
    assert "申请人叫什么名字" in chat.text("13900001111")
    assert "身份证号" in chat.text("她叫李秀兰")
    reply = chat.text("低保要什么条件")
    assert "依据" in reply and "身份证号" in reply  # answered, then the same question
