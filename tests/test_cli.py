"""`cskpi schemes`, `cskpi check`, `cskpi score` as a user runs them."""

import json

from cskpi_xl.cli import main
from cskpi_xl.i18n import set_language


def run(capsys, *argv):
    set_language(None)
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_schemes_lists_every_scheme_and_items(capsys):
    code, out, _ = run(capsys, "schemes")
    assert code == 0
    for sid in ("duoyi", "standard", "kpi_ko_ksa", "employee_form", "yali", "operations", "designer", "manager", "daily"):
        assert f"{sid}  " in out
    assert "咨询转化率  满分 20" in out


def test_check_reports_every_break_of_standard(capsys):
    code, out, _ = run(capsys, "check", "standard")
    assert code == 0
    assert "14,999 元 → 224.99 元，但 15,000 元 → 150.00 元" in out
    assert "25,000 元 → 450.00 元，25,001 元 → 500.02 元" in out


def test_check_exits_1_on_errors(capsys, tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text('id = "x"\nname = "x"\neffective_from = 2026-01-01\nitems = [{ name = "a", full = "十" }]\n', encoding="utf-8")
    code, out, _ = run(capsys, "check", str(f))
    assert code == 1 and "items[0].full" in out and "应为数字" in out


def test_check_in_english(capsys):
    code, out, _ = run(capsys, "--lang", "en", "check", "standard")
    assert "commission cliff at 15,000" in out
    set_language(None)


def test_score_json(capsys, tmp_path):
    f = tmp_path / "agents.csv"
    f.write_text("客服昵称,询单人数,最终付款人数,下单人数,销售额,销售人数,接待人数,未回复人数\n"
                 "小美,50,18,19,40000,18,100,0\n", encoding="utf-8")
    code, out, _ = run(capsys, "score", "--scheme", "duoyi", str(f), "--json")
    assert code == 0
    data = json.loads(out)
    a = data["agents"][0]
    # one agent: 客单价 equals the team's → 5; consult share 100% vs 100% → 5; 36% → 30
    assert a["agent"] == "小美"
    assert {i["name"]: i["points"] for i in a["items"]}["咨询转化率"] == 30
    assert a["total"] == 110  # 20+30+5+20+5+5+5+20 (定单销售比 94.7% is in the dead zone)
    assert a["commission"] == 400.0


def test_score_text(capsys, tmp_path):
    f = tmp_path / "agents.csv"
    f.write_text("客服昵称,销售额\n小美,22000\n", encoding="utf-8")
    code, out, _ = run(capsys, "score", "--scheme", "standard", str(f))
    assert code == 0 and "小美" in out and "个人提成 330.00" in out


def test_score_reads_scheme_inputs_from_a_canonical_table(capsys, tmp_path):
    # S9: the supervisor's scores typed in a table; 14+13+15+12+9+7+10+8 = 88 → 良好
    f = tmp_path / "managers.csv"
    f.write_text("客服昵称,领导能力(上级审核),策划能力(上级审核),工作任务及效率(上级审核),责任感(上级审核),"
                 "沟通协调(上级审核),授权指导(上级审核),工作态度(上级审核),成本意识(上级审核),领导能力(自评)\n"
                 "王经理,14,13,15,12,9,7,10,8,15\n", encoding="utf-8")
    code, out, err = run(capsys, "score", "--scheme", "manager", str(f), "--json")
    a = json.loads(out)["agents"][0]
    assert code == 0 and a["total"] == 88 and a["grade"] == "良好"
    assert any(p["column"] == "领导能力" and p["severity"] == "warning" for p in json.loads(out)["problems"])


def test_score_manual_sheet_with_rubric_labels(capsys, tmp_path):
    # S8 designer: rubric letters typed in the manual sheet; (100+80+70)/3×0.5 + (100+80+60)/3×0.3 + 90×0.2 = 83.67
    exports = tmp_path / "e.csv"
    exports.write_text("客服昵称,销售额\n阿美,0\n", encoding="utf-8")
    manual = tmp_path / "m.csv"
    manual.write_text("客服,质,量,责,沟通,协助,配合,日常考核\n阿美,a,b,d,a,b,c,90\n", encoding="utf-8")
    code, out, _ = run(capsys, "score", "--scheme", "designer", str(exports), "--manual", str(manual), "--json")
    a = json.loads(out)["agents"][0]
    assert a["total"] == 83.67 and a["grade"] == "良好"


def test_score_reads_manual_columns_in_an_export_table(capsys, tmp_path):
    # 计划销售额 in the same table: 22000/20000 = 110% → 30 + 10 × 0.5 = 35
    f = tmp_path / "t.csv"
    f.write_text("客服昵称,销售额,计划销售额\n小美,22000,20000\n", encoding="utf-8")
    code, out, _ = run(capsys, "score", "--scheme", "standard", str(f), "--json")
    a = json.loads(out)["agents"][0]
    assert {i["name"]: i["points"] for i in a["items"]}["指标完成率"] == 35
