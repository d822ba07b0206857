"""Hostile inputs through the importer: every bad value gets a Chinese message naming where it is,
and the good rows still come through with their values.

The pre-check itself (tests/test_importers_filecheck.py) and the plain unreadable-file cases
(tests/test_importers_read.py) are tested elsewhere; here each case goes through
``import_files`` together with good data, and the bombs are measured in a
subprocess (time and peak memory).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cskpi_xl.core.schemefile import load_scheme, parse_scheme
from cskpi_xl.importers import import_files, read_table
from hostile import files
from hostile.proc import run_measured

HEADER = ["客服昵称", "接待人数", "询单人数", "询单->最终付款人数", "销售额", "回复率"]
GOOD = ["小美", 30, 10, 3, "1,234.50", "98.00%"]
NICKS = ['=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "../../x", "a/b:c*?[]\\'", "长" * 40,
         "Amy", "amy", "\t=1+1", "＝1+1", "CON", ".."]

ENCRYPTED = "文件已加密（设置了打开密码），请在 Excel 中取消密码后另存为 .xlsx 再导入"
CORRUPT = "文件已损坏（zip 结构不完整，可能没有下载完或保存中断），请重新导出"
PDF = "这是 PDF 文件，不是表格；请导入后台导出的原始 .xlsx / .xls / .csv 文件"
EMPTY = "文件是空的（0 字节），可能没有下载或保存完整"
DTD = ("文件内部的 XML 部件 xl/worksheets/sheet1.xml 含有 DTD/实体声明（真正的 Excel 文件不会有），"
       "疑似恶意构造（XML 炸弹），已拒绝读取")


def where(p):
    return (Path(p.file).name if p.file else None, p.sheet, p.row, p.column, p.message, p.severity)


def good_file(tmp_path: Path) -> Path:
    return files.csv(tmp_path / "good_2026-10.csv", [HEADER, GOOD])


def assert_good_survives(data):
    fig = data.agents["小美"].figures
    assert (fig["接待人数"], fig["询单人数"], fig["最终付款人数"], fig["销售额"], fig["回复率"]) == (
        30, 10, 3, Decimal("1234.50"), Decimal("0.98"))


def text_xlsx(path: Path, rows) -> Path:
    """An .xlsx whose text cells are stored as text even when they look like formulas."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, r in enumerate(rows, start=1):
        for j, v in enumerate(r, start=1):
            c = ws.cell(row=i, column=j, value=v)
            if isinstance(v, str):
                c.data_type = "s"
    wb.save(path)
    return path


# ----------------------------------------------------------------- nicknames


class TestNicknames:
    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    def test_hostile_nicknames_are_kept_as_literal_text(self, tmp_path, kind):
        rows = [HEADER] + [[n, 10 + i, 5, 1, 100, "50%"] for i, n in enumerate(NICKS)]
        f = files.csv(tmp_path / "n.csv", rows) if kind == "csv" else text_xlsx(tmp_path / "n.xlsx", rows)
        data, problems = import_files([f], month="2026-10")
        # the importer strips surrounding blanks and nothing else: no evaluation, no renaming
        assert list(data.agents) == [n.strip() for n in NICKS]
        # lookalikes are kept apart, and each pair is said
        assert [(p.severity, p.agent, p.value) for p in problems] == [
            ("warning", "amy", "Amy"), ("warning", "＝1+1", "=1+1")]
        for i, n in enumerate(NICKS):
            assert data.agents[n.strip()].figures["接待人数"] == 10 + i
        assert data.agents["Amy"] is not data.agents["amy"]  # differing only in case: two people

    def test_duplicates_are_an_error_naming_both_rows_and_the_first_is_kept(self, tmp_path):
        rows = [HEADER, GOOD, ["=1+1", 1, 1, 0, 1, "1%"], ["小美", 99, 99, 9, 9, "9%"], ["=1+1", 2, 2, 0, 2, "2%"]]
        data, problems = import_files([files.csv(tmp_path / "d.csv", rows)], month="2026-10")
        assert [where(p) for p in problems] == [
            ("d.csv", None, 4, "客服昵称", "客服「小美」在第 2 行和第 4 行重复出现，只保留第 2 行，请检查导出", "error"),
            ("d.csv", None, 5, "客服昵称", "客服「=1+1」在第 3 行和第 5 行重复出现，只保留第 3 行，请检查导出", "error"),
        ]
        assert_good_survives(data)
        assert data.agents["=1+1"].figures["接待人数"] == 1


# ----------------------------------------------------------------- bad values, good rows go through


class TestBadValues:
    def test_negative_counts_and_rates_above_100(self, tmp_path):
        rows = [HEADER, GOOD,
                ["阿杰", -5, 10, 3, "-100", "150%"],
                ["晓晓", 20, "-1", 2, 50, "1.5"]]
        data, problems = import_files([files.csv(tmp_path / "v_2026-10.csv", rows)])
        assert [where(p) for p in problems] == [
            ("v_2026-10.csv", None, 3, "接待人数", "不能为负数，已忽略该值", "error"),
            ("v_2026-10.csv", None, 3, "销售额", "不能为负数，已忽略该值", "error"),
            ("v_2026-10.csv", None, 3, "回复率", "比率超过 100%，已忽略该值", "error"),
            ("v_2026-10.csv", None, 4, "询单人数", "不能为负数，已忽略该值", "error"),
            ("v_2026-10.csv", None, 4, "回复率", "比率超过 100%，已忽略该值", "error"),
        ]
        assert [p.value for p in problems] == ["-5", "-100", "150%", "-1", "1.5"]
        assert [p.agent for p in problems] == ["阿杰", "阿杰", "阿杰", "晓晓", "晓晓"]
        assert_good_survives(data)
        # the rest of a bad row still counts
        assert data.agents["阿杰"].figures == {"询单人数": 10, "最终付款人数": 3}
        assert "接待人数" not in data.agents["阿杰"].figures and "销售额" not in data.agents["阿杰"].figures
        assert data.agents["晓晓"].figures["接待人数"] == 20 and "询单人数" not in data.agents["晓晓"].figures

    @pytest.mark.parametrize("raw, column, message", [
        ("1e999999", "销售额", "不是有效数字（数值超出合理范围，绝对值应小于 10^13（十万亿），不为 0 时不小于 10^-100），按缺失处理"),
        ("9e99999999", "接待人数", "不是有效数字（数值超出合理范围，绝对值应小于 10^13（十万亿），不为 0 时不小于 10^-100），按缺失处理"),
        ("1e-400", "销售额", "不是有效数字（数值超出合理范围，绝对值应小于 10^13（十万亿），不为 0 时不小于 10^-100），按缺失处理"),
        ("1e17%", "回复率", "不是有效百分比（数值超出合理范围，绝对值应小于 10^13（十万亿），不为 0 时不小于 10^-100），按缺失处理"),
        ("-Infinity", "销售额", "不是数字"),
        ("Infinity", "接待人数", "不是数字"),
    ])
    def test_absurd_numbers_are_refused_not_crashing(self, tmp_path, raw, column, message):
        # before the fix: decimal.Overflow from import_files (1e999999 × 38), or minutes spent in
        # int(Decimal("9e99999999")) building a 300-million-digit integer
        row = dict(zip(HEADER, ["阿杰", 30, 10, 3, 100, "50%"]))
        row[column] = raw
        rows = [HEADER, GOOD, list(row.values())]
        data, problems = import_files([files.csv(tmp_path / "big_2026-10.csv", rows)])
        assert (3, column, message) in [(p.row, p.column, p.message) for p in problems]
        assert all(p.row == 3 and p.agent == "阿杰" for p in problems)
        assert_good_survives(data)
        assert data.agents["阿杰"].figures["询单人数"] == 10

    def test_absurd_average_response_does_not_overflow(self, tmp_path):
        rows = [["客服昵称", "接待人数", "平均响应(秒)"], ["小美", 38, "9e999999"], ["阿杰", 38, "20"]]
        data, problems = import_files([files.csv(tmp_path / "r.csv", rows)], month="2026-10")
        assert [where(p) for p in problems] == [
            ("r.csv", None, 2, "平均响应(秒)", "不是有效时长（数值超出合理范围，绝对值应小于 10^13（十万亿），不为 0 时不小于 10^-100），按缺失处理", "error")]
        assert data.agents["阿杰"].figures["响应总秒数"] == 760

    def test_headers_only_next_to_a_good_file(self, tmp_path):
        empty = files.csv(tmp_path / "h.csv", [HEADER])
        data, problems = import_files([empty, good_file(tmp_path)])
        assert [where(p) for p in problems] == [("h.csv", None, 1, None, "只有表头，没有数据行", "warning")]
        assert_good_survives(data)

    def test_summary_and_blank_rows_are_not_agents(self, tmp_path):
        rows = [HEADER, GOOD, [], ["", "", ""], ["汇总", 999, 999, 99, 99, "99%"], ["均值", 1, 1, 1, 1, "1%"]]
        data, problems = import_files([files.csv(tmp_path / "s_2026-10.csv", rows)])
        # every row is used or reported: the two summary rows get one note
        assert list(data.agents) == ["小美"]
        assert [(p.row, p.message, p.severity) for p in problems] == [
            (5, "跳过了 2 行汇总/合计/均值行（第 5、6 行），不计入任何人", "warning")]


# ----------------------------------------------------------------- unreadable files next to a good one


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    ok = files.xlsx(tmp_path / "ok.xlsx", [HEADER, GOOD])
    data = ok.read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    (tmp_path / "pdf.xlsx").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    (tmp_path / "empty.csv").write_bytes(b"")
    return {
        "encrypted": (files.cfb(tmp_path / "enc.xlsx", ["EncryptionInfo", "EncryptedPackage"]), ENCRYPTED),
        "truncated": (tmp_path / "cut.xlsx", CORRUPT),
        "pdf": (tmp_path / "pdf.xlsx", PDF),
        "empty": (tmp_path / "empty.csv", EMPTY),
        "xml bomb": (files.xml_bomb(tmp_path / "lol.xlsx"), DTD),
        "zip bomb": (files.zip_bomb(tmp_path / "zip.xlsx", 210),
                     "文件解压后过大（约 210 MB，上限 200 MB），疑似压缩炸弹，已拒绝读取"),
    }


def test_each_unreadable_file_gives_one_clear_message_and_the_good_file_still_counts(tmp_path):
    bad = _bad_files(tmp_path)
    for name, (path, message) in bad.items():
        data, problems = import_files([path, good_file(tmp_path)])
        assert [(Path(p.file).name, p.message, p.severity) for p in problems] == [(path.name, message, "error")], name
        assert_good_survives(data)
        assert list(data.agents) == ["小美"]


def test_corrupt_sheet_inside_a_valid_zip(tmp_path):
    # the zip is whole, the sheet XML is not XML: the reader's error is explained, not raised
    f = files.with_part(tmp_path / "x.xlsx", "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c>")
    data, problems = import_files([f, good_file(tmp_path)])
    [p] = problems
    assert p.file == str(f) and p.message == "文件已损坏或不是 Excel 文件，无法读取；请重新从平台导出"
    assert_good_survives(data)


def test_damaged_xls_that_makes_the_reader_panic(tmp_path):
    # found by tests/test_importers_fuzz.py: a .xls whose directory sector is cut short makes calamine
    # panic (pyo3 PanicException, a BaseException that `except Exception` did not catch)
    f = Path(__file__).parent / "hostile" / "panic_cfb.xls"
    data, problems = import_files([f, good_file(tmp_path)])
    assert [(p.file, p.message) for p in problems] == [
        (str(f), "文件已损坏或不是 Excel 文件，无法读取；请重新从平台导出")]
    assert_good_survives(data)


FAR = ("工作表范围过大（部件 xl/worksheets/sheet1.xml 用到第 1048576 行、第 16384 列，超过 2000 万个单元格），"
       "可能有远处的空白单元格或是恶意构造；请删除多余的行列后另存再导入")


@pytest.mark.parametrize("ref, message", [
    ("XFD1048576", FAR),
    ("BBBBBBBBBBBBBBBBK24", None),
    ("A99999999999999999999", None),
])
def test_a_far_away_cell_is_refused_before_the_reader_allocates_it(tmp_path, ref, message):
    # found by the fuzzer: the reader holds a sheet as a dense block from A1 to its farthest cell; one
    # cell at XFD1048576 (or a damaged reference) asked for 17 billion cells (831 GB) and Rust aborted
    # the whole process — not an exception: the import, the batch, the Excel button all died
    ok = files.xlsx(tmp_path / "ok.xlsx", [HEADER, GOOD])
    import zipfile
    sheet = zipfile.ZipFile(ok).read("xl/worksheets/sheet1.xml").replace(b'r="F2"', f'r="{ref}"'.encode())
    assert f'r="{ref}"'.encode() in sheet
    f = files.with_part(tmp_path / "far.xlsx", "xl/worksheets/sheet1.xml", sheet, [HEADER, GOOD])
    r = run_measured("""
        from cskpi_xl.importers import import_files
        data, problems = import_files(sys.argv[1:])
        emit(messages=[(p.file, p.message) for p in problems], agents=list(data.agents))
    """, str(f), str(good_file(tmp_path)))
    assert r["rc"] == 0, r["stderr"][-500:]
    [(file, got)] = r["out"]["messages"]
    assert file == str(f) and got.startswith("工作表范围过大（部件 xl/worksheets/sheet1.xml 用到第 ")
    if message:
        assert got == message
    assert r["out"]["agents"] == ["小美"]
    assert r["peak_mb"] - r["base_mb"] < 50, r


def test_a_tall_sparse_sheet_is_still_read(tmp_path):
    f = files.xlsx(tmp_path / "tall.xlsx", [HEADER, GOOD])
    import openpyxl
    wb = openpyxl.load_workbook(f)
    wb.active["A600000"] = "阿杰"
    wb.active["B600000"] = 7
    wb.save(f)
    data, problems = import_files([f], month="2026-10")
    assert problems == [] and data.agents["阿杰"].figures["接待人数"] == 7
    assert_good_survives(data)


def test_a_damaged_xls_that_asks_for_gigabytes_only_costs_a_problem(tmp_path):
    # found by the fuzzer: this 5 KB .xls makes calamine allocate 4 GB at once; when that fails Rust
    # aborts the process (SIGABRT; with memory to spare, the machine's OOM killer ends it instead).
    # Old .xls files are now read in a child process with bounded address space.
    f = Path(__file__).parent / "hostile" / "alloc_bomb.xls"
    r = run_measured("""
        import time
        from cskpi_xl.importers import import_files
        t = time.perf_counter()
        data, problems = import_files(sys.argv[1:])
        emit(seconds=time.perf_counter() - t, messages=[(p.file, p.message) for p in problems], agents=list(data.agents))
    """, str(f), str(good_file(tmp_path)))
    assert r["rc"] == 0, r["stderr"][-500:]
    assert r["out"]["messages"] == [[str(f), "文件已损坏或不是 Excel 文件，无法读取（读取进程异常退出）；请重新从平台导出"]]
    assert r["out"]["agents"] == ["小美"]
    assert r["peak_mb"] - r["base_mb"] < 50, r


def test_lying_zip_header_is_not_inflated(tmp_path):
    # the sheet says 200 KB, inflates to 256 MB: the pre-check passes (sizes are declared), the reader
    # stops at the declared size, the XML is cut and the file is refused — quickly and with flat memory
    f = files.lying_zip(tmp_path / "liar.xlsx", 256)
    r = run_measured("""
        import time
        from cskpi_xl.importers import import_files
        t = time.perf_counter()
        data, problems = import_files([sys.argv[1]])
        emit(seconds=time.perf_counter() - t, messages=[p.message for p in problems], agents=list(data.agents))
    """, str(f))
    assert r["rc"] == 0, r["stderr"]
    out = r["out"]
    assert out["agents"] == [] and len(out["messages"]) == 1
    assert out["messages"][0] == "文件已损坏或不是 Excel 文件，无法读取；请重新从平台导出"
    assert r["peak_mb"] - r["base_mb"] < 100, r


@pytest.mark.parametrize("builder, message", [
    (files.xml_bomb, DTD),
    (files.xml_bomb_in_shared_strings, DTD.replace("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml")),
    (lambda p: files.zip_bomb(p, 1024), "文件解压后过大（约 1024 MB，上限 200 MB），疑似压缩炸弹，已拒绝读取"),
])
def test_bombs_are_refused_quickly_with_flat_memory(tmp_path, builder, message):
    f = builder(tmp_path / "bomb.xlsx")
    r = run_measured("""
        import time
        from cskpi_xl.importers import import_files
        t = time.perf_counter()
        data, problems = import_files([sys.argv[1]])
        emit(seconds=time.perf_counter() - t, messages=[p.message for p in problems], agents=list(data.agents))
    """, str(f))
    assert r["rc"] == 0, r["stderr"]
    assert r["out"]["messages"] == [message] and r["out"]["agents"] == []
    assert r["peak_mb"] - r["base_mb"] < 20, r


# ----------------------------------------------------------------- streaming CSV


class TestStreaming:
    def test_a_row_that_cannot_be_read_keeps_the_rows_before_it(self, tmp_path):
        f = tmp_path / "big_2026-10.csv"
        body = "\r\n".join(["客服昵称,接待人数", "小美,30", "阿杰,20", '晓晓,"' + "x" * 200_000 + '"', "糖糖,5"])
        f.write_text(body + "\r\n", encoding="utf-8")
        data, problems = import_files([f])
        assert list(data.agents) == ["小美", "阿杰"]
        assert data.agents["阿杰"].figures["接待人数"] == 20
        [p] = problems
        assert (p.file, p.row, p.severity) == (str(f), 4, "error")
        assert p.message == "第 4 行无法读取（CSV 格式错误），该行及之后的行未导入；请检查文件或重新导出"

    def test_read_table_still_gives_lists_and_stream_rows_compare_equal(self, tmp_path):
        f = files.csv(tmp_path / "a.csv", [HEADER, GOOD])
        [listed], _ = read_table(f)
        [streamed], _ = read_table(f, stream=True)
        assert isinstance(listed.rows, list)
        assert streamed.rows == listed.rows == [HEADER, [str(c) for c in GOOD]]

    def test_gbk_file_streams_with_its_encoding(self, tmp_path):
        f = files.csv(tmp_path / "g.csv", [["旺旺昵称", "询单人数"], ["店:小美", 3]] + [[f"店:客服{i}", i] for i in range(3000)],
                      encoding="gbk")
        data, problems = import_files([f], month="2026-10")
        assert problems == [] and len(data.agents) == 3001 and data.agents["店:客服2999"].figures["询单人数"] == 2999

    def test_latest_month_only_kept_while_streaming(self, tmp_path):
        rows = [["日期", "客服昵称", "询单人数"]] + [[f"2026-{m:02d}-01", "小美", m] for m in (9, 11, 10)]
        data, problems = import_files([files.csv(tmp_path / "m.csv", rows)])
        assert data.month == "2026-11" and data.agents["小美"].figures["询单人数"] == 11
        assert [p.message for p in problems] == [
            "数据包含多个月份（2026-09、2026-10、2026-11），只导入最近的 2026-11；其他月份请用 --month 指定",
            "有 2 行属于其他月份（2026-09、2026-10），不是 2026-11，已忽略（第一行是第 2 行）"]
        assert data.agents["小美"].daily == ((dt.date(2026, 11, 1), {"询单人数": 11}),)


# ----------------------------------------------------------------- scheme files with wrong types


def test_scheme_file_with_wrong_types(tmp_path):
    data = tomllib.loads((Path(__file__).parent.parent / "cskpi_xl" / "schemes" / "duoyi.toml").read_text("utf-8"))
    data["items"][0]["full"] = "二十"
    data["items"][1]["rules"][0]["baseline"] = [0.34]
    data["total"] = 100
    data["effective_from"] = "昨天"
    data["items"][2] = "定单销售比"
    scheme, problems = parse_scheme(data, "my.toml")
    assert scheme is None
    got = {(p.path, p.message) for p in problems if p.is_error}
    assert ("items[0].full", "应为数字") in got
    assert ("items[1].rules[0].baseline", "应为数字") in got
    assert ("effective_from", "生效日期应写成 2026-01-01 这样的日期") in got
    assert ("total", "total 只能是 sum（各项相加）、sections（分区加权）或 mean（各项平均）") in got
    assert ("items[2]", "应为一个表（键 = 值）") in got
    assert all(p.file == "my.toml" for p in problems)


def test_scheme_file_that_is_not_toml_or_not_text(tmp_path):
    (tmp_path / "bad.toml").write_text('id = "x"\nname = [\n', encoding="utf-8")
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "pdf.toml").write_bytes(b"%PDF-1.7\n")
    for name, start in (("bad.toml", "方案文件格式错误（TOML）："), ("bin.toml", "方案文件不是 UTF-8 编码的文字（第 1 个字节），请用 UTF-8 保存"),
                        ("pdf.toml", "方案文件格式错误（TOML）：")):
        scheme, [p] = load_scheme(tmp_path / name)
        assert scheme is None and p.file == str(tmp_path / name) and p.message.startswith(start), name
