"""LibreOffice headless: full recalculation, batch conversion, PDF rendering, the ``cskpi pdf`` command."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cskpi_xl.workbook import libreoffice as lo

needs_soffice = pytest.mark.skipif(lo.find_soffice() is None, reason="LibreOffice (soffice) is not installed; run scripts/ci_setup.sh")
needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed; run scripts/ci_setup.sh")

TITLE = "客服绩效考核表"


def with_stale_cache(src: Path, dst: Path, cached: dict[str, str]) -> Path:
    """Copy ``src`` putting a (wrong) cached value into formula cells: openpyxl writes ``<v/>``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                for ref, value in cached.items():
                    head = f'<c r="{ref}">'
                    i = text.index(head)
                    j = text.index("<v />", i)
                    text = text[:j] + f"<v>{value}</v>" + text[j + len("<v />"):]
                data = text.encode("utf-8")
            zout.writestr(info, data)
    return dst


def stale_workbook(folder: Path, name: str, a1: int) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = a1
    ws["B1"] = "=A1*2"
    ws["C1"] = "=B1+1"
    ws["D1"] = "=SUM(A1:C1)"
    ws["E1"] = '=IFS(A1>1,"大",TRUE,"小")'  # missing _xlfn.: #NAME?
    ws["F1"] = '=_xlfn.IFS(A1>1,"大",TRUE,"小")'
    plain = folder / f"plain-{name}"
    wb.save(plain)
    out = with_stale_cache(plain, folder / name, {"B1": "999", "C1": "0", "D1": "-1"})
    plain.unlink()
    return out


def values(path: Path) -> list:
    ws = openpyxl.load_workbook(path, data_only=True).active
    return [c.value for c in ws[1]]


@needs_soffice
class TestRecalculate:
    def test_stale_cached_values_are_recalculated(self, tmp_path):
        src = stale_workbook(tmp_path, "客服 旧缓存.xlsx", 21)
        assert values(src)[:4] == [21, 999, 0, -1]  # the wrong cached values are really there
        before = src.read_bytes()
        out_dir = tmp_path / "out"
        start = time.monotonic()
        out = lo.recalculate(src, out_dir)
        elapsed = time.monotonic() - start
        print(f"recalculate one small file: {elapsed:.2f} s")
        assert out == out_dir / "客服 旧缓存.xlsx"
        assert values(out) == [21, 42, 43, 106, "#NAME?", "大"]
        assert src.read_bytes() == before
        assert sorted(p.name for p in out_dir.iterdir()) == ["客服 旧缓存.xlsx"]

    def test_default_libreoffice_keeps_stale_values(self, tmp_path):
        """Why the private profile exists: without it the cached 999 survives."""
        src = stale_workbook(tmp_path, "s.xlsx", 21)
        profile = tmp_path / "plain-profile"
        subprocess.run([lo.find_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"), str(src)],
                       capture_output=True, timeout=120, check=True)
        assert values(tmp_path / "out" / "s.xlsx")[:2] == [21, 999]

    def test_many_in_one_call(self, tmp_path):
        srcs = [stale_workbook(tmp_path, f"店铺{i}.xlsx", i) for i in range(1, 9)]
        start = time.monotonic()
        outs = lo.recalculate_many(srcs, tmp_path / "out")
        elapsed = time.monotonic() - start
        print(f"recalculate_many 8 small files: {elapsed:.2f} s")
        assert [o.name for o in outs] == [s.name for s in srcs]
        assert [values(o)[1] for o in outs] == [2 * i for i in range(1, 9)]

    def test_never_overwrites_source(self, tmp_path):
        src = stale_workbook(tmp_path, "s.xlsx", 5)
        before = src.read_bytes()
        with pytest.raises(lo.LibreOfficeError, match="输出会覆盖源文件"):
            lo.recalculate(src, tmp_path)
        assert src.read_bytes() == before

    def test_broken_file_is_a_problem_not_an_exception(self, tmp_path):
        good = stale_workbook(tmp_path, "good.xlsx", 3)
        bad = tmp_path / "bad.xlsx"
        bad.write_bytes(b"hello, not a workbook")
        outputs, problems = lo.convert_many([bad, good], tmp_path / "out")
        assert list(outputs) == [good.resolve()]
        assert [(p.file, p.message) for p in problems] == [
            (str(bad.resolve()), "LibreOffice 无法打开或转换此文件（可能已损坏、加密或不是表格）")]
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good.xlsx"]
        with pytest.raises(lo.LibreOfficeError):
            lo.recalculate_many([bad, good], tmp_path / "out2")

    def test_same_stem_twice(self, tmp_path):
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        one = stale_workbook(tmp_path / "a", "x.xlsx", 1)
        two = stale_workbook(tmp_path / "b", "X.xlsx", 2)
        outputs, problems = lo.convert_many([one, two], tmp_path / "out")
        assert list(outputs) == [one.resolve()]
        assert problems[0].file == str(two.resolve())

    def test_concurrent_calls_do_not_interfere(self, tmp_path):
        results: dict[int, list] = {}

        def work(i: int) -> None:
            folder = tmp_path / f"w{i}"
            folder.mkdir()
            src = stale_workbook(folder, "s.xlsx", i)
            results[i] = values(lo.recalculate(src, folder / "out"))

        threads = [threading.Thread(target=work, args=(i,)) for i in (10, 20, 30)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert {i: r[1] for i, r in results.items()} == {10: 20, 20: 40, 30: 60}


def test_missing_soffice_is_a_clear_chinese_error(tmp_path, monkeypatch):
    monkeypatch.setattr(lo, "find_soffice", lambda: None)
    src = tmp_path / "s.xlsx"
    openpyxl.Workbook().save(src)
    with pytest.raises(lo.LibreOfficeNotFound, match="找不到 LibreOffice"):
        lo.recalculate(src, tmp_path / "out")


# ---------------------------------------------------------------- PDF


def read_pgm(path: Path) -> tuple[int, int, bytes]:
    """Width, height and pixels of a binary (P5) 8-bit PGM file."""
    data = path.read_bytes()
    fields: list[bytes] = []
    i = 0
    while len(fields) < 4:
        while data[i:i + 1].isspace():
            i += 1
        if data[i:i + 1] == b"#":
            i = data.index(b"\n", i) + 1
            continue
        j = i
        while not data[j:j + 1].isspace():
            j += 1
        fields.append(data[i:j])
        i = j
    assert fields[0] == b"P5" and int(fields[3]) < 256
    width, height = int(fields[1]), int(fields[2])
    pixels = data[i + 1:i + 1 + width * height]
    assert len(pixels) == width * height
    return width, height, pixels


def report_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "考核"
    ws["A1"] = TITLE
    ws["A2"], ws["B2"], ws["C2"] = "客服", "接待量", "得分"
    for r, (name, n) in enumerate([("小王", 120), ("小李", 95), ("小张", 130)], start=3):
        ws.cell(row=r, column=1, value=name)
        ws.cell(row=r, column=2, value=n)
        ws.cell(row=r, column=3, value=f"=B{r}/10")
    wb.save(path)
    return path


@needs_soffice
@needs_poppler
class TestPdf:
    def test_chinese_report_renders_with_ink(self, tmp_path):
        src = report_workbook(tmp_path / "客服绩效.xlsx")
        start = time.monotonic()
        pdf = lo.to_pdf(src, tmp_path / "pdf")
        print(f"to_pdf one small file: {time.monotonic() - start:.2f} s")
        assert pdf == tmp_path / "pdf" / "客服绩效.pdf"
        assert pdf.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            assert TITLE in text and "小王" in text and "12" in text  # =B3/10 was calculated
        if shutil.which("pdffonts") and lo.cjk_font_available():
            fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
            families = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
            names = {n.replace(" ", "").lower() for line in families.splitlines() for n in line.split(",")}
            assert any(n and n in fonts.replace(" ", "").lower() for n in names), fonts

        pngs = lo.pdf_to_png(pdf, tmp_path / "png" / "page")
        assert pngs == [tmp_path / "png" / "page-1.png"]
        assert pngs[0].read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

        [pgm] = lo.pdf_to_png(pdf, tmp_path / "gray" / "page", dpi=60, gray=True)
        width, height, pixels = read_pgm(pgm)
        dark = sum(1 for b in pixels if b < 128)
        assert width > 100 and height > 100
        assert dark > 200, f"page looks blank: {dark} dark pixels"

    def test_empty_sheet_renders_blank(self, tmp_path):
        """The ink count above means something: a sheet with one dot of text has almost none."""
        wb = openpyxl.Workbook()
        wb.active["A1"] = "."
        wb.save(tmp_path / "blank.xlsx")
        pdf = lo.to_pdf(tmp_path / "blank.xlsx", tmp_path)
        [pgm] = lo.pdf_to_png(pdf, tmp_path / "p", gray=True)
        assert sum(1 for b in read_pgm(pgm)[2] if b < 128) < 50


@needs_soffice
def test_pdf_command(tmp_path, capsys):
    from cskpi_xl.cli import main

    report_workbook(tmp_path / "小王.xlsx")
    report_workbook(tmp_path / "汇总.xlsx")
    (tmp_path / "~$小王.xlsx").write_bytes(b"lock file of Excel")
    (tmp_path / "notes.txt").write_text("x")
    assert main(["pdf", str(tmp_path)]) == 0
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == ["小王.pdf", "汇总.pdf"]
    out = capsys.readouterr().out
    assert "成功 2 个，失败 0 个" in out

    (tmp_path / "坏.xlsx").write_bytes(b"%PDF-1.4 renamed")
    assert main(["pdf", str(tmp_path), "--out", str(tmp_path / "o")]) == 1
    captured = capsys.readouterr()
    assert "这是 PDF 文件，不是表格" in captured.err
    assert "成功 2 个，失败 1 个" in captured.out
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["小王.pdf", "汇总.pdf"]

    assert main(["pdf", str(tmp_path / "nope")]) == 2


def test_pdf_command_warns_without_chinese_font(tmp_path, capsys, monkeypatch):
    from cskpi_xl.commands import pdf as pdf_command

    monkeypatch.setattr(lo, "cjk_font_available", lambda: False)
    monkeypatch.setattr(lo, "find_soffice", lambda: "/bin/true")
    monkeypatch.setattr(lo, "convert_many", lambda paths, out, fmt: ({}, []))
    report_workbook(tmp_path / "a.xlsx")

    class Args:
        dir = str(tmp_path)
        out = None

    pdf_command.run(Args())
    err = capsys.readouterr().err
    assert "中文可能显示为方框" in err and "fonts-wqy-microhei" in err
