"""The batch and fill read a scheme's hand-typed inputs (supervisor scores) from the manual sheet, like `cskpi score`."""

from openpyxl import load_workbook

from cskpi_xl.workbook.batch import run_batch
from cskpi_xl.workbook.fill import fill_template

SCORES = {"领导能力": 14, "策划能力": 13, "工作任务及效率": 15, "责任感": 12, "沟通协调": 9, "授权指导": 7,
          "工作态度": 10, "成本意识": 8}  # 88 → 良好


def _files(tmp_path):
    exports = tmp_path / "exports_2026-10.csv"
    exports.write_text("客服昵称,销售额\n王经理,0\n李主管,0\n", encoding="utf-8")
    manual = tmp_path / "scores.csv"
    header = "姓名," + ",".join(f"{k}(上级审核)" for k in SCORES)
    manual.write_text(header + "\n王经理," + ",".join(str(v) for v in SCORES.values()) + "\n", encoding="utf-8")
    return exports, manual


def _summary_row(path, agent):
    ws = load_workbook(path, data_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r and "客服昵称" in r)
    row = next(r for r in rows if r and agent in r)
    return dict(zip(header, row))


def test_batch_reads_supervisor_scores(tmp_path):
    exports, manual = _files(tmp_path)
    report, problems = run_batch([exports], "manager", "2026-10", tmp_path / "out", manual=manual, progress=False, jobs=1)
    row = _summary_row(report["summary"], "王经理")
    assert row["总分"] == 88 and row["等级"] == "良好"
    # 李主管 has no scores yet: the items are reported, not invented
    assert any(p.agent == "李主管" and "缺少上级审核评分" in p.message for p in problems)


def test_fill_reads_supervisor_scores(tmp_path):
    exports, manual = _files(tmp_path)
    out, problems = fill_template("workbook_templates/manager.xlsx", [exports], "王经理", "2026-10",
                                  manual=manual, out=tmp_path / "王经理.xlsx")
    assert out is not None
    ws = load_workbook(out, data_only=True)["考核表"]
    values = [c for row in ws.iter_rows(values_only=True) for c in row]
    assert 88 in values and "良好" in values
