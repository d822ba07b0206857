"""Saving an openpyxl workbook faster, byte for byte as openpyxl saves it.

Profiles of the batch (bench/README.md) put over half of each agent's time in
openpyxl's ``Workbook.save``: every cell goes through ElementTree objects and
et_xmlfile's general serializer, every worksheet through a temporary file on
disk, and :mod:`cskpi_xl.workbook.save.cached` then unzipped and re-zipped the
result to add cached values. Here:

* :class:`RowsWriter` writes ``<sheetData>`` as text, in exactly the bytes
  openpyxl's ``etree_write_cell`` gives; anything unusual in a cell (a date, an
  array formula, rich text, a hyperlink) is handed to openpyxl's own cell
  writer, and everything before and after the rows (columns, merges,
  validations, protection, page set-up) stays openpyxl's;
* worksheets are written to memory, not to temporary files;
* styles.xml, the same in every workbook of a batch, is built once per set
  of style tables;
* the parts are kept as a ``{name: bytes}`` mapping (:func:`workbook_parts`),
  post-processed there, and zipped once (:func:`zip_parts`).

``tests/test_workbook_save_parts.py`` checks every part against ``Workbook.save`` for
every built-in template, filled and unfilled, and for hostile cell values.

>>> import openpyxl
>>> wb = openpyxl.Workbook(); wb.active["A1"] = "客服"; wb.active["B1"] = "=1+1"
>>> parts = workbook_parts(wb)
>>> parts["xl/worksheets/sheet1.xml"].split(b"<sheetData>")[1].split(b"</sheetData>")[0].decode()
'<row r="1"><c r="A1" t="inlineStr"><is><t>客服</t></is></c><c r="B1"><f>1+1</f><v /></c></row>'
"""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Mapping
from xml.etree.ElementTree import _escape_attrib, _escape_cdata  # what et_xmlfile itself escapes with

import openpyxl
from openpyxl.cell._writer import write_cell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.packaging.extended import ExtendedProperties
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.workbook._writer import WorkbookWriter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.writer.theme import theme_xml
from openpyxl.xml.constants import ARC_APP, ARC_CORE, ARC_ROOT_RELS, ARC_STYLE, ARC_THEME, ARC_WORKBOOK, ARC_WORKBOOK_RELS
from openpyxl.xml.functions import tostring

__all__ = ["workbook_parts", "zip_parts", "RowsWriter"]


class _Parts:
    """What openpyxl's ExcelWriter needs of a ZipFile, keeping each part's bytes by name, in order."""

    def __init__(self) -> None:
        self.parts: dict[str, bytes] = {}

    def writestr(self, name, data) -> None:
        name = getattr(name, "filename", name)
        self.parts[name] = data.encode("utf-8") if isinstance(data, str) else bytes(data)

    def write(self, filename, arcname) -> None:  # openpyxl's own worksheet writer goes through a temp file
        with open(filename, "rb") as f:
            self.parts[arcname] = f.read()

    def namelist(self) -> list[str]:
        return list(self.parts)

    def close(self) -> None:
        pass


class RowsWriter(WorksheetWriter):
    """openpyxl's worksheet writer with ``<sheetData>`` written as text, into memory."""

    def __init__(self, ws) -> None:
        super().__init__(ws, out=io.BytesIO())

    def write_rows(self) -> None:
        xf = self.xf.send(True)
        raw = _text_sink(xf)
        if raw is None:
            self.xf.send(None)
            # an et_xmlfile without the text sink: openpyxl's own (slower) rows
            return self._openpyxl_rows()
        ws = self.ws
        dims = ws.row_dimensions
        with xf.element("sheetData"):
            for row_idx, row in self.rows():
                attrs = {"r": f"{row_idx}"}
                attrs.update(dims.get(row_idx, {}))
                raw("<row" + "".join(f' {k}="{_escape_attrib(v)}"' for k, v in attrs.items()) + ">")
                for cell in row:
                    if cell._comment is not None:
                        ws._comments.append(CommentRecord.from_cell(cell))
                    styled = cell.has_style
                    if cell._value is None and not styled and not cell._comment:
                        continue
                    text = _cell(cell, styled)
                    if text is None:
                        write_cell(xf, ws, cell, styled)
                    else:
                        raw(text)
                raw("</row>")
        self.xf.send(None)

    def _openpyxl_rows(self) -> None:
        super().write_rows()

    def cleanup(self) -> None:
        pass


def _text_sink(xf):
    """et_xmlfile's text sink, where the elements around the rows go too; None if this et_xmlfile has none."""
    raw = getattr(xf, "_file", None)
    return raw if callable(raw) else None


def _cell(cell, styled: bool) -> str | None:
    """The ``<c>`` element openpyxl writes for ``cell``; None for kinds left to openpyxl."""
    value = cell._value
    dt = cell.data_type
    if dt == "d" or cell.hyperlink is not None or isinstance(value, (ArrayFormula, DataTableFormula, CellRichText)):
        return None
    head = f'<c r="{cell.coordinate}"'
    if styled:
        head += f' s="{cell.style_id}"'
    if dt == "s":
        head += ' t="inlineStr"'
    elif dt != "f":
        head += f' t="{_escape_attrib(dt)}"'
    if value is None or value == "":
        return head + " />"
    if dt == "f":
        return head + "><f>" + _escape_cdata(value[1:]) + "</f><v /></c>"
    if dt == "s":
        if not isinstance(value, str):
            return None
        stripped = value.strip()
        space = ' xml:space="preserve"' if stripped and value != stripped else ""
        return head + "><is><t" + space + ">" + _escape_cdata(value) + "</t></is></c>"
    text = safe_string(value)  # "" for NaN and infinities, written as an empty <v />
    return head + ("><v>" + _escape_cdata(text) + "</v></c>" if text else "><v /></c>")


#: styles.xml by the style tables it is made of (every workbook of a batch has the same ones)
_STYLESHEETS: dict[tuple, bytes] = {}


def _stylesheet_key(wb) -> tuple | None:
    """Everything ``write_stylesheet`` reads, as a hashable key; None when something cannot be hashed."""
    try:
        key = (tuple(wb._fonts), tuple(wb._fills), tuple(wb._borders), tuple(wb._differential_styles.styles),
               tuple(wb._colors or ()), tuple(wb._number_formats), tuple(tuple(a) for a in wb._cell_styles),
               tuple(wb._alignments), tuple(wb._protections), tuple(wb._named_styles), wb._table_styles)
        hash(key)
    except TypeError:
        return None
    return key


def _stylesheet(wb) -> bytes:
    key = _stylesheet_key(wb)
    xml = _STYLESHEETS.get(key) if key is not None else None
    if xml is None:
        xml = tostring(write_stylesheet(wb))
        if key is not None:
            if len(_STYLESHEETS) >= 32:
                _STYLESHEETS.clear()
            _STYLESHEETS[key] = xml
    return xml


class _Writer(ExcelWriter):
    def write_data(self) -> None:
        """openpyxl 3.1's ``ExcelWriter.write_data``, with styles.xml looked up in :data:`_STYLESHEETS`."""
        archive = self._archive
        archive.writestr(ARC_APP, tostring(ExtendedProperties().to_tree()))
        archive.writestr(ARC_CORE, tostring(self.workbook.properties.to_tree()))
        archive.writestr(ARC_THEME, self.workbook.loaded_theme or theme_xml)
        if len(self.workbook.custom_doc_props) >= 1:
            return self._openpyxl_write_data()
        self._write_worksheets()
        self._write_chartsheets()
        self._write_images()
        self._write_charts()
        self._write_external_links()
        archive.writestr(ARC_STYLE, _stylesheet(self.workbook))
        writer = WorkbookWriter(self.workbook)
        archive.writestr(ARC_ROOT_RELS, writer.write_root_rels())
        archive.writestr(ARC_WORKBOOK, writer.write())
        archive.writestr(ARC_WORKBOOK_RELS, writer.write_rels())
        self._merge_vba()
        self.manifest._write(archive, self.workbook)

    def _openpyxl_write_data(self) -> None:
        self._archive.parts.clear()
        super().write_data()

    def write_worksheet(self, ws) -> None:
        if self.workbook.write_only:
            return super().write_worksheet(ws)
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = RowsWriter(ws)
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


#: The writer above follows openpyxl 3.1's; another openpyxl gets its own writer (same bytes, slower).
CHECKED_OPENPYXL = openpyxl.__version__.startswith("3.1.")


def workbook_parts(wb) -> dict[str, bytes]:
    """Every part of ``wb`` as openpyxl would save it: ``{part name: bytes}``, in openpyxl's order."""
    archive = _Parts()
    wb.properties.modified = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None)
    (_Writer if CHECKED_OPENPYXL else ExcelWriter)(wb, archive).save()
    return archive.parts


def zip_parts(parts: Mapping[str, bytes], date_time: tuple | None = None) -> bytes:
    """The parts as a deflated .xlsx; ``date_time`` fixes every entry's timestamp (reproducible bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        for name, body in parts.items():
            if date_time is None:
                z.writestr(name, body)
            else:
                zi = zipfile.ZipInfo(name, date_time)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr = 0o644 << 16
                z.writestr(zi, body)
    return out.getvalue()
