"""Loading never crashes: every problem names the file, the path in the scheme and says what is wrong in Chinese."""

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cskpi_xl.core.schemefile import load_scheme, parse_scheme

GOOD = """
id = "t"
name = "测试"
effective_from = 2026-01-01
[[items]]
name = "a"
full = 60
rules = [{ kind = "per_count", inputs = ["冲突次数"], points = -5 }]
[[items]]
name = "b"
full = 40
rules = [{ kind = "linear", metric = "询单转化率", baseline = 0.3, unit = 0.01, above = 1, below = -1 }]
[[grades]]
label = "好"
low = 60
[[grades]]
label = "差"
high = 60
"""


def load(tmp_path, text):
    f = tmp_path / "s.toml"
    f.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_scheme(f)


def test_good(tmp_path):
    s, problems = load(tmp_path, GOOD)
    assert s is not None and problems == []


@pytest.mark.parametrize("change, path, words", [
    (("full = 60", "full = \"六十\""), "items[0].full", "应为数字"),
    (("points = -5", "points = -5, pointz = 1"), "items[0].rules[0].pointz", "未知的键"),
    (("full = 40", "full = 30"), "items", "不等于总分"),
    (("kind = \"linear\"", "kind = \"curvy\""), "items[1].rules[0].kind", "未知的规则类型"),
    (("unit = 0.01", "unit = 0"), "items[1].rules[0].unit", "必须大于 0"),
    (("high = 60", "high = 50"), "grades", "空档"),
    (("low = 60", "low = 50"), "grades", "重叠"),
    (("effective_from = 2026-01-01", "effective_from = \"明天\""), "effective_from", "日期"),
])
def test_each_problem_names_its_path(tmp_path, change, path, words):
    s, problems = load(tmp_path, GOOD.replace(*change, 1))
    assert s is None
    errors = [p for p in problems if p.is_error]
    assert any(p.path == path and words in p.message and p.file.endswith("s.toml") for p in errors), errors


def test_unknown_input_is_a_warning(tmp_path):
    s, problems = load(tmp_path, GOOD.replace("冲突次数", "摸鱼次数"))
    assert s is not None
    assert [(p.severity, p.value) for p in problems] == [("warning", "摸鱼次数")]


def test_tier_gap_and_bad_rate(tmp_path):
    text = GOOD + """
[commission]
kind = "tiers"
tiers = [
  { upper = 10000, kind = "flat", rate = 0.01 },
  { lower = 20000, kind = "flat", rate = 1.5 },
]
"""
    s, problems = load(tmp_path, text)
    msgs = [(p.path, p.message) for p in problems]
    assert any(path == "commission.tiers[1].rate" and "0 到 1" in m for path, m in msgs)
    assert any(path == "commission.tiers" and "空档" in m for path, m in msgs)


def test_not_toml_and_missing_file(tmp_path):
    s, problems = load(tmp_path, "id = [")
    assert s is None and "TOML" in problems[0].message
    s, problems = load_scheme(tmp_path / "nope.toml")
    assert s is None and "找不到方案文件" in problems[0].message


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
        ["id", "name", "items", "full", "rules", "kind", "inputs", "points", "metric", "baseline", "unit", "grades",
         "label", "low", "high", "commission", "tiers", "rate", "pay", "sections", "weight", "effective_from"]), inner, max_size=4),
    max_leaves=20,
)


@given(values)
@settings(max_examples=300, deadline=None)
def test_wrong_types_never_crash(data):
    s, problems = parse_scheme(data, "fuzz.toml")
    assert s is not None or problems
    for p in problems:
        assert p.message and p.file == "fuzz.toml"
