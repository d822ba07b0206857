"""Safe sheet and file names made from untrusted text, and paths that stay inside their folder (cskpi_xl/files/names.py)."""

from __future__ import annotations

import io
import subprocess
import sys

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cskpi_xl.errors import CskpiError
from cskpi_xl.files.names import _WINDOWS_RESERVED
from cskpi_xl.files.names import PathOutside, path_inside, safe_file_stem, safe_sheet_name

HOSTILE = ['=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "../../x", "\t=1+1", "＝1+1"]


@pytest.mark.parametrize("module", ["cskpi_xl.files.names", "cskpi_xl.files.atomic", "cskpi_xl.files.lock",
                                    "cskpi_xl.files.oserrors", "cskpi_xl.importers.filecheck",
                                    "cskpi_xl.workbook.celltext"])
def test_file_rooms_import_no_excel_library(module):
    code = f"import sys, {module}; bad = {{'openpyxl', 'python_calamine', 'xlwings', 'formulas'}} & set(sys.modules); print(sorted(bad))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- sheet names


class TestSafeSheetName:
    def test_success(self):
        assert safe_sheet_name("客服绩效", set()) == "客服绩效"

    def test_bad_characters_become_underscore(self):
        assert safe_sheet_name("a/b:c", set()) == "a_b_c"
        assert safe_sheet_name("[x]*?\\", set()) == "_x____"
        assert safe_sheet_name('=HYPERLINK("http://x","点我")', set()) == '=HYPERLINK("http___x","点我")'
        assert safe_sheet_name("../../x", set()) == ".._.._x"

    def test_blank_quotes_and_reserved(self):
        assert safe_sheet_name("", set()) == "Sheet"
        assert safe_sheet_name(None, set()) == "Sheet"
        assert safe_sheet_name("   ", set()) == "Sheet"
        assert safe_sheet_name("''", set()) == "Sheet"
        assert safe_sheet_name("'abc'", set()) == "abc"
        assert safe_sheet_name("History", set()) == "History_"
        assert safe_sheet_name("history", set()) == "history_"

    def test_length_is_31(self):
        assert safe_sheet_name("x" * 40, set()) == "x" * 31
        # cutting must not leave a trailing apostrophe
        assert safe_sheet_name("a" * 30 + "'b", set()) == "a" * 30
        # Excel counts UTF-16 units: an emoji takes two
        assert safe_sheet_name("😀" * 20, set()) == "😀" * 15

    def test_unique_ignoring_case(self):
        taken: set[str] = set()
        got = [safe_sheet_name(n, taken) for n in ["客服", "客服", "客服", "Abc", "aBC", "ABC (2)"]]
        assert got == ["客服", "客服 (2)", "客服 (3)", "Abc", "aBC (2)", "ABC (2) (2)"]
        assert taken == set(got)

    def test_unique_long_names_stay_within_31(self):
        taken: set[str] = set()
        first = safe_sheet_name("y" * 40, taken)
        second = safe_sheet_name("Y" * 40, taken)
        assert first == "y" * 31
        assert second == "Y" * 27 + " (2)"

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.text(max_size=45), max_size=12))
    def test_property_valid_and_unique(self, names):
        taken: set[str] = set()
        out = [safe_sheet_name(n, taken) for n in names]
        assert len({o.casefold() for o in out}) == len(out)
        for o in out:
            assert 1 <= len(o.encode("utf-16-le")) // 2 <= 31
            assert not set(o) & set("[]:*?/\\")
            assert o.strip() and not o.startswith("'") and not o.endswith("'")
            assert o.casefold() != "history"

    def test_openpyxl_accepts_result(self):
        wb = openpyxl.Workbook()
        taken = {wb.active.title}
        for n in HOSTILE + ["x" * 40, "History", "'q'"]:
            wb.create_sheet(safe_sheet_name(n, taken))
        wb.save(io.BytesIO())


# ---------------------------------------------------------------- file stems


class TestSafeFileStem:
    def test_success(self):
        assert safe_file_stem("小王", set()) == "小王"

    def test_hostile(self):
        assert safe_file_stem("../../x", set()) == "_.._x"
        assert safe_file_stem('a/b\\c:d*e?f"g<h>i|j', set()) == "a_b_c_d_e_f_g_h_i_j"
        assert safe_file_stem('=HYPERLINK("http://x","点我")', set()) == "=HYPERLINK(_http___x_,_点我_)"
        assert safe_file_stem("tab\there\x00", set()) == "tab_here_"
        assert safe_file_stem(".", set()) == "未命名"
        assert safe_file_stem("..", set()) == "未命名"
        assert safe_file_stem("", set()) == "未命名"
        assert safe_file_stem(".hidden", set()) == "hidden"
        assert safe_file_stem("abc... ", set()) == "abc"

    def test_windows_reserved(self):
        got = [safe_file_stem(n, set()) for n in ["CON", "con.txt", "nul", "COM1", "LPT9", "COM10", "AUX "]]
        assert got == ["_CON", "_con.txt", "_nul", "_COM1", "_LPT9", "COM10", "_AUX"]

    def test_length_by_utf8_bytes(self):
        taken: set[str] = set()
        first = safe_file_stem("客" * 50, taken)  # 150 bytes
        second = safe_file_stem("客" * 50, taken)
        assert first == "客" * 40  # 120 bytes
        assert second == "客" * 38 + " (2)"  # 114 + 4 bytes
        assert len(second.encode("utf-8")) <= 120

    def test_unique_ignoring_case(self):
        taken: set[str] = set()
        got = [safe_file_stem(n, taken) for n in ["Xiao", "xiao", "XIAO", "小王", "小王"]]
        assert got == ["Xiao", "xiao (2)", "XIAO (3)", "小王", "小王 (2)"]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.text(max_size=80), max_size=10))
    def test_property_never_escapes(self, names):
        taken: set[str] = set()
        out = [safe_file_stem(n, taken) for n in names]
        assert len({o.casefold() for o in out}) == len(out)
        for o in out:
            assert o and len(o.encode("utf-8")) <= 120
            assert not set(o) & set('/\\:*?"<>|')
            assert not any(ord(c) < 32 for c in o)
            assert not o.startswith(".") and o not in (".", "..")
            assert o.split(".")[0].upper().rstrip() not in _WINDOWS_RESERVED
            path_inside("/tmp/some-folder", o, ".xlsx")


class TestPathInside:
    def test_success(self, tmp_path):
        assert path_inside(tmp_path, "小王", ".xlsx") == tmp_path.resolve() / "小王.xlsx"

    def test_fail(self, tmp_path):
        for stem, suffix in [("../x", ".xlsx"), ("a/../../b", ""), ("", ""), ("sub/x", ".xlsx"), ("/etc/passwd", "")]:
            with pytest.raises(ValueError):
                path_inside(tmp_path, stem, suffix)

    def test_symlink_out_is_refused(self, tmp_path):
        outside = tmp_path / "outside"
        inside = tmp_path / "inside"
        outside.mkdir()
        inside.mkdir()
        (inside / "evil.xlsx").symlink_to(outside / "target.xlsx")
        with pytest.raises(ValueError):
            path_inside(inside, "evil", ".xlsx")

    def test_the_error_carries_folder_and_name(self, tmp_path):
        with pytest.raises(PathOutside) as info:
            path_inside(tmp_path, "../x", ".xlsx")
        exc = info.value
        assert isinstance(exc, CskpiError) and isinstance(exc, ValueError)
        assert (exc.folder, exc.name) == (tmp_path.resolve(), "../x.xlsx")
        p = exc.problem()
        assert p.message == f"文件名 '../x.xlsx' 会落在文件夹 {tmp_path.resolve()} 之外"
        assert p.message_en == f"file name '../x.xlsx' would land outside the folder {tmp_path.resolve()}"
        assert (p.file, p.value, p.is_error) == (str(tmp_path.resolve()), "../x.xlsx", True)
