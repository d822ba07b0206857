"""Hypothesis mutates the built-in scheme files (values, keys and types at random paths) and feeds
them to the loader: parse_scheme never raises, every problem names the file and the path inside
it in Chinese, and a scheme it accepts can be scored without a traceback."""

from __future__ import annotations

import copy
import re
import tomllib
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cskpi_xl.core.engine import score_team
from cskpi_xl.core.schemefile import BUILTIN_IDS, load_scheme, parse_scheme
from hostile import examples

SCHEMES = Path(__file__).resolve().parent.parent / "cskpi_xl" / "schemes"
DATA = {sid: tomllib.loads((SCHEMES / f"{sid}.toml").read_text(encoding="utf-8")) for sid in BUILTIN_IDS}
CJK = re.compile(r"[\u4e00-\u9fff]")

FIGURES = {
    "小美": {"询单人数": 100, "最终付款人数": 36, "下单人数": 40, "接待人数": 120, "销售额": Decimal("45000"),
             "销售人数": 36, "响应总秒数": Decimal("3000"), "响应次数": 100, "回复人数": 118, "计划销售额": Decimal("40000")},
    "阿杰": {"询单人数": 0, "最终付款人数": 0, "接待人数": 0, "销售额": Decimal("0")},
}

scalars = st.one_of(
    st.integers(-10 ** 6, 10 ** 6), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8), st.booleans(), st.dates(), st.datetimes(), st.times(),
    st.sampled_from(["none", "sum", "mean", "sections", "linear", "per_count", "1e999999", "-1e999999", "NaN",
                     "询单转化率", "销售额", "", "0", "-0", "1e-999999", "优秀"]),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                      max_leaves=6)


def paths(node, prefix=()):
    """Every path (tuple of keys and indexes) into a parsed TOML document."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, prefix + (i,))


def mutate(doc, path, action, value):
    """Apply one mutation at ``path``; returns the new document (or the replacement for the root)."""
    if not path:
        return value if action == "replace" else doc
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    key = path[-1]
    if action == "replace":
        parent[key] = value
    elif action == "delete":
        del parent[key]
    elif action == "wrap":
        parent[key] = [parent[key]]
    elif action == "stringify":
        parent[key] = str(parent[key])
    elif action == "negate" and isinstance(parent[key], (int, float)) and not isinstance(parent[key], bool):
        parent[key] = -parent[key] * 1000
    elif action == "add" and isinstance(parent[key], dict):
        parent[key][f"未知键{len(parent[key])}"] = value
    elif action == "rename" and isinstance(parent, dict):
        parent[f"{key}_x"] = parent.pop(key)
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))
    return doc


mutation = st.tuples(st.floats(0, 1), st.sampled_from(["replace", "delete", "wrap", "stringify", "negate", "add",
                                                       "rename", "duplicate"]), values)


def check(scheme, problems, file, text=False):
    assert isinstance(problems, list)
    for p in problems:
        assert p.file == file, p
        # a problem in the scheme's content names its path; a broken TOML text names its line
        assert isinstance(p.path, str) or (text and p.message.startswith(
            ("方案文件格式错误（TOML）：", "方案文件不是 UTF-8 编码的文字（")) and (p.row is None or p.row >= 1)), p
        assert CJK.search(p.message), p
        assert p.message_en, p
    if scheme is not None:
        assert not [p for p in problems if p.is_error]
        team, more = score_team(scheme, FIGURES, "2026-10", {})
        assert len(team.agents) == 2


@settings(max_examples=examples(400), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(BUILTIN_IDS), st.lists(mutation, min_size=1, max_size=4))
def test_mutated_builtin_schemes(sid, mutations):
    doc = copy.deepcopy(DATA[sid])
    for where, action, value in mutations:
        all_paths = list(paths(doc))
        path = all_paths[min(int(where * len(all_paths)), len(all_paths) - 1)]
        doc = mutate(doc, path, action, value)
    scheme, problems = parse_scheme(doc, f"{sid}.toml")
    check(scheme, problems, f"{sid}.toml")
    if scheme is None:
        assert any(p.is_error for p in problems)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=list(HealthCheck))
@given(values)
def test_random_documents(doc):
    scheme, problems = parse_scheme(doc, "r.toml")
    check(scheme, problems, "r.toml")


@settings(max_examples=examples(150), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(BUILTIN_IDS), st.data())
def test_mutated_scheme_text(tmp_path_factory, sid, data):
    """Byte-level damage to the TOML text: a TOML error or a loader problem, never a traceback."""
    text = (SCHEMES / f"{sid}.toml").read_bytes()
    b = bytearray(text)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(b) - 1))
        b[i] = data.draw(st.sampled_from(list(b'=[]{}"\'.,#\n 0123456789-+eE') + [0xE4, 0xFF]))
    f = tmp_path_factory.mktemp("toml") / f"{sid}.toml"
    f.write_bytes(bytes(b))
    scheme, problems = load_scheme(f)
    check(scheme, problems, str(f), text=True)
    assert scheme is not None or problems


def test_every_builtin_loads_and_scores():
    for sid in BUILTIN_IDS:
        scheme, problems = parse_scheme(copy.deepcopy(DATA[sid]), f"{sid}.toml")
        check(scheme, problems, f"{sid}.toml")
        assert scheme is not None, sid
