"""The zip writer lays parts out byte for byte as zipfile's writestr does (issue 19)."""

import io
import time
import zipfile
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from cskpi_xl.workbook.save.zipwrite import deflate, zip_members

names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\\\x00"), min_size=1, max_size=20)
bodies = st.one_of(st.binary(max_size=3000), st.text(max_size=2000).map(lambda t: (t * 3).encode("utf-8")))
stamps = st.tuples(st.integers(1980, 2107), st.integers(1, 12), st.integers(1, 28), st.integers(0, 23),
                   st.integers(0, 59), st.integers(0, 59))


def zipfile_bytes(parts: dict, date_time: tuple) -> bytes:
    """What cskpi_xl wrote before: ZipFile(..., ZIP_DEFLATED).writestr(name, body), the clock at ``date_time``."""
    buf = io.BytesIO()
    clock = time.struct_time(tuple(date_time) + (0, 0, -1))
    with mock.patch("zipfile.time.localtime", lambda *a: clock):
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
            for name, body in parts.items():
                z.writestr(name, body)
    return buf.getvalue()


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.one_of(names, st.sampled_from(["xl/workbook.xml", "[Content_Types].xml", "_rels/.rels"])),
                       bodies, max_size=12), stamps)
def test_same_bytes_as_zipfile(parts, date_time):
    members = [deflate(n, b) for n, b in parts.items()]
    assert zip_members(members, date_time) == zipfile_bytes(parts, date_time)


def test_a_member_deflated_once_serves_every_archive():
    shared = deflate("xl/styles.xml", b"<styleSheet/>" * 500)
    one = zip_members([shared, deflate("a.xml", b"1")], (2026, 10, 31, 23, 59, 58))
    two = zip_members([shared, deflate("a.xml", b"2")], (2026, 10, 31, 23, 59, 58))
    assert zipfile.ZipFile(io.BytesIO(one)).read("xl/styles.xml") == b"<styleSheet/>" * 500
    assert zipfile.ZipFile(io.BytesIO(two)).read("a.xml") == b"2"
    assert one == zipfile_bytes({"xl/styles.xml": b"<styleSheet/>" * 500, "a.xml": b"1"}, (2026, 10, 31, 23, 59, 58))


def test_non_ascii_names_get_the_utf8_flag_as_zipfile_gives_it():
    data = zip_members([deflate("规则.xml", b"x")], (2026, 1, 2, 3, 4, 5))
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    assert info.filename == "规则.xml" and info.flag_bits & 0x800
    assert info.date_time == (2026, 1, 2, 3, 4, 4)  # DOS time keeps even seconds
