"""The 汇总 workbook is styled by a memo (printing.Styler) and its widths measured from the cells' own values:
byte for byte the workbook openpyxl's setters give cell by cell (printing.FAST off), for every scheme."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from openpyxl import Workbook

from cskpi_xl.core.schemefile import BUILTIN_IDS
from cskpi_xl.workbook import batch, printing as P
from cskpi_xl.workbook.batch import run_batch
from cskpi_xl.workbook.summary import write_summary
from tests.hostile import files

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EXPORTS = sorted(p for p in (SAMPLES / "exports").iterdir() if p.is_file())


def parts(path) -> dict[str, bytes]:
    """Every part of an .xlsx but docProps/core.xml (its timestamps)."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def _summary_args(monkeypatch, exports, scheme, out, **kw):
    """The arguments run_batch hands summary_bytes (and the 汇总 it wrote with them)."""
    seen = []
    real = batch.summary_bytes
    monkeypatch.setattr(batch, "summary_bytes", lambda *a, **k: seen.append((a, k)) or real(*a, **k))
    report, _ = run_batch(exports, scheme, None, out, progress=False, jobs=1, **kw)
    monkeypatch.setattr(batch, "summary_bytes", real)
    assert len(seen) == 1 and report["summary"]
    return seen[0], Path(report["summary"])


def _cell_by_cell(monkeypatch, args, path) -> Path:
    a, k = args
    monkeypatch.setattr(P, "FAST", False)
    write_summary(path, *a, **k)
    monkeypatch.setattr(P, "FAST", True)
    return path


@pytest.mark.parametrize("scheme", BUILTIN_IDS)
def test_summary_equals_styles_set_cell_by_cell(tmp_path, monkeypatch, scheme):
    args, fast = _summary_args(monkeypatch, EXPORTS, scheme, tmp_path / "out",
                               manual=SAMPLES / "manual" / "手工录入.xlsx", aliases=SAMPLES / "manual" / "别名表.csv")
    slow = _cell_by_cell(monkeypatch, args, tmp_path / "slow.xlsx")
    a, b = parts(fast), parts(slow)
    assert a.keys() == b.keys()
    assert [n for n in a if a[n] != b[n]] == []
    # the 汇总 has styled rows to compare (header, borders, number formats), not an empty sheet
    assert a["xl/styles.xml"].count(b"<xf ") >= 8 and b"<border>" in a["xl/styles.xml"]


def test_summary_of_hostile_names_and_many_problems_equals_cell_by_cell(tmp_path, monkeypatch):
    """Formula-like nicknames (quote prefix), long and wide names, text in number columns (问题 rows), 80 agents."""
    names = ["=1+1", "+86 138", "-减", "@客服", "很长的名字" * 12, "ＡＢＣ全角", "a" * 70] + [f"客服{i:03d}" for i in range(73)]
    rows = [["客服昵称", "接待人数", "询单人数", "询单->最终付款人数", "销售额", "平均响应(秒)"]]
    rows += [[n, 30 + i, 10, 3 if i % 5 else "三", 1000 + 7 * i, 20] for i, n in enumerate(names)]
    export = files.csv(tmp_path / "e_2026-10.csv", rows)
    args, fast = _summary_args(monkeypatch, [export], "duoyi", tmp_path / "out")
    a, k = args
    assert len(a[5]) >= 10  # problems: the 问题 sheet has rows
    slow = _cell_by_cell(monkeypatch, args, tmp_path / "slow.xlsx")
    assert parts(fast) == parts(slow)
    assert b'quotePrefix="1"' in parts(fast)["xl/styles.xml"]


def _text_width_per_character(text) -> int:
    """text_width as it was first written: a character at a time."""
    s = "" if text is None else str(text)
    return sum(2 if ord(c) >= 0x1100 and (ord(c) <= 0x115F or 0x2E80 <= ord(c) <= 0xA4CF or 0xAC00 <= ord(c) <= 0xD7A3
                                          or 0xF900 <= ord(c) <= 0xFAFF or 0xFE30 <= ord(c) <= 0xFE4F
                                          or 0xFF00 <= ord(c) <= 0xFF60 or 0xFFE0 <= ord(c) <= 0xFFE6) else 1
               for c in s)


@given(st.text())
def test_text_width_counts_as_one_character_at_a_time(text):
    assert P.text_width(text) == _text_width_per_character(text)


@pytest.mark.parametrize("text, width", [("", 0), (None, 0), ("98.00", 5), ("卓越", 4), ("\u10ff\u1100\u115f\u1160", 6),
                                         ("\u2e7f\u2e80\ua4cf\ua4d0", 6), ("\uac00\ud7a3\ud7a4", 5), ("\uff01\uff61", 3),
                                         ("\uffe0\uffe6\uffe7", 5), (12.5, 4)])
def test_text_width_at_the_range_edges(text, width):
    assert P.text_width(text) == width


def test_a_styler_used_on_a_second_workbook_starts_afresh():
    """Style indices belong to a workbook: the memo of the first one must not leak into the second."""
    from openpyxl.styles import Font

    red = Font(color="FF0000")
    st_ = P.Styler()
    one, two = Workbook(), Workbook()
    st_(one.active["A1"], font=P.HEAD_FONT, border=P.BOX)
    st_(one.active["A2"], font=red)
    st_(two.active["A1"], font=red)  # first font of the second book: index 1 there, not 2
    st_(two.active["A2"], font=P.HEAD_FONT, border=P.BOX)
    assert two.active["A1"].font.color.rgb == "00FF0000"
    assert two.active["A2"].font.b and two.active["A2"].border.left.style == "thin"
    assert one.active["A2"].font.color.rgb == "00FF0000" and one.active["A1"].font.b
    # the same cell styled twice by the same change keeps one result; different changes compose
    st_(two.active["A3"], number_format=P.MONEY)
    st_(two.active["A3"], alignment=P.RIGHT)
    assert (two.active["A3"].number_format, two.active["A3"].alignment.horizontal) == (P.MONEY, "right")
