"""The staff command that updates a figure with its source (run as `python -m`)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from actions.standards import STANDARDS_DIR, load_standards
from tests.e2e.stack import ROOT


def cli(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "actions.standards_cli", "--dir", str(directory),
                           *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"})


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    target = tmp_path / "standards"
    shutil.copytree(STANDARDS_DIR, target)
    return target


def test_set_writes_the_figure_keeps_the_comments_and_moves_the_old_one_to_history(
        directory: Path) -> None:
    path = directory / "districts" / "渝中区.yml"
    before = path.read_text(encoding="utf-8")
    result = cli(directory, "set", "--district", "渝中区", "--field", "dibao_urban", "--value", "800",
                 "--effective", "2025-01-01", "--source", "渝民发〔2024〕X号")
    assert result.returncode == 0, result.stderr
    assert "已更新 渝中区 城市低保标准：800元/人·月" in result.stdout
    after = path.read_text(encoding="utf-8")
    # Only the three lines of the figure changed; every comment is still there.
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert changed == ["    value: 800", "    effective: 2025-01-01", "    source: 渝民发〔2024〕X号"]
    assert [c for c in before.splitlines() if c.lstrip().startswith("#")] == \
        [c for c in after.splitlines() if c.lstrip().startswith("#")]

    result = cli(directory, "set", "--district", "渝中区", "--field", "dibao_urban", "--value",
                 "830.5", "--effective", "2026-01-01", "--source", "渝民发〔2025〕Y号", "--note", "年度调整")
    assert result.returncode == 0, result.stderr
    entry = yaml.safe_load(path.read_text(encoding="utf-8"))["figures"]["dibao_urban"]
    assert entry["value"] == 830.5 and entry["note"] == "年度调整"
    assert entry["history"] == [{"value": 800, "effective": dt.date(2025, 1, 1),
                                 "source": "渝民发〔2024〕X号"}]
    # The comment that heads the next figure stayed above it.
    text = path.read_text(encoding="utf-8")
    assert text.index("# 农村低保标准") > text.index("source: 渝民发〔2024〕X号")
    assert text.index("# 农村低保标准") < text.index("dibao_rural:")
    figure = load_standards(directory).for_district("渝中区", dt.date(2026, 6, 1)).figure("dibao_urban")
    assert (figure.value, figure.source) == (830.5, "渝民发〔2025〕Y号")


def test_city_wide_figures_go_to_the_defaults_file(directory: Path) -> None:
    result = cli(directory, "set", "--district", "全市", "--field", "deposit_limit_months",
                 "--value", "24", "--effective", "2025-01-01", "--source", "渝民规〔2025〕1号")
    assert result.returncode == 0, result.stderr
    defaults = yaml.safe_load((directory / "defaults.yml").read_text(encoding="utf-8"))
    assert defaults["figures"]["deposit_limit_months"]["value"] == 24
    assert defaults["rules"]["dibao"]["cites"]  # the rest of the file is intact


@pytest.mark.parametrize(("args", "message"), [
    (["--field", "dibao_urban", "--value", "800", "--effective", "2025-01-01", "--source", "  "],
     "没有出处的数字不能用"),
    (["--field", "dibao_city", "--value", "800", "--effective", "2025-01-01", "--source", "渝民发〔2024〕X号"],
     "invalid choice"),
    (["--field", "dibao_urban", "--value", "80000", "--effective", "2025-01-01", "--source", "渝民发〔2024〕X号"],
     "不在合理范围"),
    (["--field", "dibao_urban", "--value", "800", "--effective", "2025年1月", "--source", "渝民发〔2024〕X号"],
     "YYYY-MM-DD"),
    (["--field", "dibao_urban", "--value", "800", "--effective", "2025-01-01"], "--source"),
])
def test_set_refuses_what_cannot_be_trusted(directory: Path, args: list[str], message: str) -> None:
    before = (directory / "districts" / "渝中区.yml").read_text(encoding="utf-8")
    result = cli(directory, "set", "--district", "渝中区", *args)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert (directory / "districts" / "渝中区.yml").read_text(encoding="utf-8") == before


def test_unknown_district_is_refused(directory: Path) -> None:
    result = cli(directory, "set", "--district", "成都市", "--field", "dibao_urban", "--value", "800",
                 "--effective", "2025-01-01", "--source", "渝民发〔2024〕X号")
    assert result.returncode != 0 and "没有这个区县" in result.stdout + result.stderr


def test_show_lists_what_is_missing(directory: Path) -> None:
    cli(directory, "set", "--district", "渝中区", "--field", "dibao_urban", "--value", "800",
        "--effective", "2025-01-01", "--source", "渝民发〔2024〕X号")
    one = cli(directory, "show", "--district", "渝中区")
    assert one.returncode == 0
    assert "dibao_urban           800元/人·月" in one.stdout
    assert "dibao_rural           缺（未核实）" in one.stdout
    assert "还缺 5 项" in one.stdout
    everyone = cli(directory, "show").stdout.splitlines()
    assert "渝中区：缺 5 项：dibao_rural、tekun_urban、tekun_rural、deposit_limit_months、" \
           "vehicle_exempt_value" in everyone
    assert len([line for line in everyone if "：缺 6 项" in line]) == 40


def test_check_reports_a_broken_file(directory: Path) -> None:
    assert cli(directory, "check").returncode == 0
    path = directory / "defaults.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("unit: 第四十七条", "unit: 第四百条"),
                    encoding="utf-8")
    result = cli(directory, "check")
    assert result.returncode == 1 and "找不到《社会救助暂行办法》第四百条" in result.stdout
