"""The certificate as a PDF, with a subset of a CJK TrueType font embedded.

The font (WenQuanYi Micro Hei) comes from the `paperang-p2-fonts-cjk` package on PyPI: nothing
is read from the system's fonts or downloaded at run time. Rendering is CPU work: call
`render_certificate` through an executor from async code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path

from fpdf import FPDF

from backend.lifecycle import ASSISTANCE_TYPE_NAMES, AssistanceType

FONT_FAMILY = "wqy"


@functools.cache
def font_path() -> Path:
    path = Path(str(files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"))
    if not path.is_file():
        raise RuntimeError("the CJK font of paperang-p2-fonts-cjk is missing; run `make setup`")
    return path


@dataclass(frozen=True)
class CertificateContent:
    """Everything the PDF states; the full name appears only on the holder's own document."""

    code: str
    case_no: str
    holder_name: str
    id_number_masked: str | None
    assistance_type: str
    district: str
    approved_on: date
    valid_until: date
    issued_on: date
    verify_url: str


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _rows(content: CertificateContent) -> list[tuple[str, str]]:
    return [
        ("姓名", content.holder_name),
        ("身份证号", content.id_number_masked or "—"),
        ("所在区县", f"重庆市{content.district}"),
        ("救助类型", ASSISTANCE_TYPE_NAMES[AssistanceType(content.assistance_type)]),
        ("救助起始日期", f"{chinese_date(content.approved_on)}（审批通过之日）"),
        ("案件编号", content.case_no),
        ("证明有效期至", chinese_date(content.valid_until)),
    ]


def render_certificate(content: CertificateContent) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title("社会救助证明")
    pdf.set_creator("社会救助案件后台")
    pdf.add_font(FONT_FAMILY, fname=str(font_path()), collection_font_number=0)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_margins(25, 25, 25)
    pdf.set_y(30)
    pdf.set_font(FONT_FAMILY, size=24)
    pdf.cell(0, 16, "社会救助证明", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, size=11)
    pdf.cell(0, 8, f"验证码：{content.code}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    type_name = ASSISTANCE_TYPE_NAMES[AssistanceType(content.assistance_type)]
    pdf.set_font(FONT_FAMILY, size=13)
    pdf.multi_cell(0, 9, f"兹证明{content.holder_name}为重庆市{content.district}社会救助对象，"
                         f"自{chinese_date(content.approved_on)}起享受{type_name}。",
                   align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT_FAMILY, size=12)
    for label, value in _rows(content):
        pdf.cell(40, 10, label, border=1, align="C")
        pdf.cell(0, 10, "  " + value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(FONT_FAMILY, size=10)
    pdf.multi_cell(0, 7, "核验方式：打开下面的网址，或在核验页面输入上方的验证码，可查询本证明"
                         "是否真实、是否仍然有效。证明以核验结果为准。",
                   align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, size=9)
    pdf.multi_cell(0, 6, content.verify_url, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font(FONT_FAMILY, size=12)
    pdf.cell(0, 9, f"开具日期：{chinese_date(content.issued_on)}", align="R",
             new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
