"""Hypothesis drives the importer with random and mutated files: import_files never raises, every
failure is a Problem with a Chinese message naming the file, and the good rows of a file still count.

(tests/test_importers_cells.py already checks that the cell parsers never raise on any value; here
the properties are about what they return, and about whole files.)
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cskpi_xl.core.problems import Problem
from cskpi_xl.importers import cells, import_files
from cskpi_xl.importers.headers import HEADERS
from hostile import examples, files

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "exports"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.is_file())
CJK = re.compile(r"[\u4e00-\u9fff]")
FAST = settings(max_examples=examples(200), deadline=None, suppress_health_check=list(HealthCheck))


def check_problems(problems, allowed_files) -> None:
    for p in problems:
        assert isinstance(p, Problem)
        assert CJK.search(p.message), p
        assert p.message_en, p
        assert p.severity in ("error", "warning")
        if p.file is not None:
            assert p.file in allowed_files, p
        if p.row is not None:
            assert isinstance(p.row, int) and p.row >= 1


def _scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="cskpi-fuzz-"))


# ----------------------------------------------------------------- cell parsers: what they return

digits = st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"), places=2,
                     allow_nan=False, allow_infinity=False)


@settings(max_examples=examples(300), deadline=None)
@given(digits)
def test_numbers_round_trip_in_the_forms_exports_write(d):
    for text in (str(d), f"{d:,}", f"¥{d:,}", f"{d}元", f" {d}\u3000", str(d).translate(str.maketrans("0123456789.-", "０１２３４５６７８９．－"))):
        value, problem = cells.parse_number(text)
        assert (value, problem) == (d, None), text


@settings(max_examples=examples(300), deadline=None)
@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False))
def test_percent_text_and_fraction_agree(x):
    as_text, p1 = cells.parse_percent(f"{x}%")
    as_fraction, p2 = cells.parse_percent(x / 100)
    assert p1 is None and p2 is None and as_text == as_fraction == x / 100


@settings(max_examples=examples(300), deadline=None)
@given(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59))
def test_durations_in_every_form_agree(h, m, s):
    total = 3600 * h + 60 * m + s
    forms = [f"{h}小时{m}分{s}秒", f"{h:02d}:{m:02d}:{s:02d}", f"{60 * h + m}分{s}秒", str(total), f"{total}s",
             dt.time(h, m, s), dt.timedelta(seconds=total)]
    for f in forms:
        assert cells.parse_duration(f) == (total, None), f


@settings(max_examples=examples(300), deadline=None)
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_dates_in_every_form_agree(d):
    forms = [d, dt.datetime.combine(d, dt.time(13, 5)), d.isoformat(), f"{d.year}/{d.month}/{d.day}",
             f"{d.year}年{d.month}月{d.day}日", d.strftime("%Y%m%d"), f"{d.isoformat()} 08:00:00",
             int(d.strftime("%Y%m%d")), (d - dt.date(1899, 12, 30)).days]
    for f in forms:
        assert cells.parse_date(f) == (d, None), f


ABSURD = st.one_of(
    st.from_regex(r"-?[0-9]{1,3}(\.[0-9]{1,3})?[eE][+-]?[0-9]{2,12}[%‰]?", fullmatch=True),
    st.from_regex(r"[0-9]{16,40}", fullmatch=True),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10 ** 400), max_value=10 ** 400),
    st.decimals(allow_nan=True, allow_infinity=True),
)


@settings(max_examples=examples(400), deadline=None)
@given(ABSURD)
def test_what_comes_back_is_always_a_sane_number(value):
    for parse in (cells.parse_number, cells.parse_percent, cells.parse_duration):
        result, problem = parse(value)
        if isinstance(result, Decimal):
            assert result.is_finite() and (result == 0 or Decimal("1e-100") <= abs(result) < Decimal("1e13"))
            # and arithmetic on it cannot overflow
            _ = result * 86400 * 1000 + result
        if problem is not None:
            assert CJK.search(problem.message)


# ----------------------------------------------------------------- whole files: random bytes

KNOWN = sorted(HEADERS)


@FAST
@given(st.binary(max_size=4000), st.sampled_from([".csv", ".xlsx", ".xls", ".txt"]))
def test_random_bytes_under_any_name(data, suffix):
    d = _scratch()
    try:
        f = d / f"x{suffix}"
        f.write_bytes(data)
        good = files.csv(d / "good.csv", [["客服昵称", "接待人数"], ["小美", 3]])
        result, problems = import_files([f, good], month="2026-10")
        check_problems(problems, {str(f), str(good)})
        assert result.agents["小美"].figures["接待人数"] == 3
    finally:
        shutil.rmtree(d)


cell_text = st.one_of(
    st.text(max_size=12), st.sampled_from(["-", "延迟统计", "100.00%", "8分48秒", "1,234.50", "汇总", "=1+1", "+1", "@x"]),
    st.from_regex(r"-?[0-9]{1,6}(\.[0-9]{1,3})?%?", fullmatch=True),
)


@FAST
@given(st.lists(st.sampled_from(KNOWN), min_size=1, max_size=8),
       st.lists(st.lists(cell_text, max_size=9), max_size=12),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_random_tables_with_real_headers(header, rows, encoding):
    d = _scratch()
    try:
        f = files.csv(d / "t.csv", [["客服昵称"] + header] + [["小美"]] + rows, encoding=encoding)
        result, problems = import_files([f], month="2026-10")
        check_problems(problems, {str(f)})
        for p in problems:
            if p.column is not None:  # a cell's problem is on its data row; a column's on the header row
                assert p.row is not None and (p.row >= 2 or (p.row == 1 and p.value == p.column)), p
        # the first data row names 小美 and nothing else: she is there unless the sheet or her row was refused
        assert "小美" in result.agents or any(p.is_error and p.row in (None, 2) for p in problems)
    finally:
        shutil.rmtree(d)


# ----------------------------------------------------------------- whole files: mutated real exports


def _mutate(data: bytes, ops) -> bytes:
    b = bytearray(data)
    for kind, pos, val in ops:
        if not b:
            break
        i = pos % len(b)
        if kind == "flip":
            b[i] ^= 1 << (val % 8)
        elif kind == "set":
            b[i] = val % 256
        elif kind == "cut":
            del b[i:]
        elif kind == "insert":
            b[i:i] = bytes([val % 256]) * (1 + val % 17)
        elif kind == "delete":
            del b[i:i + 1 + val % 64]
    return bytes(b)


ops = st.lists(st.tuples(st.sampled_from(["flip", "set", "cut", "insert", "delete"]),
                         st.integers(0, 2 ** 31), st.integers(0, 255)), min_size=1, max_size=6)


@settings(max_examples=examples(400), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(SAMPLE_FILES), ops)
def test_mutated_real_exports(sample, mutation):
    d = _scratch()
    try:
        f = d / sample.name
        f.write_bytes(_mutate(sample.read_bytes(), mutation))
        result, problems = import_files([f])
        check_problems(problems, {str(f)})
    finally:
        shutil.rmtree(d)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from([p for p in SAMPLE_FILES if p.suffix == ".xlsx"]), st.data())
def test_mutated_parts_inside_real_workbooks(sample, data):
    """Mutate one XML part (not the zip around it): the zip stays valid, the XML does not."""
    d = _scratch()
    try:
        with zipfile.ZipFile(sample) as z:
            parts = {i.filename: z.read(i) for i in z.infolist()}
        name = data.draw(st.sampled_from(sorted(parts)))
        parts[name] = _mutate(parts[name], data.draw(ops))
        f = d / sample.name
        with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
            for n, b in parts.items():
                z.writestr(n, b)
        result, problems = import_files([f])
        check_problems(problems, {str(f)})
    finally:
        shutil.rmtree(d)


@settings(max_examples=examples(500), deadline=None)
@given(st.one_of(
    st.from_regex(r"-?[0-9]{1,16}(\.[0-9]{0,16})?", fullmatch=True),
    st.from_regex(r"-?[0-9]{1,4}(,[0-9]{2,4}){0,5}(\.[0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"-?[0-9]{1,16}(\.[0-9]{1,16})?%", fullmatch=True),
    st.from_regex(r"[0-9]{1,10}分[0-9]{1,10}秒", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
))
def test_fast_paths_give_what_the_general_path_gives(text):
    """The importer reads common cells through fast paths; each must agree with the general parser."""
    general = {
        cells.parse_number: cells._out_of_range(cells._parse_number(text), "不是有效数字", "not a valid number", text),
        cells.parse_percent: cells._out_of_range(cells._parse_percent(text), "不是有效百分比", "not a valid percentage", text),
        cells.parse_duration: cells._out_of_range(cells._parse_duration(text), "不是有效时长", "not a valid duration", text),
        cells.parse_date: cells._parse_date(text),
    }
    for fast, (value, problem) in general.items():
        got, got_problem = fast(text)
        assert (str(got), got_problem and got_problem.message) == (str(value), problem and problem.message), (fast, text)
