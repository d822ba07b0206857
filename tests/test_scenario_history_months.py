"""Months remember each other: per-month folders, a missing middle month, damaged and unreadable
earlier files, re-running October after December, ``--history`` for batch and ``cskpi score``.

The figures are in ``history_data.py`` (Chitu monthly exports written with the bench generator's headers);
every expected value is worked out by hand there and below from the ``standard`` scheme's rules:

- 甲 ranks first every month (110 points, 卓越); 丙 fails every month (62, 不及格); 乙 is second (105, 卓越).
- 乙 breaks the off-task rule once in October and once in December: October's fine is 10 (the first of the
  year), December's is 30 (the second) — when October is found.
- December, with October and November found: 甲 ranked first 3 months in a row → the one-off 200 yuan
  (September is before the first month on record: the run is exactly 3 long); 丙 failed 3 months in a row →
  自动请辞.
- Pay (岗位工资 + 个人提成 + 公共提成 + 奖励 − 罚款): sales 甲 45 × 200 = 9,000 → 1.5% = 135; 乙 8,000 → 120;
  丙 1,000 → 15; 公共提成 18,000 × 0.5% ÷ 3 = 30. 甲 1800 + 135 + 30 + 200 = 2165; 乙 1800 + 120 + 30 − 30 = 1920;
  丙 1400 + 15 + 30 = 1445.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cskpi_xl.cli import main as cli
from cskpi_xl.workbook.batch import run_batch
from cskpi_xl.workbook.summary import REGENERATE_SHEET

from history_data import month_files

MONTHS = ("2026-10", "2026-11", "2026-12")
VIOLATIONS = {"2026-10": {"乙": 1}, "2026-12": {"乙": 1}}
BONUS = "连续3个月考核排名第一：奖励200元"
QUIT = "连续3个月不及格：自动请辞"


def inputs(base: Path, month: str) -> tuple[Path, Path]:
    return month_files(base / "in" / month, month, VIOLATIONS.get(month))


def batch(base: Path, month: str, out: Path, **kw):
    export, manual = inputs(base, month)
    return run_batch([export], "standard", month, out, manual=manual, progress=False, jobs=1, **kw)


def summary_rows(path: Path) -> dict[str, tuple]:
    """agent → (rank, total, grade, pay, flags) from a 汇总."""
    ws = load_workbook(path, data_only=True)["汇总"]
    return {r[1]: (r[0], r[2], r[3], r[6], r[8] or "") for r in ws.iter_rows(min_row=4, values_only=True)
            if isinstance(r[0], int)}


def problem_sheet(path: Path) -> list[str]:
    return [r[2] for r in load_workbook(path)["问题"].iter_rows(min_row=2, values_only=True)]


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    """October, November and December, each in its own folder under one parent (the docs' 设置 example)."""
    base = tmp_path_factory.mktemp("months")
    problems = {}
    for m in MONTHS:
        report, problems[m] = batch(base, m, base / "绩效" / m)
        assert report["summary"], [p.format() for p in problems[m]]
    return base, problems


def copy_of(months, tmp_path) -> Path:
    base, _ = months
    shutil.copytree(base, tmp_path / "c")
    return tmp_path / "c"


def test_per_month_folders_december_has_the_streak_reward_and_flags(months):
    base, problems = months
    dec = summary_rows(base / "绩效" / "2026-12" / "汇总_2026-12.xlsx")
    assert dec["甲"] == (1, 110, "卓越", 2165, BONUS)
    assert dec["乙"] == (2, 105, "卓越", 1920, "")
    assert dec["丙"] == (3, 62, "不及格", 1445, QUIT)
    assert not [p.message for p in problems["2026-12"] if "没有找到" in p.message or "待核实" in p.message]
    # November: two months in a row only — no reward, no flag, and nothing unknown (October is the first on record)
    nov = summary_rows(base / "绩效" / "2026-11" / "汇总_2026-11.xlsx")
    assert nov["甲"] == (1, 110, "卓越", 1965, "") and nov["丙"] == (3, 62, "不及格", 1445, "")
    # the agent's own sheet shows the flag and the reward
    ws = load_workbook(base / "绩效" / "2026-12" / "2026-12" / "甲.xlsx", data_only=True)["考核表"]
    shown = {r[0]: r[5] for r in ws.iter_rows(values_only=True) if isinstance(r[0], str)}
    assert shown["奖励"] == 200 and shown["当月工资"] == 2165 and shown["标记"] == BONUS


def test_first_month_says_what_is_missing(months):
    """October has nothing before it: every month a rule needs is named, and the affected agents are 待核实."""
    base, problems = months
    msgs = [p.message for p in problems["2026-10"]]
    missing = next(m for m in msgs if m.startswith("没有找到"))
    # the bonus needs Jul–Sep, the failing streak Aug–Sep, the fine January to September (the calendar year)
    assert missing.startswith("没有找到 2026-01 至 2026-09 的考核结果：连续月份的奖励和标记无法判断")
    assert "连续3个月考核排名第一需要 2026-07 至 2026-09" in missing
    assert "连续3个月不及格：自动请辞需要 2026-08、2026-09" in missing
    assert "3 位客服的标记为「待核实」：甲、乙、丙" in missing
    assert any("第一次用本工具考核" in m for m in msgs)
    octo = summary_rows(base / "绩效" / "2026-10" / "汇总_2026-10.xlsx")
    assert octo["甲"][4] == "连续3个月考核排名第一（奖励200元）：待核实（没有找到 2026-07 至 2026-09 的考核结果，奖励暂不发放）"
    assert octo["乙"][3] == 1800 + 120 + 30 - 10
    assert octo["乙"][4].startswith("违规罚款：待核实（没有找到 2026-01 至 2026-09 的考核结果，罚款按此前已知的 0 次违规计算）")


def test_a_missing_middle_month_is_named_and_flags_are_pending(months, tmp_path):
    root = copy_of(months, tmp_path)
    shutil.rmtree(root / "绩效" / "2026-11")
    report, problems = batch(root, "2026-12", root / "绩效" / "2026-12")
    msgs = [p.message for p in problems]
    expected = ("没有找到 2026-11 的考核结果：连续月份的奖励和标记无法判断（连续3个月考核排名第一、连续3个月不及格：自动请辞、"
                "违规累计（第一次罚10元，第二次30元，第三次开除））；3 位客服的标记为「待核实」：甲、乙、丙")
    assert expected in msgs
    dec = summary_rows(root / "绩效" / "2026-12" / "汇总_2026-12.xlsx")
    # 甲: the run may be 2 long (reward now) or longer — unknown: no reward paid, 待核实
    assert dec["甲"] == (1, 110, "卓越", 1965,
                        "连续3个月考核排名第一（奖励200元）：待核实（没有找到 2026-11 的考核结果，奖励暂不发放）")
    assert dec["丙"][4] == "连续3个月不及格：自动请辞：待核实（没有找到 2026-11 的考核结果）"
    # 乙: October's violation is known (fine 30 for the second); November's may hold more
    assert dec["乙"][3] == 1920
    assert dec["乙"][4] == "违规罚款：待核实（没有找到 2026-11 的考核结果，罚款按此前已知的 1 次违规计算）"
    sheet = problem_sheet(Path(report["summary"]))
    assert expected in sheet
    assert any(m.startswith("查找之前月份的汇总") and "2026-10" in m for m in sheet)


def test_a_damaged_earlier_summary_is_named_with_the_reason(months, tmp_path):
    root = copy_of(months, tmp_path)
    nov = root / "绩效" / "2026-11" / "汇总_2026-11.xlsx"
    nov.write_bytes(nov.read_bytes()[:2000])  # cut short, as a copy interrupted half-way
    report, problems = batch(root, "2026-12", root / "绩效" / "2026-12")
    bad = [p for p in problems if p.file == str(nov)]
    assert len(bad) == 1 and bad[0].message.startswith("之前月份的结果无法读取：文件已损坏")
    assert "重新生成 2026-11 的批量即可得到新的汇总" in bad[0].message
    assert any(p.message.startswith("没有找到 2026-11 的考核结果") for p in problems)
    assert summary_rows(Path(report["summary"]))["丙"][4] == "连续3个月不及格：自动请辞：待核实（没有找到 2026-11 的考核结果）"


def test_a_summary_without_its_history_sheet_is_reported(months, tmp_path):
    root = copy_of(months, tmp_path)
    nov = root / "绩效" / "2026-11" / "汇总_2026-11.xlsx"
    wb = load_workbook(nov)
    del wb["历史记录"]
    wb.save(nov)
    _, problems = batch(root, "2026-12", root / "绩效" / "2026-12")
    assert [p.message for p in problems if p.file == str(nov)] == [
        "之前月份的结果无法读取：汇总中没有「历史记录」工作表（不是本工具生成的汇总，或已被改动）；其中的考核结果没有用上；"
        "重新生成 2026-11 的批量即可得到新的汇总"]


def test_an_unreadable_earlier_agent_workbook_is_reported_and_kept(months, tmp_path):
    root = copy_of(months, tmp_path)
    book = root / "绩效" / "2026-12" / "2026-12" / "甲.xlsx"
    book.write_bytes(b"PK\x03\x04 not really a workbook")
    report, problems = batch(root, "2026-12", root / "绩效" / "2026-12")
    about = [p.message for p in problems if p.file == str(book)]
    assert about[0].startswith("上次生成的考核表无法读取：文件已损坏或不是有效的工作簿（BadZipFile")
    assert "手工填写的评分和评语这次没有沿用。该文件保留未动，新表写在旁边（甲.新.xlsx）" in about[0]
    # the person's file is kept as it was; this month's sheet is written beside it
    assert book.read_bytes() == b"PK\x03\x04 not really a workbook"
    assert (book.parent / "甲.新.xlsx").exists()
    assert summary_rows(Path(report["summary"]))["甲"] == (1, 110, "卓越", 2165, BONUS)


def test_rerunning_october_after_december_names_the_stale_months_and_the_commands(tmp_path):
    root = tmp_path
    for m in MONTHS:  # a tree of its own: the commands kept in its 汇总 name its own paths
        batch(root, m, root / "绩效" / m)
    report, problems = batch(root, "2026-10", root / "绩效" / "2026-10")
    stale = [p.message for p in problems if p.message.startswith("已有以后月份的结果")]
    assert len(stale) == 1 and report["stale"] == ["2026-11", "2026-12"]
    head, *commands = stale[0].split("\n")
    assert head.startswith("已有以后月份的结果：2026-11、2026-12（")
    assert "是用这次重新生成之前的 2026-10 结果算的，现在可能已经过时；请按月份顺序重新生成：" in head
    assert len(commands) == 2
    for line, m in zip(commands, ("2026-11", "2026-12")):
        argv = shlex.split(line)  # POSIX quoting here (cmd quoting on Windows)
        assert argv[:3] == ["cskpi", "batch", str((root / "in" / m / f"自定义报表_客服绩效_下单优先判定_{m}-01至{m}-28.xlsx").resolve())]
        assert argv[argv.index("--month") + 1] == m and argv[argv.index("--out") + 1] == str((root / "绩效" / m).resolve())
        assert argv[argv.index("--manual") + 1] == str((root / "in" / m / f"手工录入_{m}.csv").resolve())
    # the printed command is the one kept in December's 汇总, and running it regenerates December as before
    argv = json.loads(load_workbook(root / "绩效" / "2026-12" / "汇总_2026-12.xlsx")[REGENERATE_SHEET]["A3"].value)
    assert argv[:2] == ["cskpi", "batch"] and argv[argv.index("--month") + 1] == "2026-12"
    assert cli(argv[1:] + ["--quiet", "--jobs", "1"]) == 0
    assert summary_rows(root / "绩效" / "2026-12" / "汇总_2026-12.xlsx")["甲"] == (1, 110, "卓越", 2165, BONUS)
    # December re-run last: nothing after it, no stale warning
    _, problems = batch(root, "2026-12", root / "绩效" / "2026-12")
    assert not [p for p in problems if p.message.startswith("已有以后月份的结果")]


def test_one_output_folder_for_every_month_still_works(tmp_path):
    for m in MONTHS:
        report, problems = batch(tmp_path, m, tmp_path / "out")
    dec = summary_rows(Path(report["summary"]))
    assert dec["甲"][4] == BONUS and dec["丙"][4] == QUIT and dec["乙"][3] == 1920


def test_history_option_points_at_summaries_kept_anywhere(months, tmp_path):
    """Earlier 汇总 moved to unrelated folders: --history names one file and one folder."""
    base, _ = months
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(base / "绩效" / "2026-10" / "汇总_2026-10.xlsx", tmp_path / "a")
    shutil.copy(base / "绩效" / "2026-11" / "汇总_2026-11.xlsx", tmp_path / "b")
    report, problems = batch(base, "2026-12", tmp_path / "dec", history=[tmp_path / "a" / "汇总_2026-10.xlsx",
                                                                          tmp_path / "b"])
    dec = summary_rows(Path(report["summary"]))
    assert dec["甲"] == (1, 110, "卓越", 2165, BONUS) and dec["丙"][4] == QUIT and dec["乙"][3] == 1920
    assert not [p for p in problems if "没有找到" in p.message]


def test_history_option_takes_a_table_kept_by_hand(months, tmp_path):
    base, _ = months
    table = tmp_path / "历史.csv"
    table.write_text("月份,客服,排名,等级,违规次数,参加考核\n"
                     "2026-10,甲,1,卓越,0,是\n2026-10,乙,2,卓越,1,是\n2026-10,丙,3,不及格,0,是\n"
                     "2026-11,甲,1,卓越,,\n2026-11,乙,2,卓越,0,是\n2026-11,丙,3,不及格,0,是\n", encoding="utf-8")
    report, problems = batch(base, "2026-12", tmp_path / "dec", history=[table])
    dec = summary_rows(Path(report["summary"]))
    assert dec["甲"] == (1, 110, "卓越", 2165, BONUS) and dec["丙"][4] == QUIT and dec["乙"][3] == 1920
    # 丙 not appraised in November: the failing run is broken, certainly — no flag and nothing pending
    table.write_text(table.read_text(encoding="utf-8").replace("2026-11,丙,3,不及格,0,是", "2026-11,丙,,,0,否"),
                     encoding="utf-8")
    report, problems = batch(base, "2026-12", tmp_path / "dec2", history=[table])
    assert summary_rows(Path(report["summary"]))["丙"][4] == ""


def test_score_takes_history(months, capsys):
    base, _ = months
    export, manual = inputs(base, "2026-12")
    args = ["score", "--scheme", "standard", str(export), "--manual", str(manual), "--month", "2026-12", "--json"]
    assert cli(args + ["--history", str(base / "绩效")]) == 0
    out = json.loads(capsys.readouterr().out)
    agents = {a["agent"]: a for a in out["agents"]}
    assert BONUS in agents["甲"]["flags"] and QUIT in agents["丙"]["flags"]
    assert not [p for p in out["problems"] if "没有找到" in p["message"]]
    # without it: the months are named, the flags are 待核实 and the problem says how to give them
    assert cli(args) == 0
    out = json.loads(capsys.readouterr().out)
    msgs = [p["message"] for p in out["problems"]]
    assert any(m.startswith("没有找到 2026-01 至 2026-11 的考核结果") for m in msgs)
    assert any(m.startswith("没有指定之前月份的结果：用 --history 指定") for m in msgs)
    agents = {a["agent"]: a for a in out["agents"]}
    assert agents["甲"]["flags"] == [
        "连续3个月考核排名第一（奖励200元）：待核实（没有找到 2026-09 至 2026-11 的考核结果，奖励暂不发放）"]


def test_batch_cli_history_option(months, tmp_path, capsys):
    base, _ = months
    export, manual = inputs(base, "2026-12")
    code = cli(["batch", str(export), "--scheme", "standard", "--month", "2026-12", "--out", str(tmp_path / "dec"),
                "--manual", str(manual), "--history", str(base / "绩效" / "2026-11"), "--quiet", "--jobs", "1"])
    assert code == 0
    assert "没有找到" not in capsys.readouterr().err  # 2026-11 named, its sibling 2026-10 found beside it
    assert summary_rows(tmp_path / "dec" / "汇总_2026-12.xlsx")["甲"][4] == BONUS


def test_settings_row_for_the_buttons(months, tmp_path):
    """The 设置 sheet's 历史记录 row (several rows allowed, A blank on the next): both buttons use it."""
    import cskpi_xl.xlbutton as B
    from test_xlbutton import _book

    s, p = B.parse_settings([["方案", "standard"], ["历史记录", "D:\\绩效\\2026-10"], [None, "D:\\绩效\\2026-11"],
                             ["输出文件夹", "D:\\绩效\\2026-12"]])
    assert s.history == ("D:\\绩效\\2026-10", "D:\\绩效\\2026-11") and p == []
    base, _ = months
    export, manual = inputs(base, "2026-12")
    (tmp_path / "old").mkdir()
    for m in ("2026-10", "2026-11"):
        shutil.copy(base / "绩效" / m / f"汇总_{m}.xlsx", tmp_path / "old")
    rows = [["方案", "standard"], ["月份", "2026-12"], ["导出文件", str(export)], ["手工录入", str(manual)],
            ["历史记录", str(tmp_path / "old")], ["输出文件夹", str(tmp_path / "dec")]]
    book = _book(rows)
    problems = B.batch_book(book)
    assert book.sheets["设置"].values[(1, 4)].startswith("已生成"), [x.format() for x in problems]
    assert summary_rows(tmp_path / "dec" / "汇总_2026-12.xlsx")["甲"][4] == BONUS
    # 填充本表 for 丙 reads the same row: the flag is on the sheet
    book = _book(rows + [["客服昵称", "丙"]], template={"A1": "{{标记}}"})
    B.fill_book(book)
    assert book.sheets["考核表"].values[(1, 1)] == QUIT
    # without it the 设置 sheet's column D says what is missing
    book = _book([r for r in rows if r[0] != "历史记录"] + [["客服昵称", "丙"]], template={"A1": "{{标记}}"})
    B.fill_book(book)
    status = [v for (r, c), v in book.sheets["设置"].values.items() if c == 4]
    assert any("没有找到 2026-01 至 2026-11 的考核结果" in str(v) for v in status)
    assert book.sheets["考核表"].values[(1, 1)] == "连续3个月不及格：自动请辞：待核实（没有找到 2026-10、2026-11 的考核结果）"


def test_templates_settings_sheet_points_to_a_layout_that_keeps_history():
    wb = load_workbook(Path(__file__).resolve().parents[1] / "workbook_templates" / "standard.xlsx")
    rows = {r[0]: r[2] for r in wb["设置"].iter_rows(min_row=2, max_row=7, values_only=True)}
    assert "历史记录" in rows
    assert "同一个上级文件夹下并以月份命名" in rows["输出文件夹"]


def test_another_schemes_summary_is_not_history(months, tmp_path):
    """A yali 汇总 beside the standard months is neither history nor a later month to regenerate."""
    base, _ = months
    root = tmp_path / "绩效"
    (root / "2026-09").mkdir(parents=True)
    export, manual = inputs(base, "2026-09")
    run_batch([export], "yali", "2026-09", root / "2026-09", manual=manual, progress=False, jobs=1)
    run_batch([export], "yali", "2026-11", root / "2026-11", manual=manual, progress=False, jobs=1)
    report, problems = batch(base, "2026-10", root / "2026-10")
    other = [p for p in problems if p.message.startswith("这是另一个方案「电商淘宝天猫客服KPI绩效考核（亚利）」的汇总")]
    assert [p.file for p in other] == [str(root / "2026-09" / "汇总_2026-09.xlsx")]
    assert "stale" not in report and not [p for p in problems if p.message.startswith("已有以后月份的结果")]


def test_old_summaries_no_rule_reads_are_not_opened_but_mark_where_records_start(tmp_path):
    """standard in 2026-12 reads back to 2026-01 (the fine's calendar year): June 2025 is not read, yet it shows
    the shop kept records before, so January–September 2026 are missing, not "before the records"."""
    from openpyxl import Workbook

    from cskpi_xl.core.schemefile import builtin
    from cskpi_xl.workbook.history import find_history

    for m in ("2025-06", "2026-10"):
        wb = Workbook()
        wb.active.title = "历史记录"
        wb.active.append(["月份", "客服", "排名", "等级", "违规次数", "参加考核"])
        wb.active.append([m, "甲", 1, "卓越", 0, "是"])
        wb.save(tmp_path / f"汇总_{m}.xlsx")
    (tmp_path / "汇总_2025-06.xlsx").write_bytes(b"damaged, and never opened")
    hist, found, problems = find_history(tmp_path, "2026-12", (), builtin("standard"))
    assert problems == [] and set(found.months) == {"2026-10"} and hist.start == "2025-06"
    assert hist.missing("2026-09") and hist.missing("2026-11") and not hist.missing("2026-10")


def test_regenerate_later_fixes_the_stale_months(tmp_path, capsys):
    """October's late conversion figures arrive: 甲 converts 30/100 → 25 − 5 = 20 → total 95, second behind 乙 (105).
    Re-running October with --regenerate-later regenerates November and December from their kept commands:
    December's run is now 2 months long (Nov, Dec) → no reward, pay 1800 + 135 + 30 = 1965."""
    root = tmp_path
    for m in MONTHS:
        batch(root, m, root / "绩效" / m)
    assert summary_rows(root / "绩效" / "2026-12" / "汇总_2026-12.xlsx")["甲"][3:] == (2165, BONUS)
    export, manual = month_files(root / "late" / "2026-10", "2026-10", VIOLATIONS["2026-10"],
                                 paid={"甲": 30, "乙": 40, "丙": 5})
    args = ["batch", str(export), "--scheme", "standard", "--month", "2026-10", "--out", str(root / "绩效" / "2026-10"),
            "--manual", str(manual), "--quiet", "--jobs", "1"]
    assert cli(args) == 0
    captured = capsys.readouterr()
    assert "已有以后月份的结果：2026-11、2026-12" in captured.err and "--regenerate-later" in captured.out
    assert summary_rows(root / "绩效" / "2026-12" / "汇总_2026-12.xlsx")["甲"][3:] == (2165, BONUS)  # stale, as said
    assert cli(args + ["--regenerate-later"]) == 0
    out = capsys.readouterr().out
    assert "重新生成 2026-11……" in out and "重新生成 2026-12……" in out
    octo = summary_rows(root / "绩效" / "2026-10" / "汇总_2026-10.xlsx")
    assert octo["甲"][:3] == (2, 95, "卓越") and octo["乙"][0] == 1
    assert summary_rows(root / "绩效" / "2026-12" / "汇总_2026-12.xlsx")["甲"] == (1, 110, "卓越", 1965, "")


def test_an_agent_workbook_locked_by_excel_is_reported(months, tmp_path, monkeypatch):
    """Excel holds 丙.xlsx open (reading it fails with a permission error): the reason says so, by file."""
    import openpyxl

    root = copy_of(months, tmp_path)
    locked = root / "绩效" / "2026-12" / "2026-12" / "丙.xlsx"
    real = openpyxl.load_workbook

    def load_workbook(path, *a, **kw):
        if isinstance(path, (str, Path)) and Path(path).resolve() == locked.resolve():
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *a, **kw)

    monkeypatch.setattr(openpyxl, "load_workbook", load_workbook)
    _, problems = batch(root, "2026-12", root / "绩效" / "2026-12")
    about = [p.message for p in problems if p.file in (str(locked), str(locked.resolve()))]
    assert about[0] == ("上次生成的考核表无法读取：没有读取权限，或文件正被 Excel 等程序打开并锁定（关闭后重新运行）；"
                        "其中手工填写的评分和评语这次没有沿用。该文件保留未动，新表写在旁边（丙.新.xlsx）；关闭或修复该文件后重新生成即可沿用")


def test_a_locked_earlier_summary_is_reported(months, tmp_path, monkeypatch):
    """November's 汇总 open in Excel on Windows (opening it fails with a permission error)."""
    root = copy_of(months, tmp_path)
    nov = root / "绩效" / "2026-11" / "汇总_2026-11.xlsx"
    real = Path.open

    def open_(self, *a, **kw):
        if self == nov:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *a, **kw)

    monkeypatch.setattr(Path, "open", open_)
    _, problems = batch(root, "2026-12", root / "绩效" / "2026-12")
    assert [p.message for p in problems if p.file == str(nov)] == [
        "之前月份的结果无法读取：没有读取权限，或文件正被 Excel 等程序打开并锁定（关闭后重新运行）；其中的考核结果没有用上；"
        "重新生成 2026-11 的批量即可得到新的汇总"]
    assert any(p.message.startswith("没有找到 2026-11 的考核结果") for p in problems)


def test_a_deleted_month_is_still_missing_because_later_summaries_remember_where_records_start(months, tmp_path):
    """October's folder deleted: November's 汇总 says records start in October (its 记录起始 column), so December
    reports October missing (甲's reward and 丙's flag 待核实) instead of reading it as "before the records"."""
    base, _ = months
    hist = load_workbook(base / "绩效" / "2026-11" / "汇总_2026-11.xlsx")["历史记录"]
    assert [c.value for c in hist[1]][-1] == "记录起始" and {r[6] for r in hist.iter_rows(min_row=2, values_only=True)} == {"2026-10"}
    root = copy_of(months, tmp_path)
    shutil.rmtree(root / "绩效" / "2026-10")
    report, problems = batch(root, "2026-12", root / "绩效" / "2026-12")
    assert any(p.message.startswith("没有找到 2026-10 的考核结果") for p in problems)
    dec = summary_rows(Path(report["summary"]))
    assert dec["甲"][3:] == (1965, "连续3个月考核排名第一（奖励200元）：待核实（没有找到 2026-10 的考核结果，奖励暂不发放）")
    assert dec["丙"][4] == "连续3个月不及格：自动请辞：待核实（没有找到 2026-10 的考核结果）"
