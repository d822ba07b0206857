"""Post-processing of a saved .xlsx, part by part: cached values for formula cells, reproducible bytes.

A workbook here is its parts, ``{part name: bytes}``, as
:func:`cskpi_xl.workbook.save.parts.workbook_parts` gives them; they are
zipped once, after these steps (:func:`cskpi_xl.workbook.save.parts.zip_parts`).

openpyxl writes a formula cell as ``<c r="E5"><f>…</f><v /></c>`` — no value,
so a phone or WeChat preview (which never calculates) shows an empty cell.
:func:`fill_parts` puts the value the core computed into ``<v>`` (numbers as
numbers, text as ``t="str"``, TRUE/FALSE as ``t="b"``), and can put in a whole
sheet serialized once for many files.

:func:`normalize_parts` fixes the document properties; zipped with
``FIXED_TIME``, building the same template twice gives the same bytes.

>>> import openpyxl
>>> from cskpi_xl.workbook.save.parts import workbook_parts
>>> wb = openpyxl.Workbook(); wb.active["A1"] = "=1+1"
>>> parts = workbook_parts(wb)
>>> fill_parts(parts, {"Sheet": {"A1": 2}})
>>> b"<f>1+1</f><v>2</v>" in parts["xl/worksheets/sheet1.xml"]
True
"""

from __future__ import annotations

import math
import posixpath
import re
from typing import Any, Mapping
from xml.sax.saxutils import escape

FIXED_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_W3C = "2026-01-01T00:00:00Z"

_SHEET_RE = re.compile(rb'<sheet [^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL_RE = re.compile(rb'<Relationship [^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"|<Relationship [^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')


def _unescape_attr(b: bytes) -> str:
    s = b.decode("utf-8")
    return s.replace("&quot;", '"').replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def sheet_files(parts: Mapping[str, bytes]) -> dict[str, str]:
    """Sheet title → part name (``xl/worksheets/sheet1.xml``)."""
    wb = parts["xl/workbook.xml"]
    rels = parts["xl/_rels/workbook.xml.rels"]
    targets: dict[str, str] = {}
    for m in _REL_RE.finditer(rels):
        target, rid = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(4), m.group(3))
        t = target.decode("utf-8")
        t = t[1:] if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
        targets[rid.decode("utf-8")] = t
    out = {}
    for m in _SHEET_RE.finditer(wb):
        out[_unescape_attr(m.group(1))] = targets.get(m.group(2).decode("utf-8"), "")
    return out


def _v(value: Any) -> tuple[str, str] | None:
    """(type attribute, <v> text) for a cached value; None leaves the cell without one."""
    if value is None:
        return ("str", "")
    if isinstance(value, bool):
        return ("b", "1" if value else "0")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return ("n", repr(float(value)) if isinstance(value, float) else str(value))
    return ("str", escape(str(value)))


_CELL_RE = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: [a-zA-Z:]+="[^"]*")*)><f>(.*?)</f><v ?/>(?:</v>)?</c>|'
                      rb'<c r="([A-Z]+[0-9]+)"((?: [a-zA-Z:]+="[^"]*")*)><f>(.*?)</f><v></v></c>', re.S)


def fill_parts(parts: dict[str, bytes], values: Mapping[str, Mapping[str, Any]],
               sheets: Mapping[str, bytes] | None = None) -> None:
    """``values[sheet][cell]`` as the cached value of each formula cell, in place.

    ``sheets`` maps a sheet title to the complete XML of that sheet, put in
    place of what was saved (a sheet that is the same in every file of a
    batch is serialized once; see :func:`sheet_xml`).
    """
    files = sheet_files(parts)
    for s, xml in (sheets or {}).items():
        if s in files:
            parts[files[s]] = xml
    for s, vals in values.items():
        part = files.get(s)
        if vals and part:
            parts[part] = _with_values(parts[part], vals)


def _with_values(body: bytes, vals: Mapping[str, Any]) -> bytes:
    def repl(m: re.Match) -> bytes:
        ref = (m.group(1) or m.group(4)).decode("ascii")
        attrs = (m.group(2) if m.group(1) else m.group(5)) or b""
        f = m.group(3) if m.group(1) else m.group(6)
        if ref not in vals:
            return m.group(0)
        tv = _v(vals[ref])
        if tv is None:
            return m.group(0)
        t, text = tv
        attrs = re.sub(rb' t="[^"]*"', b"", attrs)
        if t != "n":
            attrs += f' t="{t}"'.encode()
        return b'<c r="' + ref.encode() + b'"' + attrs + b"><f>" + f + b"</f><v>" + text.encode("utf-8") + b"</v></c>"

    return _CELL_RE.sub(repl, body)


def sheet_xml(parts: Mapping[str, bytes], title: str) -> bytes | None:
    """The XML of sheet ``title`` in ``parts``, when it can stand in another file of the same styles.

    None when the sheet refers to anything outside itself that another file
    would not share: shared strings (openpyxl writes inline strings), or
    relationships (hyperlinks, drawings, comments).
    """
    part = sheet_files(parts).get(title)
    if not part:
        return None
    rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels in parts:
        return None
    xml = parts[part]
    if b't="s"' in xml or b"r:id=" in xml:
        return None
    return xml


def normalize_parts(parts: dict[str, bytes]) -> None:
    """Fixed created/modified properties and creator, in place (zip with ``FIXED_TIME`` for fixed bytes)."""
    body = parts.get("docProps/core.xml")
    if body is not None:
        body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + FIXED_W3C.encode() + rb"\g<2>", body)
        parts["docProps/core.xml"] = body.replace(b"<dc:creator>openpyxl</dc:creator>", b"<dc:creator>cskpi_xl</dc:creator>")
