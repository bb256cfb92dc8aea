"""Assistance standards per 区县 and the eligibility comparison of the pre-check.

The figures are data (``policy_docs/standards/``): ``defaults.yml`` holds what applies
city-wide and the rules with their citations, ``districts/<区县>.yml`` one file per 区县.
Every figure is ``value`` + ``effective`` + ``source``, or null (missing). A district's null
falls back to the city-wide figure; null there too means nobody has verified it, and the
pre-check says so instead of guessing.

Everything below the loader is pure: ``assess(household, standards)`` compares a household
with the standards of its district and explains each finding.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from actions.reference import DISTRICTS

STANDARDS_DIR = Path(__file__).resolve().parent.parent / "policy_docs" / "standards"
CITY = "全市"  # the scope name of defaults.yml


@dataclass(frozen=True)
class FieldSpec:
    label: str  # what the figure is called in messages
    unit: str  # 元/人·月, 倍, ...
    minimum: float  # plausible range; anything outside is a typo
    maximum: float


FIELDS: dict[str, FieldSpec] = {
    "dibao_urban": FieldSpec("城市低保标准", "元/人·月", 100, 5000),
    "dibao_rural": FieldSpec("农村低保标准", "元/人·月", 100, 5000),
    "tekun_urban": FieldSpec("城市特困人员基本生活标准", "元/人·月", 100, 10000),
    "tekun_rural": FieldSpec("农村特困人员基本生活标准", "元/人·月", 100, 10000),
    "dibao_edge_factor": FieldSpec("低保边缘家庭收入上限（低保标准的倍数）", "倍", 1, 3),
    "deposit_limit_months": FieldSpec("人均存款上限（相当于几个月的低保标准）", "个月", 1, 120),
    "vehicle_exempt_value": FieldSpec("不计入家庭财产的一辆机动车的价值上限", "元", 0, 1_000_000),
}
FIGURE_KEYS = ("value", "effective", "source", "quote", "note", "history")
DISTRICT_KEYS = ("district", "office", "figures", "leads")
DEFAULTS_KEYS = ("scope", "figures", "rules")
# Rules the comparison explains itself with; each is {summary, cites} in defaults.yml.
RULE_KEYS = ("dibao", "dibao_edge", "tekun", "tekun_no_income", "tekun_obligor", "linshi",
             "assets", "income_counted")
HOUSING = ("none", "one", "rent", "borrowed", "several", "other")


class StandardsError(ValueError):
    """The standards files are broken; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Figure:
    field: str
    value: float | None  # None: missing (nobody verified it)
    effective: dt.date | None
    source: str | None
    scope: str  # the 区县, or 全市 when the city-wide figure applies

    @property
    def spec(self) -> FieldSpec:
        return FIELDS[self.field]

    @property
    def missing(self) -> bool:
        return self.value is None

    def describe(self) -> str:
        """'渝中区城市低保标准800元/人·月（渝民发〔2024〕X号，2025-01-01起）'."""
        where = "重庆市" if self.scope == CITY else self.scope
        if self.value is None:
            return f"{where}{self.spec.label}"
        return (f"{where}{self.spec.label}{self.value:g}{self.spec.unit}"
                f"（{self.source}，{self.effective}起）")


@dataclass(frozen=True)
class Rule:
    key: str
    summary: str  # one plain sentence for the person
    cites: tuple[tuple[str, str], ...]  # (document short name, unit label)


@dataclass(frozen=True)
class DistrictStandards:
    district: str
    office: str | None  # 区县民政局 or the body that takes the role
    figures: dict[str, Figure]
    rules: dict[str, Rule]

    def figure(self, name: str) -> Figure:
        return self.figures[name]


@dataclass(frozen=True)
class StandardsBook:
    """The parsed files: raw figure entries per scope, resolved per district on demand."""

    city: dict[str, dict[str, Any]]
    districts: dict[str, dict[str, Any]]  # district -> {"office": ..., "figures": {...}}
    rules: dict[str, Rule]

    def for_district(self, district: str, today: dt.date | None = None) -> DistrictStandards:
        if district not in self.districts:
            raise KeyError(district)
        today = today or dt.date.today()
        own = self.districts[district]
        figures = {}
        for name in FIELDS:
            figure = _in_force(name, own["figures"].get(name), district, today) or \
                _in_force(name, self.city.get(name), CITY, today)
            figures[name] = figure or Figure(name, None, None, None, district)
        return DistrictStandards(district, own["office"], figures, self.rules)


def _in_force(name: str, entry: dict[str, Any] | None, scope: str,
              today: dt.date) -> Figure | None:
    """The newest version of a figure (current value or history) in force on `today`."""
    if not entry:
        return None
    versions = [entry, *(entry.get("history") or [])]
    valid = [v for v in versions if v.get("value") is not None and v["effective"] <= today]
    if not valid:
        return None
    best = max(valid, key=lambda v: v["effective"])
    return Figure(name, float(best["value"]), best["effective"], str(best["source"]), scope)


# Validation -----------------------------------------------------------------------------

def figure_problems(name: str, entry: Any, where: str) -> list[str]:
    """What is wrong with one figure entry (empty when it is fine)."""
    if name not in FIELDS:
        return [f"{where}: 未知字段 {name}（可用：{'、'.join(FIELDS)}）"]
    if not isinstance(entry, dict):
        return [f"{where} {name}: 应写成 value / effective / source 三项"]
    problems = [f"{where} {name}: 未知项 {key}" for key in entry if key not in FIGURE_KEYS]
    versions = [entry, *(entry.get("history") or [])]
    for index, version in enumerate(versions):
        label = f"{where} {name}" + (f" history[{index - 1}]" if index else "")
        problems += version_problems(name, version, label, required=index > 0)
    return problems


def version_problems(name: str, version: dict[str, Any], label: str,
                     required: bool = False) -> list[str]:
    spec = FIELDS[name]
    value = version.get("value")
    if value is None:
        return [f"{label}: 历史记录必须有数值"] if required else []
    problems = []
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        problems.append(f"{label}: value 应是数字")
    elif not spec.minimum <= value <= spec.maximum:
        problems.append(f"{label}: {value} 不在合理范围 {spec.minimum:g}–{spec.maximum:g}{spec.unit}")
    if not isinstance(version.get("effective"), dt.date):
        problems.append(f"{label}: 有数值就要写 effective（生效日期，YYYY-MM-DD）")
    source = version.get("source")
    if not isinstance(source, str) or len(source.strip()) < 4:
        problems.append(f"{label}: 有数值就要写 source（文号或公布网页），没有出处的数字不能用")
    return problems


def _load(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (safe)


def _figures(raw: Any, where: str, problems: list[str]) -> dict[str, dict[str, Any]]:
    figures = raw.get("figures") or {}
    if not isinstance(figures, dict):
        problems.append(f"{where}: figures 应是一组字段")
        return {}
    for name, entry in figures.items():
        problems += figure_problems(name, entry, where)
    return {n: e for n, e in figures.items() if n in FIELDS and isinstance(e, dict)}


def _rules(raw: Any, problems: list[str]) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for key in RULE_KEYS:
        item = (raw.get("rules") or {}).get(key)
        if not isinstance(item, dict) or not item.get("summary") or not item.get("cites"):
            problems.append(f"defaults.yml: rules.{key} 要有 summary 和 cites")
            continue
        cites = tuple((str(c["doc"]), str(c["unit"])) for c in item["cites"])
        rules[key] = Rule(key, str(item["summary"]).strip(), cites)
    return rules


def load_standards(directory: Path = STANDARDS_DIR) -> StandardsBook:
    """Read and check every file; raises StandardsError listing all problems."""
    problems: list[str] = []
    defaults = _load(directory / "defaults.yml") or {}
    problems += [f"defaults.yml: 未知项 {k}" for k in defaults if k not in DEFAULTS_KEYS]
    city = _figures(defaults, "defaults.yml", problems)
    rules = _rules(defaults, problems)
    districts: dict[str, dict[str, Any]] = {}
    for path in sorted((directory / "districts").glob("*.yml")):
        raw = _load(path) or {}
        where = f"districts/{path.name}"
        problems += [f"{where}: 未知项 {k}" for k in raw if k not in DISTRICT_KEYS]
        name = raw.get("district")
        if name not in DISTRICTS or path.stem != name:
            problems.append(f"{where}: district 应是重庆的区县名，并且和文件名一致")
            continue
        districts[name] = {"office": raw.get("office"), "figures": _figures(raw, where, problems)}
    problems += [f"districts/{d}.yml: 缺少这个区县的文件" for d in DISTRICTS
                 if d not in districts]
    if problems:
        raise StandardsError(problems)
    return StandardsBook(city, districts, rules)


@functools.lru_cache(maxsize=4)
def _cached(directory: Path, stamp: tuple[float, ...]) -> StandardsBook:
    return load_standards(directory)


def current_standards(directory: Path | None = None) -> StandardsBook:
    """The standards as the files say now: re-read when a file changed (the CLI edits them
    while the action server runs)."""
    directory = directory or STANDARDS_DIR
    files = sorted([directory / "defaults.yml", *(directory / "districts").glob("*.yml")])
    return _cached(directory, tuple(p.stat().st_mtime_ns for p in files))


# The comparison -------------------------------------------------------------------------

@dataclass(frozen=True)
class Household:
    """What the person told the pre-check (amounts in 元)."""

    district: str
    hukou: str | None  # urban | rural
    size: int  # people living together, the applicant included
    monthly_income: float  # the whole household, per month
    deposits: float | None  # savings and other financial assets in total
    housing: str | None  # one of HOUSING
    vehicle_value: float | None  # 0 = no vehicle; None = a vehicle of unknown value
    can_work: bool | None  # the applicant can work
    has_supporter: bool | None  # someone able to support them (法定义务人)
    emergency: bool | None  # a sudden emergency

    @property
    def per_capita_income(self) -> float:
        return self.monthly_income / max(self.size, 1)


@dataclass(frozen=True)
class Finding:
    code: str  # dibao | tekun | dibao_edge | linshi
    fits: bool | None  # None: cannot tell from what is known
    reason: str
    rules: tuple[str, ...]  # keys of the rules to cite
    figures: tuple[Figure, ...] = ()  # the figures the reason rests on


@dataclass(frozen=True)
class Assessment:
    household: Household
    findings: tuple[Finding, ...]
    missing: tuple[Figure, ...]  # figures that were needed and are not verified
    asset_notes: tuple[str, ...]
    office: str | None = None

    def finding(self, code: str) -> Finding:
        return next(f for f in self.findings if f.code == code)

    @property
    def suggested(self) -> list[Finding]:
        """The types that fit; 特困 comes first and then stands in for 低保."""
        fits = [f for f in self.findings if f.fits]
        if any(f.code == "tekun" for f in fits):
            fits = [f for f in fits if f.code not in ("dibao", "dibao_edge")]
        return fits


def yuan(value: float) -> str:
    return f"{round(value):d}元"


def _income_level(household: Household, standard: Figure, factor: Figure
                  ) -> tuple[str, list[Figure]]:
    """'below' the 低保 standard, within the 'edge' band, 'above' it, or 'unknown'."""
    if household.monthly_income <= 0:
        return "below", []  # no income is below any standard
    if standard.missing:
        return "unknown", [standard]
    per_capita = household.per_capita_income
    if per_capita < float(standard.value or 0):
        return "below", []
    if factor.missing:
        return "unknown_edge", [factor]
    if per_capita < float(standard.value or 0) * float(factor.value or 0):
        return "edge", []
    return "above", []


def _assets(household: Household, standards: DistrictStandards, standard: Figure
            ) -> tuple[str, list[str], list[Figure]]:
    """('ok' | 'over' | 'unknown', notes for the person, figures that were missing)."""
    notes: list[str] = []
    missing: list[Figure] = []
    status = "ok"
    deposits = household.deposits or 0.0
    if deposits > 0:
        months = standards.figure("deposit_limit_months")
        if months.missing or standard.missing:
            missing += [f for f in (months, standard) if f.missing]
            notes.append(f"存款{yuan(deposits)}是否在规定以内，要看当地的存款限额（还没有核实）。")
            status = "unknown"
        else:
            limit = float(months.value or 0) * float(standard.value or 0) * household.size
            if deposits > limit:
                notes.append(f"存款{yuan(deposits)}超过了全家的限额（人均{months.value:g}个月低保标准，"
                              f"共约{yuan(limit)}）。")
                status = "over"
    vehicle = household.vehicle_value
    if vehicle is None or vehicle > 0:
        exempt = standards.figure("vehicle_exempt_value")
        if vehicle is not None and not exempt.missing and vehicle <= float(exempt.value or 0):
            notes.append(f"车值{yuan(vehicle)}，在可以不算财产的{yuan(float(exempt.value or 0))}以内。")
        elif vehicle is not None and not exempt.missing:
            notes.append(f"车值{yuan(vehicle)}，超过了可以不算财产的{yuan(float(exempt.value or 0))}。")
            status = "over"
        else:
            missing += [exempt] if exempt.missing else []
            notes.append("家里有车：机动车算家庭财产（残疾人代步车除外），会不会影响要看当地规定。")
            status = "unknown" if status == "ok" else status
    if household.housing == "several":
        notes.append("有两套及以上住房：房屋算家庭财产，生活必需的可以豁免，要由工作人员核实。")
        status = "unknown" if status == "ok" else status
    return status, notes, missing


def assess(household: Household, standards: DistrictStandards) -> Assessment:
    """Compare a household with its district's standards; a reference, never a decision."""
    hukou = household.hukou if household.hukou in ("urban", "rural") else "urban"
    standard = standards.figure(f"dibao_{hukou}")
    factor = standards.figure("dibao_edge_factor")
    level, missing = _income_level(household, standard, factor)
    asset_status, asset_notes, asset_missing = _assets(household, standards, standard)
    missing += [f for f in asset_missing if f not in missing]
    per_capita = yuan(household.per_capita_income)
    assets_ok = asset_status != "over"
    caveat = "" if asset_status == "ok" else "（财产情况要以核对为准）"

    # 低保
    if level == "below" and household.monthly_income <= 0:
        dibao = Finding("dibao", assets_ok, f"全家没有收入，低于任何低保标准{caveat}。",
                        ("dibao",))
    elif level == "below":
        dibao = Finding("dibao", assets_ok, f"人均月收入约{per_capita}，低于{standard.describe()}"
                        f"{caveat}。", ("dibao",), (standard,))
    elif level in ("edge", "above", "unknown_edge"):
        dibao = Finding("dibao", False, f"人均月收入约{per_capita}，不低于{standard.describe()}。",
                        ("dibao",), (standard,))
    else:
        dibao = Finding("dibao", None, f"人均月收入约{per_capita}，还没法和{standard.describe()}比较。"
                        f"{standards.rules['dibao'].summary}", ("dibao",))
    if not assets_ok and dibao.fits is not None:
        dibao = Finding("dibao", False, dibao.reason + "但财产超过了规定。", ("dibao", "assets"),
                        dibao.figures)

    # 低保边缘
    if level == "edge":
        edge_line = float(standard.value or 0) * float(factor.value or 0)
        edge = Finding("dibao_edge", assets_ok,
                       f"人均月收入约{per_capita}，高于低保标准，但低于它的{factor.value:g}倍"
                       f"（约{yuan(edge_line)}）{caveat}。", ("dibao_edge",), (standard, factor))
    elif level == "above":
        edge_line = float(standard.value or 0) * float(factor.value or 0)
        edge = Finding("dibao_edge", False,
                       f"人均收入也超过了低保标准的{factor.value:g}倍（约{yuan(edge_line)}）。",
                       ("dibao_edge",), (standard, factor))
    elif level == "below":
        edge = Finding("dibao_edge", False, "收入已经低于低保标准，按低保办理。", ("dibao_edge",))
    else:
        edge = Finding("dibao_edge", None, standards.rules["dibao_edge"].summary, ("dibao_edge",))
    if not assets_ok and edge.fits:
        edge = Finding("dibao_edge", False, edge.reason + "但财产超过了规定。",
                       ("dibao_edge", "assets"), edge.figures)

    tekun = _tekun(household, level, assets_ok, standard)
    linshi = Finding(
        "linshi", household.emergency,
        "最近遇到急难、基本生活一时过不去，可以申请临时救助。" if household.emergency else
        "没有突发的急难情况。" if household.emergency is False else "不清楚有没有急难情况。",
        ("linshi",))
    return Assessment(household, (tekun, dibao, edge, linshi), tuple(missing), tuple(asset_notes),
                      standards.office)


def _tekun(household: Household, level: str, assets_ok: bool, standard: Figure) -> Finding:
    rules = ("tekun", "tekun_no_income")
    if household.can_work:
        return Finding("tekun", False, "还有劳动能力，不符合特困“无劳动能力”的条件。", rules)
    if household.has_supporter:
        return Finding("tekun", False, "有能力赡养、抚养或扶养的亲人；如果他们自己也困难、没有能力，"
                       "可以向工作人员说明。", ("tekun", "tekun_obligor"))
    if household.can_work is None or household.has_supporter is None:
        return Finding("tekun", None, "要看有没有劳动能力、有没有能赡养的亲人。", rules)
    if level in ("edge", "above", "unknown_edge"):
        return Finding("tekun", False, "收入不低于低保标准，不符合特困“无生活来源”的条件。", rules,
                       (standard,))
    if level == "unknown":
        return Finding("tekun", None, f"没有劳动能力、没有能赡养的亲人；还要看收入是否低于"
                       f"{standard.describe()}（还没有核实）。", rules)
    if not assets_ok:
        return Finding("tekun", False, "没有劳动能力、没有能赡养的亲人，但财产超过了规定。",
                       (*rules, "assets"))
    return Finding("tekun", True, "没有劳动能力、没有生活来源，也没有能赡养、抚养的亲人，"
                   "符合特困人员的三个条件。", rules)
