"""cskpi adopt end to end: unreadable sentences, the command line, .xls and WPS-saved sources, batch --template."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook

from adopt_sheets import S1_ITEMS, build_s1
from cskpi_xl.adopt.reader import adopt
from cskpi_xl.cli import main
from cskpi_xl.core.engine import score_team
from cskpi_xl.core.schemefile import builtin
from cskpi_xl.core.rules import Score
from cskpi_xl.i18n import set_language
from cskpi_xl.workbook import libreoffice as lo

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EXPORTS = sorted(p for p in (SAMPLES / "exports").iterdir() if p.is_file())
MANUAL = SAMPLES / "manual" / "手工录入.xlsx"
ALIASES = SAMPLES / "manual" / "别名表.csv"
needs_soffice = pytest.mark.skipif(lo.find_soffice() is None, reason="LibreOffice (soffice) is not installed; run scripts/ci_setup.sh")


def _with(items, name, rule):
    return [(n, d, rule if n == name else r, f) for n, d, r, f in items]


def test_unreadable_sentence_supervisor_scored_warning_names_the_cell(tmp_path):
    items = _with(S1_ITEMS, "平均客单价", "客单价在团队中排名第一的加5分，其余酌情")
    res = adopt(build_s1(tmp_path / "表.xlsx", items), tmp_path / "out")
    assert res.scheme is not None  # the scheme still loads
    it = res.scheme.item("平均客单价")
    assert it.rules == (Score("平均客单价", D(0), D(5)),) and it.text == "反映客服销售技巧；客单价在团队中排名第一的加5分，其余酌情"
    (w,) = [p for p in res.problems if "读不懂" in p.message]
    assert (w.sheet, w.row, w.column) == ("考核表", 8, "C") and not w.is_error
    assert "排名第一的加5分" in w.message and "主管评分" in w.message
    assert any("平均客单价" in n and "主管评分" in n for n in res.scheme.notes)
    # the other items are still read; the item waits for a score, then counts it
    assert res.scheme.item("咨询转化率").rules == builtin("duoyi").item("咨询转化率").rules
    team, problems = score_team(res.scheme, {"a": {"销售额": 1000}})
    assert team.agents[0].item("平均客单价").pending
    team, _ = score_team(res.scheme, {"a": {"销售额": 1000, "平均客单价": 4}})
    assert team.agents[0].item("平均客单价").points == 4
    # the template asks the supervisor for that score where the sheet's 得分 cell is
    assert load_workbook(res.template_path)["考核表"]["E8"].value == "{{平均客单价.评分}}"


def test_half_read_item_is_not_half_scored(tmp_path):
    # 不耐心 is readable, the second sentence is not: the whole item goes to the supervisor (no partial rules)
    items = _with(S1_ITEMS, "服务态度", "1、咨询中表现出不够耐心的，一次扣1分；\n2、服务特别好的，主管酌情加分")
    res = adopt(build_s1(tmp_path / "表.xlsx", items), tmp_path / "out")
    assert res.scheme.item("服务态度").rules == (Score("服务态度", D(0), D(20)),)
    assert [(p.row, p.column) for p in res.problems if "读不懂" in p.message] == [(4, "C")]


def test_no_table_is_a_clear_problem(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "只是一张普通的表"
    wb.save(tmp_path / "x.xlsx")
    res = adopt(tmp_path / "x.xlsx", tmp_path / "out")
    assert res.scheme is None and res.problems and "没有找到考核表" in res.problems[0].message
    assert not (tmp_path / "out" / "x.toml").exists()


def test_cli_prints_item_by_item_in_chinese_and_english(tmp_path, capsys):
    src = build_s1(tmp_path / "朵以.xlsx")
    before = src.read_bytes()
    assert main(["adopt", str(src), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr()
    assert "【咨询转化率】满分 20（A5）" in out.out
    assert "✓ linear 询单转化率：基准 34%，高于每 1 个百分点 5 分，低于每 1 个百分点 -5 分，连续" in out.out
    assert "✓ per_count 迟到早退次数：每次 -1 分，超过 4 次后每次 -3 分" in out.out
    assert "模板 考核表!E12：{{=总分}}" in out.out and "第 15 行" in out.err
    assert src.read_bytes() == before  # the input is never touched
    assert main(["check", str(tmp_path / "out" / "朵以.toml")]) == 0
    try:
        assert main(["--lang", "en", "adopt", str(src), "--out", str(tmp_path / "en")]) == 0
        out = capsys.readouterr().out
        assert "[咨询转化率] full marks 20 (A5)" in out and "per_count 不耐心次数: -1 each" in out
    finally:
        set_language(None)


def test_batch_with_the_adopted_template(tmp_path):
    from cskpi_xl.workbook.batch import run_batch

    res = adopt(build_s1(tmp_path / "朵以.xlsx"), tmp_path / "a")
    report, problems = run_batch(EXPORTS, str(res.scheme_path), "2026-10", tmp_path / "out", manual=MANUAL,
                                 aliases=ALIASES, jobs=1, progress=False, template=res.template_path)
    assert report["outputs"] and not [p for p in problems if p.is_error]
    ref_report, _ = run_batch(EXPORTS, "duoyi", "2026-10", tmp_path / "ref", manual=MANUAL, aliases=ALIASES, jobs=1,
                              progress=False)
    assert len(report["outputs"]) == len(ref_report["outputs"])
    from cskpi_xl.pipeline import score_files

    team, _ = score_files(builtin("duoyi"), [str(p) for p in EXPORTS], manual=str(MANUAL), aliases=str(ALIASES))
    for path in report["outputs"]:
        ws = load_workbook(path, data_only=True)["考核表"]
        agent = ws["B2"].value
        assert D(str(ws["E12"].value)) == team.agent(agent).total, agent


def _wps_like(src: Path, dst: Path) -> Path:
    """The same workbook as WPS saves it: WPS's app.xml and custom property, inline strings are kept by openpyxl."""
    zin = zipfile.ZipFile(src)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/app.xml":
                data = data.replace(b"Microsoft Excel", b"WPS \xe8\xa1\xa8\xe6\xa0\xbc")
            zout.writestr(info, data)
        zout.writestr("docProps/custom.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                      '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
                      'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                      '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer">'
                      '<vt:lpwstr>2052-11.1.0.14309</vt:lpwstr></property></Properties>')
    dst.write_bytes(buf.getvalue())
    return dst


def test_wps_saved_workbook(tmp_path):
    src = _wps_like(build_s1(tmp_path / "s.xlsx"), tmp_path / "WPS考核表.xlsx")
    res = adopt(src, tmp_path / "out")
    assert res.scheme is not None and [i.rules for i in res.scheme.items] == [i.rules for i in builtin("duoyi").items]
    assert load_workbook(res.template_path)["考核表"]["E12"].value == "{{=总分}}"


@needs_soffice
def test_old_xls_source(tmp_path):
    src = build_s1(tmp_path / "朵以.xlsx")
    profile = tmp_path / "profile"
    subprocess.run([lo.find_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xls", "--outdir", str(tmp_path / "xls"), str(src)],
                   capture_output=True, timeout=180, check=True)
    xls = tmp_path / "xls" / "朵以.xls"
    assert xls.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")
    res = adopt(xls, tmp_path / "out")
    assert res.scheme is not None
    assert [i.rules for i in res.scheme.items] == [i.rules for i in builtin("duoyi").items]
    assert res.scheme.commission.tiers == builtin("duoyi").commission.tiers
    assert res.template_path.suffix == ".xlsx"
    assert any(".xls" in p.message and ".xlsx" in p.message for p in res.problems)  # said so
    ws = load_workbook(res.template_path).active
    assert ws["E4"].value == "{{=服务态度.得分}}" and ws["E12"].value == "{{=总分}}"
    shutil.rmtree(profile, ignore_errors=True)


def test_readme_adopt_example_is_what_the_command_prints(tmp_path, capsys):
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"命令逐项打印.*?```text\n(.*?)```", readme, re.S).group(1)
    assert main(["adopt", str(build_s1(tmp_path / "考核表.xlsx")), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr()
    printed = out.out + out.err.replace(str(tmp_path / "考核表.xlsx"), "考核表.xlsx")
    for line in block.splitlines():
        assert line in printed.splitlines(), line


def test_group_headings_are_not_items_and_a_sheet_without_score_column(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["考核项目", "考核标准", "分值"])
    ws.append(["一、工作业绩"])
    ws.merge_cells("A2:C2")
    ws.append(["询单转化率", "以30%为基准，每高出1个百分点加3分", "50"])
    ws.append(["二、工作态度"])
    ws.append(["服务态度", "被投诉一次扣5分", "50"])
    ws.append(["合计"])
    wb.save(tmp_path / "h.xlsx")
    res = adopt(tmp_path / "h.xlsx", tmp_path / "out")
    assert [i.name for i in res.scheme.items] == ["询单转化率", "服务态度"] and res.problems == []
    assert res.scheme.item("服务态度").rules[0].inputs == ("被投诉次数",)
    said = [zh for zh, _ in res.other]
    assert any("一、工作业绩" in s and "分组标题" in s for s in said) and any("没有得分栏" in s for s in said)
    assert load_workbook(res.template_path).active["B6"].value == "{{=总分}}"


def test_commission_and_grade_tables_side_by_side(tmp_path):
    # a grade table typed as two cells ("75-89" | 良好) right under the commission table: neither is taken for the other
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["项目", "评分标准", "满分", "得分"])
    ws.append(["询单转化率", "高于30%，每点加2分；低于30%，每点扣2分", 100])
    ws.append(["合计"])
    ws["F1"], ws["F2"], ws["G2"], ws["F3"], ws["G3"] = "提成", "2万以下", "0.5%", "2万以上", "1%"
    for i, (rg, label) in enumerate([("90以上", "优秀"), ("75-89", "良好"), ("75以下", "不合格")]):
        ws.cell(5 + i, 6, rg)
        ws.cell(5 + i, 7, label)
    wb.save(tmp_path / "t.xlsx")
    res = adopt(tmp_path / "t.xlsx", tmp_path / "out")
    assert res.problems == []
    tiers = res.scheme.commission.tiers
    assert [(t.lower, t.upper, t.rate) for t in tiers] == [(None, D(20000), D("0.005")), (D(20000), None, D("0.01"))]
    assert not tiers[0].upper_inclusive  # both say nothing: 20,000 itself goes to the upper tier (≥ 20,000 → 1%)
    assert [(b.label, b.low, b.high) for b in res.scheme.grades.bands] == [
        ("优秀", D(90), None), ("良好", D(75), D(90)), ("不合格", None, D(75))]
    t, _ = score_team(res.scheme, {"a": {"询单人数": 100, "最终付款人数": 35, "销售额": 20000}})
    assert t.agents[0].total == D(110) and t.agents[0].grade == "优秀" and t.agents[0].commission == D("200.00")
