"""Reading files: encodings, kinds told by bytes, and files that cannot be read."""

import zipfile
from pathlib import Path

import openpyxl

from cskpi_xl.importers import import_files, read_table
from cskpi_xl.importers.filecheck import check_file

ROWS = [["客服昵称", "询单人数", "销售额"], ["小美", 10, "1,234.50"], ["阿杰", 5, 20]]


def text_file(path: Path, rows, encoding, sep=","):
    path.write_bytes(("\n".join(sep.join(str(c) for c in r) for r in rows) + "\n").encode(encoding))
    return path


def errors(problems):
    return [p for p in problems if p.is_error]


class TestEncodings:
    def test_gbk_csv(self, tmp_path):
        f = text_file(tmp_path / "千牛.csv", [["旺旺昵称", "询单人数", "净销售额"], ["朵以旗舰店:小美", 10, '"1,234.50"']], "gbk")
        sheets, problems = read_table(f)
        assert problems == []
        assert sheets[0].rows == [["旺旺昵称", "询单人数", "净销售额"], ["朵以旗舰店:小美", "10", "1,234.50"]]
        data, problems = import_files([f], month="2026-10")
        assert data.agents["朵以旗舰店:小美"].figures["销售额"] == 1234.5
        assert data.agents["朵以旗舰店:小美"].sources[0][2] == "qianniu"

    def test_gb18030_only_characters(self, tmp_path):
        f = text_file(tmp_path / "a.csv", [["客服昵称", "询单人数"], ["𠮷哥", 3]], "gb18030")
        assert read_table(f)[0][0].rows[1] == ["𠮷哥", "3"]

    def test_utf8_bom_and_plain_utf8_and_tabs(self, tmp_path):
        for enc, sep in (("utf-8-sig", ","), ("utf-8", ","), ("utf-8", "\t"), ("utf-16", "\t")):
            f = text_file(tmp_path / f"a_{enc}_{ord(sep)}.csv", ROWS, enc, sep)
            sheets, problems = read_table(f)
            assert problems == [] and sheets[0].rows[0] == ["客服昵称", "询单人数", "销售额"], (enc, sep)

    def test_html_table_named_xls(self, tmp_path):
        f = tmp_path / "export.xls"
        f.write_text("<html><body><table><tr><th>客服昵称</th><th>询单人数</th></tr>"
                     "<tr><td>小美</td><td>7</td></tr></table></body></html>", encoding="utf-8")
        assert check_file(f) == ("html", [])
        data, problems = import_files([f], month="2026-10")
        assert problems == [] and data.agents["小美"].figures == {"询单人数": 7}

    def test_row_numbers_match_the_sheet(self, tmp_path):
        wb = openpyxl.Workbook()
        wb.active["C3"] = "客服昵称"
        wb.active["D3"] = "询单人数"
        wb.active["C4"] = "小美"
        wb.active["D4"] = "x"
        wb.save(tmp_path / "a.xlsx")
        _, problems = import_files([tmp_path / "a.xlsx"], month="2026-10")
        # 小美's only figure is bad, so she has none at all: an error on her, not full marks
        assert [(p.row, p.column) for p in problems] == [(4, "询单人数"), (None, None)]
        assert problems[1].agent == "小美" and "待核实" in problems[1].message


class TestUnreadable:
    def test_not_found(self, tmp_path):
        data, problems = import_files([tmp_path / "无.xlsx"])
        assert data.agents == {} and [p.message for p in problems] == ["文件不存在"]

    def test_empty_file(self, tmp_path):
        for name in ("a.xlsx", "a.csv"):
            (tmp_path / name).write_bytes(b"")
            _, problems = read_table(tmp_path / name)
            assert len(problems) == 1 and problems[0].is_error and "空" in problems[0].message

    def test_blank_csv(self, tmp_path):
        (tmp_path / "b.csv").write_text("\n\n ,, \n", encoding="utf-8")
        _, problems = read_table(tmp_path / "b.csv")
        assert [p.message for p in problems] in (["文件是空的"], ["文件里没有任何数据"])

    def test_headers_only_is_a_warning(self, tmp_path):
        f = text_file(tmp_path / "h.csv", ROWS[:1], "utf-8")
        data, problems = import_files([f])
        assert data.agents == {}
        assert [(p.row, p.message, p.severity) for p in problems] == [(1, "只有表头，没有数据行", "warning")]

    def test_unknown_headers(self, tmp_path):
        f = text_file(tmp_path / "工资.csv", [["姓名", "底薪"], ["小美", 3000]], "utf-8")
        data, problems = import_files([f])
        assert data.agents == {}
        assert len(problems) == 1 and problems[0].is_error and problems[0].file == str(f)
        assert "无法识别的表格" in problems[0].message and "客服昵称" in problems[0].message
        assert "姓名、底薪" in problems[0].message

    def test_pdf_renamed(self, tmp_path):
        f = tmp_path / "报表.xlsx"
        f.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
        _, problems = read_table(f)
        assert len(errors(problems)) == 1 and "PDF" in problems[0].message

    def test_random_bytes_renamed(self, tmp_path):
        import random
        rnd = random.Random(1)
        for name in ("x.xlsx", "x.xls"):
            f = tmp_path / name
            f.write_bytes(bytes(rnd.randrange(256) for _ in range(3000)))
            sheets, problems = read_table(f)
            assert sheets == [] and len(errors(problems)) == 1, name

    def test_truncated_xlsx(self, tmp_path):
        good = tmp_path / "g.xlsx"
        openpyxl.Workbook().save(good)
        bad = tmp_path / "bad.xlsx"
        bad.write_bytes(good.read_bytes()[:600])
        sheets, problems = read_table(bad)
        assert sheets == [] and len(errors(problems)) == 1

    def test_encrypted_xlsx(self, tmp_path):
        # an encrypted workbook is an OLE (CFB) container holding EncryptionInfo + EncryptedPackage
        f = tmp_path / "加密.xlsx"
        body = bytearray(4096)
        body[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
        for i, name in enumerate(("EncryptionInfo", "EncryptedPackage")):
            enc = name.encode("utf-16-le")
            body[1024 + 128 * i: 1024 + 128 * i + len(enc)] = enc
        f.write_bytes(bytes(body))
        _, problems = read_table(f)
        assert len(errors(problems)) == 1 and "加密" in problems[0].message and "取消密码" in problems[0].message

    def test_a_folder(self, tmp_path):
        _, problems = read_table(tmp_path)
        assert len(errors(problems)) == 1

    def test_zip_that_is_not_a_workbook(self, tmp_path):
        f = tmp_path / "a.xlsx"
        with zipfile.ZipFile(f, "w") as z:
            z.writestr("readme.txt", "hello")
        sheets, problems = read_table(f)
        assert sheets == [] and len(errors(problems)) == 1

    def test_one_bad_file_does_not_stop_the_others(self, tmp_path):
        # the thousands comma is quoted: unquoted, it splits the cell and the row is refused
        good = text_file(tmp_path / "good.csv", [ROWS[0], ["小美", 10, '"1,234.50"'], ROWS[2]], "utf-8")
        data, problems = import_files([tmp_path / "missing.csv", good], month="2026-10")
        assert list(data.agents) == ["小美", "阿杰"] and [p.message for p in problems] == ["文件不存在"]


# ---- the reach scan, each distinct reference converted once -------------------------------------------------

import re  # noqa: E402

from hypothesis import given, strategies as st  # noqa: E402

from cskpi_xl.importers.read import _col_number, _reach  # noqa: E402


def _reach_per_match(text: bytes) -> tuple[int, int]:
    """The scan as first written: every match converted."""
    rows = cols = 0
    for m in re.finditer(rb'\br="\$?([A-Za-z]+)\$?([0-9]+)"', text):
        cols = max(cols, _col_number(m.group(1)))
        rows = max(rows, int(m.group(2)) if len(m.group(2)) < 12 else 10 ** 12)
    for m in re.finditer(rb'\br="([0-9]+)"', text):
        rows = max(rows, int(m.group(1)) if len(m.group(1)) < 12 else 10 ** 12)
    return rows, cols


_refs = st.one_of(
    st.builds(lambda d, c, r, e: f'<c r="{d}{c}{d}{r}"{e}/>', st.sampled_from(["", "$"]),
              st.text("ABCXYZabz", min_size=1, max_size=10), st.from_regex(r"[0-9]{1,14}", fullmatch=True),
              st.sampled_from(["", ' s="1"'])),
    st.builds(lambda r: f'<row r="{r}">', st.from_regex(r"[0-9]{1,14}", fullmatch=True)),
    st.sampled_from(['r="A"', 'r=""', 'xr="B2"', "<v>7</v>", 'r="A1B"', 'ref="A1:C9"']))


@given(st.lists(_refs, max_size=30))
def test_the_reach_is_the_per_match_scan(pieces):
    text = "".join(pieces).encode()
    assert _reach(text) == _reach_per_match(text)


def test_the_reach_of_a_far_cell_and_none():
    assert _reach(b'<c r="XFD1048576"/>') == (1048576, 16384)
    assert _reach(b"<sheetData/>") == (0, 0)


def test_manual_names_by_their_normalized_header():
    """The first match wins as before: a manual input's own name, then the aliases in order."""
    from cskpi_xl.core import names
    from cskpi_xl.importers import people
    from cskpi_xl.importers.headers import norm

    def per_name(header):
        h = norm(header)
        for n in people._MANUAL_NAMES:
            if norm(n) == h:
                return n
        for k, v in people.MANUAL_ALIASES.items():
            if norm(k) == h and v in names.ALL:
                return v
        return None

    headers = list(people._MANUAL_NAMES) + list(people.MANUAL_ALIASES) + ["备注", "", " 差 评 ", "旷工(天数)", "ＡＢＣ"]
    for h in headers:
        assert people.manual_name(h) == per_name(h), h
    assert people.manual_name(" 差评 ") == "售后差评数" and people.manual_name("工龄（年）") == "工龄年数"
