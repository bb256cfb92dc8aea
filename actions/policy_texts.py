"""The policy texts the assistant answers from: official units and the in-house FAQ.

Both live in ``policy_docs/`` as YAML (see ``policy_docs/build_articles.py`` and
``policy_docs/faq.yml``). Loading is done on first use, once per process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

POLICY_DOCS = Path(__file__).resolve().parent.parent / "policy_docs"
IN_FORCE = "in_force"
BACKGROUND = "background"
STATUSES = (IN_FORCE, BACKGROUND, "superseded")


@dataclass(frozen=True)
class Unit:
    """One article (第九条) or numbered section (第一部分第（三）项) of a document."""

    id: str  # ASCII, e.g. "shjz2019-9"; the payload of the "show article" button
    label: str  # e.g. "第九条"
    chapter: str | None
    text: str
    doc: Document

    @property
    def in_force(self) -> bool:
        return self.doc.status == IN_FORCE

    def citation(self) -> str:
        """``《社会救助暂行办法》第九条``, marked when the document is only background."""
        mark = "" if self.in_force else "（旧规定，仅供参考）"
        return f"《{self.doc.title}》{self.label}{mark}"


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    short_name: str
    status: str  # in_force | background | superseded
    status_note: str
    source: str  # the source line of the official text, verbatim


@dataclass(frozen=True)
class FaqEntry:
    id: str
    questions: tuple[str, ...]
    answer: str
    cites: tuple[Unit, ...]  # resolved; the first is the main basis
    other_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicyLibrary:
    documents: dict[str, Document]  # by short name
    units: dict[str, Unit]  # by unit id
    faq: tuple[FaqEntry, ...]

    def unit_by_label(self, short_name: str, label: str) -> Unit | None:
        doc = self.documents.get(short_name)
        if doc is None:
            return None
        return next((u for u in self.units.values() if u.doc is doc and u.label == label), None)


def _load_yaml(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (safe loader)


def load_library(root: Path = POLICY_DOCS) -> PolicyLibrary:
    """Reads every article file and the FAQ; raises ValueError on a broken reference."""
    documents: dict[str, Document] = {}
    units: dict[str, Unit] = {}
    for path in sorted((root / "articles").glob("*.yml")):
        raw = _load_yaml(path)
        if raw["status"] not in STATUSES:
            raise ValueError(f"{path.name}: unknown status {raw['status']!r}")
        doc = Document(raw["doc_id"], raw["title"], raw["short_name"], raw["status"],
                       raw.get("status_note", ""), raw["source"])
        if doc.short_name in documents:
            raise ValueError(f"{path.name}: duplicate short name {doc.short_name}")
        documents[doc.short_name] = doc
        for item in raw["units"]:
            if item["id"] in units:
                raise ValueError(f"{path.name}: duplicate unit id {item['id']}")
            units[item["id"]] = Unit(item["id"], item["label"], item.get("chapter"), item["text"], doc)
    by_label = {(u.doc.short_name, u.label): u for u in units.values()}
    faq = []
    for item in _load_yaml(root / "faq.yml")["entries"]:
        cites = []
        for cite in item["cites"]:
            unit = by_label.get((cite["doc"], cite["unit"]))
            if unit is None:
                raise ValueError(f"faq {item['id']}: no unit {cite['doc']} {cite['unit']}")
            cites.append(unit)
        faq.append(FaqEntry(item["id"], tuple(item["questions"]), item["answer"].strip(),
                            tuple(cites), tuple(item.get("other_sources") or ())))
    return PolicyLibrary(documents, units, tuple(faq))


@functools.cache
def library() -> PolicyLibrary:
    """The library of this process, loaded on first use."""
    return load_library()
