"""Regenerating a month keeps what supervisors typed; inputs are never overwritten; one batch per folder."""

from __future__ import annotations

import glob
import hashlib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cskpi_xl.files.lock import FolderLock
from cskpi_xl.workbook.registry import INPUT_SOURCES, REGISTRY
from cskpi_xl.workbook.batch import run_batch

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = sorted(glob.glob(str(ROOT / "samples" / "exports" / "*")))
MANUAL = ROOT / "samples" / "manual" / "手工录入.xlsx"
ALIASES = ROOT / "samples" / "manual" / "别名表.csv"


def cell_of(path: Path, key: str) -> tuple[str, str]:
    wb = load_workbook(path)
    for _, _, sheet, cell, k, _, source, *_ in wb[REGISTRY].iter_rows(min_row=2, values_only=True):
        if k == key and source in INPUT_SOURCES:
            return sheet, cell
    raise KeyError(key)


def result(path: Path, label: str):
    ws = load_workbook(path, data_only=True)["考核表"]
    for row in ws.iter_rows():
        if row[0].value == label:
            return next(c.value for c in reversed(row) if c.value is not None and c is not row[0])
    raise KeyError(label)


def digest(paths) -> dict[str, str]:
    return {str(p): hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths}


def test_typed_score_and_comment_survive_regeneration(tmp_path):
    before = digest(EXPORTS + [MANUAL, ALIASES])
    run = lambda: run_batch(EXPORTS, "employee_form", "2026-10", tmp_path, manual=MANUAL, aliases=ALIASES,
                            progress=False, jobs=1)
    report, _ = run()
    f = tmp_path / "2026-10" / "小美.xlsx"
    assert result(f, "总分") == "待评分"        # supervisor scores missing
    wb = load_workbook(f)
    scheme_items = {"事项追踪进度": 8, "工作积极性": 9, "工作责任心": 5, "工作态度": 7, "团队意识": 3, "服从意识": 7}
    for item, v in scheme_items.items():
        sh, c = cell_of(f, f"{item}(主管)")
        wb[sh][c].value = v
    sh, c = cell_of(f, "主管评语")
    wb[sh][c].value = "本月表现稳定，注意回复速度。"
    sh, c = cell_of(f, "发错货次数")          # a count typed by hand on the sheet
    wb[sh][c].value = 2
    wb.save(f)

    report, problems = run()
    wb2 = load_workbook(f)
    for item, v in scheme_items.items():
        sh, c = cell_of(f, f"{item}(主管)")
        assert wb2[sh][c].value == v
    sh, c = cell_of(f, "主管评语")
    assert wb2[sh][c].value == "本月表现稳定，注意回复速度。"
    # …and they were scored: 10 − 2 (two wrong shipments typed by hand) + the typed scores + computed items
    points = load_workbook(f, data_only=True)["考核表"]
    row = next(r for r in points.iter_rows() if r[1].value == "产品发错货率")
    assert row[-2].value == 8
    total = result(f, "总分")
    assert isinstance(total, (int, float))
    assert any("沿用上次生成后手工填写" in p.message for p in problems)
    assert digest(EXPORTS + [MANUAL, ALIASES]) == before


def test_second_batch_on_the_same_folder_is_refused(tmp_path):
    with FolderLock(tmp_path):
        report, problems = run_batch(EXPORTS, "standard", "2026-10", tmp_path, manual=MANUAL, aliases=ALIASES,
                                     progress=False)
    assert report["summary"] is None
    assert any("正在被另一个批量任务使用" in p.message for p in problems)


def test_output_never_overwrites_an_input(tmp_path):
    export = tmp_path / "汇总_2026-10.xlsx"
    export.write_bytes(Path(EXPORTS[0]).read_bytes()) if EXPORTS[0].endswith(".xlsx") else None
    src = next(e for e in EXPORTS if e.endswith(".xlsx"))
    export.write_bytes(Path(src).read_bytes())
    before = export.read_bytes()
    report, problems = run_batch(EXPORTS + [export], "standard", "2026-10", tmp_path, progress=False)
    assert any("不会覆盖输入" in p.message for p in problems)
    assert export.read_bytes() == before


def test_history_feeds_the_next_month(tmp_path):
    """Months read back from the earlier 汇总: September's rows come back as PastMonth."""
    from cskpi_xl.workbook.history import read_history

    run_batch(EXPORTS, "standard", "2026-10", tmp_path, manual=MANUAL, aliases=ALIASES, progress=False)
    hist = read_history(tmp_path, "2026-11")
    assert set(hist) >= {"小美", "小王"}
    assert hist["小美"][0].month == "2026-10" and hist["小美"][0].grade == "良好"
    assert read_history(tmp_path, "2026-10") == {}
