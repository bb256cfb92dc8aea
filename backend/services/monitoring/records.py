"""Cross-check files: the kinds, their column layouts, and checking one row.

Every file is UTF-8 CSV with a header row, one kind per file. The first column is always
the person's 18-digit ID number and the second the date of the event; the rest depend on
the kind. A row that does not fit is reported by line number and skipped.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from backend.privacy.id_numbers import InvalidIdNumber, mask_id_number, parse_id_number


class RecordKind(str, Enum):
    DEATHS = "deaths"
    DETENTION = "detention"
    NEW_MEMBERS = "new_members"
    DISABILITY = "disability"
    MARRIAGE = "marriage"


KIND_NAMES = {
    RecordKind.DEATHS: "死亡",
    RecordKind.DETENTION: "羁押/服刑",
    RecordKind.NEW_MEMBERS: "新增家庭成员",
    RecordKind.DISABILITY: "残疾认定",
    RecordKind.MARRIAGE: "婚姻变更",
}


@dataclass(frozen=True)
class Column:
    """One column of a file kind after the ID number and the event date."""

    header: str  # the header cell, as staff see it
    fact: str  # the key under which the value is kept on the alert
    choices: tuple[str, ...] | None = None  # the accepted values; None: a date
    required: bool = True
    is_id_number: bool = False  # another person's ID number: checked, kept masked only


_GRADES = ("一级", "二级", "三级", "四级")

# The header of each kind: ID number, event date, then the kind's own columns.
LAYOUTS: dict[RecordKind, tuple[str, str, tuple[Column, ...]]] = {
    RecordKind.DEATHS: ("身份证号", "死亡日期", ()),
    RecordKind.DETENTION: ("身份证号", "开始日期", (
        Column("类型", "detention_type", ("羁押", "服刑")),
        Column("预计释放日期", "release_date", required=False),
    )),
    RecordKind.NEW_MEMBERS: ("身份证号", "变化日期", (
        Column("变化原因", "change_reason", ("出生", "收养", "婚入", "迁入", "其他")),
        Column("新成员身份证号", "new_member_id_masked", required=False, is_id_number=True),
    )),
    RecordKind.DISABILITY: ("身份证号", "认定日期", (
        Column("残疾类别", "disability_type",
               ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")),
        Column("残疾等级", "disability_grade", _GRADES),
    )),
    RecordKind.MARRIAGE: ("身份证号", "变更日期", (
        Column("变更类型", "marriage_change", ("结婚", "离婚", "丧偶")),
    )),
}

# The kind-specific facts kept on an alert, by the header staff know them under.
FACT_LABELS = {column.fact: column.header for _, _, columns in LAYOUTS.values() for column in columns}


def header_of(kind: RecordKind) -> list[str]:
    id_header, date_header, columns = LAYOUTS[kind]
    return [id_header, date_header, *(c.header for c in columns)]


@dataclass(slots=True)
class Record:
    """A checked row: whose ID number, when, and the kind's own facts."""

    line: int
    id_number: str
    event_date: date
    facts: dict[str, Any]


class BadRow(ValueError):
    """A row that cannot be used; `reason` is plain Chinese and never holds an ID number."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def split_cells(line: str) -> list[str]:
    """One logical CSV record into its cells; quotes only cost where there are any."""
    if '"' not in line:
        return line.split(",")
    if line.count('"') % 2:
        raise BadRow("CSV 格式不对（引号不配对）")
    try:
        return next(csv.reader((line,)))
    except (csv.Error, StopIteration) as exc:
        raise BadRow("CSV 格式不对（引号不配对）") from exc


def parse_date(text: str) -> date:
    """`2026-03-02`, `2026/03/02`, `2026.03.02` or `20260302`."""
    value = text.strip()
    if len(value) == 8 and value.isdigit():
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    elif len(value) == 10 and value[4] == value[7] and value[4] in "/.":
        value = value.replace(value[4], "-")
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise ValueError(value)
    return date.fromisoformat(value)


class RowParser:
    """Checks the rows of one file kind; build one per import."""

    def __init__(self, kind: RecordKind, *, today: date) -> None:
        self.kind = kind
        self.today = today
        self._id_header, self._date_header, self._columns = LAYOUTS[kind]
        self.width = 2 + len(self._columns)

    def check_header(self, cells: list[str]) -> bool:
        return [c.strip().lstrip("\ufeff").strip() for c in cells] == header_of(self.kind)

    def parse(self, line: int, cells: list[str]) -> Record:
        if len(cells) != self.width:
            raise BadRow(f"列数不对：应为{self.width}列，实际为{len(cells)}列")
        try:
            id_number = parse_id_number(cells[0], today=self.today).value
        except InvalidIdNumber as exc:
            raise BadRow(f"{self._id_header}不对：{exc.reason}") from exc
        event_date = self._date(cells[1], self._date_header)
        if event_date > self.today:
            raise BadRow(f"{self._date_header}晚于今天")
        facts: dict[str, Any] = {}
        for column, cell in zip(self._columns, cells[2:], strict=True):
            value = cell.strip()
            if not value:
                if column.required:
                    raise BadRow(f"缺少{column.header}")
                continue
            facts[column.fact] = self._value(column, value)
        return Record(line=line, id_number=id_number, event_date=event_date, facts=facts)

    def _value(self, column: Column, value: str) -> str:
        if column.is_id_number:
            try:
                return mask_id_number(parse_id_number(value, today=self.today).value)
            except InvalidIdNumber as exc:
                raise BadRow(f"{column.header}不对：{exc.reason}") from exc
        if column.choices is None:
            return self._date(value, column.header).isoformat()
        if value not in column.choices:
            raise BadRow(f"{column.header}只能是：{'、'.join(column.choices)}")
        return value

    @staticmethod
    def _date(text: str, header: str) -> date:
        try:
            value = parse_date(text)
        except ValueError as exc:
            raise BadRow(f"{header}不是有效日期（应为 2026-03-02 这样的格式）") from exc
        if value.year < 1900:
            raise BadRow(f"{header}不是有效日期（应为 2026-03-02 这样的格式）")
        return value


def describe_layouts() -> Mapping[str, dict[str, Any]]:
    """The layouts as data, for the API and the CLI help."""
    return {kind.value: {"name": KIND_NAMES[kind], "columns": header_of(kind)} for kind in RecordKind}
