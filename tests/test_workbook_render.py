"""A filled sheet renders to a page with ink on it (LibreOffice → PDF → PNG/PGM)."""

from __future__ import annotations

import glob
import shutil
from pathlib import Path

import pytest

from cskpi_xl.workbook import libreoffice
from cskpi_xl.workbook.fill import fill_template

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = sorted(glob.glob(str(ROOT / "samples" / "exports" / "*")))


def dark_pixels(pgm: Path) -> tuple[int, int]:
    data = pgm.read_bytes()
    # binary PGM: P5\n<w> <h>\n<max>\n<bytes>
    parts = data.split(maxsplit=4)
    w, h = int(parts[1]), int(parts[2])
    pixels = parts[4][: w * h]
    return sum(1 for b in pixels if b < 128), w * h


@pytest.mark.skipif(libreoffice.find_soffice() is None or shutil.which("pdftoppm") is None,
                    reason="LibreOffice or pdftoppm missing")
def test_filled_sheet_is_not_blank(tmp_path):
    out, problems = fill_template(ROOT / "workbook_templates" / "standard.xlsx", EXPORTS, "小美", "2026-10",
                                  out=tmp_path / "小美.xlsx", manual=ROOT / "samples/manual/手工录入.xlsx",
                                  aliases=ROOT / "samples/manual/别名表.csv")
    assert out is not None
    pdf = libreoffice.to_pdf(out, tmp_path / "pdf")
    pages = libreoffice.pdf_to_png(pdf, tmp_path / "png" / "page", dpi=50, gray=True)
    dark, total = dark_pixels(pages[0])
    assert dark > total * 0.01, (dark, total)     # text, borders and numbers
    assert dark < total * 0.6                     # not a black page
    png = libreoffice.pdf_to_png(pdf, tmp_path / "png" / "color", dpi=50)
    assert png[0].stat().st_size > 2000
