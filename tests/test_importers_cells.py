"""Cell parsers: exact values, and Hypothesis proof that they never raise."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cskpi_xl.core.numbers import NA
from cskpi_xl.importers import cells
from cskpi_xl.importers.cells import parse_date, parse_duration, parse_number, parse_percent, parse_text


class TestParseNumber:
    def test_success(self):
        assert parse_number("12,345.60") == (Decimal("12345.60"), None)
        assert parse_number(42) == (Decimal(42), None)
        assert parse_number(3.5) == (Decimal("3.5"), None)
        assert parse_number("¥1,234.50") == (Decimal("1234.50"), None)
        assert parse_number(" 18 人") == (Decimal(18), None)
        assert parse_number("１２３") == (Decimal(123), None)  # full-width digits

    def test_missing_is_not_an_error(self):
        for v in (None, "", "  ", "-", "--", "—", "/", float("nan")):
            assert parse_number(v) == (None, None)

    def test_not_final(self):
        v, p = parse_number("延迟统计")
        assert isinstance(v, NA)
        assert p.severity == "warning" and "延迟统计" in p.message

    def test_fail(self):
        for v in ("abc", True, b"\xff", dt.date(2026, 10, 1), "1.2.3", float("inf")):
            value, p = parse_number(v)
            assert value is None and p.is_error and p.message == "不是数字"


class TestParsePercent:
    def test_percent_text_and_fraction_agree(self):
        assert parse_percent("100.00%")[0] == 1
        assert parse_percent(1.0)[0] == 1
        assert parse_percent("36.50%") == (Decimal("0.365"), None)
        assert parse_percent(0.365) == (Decimal("0.365"), None)
        assert parse_percent("150%") == (Decimal("1.5"), None)  # range is the importer's check

    def test_fail(self):
        assert parse_percent("abc%")[1].message == "不是百分比"
        assert parse_percent("-") == (None, None)


class TestParseDuration:
    def test_success(self):
        assert parse_duration("8分48秒") == (Decimal(528), None)
        assert parse_duration("1小时2分") == (Decimal(3720), None)
        assert parse_duration("1时2分3秒") == (Decimal(3723), None)
        assert parse_duration("00:08:48") == (Decimal(528), None)
        assert parse_duration("8:48") == (Decimal(528), None)
        assert parse_duration("32s") == (Decimal(32), None)
        assert parse_duration(32.5) == (Decimal("32.5"), None)
        assert parse_duration(dt.time(0, 8, 48)) == (Decimal(528), None)
        assert parse_duration(dt.timedelta(minutes=1, seconds=2)) == (Decimal(62), None)

    def test_fail(self):
        for v in ("8分钟多", "abc", "1:2:3:4", "分秒", dt.date(2026, 1, 1)):
            value, p = parse_duration(v)
            assert value is None and p.message == "不是时长", v

    def test_not_final(self):
        v, p = parse_duration("延迟统计")
        assert isinstance(v, NA) and p.severity == "warning"


class TestParseDate:
    def test_success(self):
        d = dt.date(2026, 10, 1)
        for v in ("2026-10-01", "2026/10/1", "20261001", "2026.10.01", "2026年10月1日", "2026-10-01 00:00:00",
                  46296, 46296.0, 20261001, d, dt.datetime(2026, 10, 1, 13, 5)):
            assert parse_date(v) == (d, None), v

    def test_fail(self):
        assert parse_date("2026-13-01")[1].message == "不是有效日期"
        for v in ("昨天", 12, True, "2026-10"):
            value, p = parse_date(v)
            assert value is None and p.is_error, v
        assert parse_date("") == (None, None)


def test_parse_text_keeps_nickname_as_plain_text():
    assert parse_text("  朵以旗舰店:小美\u3000") == "朵以旗舰店:小美"
    assert parse_text("=HYPERLINK(\"http://x\",\"点我\")") == "=HYPERLINK(\"http://x\",\"点我\")"
    assert parse_text(12345.0) == "12345"
    assert parse_text(None) == ""


ANY = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(),
    st.binary(), st.decimals(allow_nan=True, allow_infinity=True), st.dates(), st.datetimes(), st.times(),
    st.timedeltas(), st.lists(st.integers(), max_size=3),
    st.from_regex(r"-?[0-9,]{0,8}(\.[0-9]{0,3})?[%‰秒分时]?", fullmatch=True),
    st.from_regex(r"[0-9]{1,3}(小时|时|分|分钟|秒|天)[0-9]{0,3}(分|秒)?", fullmatch=True),
    st.from_regex(r"[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?", fullmatch=True),
)


@settings(max_examples=400, deadline=None)
@given(ANY)
def test_parsers_never_raise(value):
    for parse in (parse_number, parse_percent, parse_duration, parse_date):
        result, problem = parse(value)
        assert problem is None or problem.message
        if result is not None and not isinstance(result, NA):
            assert isinstance(result, (Decimal, dt.date))
    assert isinstance(parse_text(value), str)
    cells.is_missing(value)
