"""Staff command for the pre-check standards in ``policy_docs/standards/``.

    python -m actions.standards_cli show [--district 渝中区]
    python -m actions.standards_cli set --district 渝中区 --field dibao_urban --value 800 \\
        --effective 2025-01-01 --source "渝民发〔2024〕X号" [--note "..."]
    python -m actions.standards_cli check

``set`` refuses a figure without a source, an unknown field or an implausible value; the
figure it replaces moves to the figure's ``history`` (so a dated change can be scheduled and
every earlier figure stays on record). The files are rewritten with their comments and
layout kept (round-trip YAML). ``--district 全市`` edits ``defaults.yml``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from actions.reference import DISTRICTS
from actions.standards import (
    CITY,
    FIELDS,
    STANDARDS_DIR,
    StandardsBook,
    StandardsError,
    load_standards,
    version_problems,
)

VERSION_KEYS = ("value", "effective", "source", "quote", "note")


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, order and quoting survive
    yaml.width = 4096  # never fold a long source line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    yaml.representer.add_representer(  # write "null" as the files do, not an empty value
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


def file_of(directory: Path, district: str) -> Path:
    if district == CITY:
        return directory / "defaults.yml"
    if district not in DISTRICTS:
        raise SystemExit(f"没有这个区县：{district}（全市统一的数字用 --district {CITY}）")
    return directory / "districts" / f"{district}.yml"


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _last_owner(node: Any) -> tuple[CommentedMap, Any] | None:
    """The mapping and key that hold the comment lines written after `node` (the comment
    heading the next figure is stored on the last key of the figure before it)."""
    if isinstance(node, CommentedMap) and node:
        key = next(reversed(node))
        return _last_owner(node[key]) or (node, key)
    if isinstance(node, CommentedSeq) and node:
        return _last_owner(node[-1])
    return None


class _TrailingComment:
    """Keeps the comment after a node in place while keys are added at its end."""

    def __init__(self, node: Any) -> None:
        self.node = node
        owner = _last_owner(node)
        self.token = owner[0].ca.items.pop(owner[1], None) if owner else None

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        owner = _last_owner(self.node)
        if owner and self.token is not None:
            owner[0].ca.items[owner[1]] = self.token


def set_figure(directory: Path, *, district: str, field: str, value: float,
               effective: dt.date, source: str, note: str | None = None) -> str:
    """Write one figure; returns what changed, in Chinese. Raises SystemExit on refusal."""
    if field not in FIELDS:
        raise SystemExit(f"未知字段：{field}。可用的字段：{'、'.join(FIELDS)}")
    source = source.strip()
    version: dict[str, Any] = {"value": _number(value), "effective": effective,
                               "source": source}
    problems = version_problems(field, version, f"{district} {field}")
    if problems:
        raise SystemExit("不能写入：" + "；".join(problems))
    path = file_of(directory, district)
    yaml = _yaml()
    original = path.read_text(encoding="utf-8")
    data = yaml.load(original)
    figures = data.setdefault("figures", CommentedMap())
    if figures.get(field) is None:
        with _TrailingComment(figures):
            figures[field] = CommentedMap([("value", None), ("effective", None),
                                           ("source", None)])
    entry = figures[field]
    before = entry.get("value")
    with _TrailingComment(entry):
        if before is not None:
            old = CommentedMap([(k, entry[k]) for k in VERSION_KEYS if entry.get(k) is not None])
            if entry.get("history") is None:
                entry["history"] = CommentedSeq()
            entry["history"].insert(0, old)
        for key in ("quote", "note"):
            entry.pop(key, None)
        entry["value"], entry["effective"], entry["source"] = version["value"], effective, source
        if note:
            entry.insert(3, "note", note.strip())
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    _replace(path, buffer.getvalue())
    try:
        load_standards(directory)
    except StandardsError as error:
        _replace(path, original)
        raise SystemExit("写入后检查不通过，已恢复原文件：\n" + "\n".join(error.problems)) from error
    label = FIELDS[field].label
    was = f"（原来是 {before:g}，已移入 history）" if before is not None else ""
    return (f"已更新 {district} {label}：{version['value']:g}{FIELDS[field].unit}，"
            f"{effective} 起执行，出处：{source}{was}")


def _replace(path: Path, text: str) -> None:
    """Write atomically: a half-written file must never be read by the action server."""
    handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temp, path)


def show(book: StandardsBook, district: str | None, today: dt.date) -> str:
    """One district in detail, or for every district the figures still missing."""
    if district is None:
        lines = ["字段：" + "；".join(f"{field}={spec.label}" for field, spec in FIELDS.items())]
        for name in DISTRICTS:
            standards = book.for_district(name, today)
            missing = [field for field in FIELDS if standards.figure(field).missing]
            lines.append(f"{name}：" + (f"缺 {len(missing)} 项：{'、'.join(missing)}"
                                        if missing else "不缺"))
        return "\n".join(lines)
    standards = book.for_district(district, today)
    lines = [f"{district}（咨询：{standards.office or '所在街道（乡镇）社会救助窗口'}）"]
    missing = []
    for name, spec in FIELDS.items():
        figure = standards.figure(name)
        if figure.missing:
            missing.append(spec.label)
            lines.append(f"  {name:<22}缺（未核实）  {spec.label}")
        else:
            scope = "全市" if figure.scope == CITY else "本区县"
            lines.append(f"  {name:<22}{figure.value:g}{spec.unit}  {spec.label}；"
                         f"{figure.effective}起，{scope}，出处：{figure.source}")
    lines.append(f"  还缺 {len(missing)} 项：{'、'.join(missing)}" if missing else "  不缺")
    return "\n".join(lines)


def check(directory: Path) -> list[str]:
    """Every problem of the files, and every citation that names no article."""
    from actions.policy_texts import load_library

    try:
        book = load_standards(directory)
    except StandardsError as error:
        return error.problems
    library = load_library()
    return [f"defaults.yml rules.{rule.key}: 找不到《{doc}》{unit}"
            for rule in book.rules.values() for doc, unit in rule.cites
            if library.unit_by_label(doc, unit) is None]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError("日期要写成 YYYY-MM-DD，比如 2025-01-01") from error


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.standards_cli",
                                     description="资格预检用的救助标准：查看、更新、检查")
    parser.add_argument("--dir", type=Path, default=STANDARDS_DIR, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)
    show_cmd = commands.add_parser("show", help="列出各区县的数字和缺少的项")
    show_cmd.add_argument("--district", help="只看一个区县的详细情况")
    set_cmd = commands.add_parser("set", help="更新一个数字（必须写出处）")
    set_cmd.add_argument("--district", required=True, help=f"区县名，全市统一的写“{CITY}”")
    set_cmd.add_argument("--field", required=True, choices=list(FIELDS), metavar="FIELD",
                         help="、".join(FIELDS))
    set_cmd.add_argument("--value", required=True, type=float)
    set_cmd.add_argument("--effective", required=True, type=_date, help="生效日期 YYYY-MM-DD")
    set_cmd.add_argument("--source", required=True, help="文号、条款或公布网页（必填）")
    set_cmd.add_argument("--note")
    commands.add_parser("check", help="检查所有文件和引用的条款")
    args = parser.parse_args(argv)

    if args.command == "set":
        print(set_figure(args.dir, district=args.district, field=args.field, value=args.value,
                         effective=args.effective, source=args.source, note=args.note))
        return 0
    if args.command == "check":
        problems = check(args.dir)
        print("\n".join(problems) if problems else "标准文件检查通过。")
        return 1 if problems else 0
    try:
        book = load_standards(args.dir)
    except StandardsError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 1
    if args.district and args.district not in DISTRICTS:
        print(f"没有这个区县：{args.district}", file=sys.stderr)
        return 2
    print(show(book, args.district, dt.date.today()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
