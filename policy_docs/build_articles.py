"""Convert the official policy texts (Markdown) into one YAML file per document.

Reads ``shared/policy_sources/*.md`` (next to the repository) and writes
``policy_docs/articles/<doc_id>.yml``: the document's title, short name, status, the
source line kept verbatim, and its units, i.e. each ``第X条`` article with its chapter, or
each numbered section (一、 / （一） / 1.) of an opinion or notice.

Run by hand from anywhere with the bot environment's Python; running it twice gives the
same files (a file is only rewritten when its content changes)::

    .venv/bot/bin/python policy_docs/build_articles.py [SOURCE_DIR]

The converter removes only what the source site added around the legal text: mnemonic
boxes (``::: tip``), a summary table, Markdown emphasis and heading marks. The content
of ``::: warning`` boxes is kept, as it is part of the article text.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "policy_sources"
OUTPUT_DIR = HERE / "articles"

CLEANING_NOTE = (
    "build_articles.py removed site additions only: mnemonic boxes (::: tip), summary tables, "
    "Markdown emphasis and heading marks, spacing after 第X条 normalised; "
    "the content of ::: warning boxes is kept as article text."
)


@dataclass(frozen=True)
class DocumentInfo:
    """What the converter is told about a source file (the README's table)."""

    doc_id: str  # ASCII id, prefix of every unit id
    short_name: str  # the name FAQ cites use
    status: str  # in_force | background | superseded
    status_note: str  # one line shown to whoever reads the file


DOCUMENTS: dict[str, DocumentInfo] = {
    "社会救助暂行办法_2019修订.md": DocumentInfo(
        "shjz2019", "社会救助暂行办法", "in_force", "国务院令第649号，2019年修订文本；现行有效。"),
    "最低生活保障审核确认办法_民政部2021.md": DocumentInfo(
        "dbshqr2021", "最低生活保障审核确认办法", "in_force", "民政部，2021年7月1日起施行。"),
    "特困人员认定办法_民政部2021.md": DocumentInfo(
        "tkrd2021", "特困人员认定办法", "in_force", "民政部，2021年7月1日起施行。"),
    "刚性支出困难家庭认定办法_民政部2024.md": DocumentInfo(
        "gxzc2024", "刚性支出困难家庭认定办法", "in_force", "民政部，2025年1月1日起施行。"),
    "关于加强低收入人口动态监测做好分层分类社会救助工作的意见_2023.md": DocumentInfo(
        "jiance2023", "低收入人口动态监测意见", "in_force",
        "2023年；现行有效。分部分编号，没有条文号；文号未核实。"),
    "关于进一步做好最低生活保障等社会救助兜底工作的通知_2022.md": DocumentInfo(
        "doudi2022", "社会救助兜底工作通知", "in_force", "2022年；分部分编号，没有条文号；文号未核实。"),
    "关于改革完善社会救助制度的意见_中办国办2020.md": DocumentInfo(
        "gaige2020", "改革完善社会救助制度意见", "in_force", "中办、国办2020年；分部分编号，没有条文号。"),
    "关于进一步加强和改进临时救助工作的意见_2018.md": DocumentInfo(
        "linshi2018", "临时救助工作意见", "in_force", "2018年；分部分编号，没有条文号；文号未核实。"),
    "重庆市城乡居民最低生活保障条例_2016.md": DocumentInfo(
        "cqdb2016", "重庆市城乡居民最低生活保障条例", "in_force",
        "2016年修订文本；此后是否另有修改未核实，引用时以现行文本为准。"),
    "城市居民最低生活保障条例_1999.md": DocumentInfo(
        "csdb1999", "城市居民最低生活保障条例", "background",
        "1999年旧行政法规，作背景参考；现行规定见《社会救助暂行办法》。"),
    "农村五保供养工作条例_2006.md": DocumentInfo(
        "wubao2006", "农村五保供养工作条例", "background",
        "2006年旧行政法规，作背景参考；现行规定见《社会救助暂行办法》《特困人员认定办法》。"),
    "城市生活无着的流浪乞讨人员救助管理办法_2003.md": DocumentInfo(
        "liulang2003", "流浪乞讨人员救助管理办法", "background",
        "2003年行政法规，作背景参考；现行总规定见《社会救助暂行办法》。"),
}

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100}
ARTICLE_RE = re.compile(r"^(第([零〇一二两三四五六七八九十百]+)条)[\s\u3000]*(.*)$")
SECTION_RE = re.compile(r"^([一二三四五六七八九十]+)、(.*)$")
SUBSECTION_RE = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)](.*)$")
POINT_RE = re.compile(r"^(\d+)[.．](.*)$")


def chinese_number(text: str) -> int:
    """Converts a Chinese numeral below 1000 (``四十二`` -> 42)."""
    total, digit = 0, 0
    for char in text:
        if char in CN_DIGITS:
            digit = CN_DIGITS[char]
        elif char in CN_UNITS:
            total += (digit or 1) * CN_UNITS[char]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + digit


def clean_line(line: str) -> str:
    """Strips Markdown emphasis and surrounding (also full-width) whitespace."""
    line = re.sub(r"\*{1,2}([^*]+?)\*{1,2}", r"\1", line)
    return line.strip(" \t\u3000")


def body_lines(raw: str) -> tuple[str, str, list[str], list[str]]:
    """Splits a source file into (source line, title, history lines, body lines).

    Body lines are cleaned, blank lines dropped; headings keep their ``#`` marks so that
    the unit parsers can see the structure.
    """
    lines = raw.splitlines()
    source = lines[0].strip()
    if not source.startswith("<!-- source:"):
        raise ValueError("the first line must be the '<!-- source: ... -->' line")
    title, history, body = "", [], []
    in_box: str | None = None
    in_info = "<!-- INFO END -->" in raw
    for line in lines[1:]:
        stripped = line.strip()
        if stripped.startswith(":::"):
            in_box = None if in_box else (stripped[3:].split() or ["box"])[0]
            continue
        if in_box == "tip" or not stripped or stripped.startswith("|"):
            continue
        if stripped == "<!-- INFO END -->":
            in_info = False
            continue
        if stripped.startswith("# ") and not title:
            title = stripped[2:].strip()
            continue
        if stripped.startswith(">"):
            history.append(clean_line(stripped.lstrip("> ")))
            continue
        if in_info and title:
            history.append(clean_line(stripped))
            continue
        body.append(clean_line(stripped))
    return source, title, history, body


def heading(line: str) -> tuple[int, str] | None:
    """Returns (level, text) of a Markdown heading line, else None."""
    match = re.match(r"^(#{2,6})\s+(.*)$", line)
    return (len(match.group(1)), re.sub(r"\s+", " ", match.group(2)).strip()) if match else None


@dataclass
class UnitDraft:
    """A unit being collected."""

    id: str
    label: str
    chapter: str | None
    lines: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        unit: dict[str, Any] = {"id": self.id, "label": self.label}
        if self.chapter:
            unit["chapter"] = self.chapter
        unit["text"] = "\n".join(self.lines)
        return unit


def article_units(doc_id: str, body: list[str]) -> tuple[list[str], list[UnitDraft]]:
    """Splits an article-structured body into its ``第X条`` units."""
    preamble: list[str] = []
    units: list[UnitDraft] = []
    chapter: str | None = None
    for line in body:
        head = heading(line)
        if head:
            chapter = head[1]
            continue
        match = ARTICLE_RE.match(line)
        if match:
            number = chinese_number(match.group(2))
            units.append(UnitDraft(f"{doc_id}-{number}", match.group(1), chapter))
            units[-1].lines.append(f"{match.group(1)}　{match.group(3).strip()}")
        elif units:
            units[-1].lines.append(line)
        else:
            preamble.append(line)
    return preamble, units


def section_units(doc_id: str, body: list[str]) -> tuple[list[str], list[UnitDraft]]:
    """Splits an opinion or notice into its numbered parts.

    ``一、`` parts become units labelled 第一部分; a ``（一）`` paragraph inside a part is
    a unit 第一部分第（一）项; ``1.`` paragraphs are units 第四部分第（二）项第1点. A
    ``（一）`` heading, or a ``（一）`` line that is only a title (no full stop), groups the
    points under it and is not a unit itself.
    """
    preamble: list[str] = []
    units: list[UnitDraft] = []
    section: tuple[int, str, str] | None = None  # number, numeral, "一、title"
    sub: tuple[int, str] | None = None  # number, numeral
    sub_title: str | None = None  # the grouping line of a title-only sub-part
    current: UnitDraft | None = None

    def start(unit_id: str, label: str, chapter: str, first: str) -> UnitDraft:
        draft = UnitDraft(unit_id, label, chapter, [first])
        units.append(draft)
        return draft

    for line in body:
        head = heading(line)
        text = head[1] if head else line
        sec = SECTION_RE.match(text) if head else None
        subm = SUBSECTION_RE.match(text)
        point = POINT_RE.match(text)
        if sec:
            section = (chinese_number(sec.group(1)), sec.group(1), text)
            sub, sub_title, current = None, None, None
        elif section is None:
            if head:
                raise ValueError(f"heading before the first part: {text!r}")
            preamble.append(line)
        elif subm:
            sub = (chinese_number(subm.group(1)), subm.group(1))
            if head or "。" not in text:
                sub_title, current = text, None
            else:
                sub_title = None
                current = start(f"{doc_id}-s{section[0]}-{sub[0]}",
                                f"第{section[1]}部分第（{sub[1]}）项", section[2], text)
        elif head:
            raise ValueError(f"unexpected heading: {text!r}")
        elif point:
            chapter = section[2] + (f" / {sub_title}" if sub_title else "")
            if sub:
                unit_id = f"{doc_id}-s{section[0]}-{sub[0]}-{point.group(1)}"
                label = f"第{section[1]}部分第（{sub[1]}）项第{point.group(1)}点"
            else:
                unit_id = f"{doc_id}-s{section[0]}-p{point.group(1)}"
                label = f"第{section[1]}部分第{point.group(1)}点"
            current = start(unit_id, label, chapter, text)
        elif current is not None:
            current.lines.append(line)
        else:
            current = start(f"{doc_id}-s{section[0]}", f"第{section[1]}部分", section[2], line)
    return preamble, units


def convert(path: Path, info: DocumentInfo) -> dict[str, Any]:
    """Converts one source file into the document dictionary written as YAML."""
    source, title, history, body = body_lines(path.read_text(encoding="utf-8"))
    has_articles = any(ARTICLE_RE.match(line) for line in body)
    preamble, drafts = (article_units if has_articles else section_units)(info.doc_id, body)
    ids = [d.id for d in drafts]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path.name}: duplicate unit ids")
    labels = [d.label for d in drafts]
    if len(labels) != len(set(labels)):
        raise ValueError(f"{path.name}: duplicate unit labels")
    units = []
    if preamble:
        units.append(UnitDraft(f"{info.doc_id}-s0" if not has_articles else f"{info.doc_id}-0",
                               "引言", None, preamble).as_dict())
    units.extend(d.as_dict() for d in drafts)
    return {
        "doc_id": info.doc_id,
        "title": title,
        "short_name": info.short_name,
        "status": info.status,
        "status_note": info.status_note,
        "structure": "articles" if has_articles else "sections",
        "source_file": path.name,
        "source": source,
        "history": history,
        "cleaning": CLEANING_NOTE,
        "units": units,
    }


class _LiteralDumper(yaml.SafeDumper):
    """Writes multi-line strings as ``|`` blocks so that texts stay readable."""


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _str_presenter)


def render(document: dict[str, Any]) -> str:
    """The YAML text of one document, with a header saying where it comes from."""
    header = (f"# Generated by policy_docs/build_articles.py from shared/policy_sources/"
              f"{document['source_file']}.\n# Re-running the converter overwrites this file; "
              "change status or notes in DOCUMENTS there.\n")
    return header + yaml.dump(document, Dumper=_LiteralDumper, allow_unicode=True,
                              sort_keys=False, width=1000)


def build(source_dir: Path, output_dir: Path = OUTPUT_DIR) -> list[Path]:
    """Converts every known source file; returns the files that changed."""
    missing = [name for name in DOCUMENTS if not (source_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(f"missing in {source_dir}: {', '.join(missing)}")
    output_dir.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, info in DOCUMENTS.items():
        text = render(convert(source_dir / name, info))
        target = output_dir / f"{info.doc_id}.yml"
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source_dir", nargs="?", type=Path, default=DEFAULT_SOURCE_DIR,
                        help="folder holding the official texts (default: ../shared/policy_sources)")
    args = parser.parse_args(argv)
    try:
        changed = build(args.source_dir)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for path in changed:
        print(f"wrote {path.relative_to(HERE.parent)}")
    print(f"{len(DOCUMENTS)} documents, {len(changed)} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
