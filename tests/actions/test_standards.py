"""The standards files and the pure comparison of the pre-check (no servers needed)."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from actions.policy_texts import load_library
from actions.reference import DISTRICTS
from actions.standards import (
    CITY,
    FIELDS,
    STANDARDS_DIR,
    Household,
    StandardsError,
    assess,
    load_standards,
)
from actions.standards_cli import check, set_figure

TODAY = dt.date(2026, 6, 1)
FAMILY = Household(district="渝中区", hukou="urban", size=3, monthly_income=2100, deposits=0,
                   housing="one", vehicle_value=0, can_work=True, has_supporter=None,
                   emergency=False)


@pytest.fixture
def standards_dir(tmp_path: Path) -> Path:
    """A copy of the shipped files with verified-looking test figures for 渝中区."""
    directory = tmp_path / "standards"
    shutil.copytree(STANDARDS_DIR, directory)
    for field, value in (("dibao_urban", 800), ("dibao_rural", 650), ("deposit_limit_months", 24),
                         ("vehicle_exempt_value", 30000)):
        set_figure(directory, district="渝中区", field=field, value=value,
                   effective=dt.date(2025, 1, 1), source="测试用文号〔2025〕1号")
    return directory


def standards_of(directory: Path, district: str = "渝中区"):
    return load_standards(directory).for_district(district, TODAY)


# The shipped files ----------------------------------------------------------------------

def test_shipped_files_load_and_cover_every_district() -> None:
    book = load_standards()
    assert sorted(book.districts) == sorted(DISTRICTS)
    assert check(STANDARDS_DIR) == []  # every rule cites an existing article


def test_shipped_files_hold_only_figures_quoted_from_the_policy_texts() -> None:
    """No amount is shipped: the only figure is the 1.5 factor, quoted verbatim from the 2023
    opinion; every other figure is null and so reported as missing."""
    defaults = yaml.safe_load((STANDARDS_DIR / "defaults.yml").read_text(encoding="utf-8"))
    set_figures = {name: entry for name, entry in defaults["figures"].items()
                   if entry["value"] is not None}
    assert list(set_figures) == ["dibao_edge_factor"]
    factor = set_figures["dibao_edge_factor"]
    assert factor["value"] == 1.5 and "第二部分" in factor["source"]
    part_two = load_library().unit_by_label("低收入人口动态监测意见", "第二部分")
    assert part_two is not None and factor["quote"] in part_two.text
    for path in (STANDARDS_DIR / "districts").glob("*.yml"):
        figures = yaml.safe_load(path.read_text(encoding="utf-8"))["figures"]
        assert all(entry["value"] is None for entry in figures.values()), path.name
    standards = load_standards().for_district("黔江区", TODAY)
    assert [f for f in FIELDS if not standards.figure(f).missing] == ["dibao_edge_factor"]


def test_a_figure_without_source_or_a_wrong_field_is_refused(standards_dir: Path) -> None:
    path = standards_dir / "districts" / "万州区.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  dibao_urban:\n    value: null\n    effective: null\n",
                                 "  dibao_urban:\n    value: 700\n    effective: 2025-01-01\n")
                    .replace("  tekun_rural:", "  tekun_rurall:"), encoding="utf-8")
    (standards_dir / "districts" / "忠县.yml").unlink()
    with pytest.raises(StandardsError) as error:
        load_standards(standards_dir)
    problems = "\n".join(error.value.problems)
    assert "万州区.yml dibao_urban: 有数值就要写 source" in problems
    assert "未知字段 tekun_rurall" in problems
    assert "忠县.yml: 缺少这个区县的文件" in problems


# Resolving figures ----------------------------------------------------------------------

def test_district_figure_wins_over_city_and_city_fills_the_gaps(standards_dir: Path) -> None:
    set_figure(standards_dir, district=CITY, field="dibao_urban", value=760,
               effective=dt.date(2025, 1, 1), source="测试用全市文号〔2025〕2号")
    yuzhong, wanzhou = standards_of(standards_dir), standards_of(standards_dir, "万州区")
    assert (yuzhong.figure("dibao_urban").value, yuzhong.figure("dibao_urban").scope) == (800, "渝中区")
    assert (wanzhou.figure("dibao_urban").value, wanzhou.figure("dibao_urban").scope) == (760, CITY)
    assert wanzhou.figure("dibao_rural").missing
    assert wanzhou.office == "万州区民政局"


def test_a_figure_applies_from_its_effective_date(standards_dir: Path) -> None:
    set_figure(standards_dir, district="渝中区", field="dibao_urban", value=850,
               effective=dt.date(2027, 1, 1), source="测试用文号〔2026〕9号")
    assert standards_of(standards_dir).figure("dibao_urban").value == 800  # not yet
    later = load_standards(standards_dir).for_district("渝中区", dt.date(2027, 1, 1))
    assert later.figure("dibao_urban").value == 850


# The comparison -------------------------------------------------------------------------

def test_income_below_the_standard_suggests_dibao_with_the_figure_and_its_source(
        standards_dir: Path) -> None:
    result = assess(FAMILY, standards_of(standards_dir))  # 700 a head, standard 800
    assert [f.code for f in result.suggested] == ["dibao"]
    dibao = result.finding("dibao")
    assert "人均月收入约700元" in dibao.reason and "800元/人·月" in dibao.reason
    assert "测试用文号〔2025〕1号" in dibao.reason
    assert result.finding("dibao_edge").fits is False
    assert result.missing == ()


def test_income_within_one_and_a_half_times_suggests_dibao_edge(standards_dir: Path) -> None:
    result = assess(replace(FAMILY, monthly_income=3300), standards_of(standards_dir))  # 1100
    assert [f.code for f in result.suggested] == ["dibao_edge"]
    assert "1.5倍" in result.finding("dibao_edge").reason
    above = assess(replace(FAMILY, monthly_income=3900), standards_of(standards_dir))  # 1300
    assert above.suggested == []
    assert above.finding("dibao_edge").fits is False


def test_the_rural_standard_is_used_for_a_rural_household(standards_dir: Path) -> None:
    rural = replace(FAMILY, hukou="rural", monthly_income=2100)  # 700 > 650
    result = assess(rural, standards_of(standards_dir))
    assert [f.code for f in result.suggested] == ["dibao_edge"]
    assert "农村低保标准650元" in result.finding("dibao").reason


def test_a_missing_standard_is_named_instead_of_guessed() -> None:
    result = assess(FAMILY, load_standards().for_district("渝中区", TODAY))
    assert result.finding("dibao").fits is None
    assert [(f.scope, f.field) for f in result.missing] == [("渝中区", "dibao_urban")]
    assert result.office == "渝中区民政局"
    assert result.suggested == []


def test_no_income_and_no_assets_fit_dibao_even_without_figures() -> None:
    result = assess(replace(FAMILY, monthly_income=0), load_standards().for_district("忠县", TODAY))
    assert [f.code for f in result.suggested] == ["dibao"]
    assert result.missing == ()


def test_tekun_needs_all_three_conditions_and_then_stands_in_for_dibao() -> None:
    alone = Household(district="石柱土家族自治县", hukou="rural", size=1, monthly_income=0,
                      deposits=0, housing="borrowed", vehicle_value=0, can_work=False,
                      has_supporter=False, emergency=False)
    standards = load_standards().for_district("石柱土家族自治县", TODAY)
    result = assess(alone, standards)
    assert [f.code for f in result.suggested] == ["tekun"]
    assert result.finding("tekun").rules == ("tekun", "tekun_no_income")
    with_son = assess(replace(alone, has_supporter=True), standards)
    assert with_son.finding("tekun").fits is False
    assert "tekun_obligor" in with_son.finding("tekun").rules
    assert [f.code for f in with_son.suggested] == ["dibao"]
    can_work = assess(replace(alone, can_work=True), standards)
    assert can_work.finding("tekun").fits is False
    with_income = assess(replace(alone, monthly_income=500), standards)  # standard unknown
    assert with_income.finding("tekun").fits is None


def test_assets_over_the_limits_rule_dibao_out(standards_dir: Path) -> None:
    standards = standards_of(standards_dir)
    rich = assess(replace(FAMILY, deposits=60000), standards)  # limit 24 x 800 x 3 = 57600
    assert rich.finding("dibao").fits is False and "assets" in rich.finding("dibao").rules
    assert any("57600元" in note for note in rich.asset_notes)
    small_car = assess(replace(FAMILY, vehicle_value=20000), standards)
    assert [f.code for f in small_car.suggested] == ["dibao"]
    big_car = assess(replace(FAMILY, vehicle_value=80000), standards)
    assert big_car.suggested == []


def test_unknown_asset_limits_keep_the_suggestion_with_a_caveat() -> None:
    standards = load_standards().for_district("渝中区", TODAY)
    car = assess(replace(FAMILY, monthly_income=0, vehicle_value=None, deposits=3000), standards)
    assert [f.code for f in car.suggested] == ["dibao"]
    assert "财产情况要以核对为准" in car.finding("dibao").reason
    assert {f.field for f in car.missing} == {"deposit_limit_months", "dibao_urban",
                                              "vehicle_exempt_value"}
    houses = assess(replace(FAMILY, monthly_income=0, housing="several"), standards)
    assert any("两套" in note for note in houses.asset_notes)


def test_an_emergency_suggests_temporary_assistance(standards_dir: Path) -> None:
    result = assess(replace(FAMILY, monthly_income=3900, emergency=True), standards_of(standards_dir))
    assert [f.code for f in result.suggested] == ["linshi"]
    assert result.finding("linshi").rules == ("linshi",)
