"""A score nobody has typed yet is "待评分" (pending), not an error; a score typed wrong is an error."""

from openpyxl import load_workbook

from cskpi_xl.cli import main
from cskpi_xl.core.engine import score_team
from cskpi_xl.core.schemefile import builtin
from cskpi_xl.core.numbers import NA
from cskpi_xl.core.problems import ERROR, PENDING, Problem
from cskpi_xl.core.scheme import Review
from cskpi_xl.i18n import set_language

OPERATIONS_ITEMS = ["关键业绩指标", "常规工作任务", "工作态度", "考勤评价"]


def test_unreviewed_items_are_pending_and_the_total_waits():
    scheme = builtin("operations")
    scored = {Review.key(i, "一次考核"): "B" for i in OPERATIONS_ITEMS}  # B = 4 points each
    team, problems = score_team(scheme, {"甲": {}, "乙": scored}, "2026-10")
    jia, yi = team.agent("甲"), team.agent("乙")
    assert sorted((p.agent, p.column, p.severity, p.message) for p in problems) == sorted(
        ("甲", i, PENDING, f"{i}：缺少一次考核评分") for i in OPERATIONS_ITEMS)
    assert isinstance(jia.total, NA) and all(it.pending and it.points is None for it in jia.items)
    # the mean of four 4s is 4, in grade B (3.5 ≤ x < 4.5)
    assert yi.total == 4 and yi.grade == "B"


def test_a_score_typed_wrong_is_an_error_not_pending():
    scheme = builtin("operations")
    figures = {Review.key(i, "一次考核"): "B" for i in OPERATIONS_ITEMS}
    figures[Review.key("工作态度", "一次考核")] = "Z"
    team, problems = score_team(scheme, {"丙": figures}, "2026-10")
    assert [(p.column, p.severity) for p in problems] == [("工作态度", ERROR)]
    assert problems[0].message == "工作态度：工作态度只能选 5/4/3/2/1：'Z'"
    assert not team.agent("丙").items[2].pending


def test_a_blank_rubric_choice_is_pending_a_wrong_one_an_error():
    scheme = builtin("designer")
    team, problems = score_team(scheme, {"丁": {"质": "z"}}, "2026-10")
    by_item = {p.column: p for p in problems if p.agent == "丁"}
    assert by_item["质"].severity == ERROR
    assert by_item["量"].severity == PENDING and by_item["量"].message == "量：量未评分"


def test_labels_in_both_languages():
    p = Problem("量：量未评分", "量: awaiting a score", agent="丁", column="量", severity=PENDING)
    assert p.format() == "待评分: 列「量」 客服 丁: 量：量未评分"
    set_language("en")
    try:
        assert p.format() == "awaiting score: column '量' agent 丁: 量: awaiting a score"
    finally:
        set_language(None)


def test_batch_summarises_pending_scores_and_lists_them_on_the_problem_sheet(tmp_path, capsys):
    code = main(["batch", "--demo", "--scheme", "operations", "--out", str(tmp_path), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0
    # the samples have 8 agents and no review scores: 8 × the 4 items of S7
    assert "待评分：8 位客服共 32 项还没有评分" in out
    assert "错误" not in err
    ws = load_workbook(tmp_path / "operations" / "汇总_2026-10.xlsx")["问题"]
    labels = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert labels.count("待评分") == 32 and "错误" not in labels
