"""After approval, in the chat: a certificate to download and verify, the linked benefits, and
an objection to the public notice that reaches the district's staff."""

from __future__ import annotations

import re
import secrets
import urllib.request
from typing import Any

from tests.e2e.conftest import Chat
from tests.e2e.ids import make_id, masked
from tests.e2e.stack import Stack, http_json

REVIEW = ("accepted", "verifying", "reviewing", "approved")
APPLICANT_ID = make_id("19550808", 519)


def file_case(stack: Stack, channel_user: str, **fields: Any) -> str:
    """A whole application from this chat user (the application dialogue is tested elsewhere)."""
    body = {"channel_user": channel_user, "assistance_type": "dibao", "applicant_name": "孙桂兰",
            "applicant_id_number": APPLICANT_ID, "applicant_phone": "13800002468",
            "district": "南岸区", "street": "南坪街道", "address": "南坪东路8号2单元",
            "hukou_type": "urban", "hardship": "丈夫去世，本人患慢性病，无固定收入。", **fields}
    status, case = http_json("POST", f"{stack.backend_url}/api/v1/service/cases", body,
                             {"Authorization": f"Bearer {stack.env['SERVICE_TOKEN']}"})
    assert status == 201, case
    return str(case["case_no"])


def approve(stack: Stack, staff: dict[str, str], case_no: str) -> None:
    for target in REVIEW:
        status, body = http_json("POST", f"{stack.backend_url}/api/v1/cases/{case_no}/transitions",
                                 {"to": target, "reason": "经审核符合条件"}, staff)
        assert status == 200, body


def test_certificate_and_benefits_after_approval(chat: Chat, stack: Stack,
                                                 staff: dict[str, str]) -> None:
    case_no = file_case(stack, chat.sender)
    reply = chat.text("开个救助证明")
    assert "没有找到已经批准的救助" in reply

    approve(stack, staff, case_no)
    reply = chat.text("我要低保证明")
    assert "救助证明开好了" in reply and "最低生活保障（低保）" in reply and "南岸区" in reply
    assert APPLICANT_ID not in reply and masked(APPLICANT_ID) not in reply
    code = re.search(r"验证码：(\S+)", reply)
    link = re.search(r"(http://\S+/certificates/download/\S+)", reply)
    assert code and link, reply
    with urllib.request.urlopen(link.group(1), timeout=60) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read().startswith(b"%PDF-")
    status, verified = http_json("GET", f"{stack.backend_url}/api/v1/public/certificates/"
                                 f"{code.group(1)}")
    assert status == 200
    assert (verified["valid"], verified["holder_name_masked"]) == (True, "孙*兰")

    reply = chat.text("我能享受哪些优惠")
    for benefit in ("医疗救助（医保局）", "城乡居民医保参保资助（医保局）", "有线电视费减免",
                    "垃圾处置费减免", "电费减免（供电公司）"):
        assert benefit in reply, reply
    assert "不用另外申请" in reply


def test_objection_to_a_notice_reaches_staff(chat: Chat, stack: Stack,
                                             staff: dict[str, str]) -> None:
    case_no = file_case(stack, f"e2e-{secrets.token_hex(6)}", applicant_name="钱多多",
                        applicant_id_number=make_id("19700101", 733), district="巫溪县",
                        street="柏杨街道")
    approve(stack, staff, case_no)
    status, notices = http_json("GET", f"{stack.backend_url}/api/v1/public/notices?district="
                                + urllib.request.quote("巫溪县"))
    assert status == 200
    [notice] = [n for n in notices["items"] if n["holder_name_masked"] == "钱*多"]

    assert "公示编号" in chat.text("我要对公示提异议")
    assert "公示编号" in chat.text("不晓得在哪")  # asked again, with where to find it
    assert "异议" in chat.text(notice["notice_no"].lower())
    assert "电话" in chat.text("他家儿子在城里开了公司，还有两套房")
    reply = chat.text("不留")
    assert "巫溪县民政部门" in reply and notice["notice_no"] in reply

    status, listing = http_json("GET", f"{stack.backend_url}/api/v1/objections", headers=staff)
    assert status == 200
    [objection] = [o for o in listing["items"] if o["notice_no"] == notice["notice_no"]]
    assert objection["case_no"] == case_no and "开了公司" in objection["reason"]
    assert objection["contact"] is None
