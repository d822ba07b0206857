"""One macro-enabled workbook for HR: functions, buttons and their VBA already inside.

:func:`build_workbook` takes a built-in template (a scheme id), a filled sheet
or HR's own workbook (.xlsx or .xlsm) and writes a ``.xlsm`` whose VBA project
holds

- ``xlwings`` and ``Dictionary`` — the standalone xlwings module of the
  *installed* xlwings (:func:`cskpi_xl.excel.vba.xlwings_standalone`), what
  ``xlwings quickstart --standalone`` uses: no add-in, no reference, no
  "trust access to the VBA project object model";
- ``cskpi_udfs`` and ``cskpi_buttons`` — exactly ``macros/cskpi_udfs.bas`` and
  ``macros/cskpi_buttons.bas`` (errors as ``CVErr``; ``FillThisSheet`` and
  ``BatchAll``);
- in the workbook's document module (``ThisWorkbook``) a ``Workbook_Open``
  that runs ``CskpiRegisterFunctions`` (category 客服绩效, Chinese help).

Around it, in the package: the main part's content type becomes
``application/vnd.ms-excel.sheet.macroEnabled.main+xml``; the ``xlwings.conf``
sheet holds ``UDF Modules = cskpi_xl.udfs`` and the interpreter of this
install; a ``设置`` sheet is added if the workbook has none; and the two
buttons are placed on ``设置`` as form-control buttons (a ``vmlDrawing`` part
with ``ObjectType="Button"`` shapes and ``FmlaMacro`` — the form Excel 2007
writes and every later Excel reads; XlsxWriter's ``insert_button`` writes the
same). Every other part of the source is copied unchanged: the sheets' cells,
formulas, cached values, styles, drawings and HR's own macros.

The VBA project (``vbaProject.bin``: MS-CFB compound file, MS-OVBA compressed
module streams) is written by pyOpenVBA (MIT), no Excel needed. Over an
existing .xlsm only our four modules and our block in ``ThisWorkbook`` are
replaced; a reference to the xlwings add-in (from the manual path) is removed,
because the standalone module takes its place.
"""

from __future__ import annotations

import io
import posixpath
import re
import sys
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from cskpi_xl.excel import vba
from cskpi_xl.i18n import tr
from cskpi_xl.workbook.sheetnames import SETTINGS, SETTINGS_HEADER, UDF_MODULE, XLWINGS_CONF

MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_PLAIN_MAINS = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
                "application/vnd.ms-excel.template.macroEnabled.main+xml")
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
VBA_PROJECT_CT = "application/vnd.ms-office.vbaProject"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
R_DOC = REL_NS + "/officeDocument"
R_WORKSHEET = REL_NS + "/worksheet"
R_VML = REL_NS + "/vmlDrawing"
R_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

DEFAULT_SCHEME = "standard"
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
#: Our modules, in the order they go into the project.
OWN_MODULES = (vba.XLWINGS_MODULE, vba.DICTIONARY_MODULE, "cskpi_udfs", "cskpi_buttons")
#: The two buttons: macro, caption.
BUTTONS = (("FillThisSheet", vba.BUTTON_CAPTIONS["FillThisSheet"]), ("BatchAll", vba.BUTTON_CAPTIONS["BatchAll"]))
BUTTON_PX = (150, 32)   # width, height of a button in pixels
BUTTON_GAP_PX = 16


class XlsmError(Exception):
    """A workbook that cannot be built; the message says why, in the current language."""


@dataclass
class Built:
    """What :func:`build_workbook` did.

    Attributes:
        path: the workbook written.
        source: where its sheets came from (a scheme id or a file).
        modules: every module of the VBA project, in order.
        own: the modules this wrote (sources as put in, keyed by name; ThisWorkbook's full text too).
        kept: HR's modules left as they were.
        buttons_sheet: the sheet the buttons are on ("" when they were there already).
        backup: the copy of the workbook as it was, when an existing .xlsm was updated.
        notes: what the user should know (current language).
    """

    path: Path
    source: str
    modules: list[str] = field(default_factory=list)
    own: dict[str, str] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    buttons_sheet: str = ""
    backup: Path | None = None
    notes: list[str] = field(default_factory=list)


# ---- the package as parts ---------------------------------------------------------------------

class Package:
    """A zip package as ordered parts; unchanged parts keep their bytes and zip entry settings."""

    def __init__(self, data: bytes) -> None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                self.infos = {i.filename: i for i in z.infolist() if not i.is_dir()}
                self.parts = {n: z.read(n) for n in self.infos}
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise XlsmError(tr(f"不是有效的 Excel 工作簿（{exc}）", f"not a valid Excel workbook ({exc})")) from exc
        self.changed: set[str] = set()

    def text(self, name: str) -> str:
        return self.parts[name].decode("utf-8")

    def put(self, name: str, text: str | bytes) -> None:
        self.parts[name] = text.encode("utf-8") if isinstance(text, str) else text
        self.changed.add(name)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            # [Content_Types].xml first, as Office writes it
            for name in sorted(self.parts, key=lambda n: n != "[Content_Types].xml"):
                info = self.infos.get(name)
                if info is not None and name not in self.changed:
                    z.writestr(info, self.parts[name])
                else:
                    z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), self.parts[name],
                               compress_type=zipfile.ZIP_DEFLATED)
        return buf.getvalue()


def rels_name(part: str) -> str:
    folder, _, base = part.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


_ATTR = re.compile(r'([\w:.-]+)\s*=\s*("[^"]*"|\'[^\']*\')')


def attrs(tag: str) -> dict[str, str]:
    from xml.sax.saxutils import unescape

    return {k: unescape(v[1:-1], {"&quot;": '"', "&apos;": "'"}) for k, v in _ATTR.findall(tag)}


def relationships(pkg: Package, part: str) -> list[dict[str, str]]:
    """The relationships of ``part``, each with ``Target`` resolved to a part name (``_part``)."""
    name = rels_name(part)
    if name not in pkg.parts:
        return []
    folder = part.rpartition("/")[0]
    out = []
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", pkg.text(name)):
        a = attrs(tag)
        target = a.get("Target", "")
        if a.get("TargetMode") == "External":
            a["_part"] = ""
        elif target.startswith("/"):
            a["_part"] = target.lstrip("/")
        else:
            a["_part"] = posixpath.normpath(posixpath.join(folder, target))
        out.append(a)
    return out


def add_relationship(pkg: Package, part: str, rtype: str, target_part: str) -> str:
    """A new relationship from ``part`` to ``target_part``; returns its id."""
    name = rels_name(part)
    text = pkg.text(name) if name in pkg.parts else (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
    taken = {a.get("Id") for a in relationships(pkg, part)}
    n = 1
    while f"rId{n}" in taken:
        n += 1
    rid = f"rId{n}"
    target = posixpath.relpath(target_part, part.rpartition("/")[0] or ".")
    element = f'<Relationship Id="{rid}" Type="{rtype}" Target="{escape(target)}"/>'
    at = text.rfind("</Relationships>")
    if at < 0:  # <Relationships .../> with nothing in it
        text = re.sub(r"<Relationships\b([^>]*)/>", lambda m: f"<Relationships{m[1]}>{element}</Relationships>", text)
    else:
        text = text[:at] + element + text[at:]
    pkg.put(name, text)
    return rid


def content_types(pkg: Package) -> str:
    return pkg.text("[Content_Types].xml")


def add_override(pkg: Package, part: str, ctype: str) -> None:
    text = content_types(pkg)
    text = text.replace("</Types>", f'<Override PartName="/{escape(part)}" ContentType="{ctype}"/></Types>')
    pkg.put("[Content_Types].xml", text)


def add_default(pkg: Package, ext: str, ctype: str) -> None:
    """A ``Default`` for ``ext``, among the other Defaults (before the first Override), unless there is one."""
    text = content_types(pkg)
    if re.search(r'<Default\b[^>]*Extension="' + re.escape(ext) + '"', text, re.IGNORECASE):
        return
    element = f'<Default Extension="{ext}" ContentType="{ctype}"/>'
    m = re.search(r"<Override\b", text)
    at = m.start() if m else text.rfind("</Types>")
    pkg.put("[Content_Types].xml", text[:at] + element + text[at:])


def main_part(pkg: Package) -> str:
    for a in relationships(pkg, ""):
        if a.get("Type") == R_DOC:
            return a["_part"]
    raise XlsmError(tr("工作簿缺少主部件（_rels/.rels 中没有 officeDocument）", "the package has no main part"))


def make_macro_enabled(pkg: Package, workbook: str) -> None:
    """The main part's content type → macro-enabled workbook."""
    text = content_types(pkg)
    pat = re.compile(r'<Override\b[^>]*PartName="/' + re.escape(workbook) + r'"[^>]*>')
    m = pat.search(text)
    if m is None:
        raise XlsmError(tr(f"[Content_Types].xml 中没有 /{workbook}", f"[Content_Types].xml lacks /{workbook}"))
    ctype = attrs(m[0]).get("ContentType", "")
    if ctype == MACRO_MAIN:
        return
    if ctype not in _PLAIN_MAINS:
        raise XlsmError(tr(f"不是 Excel 工作簿（主部件类型 {ctype}）", f"not an Excel workbook (main part type {ctype})"))
    pkg.put("[Content_Types].xml", text[:m.start()] + m[0].replace(ctype, MACRO_MAIN) + text[m.end():])


# ---- sheets -----------------------------------------------------------------------------------

@dataclass
class SheetRef:
    name: str
    part: str
    state: str


def _root(text: str, local: str) -> re.Match:
    m = re.search(r"<(?:(\w+):)?" + local + r"\b[^>]*>", text)
    if m is None:
        raise XlsmError(tr(f"找不到 <{local}>", f"no <{local}> element"))
    return m


def _prefix_for(root_tag: str, uri: str) -> str | None:
    for k, v in attrs(root_tag).items():
        if v == uri:
            return "" if k == "xmlns" else k.split(":", 1)[1] + ":"
    return None


def _with_r_namespace(text: str, local: str) -> tuple[str, str]:
    """``(text, "r:")``: the prefix the relationships namespace has on the root (declared if it was not)."""
    m = _root(text, local)
    p = _prefix_for(m[0], REL_NS)
    if p:
        return text, p
    tag = m[0]
    new = tag[:-2] + f' xmlns:r="{REL_NS}"/>' if tag.endswith("/>") else tag[:-1] + f' xmlns:r="{REL_NS}">'
    return text[:m.start()] + new + text[m.end():], "r:"


def sheets(pkg: Package, workbook: str) -> list[SheetRef]:
    rels = {a.get("Id"): a["_part"] for a in relationships(pkg, workbook)}
    out = []
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", pkg.text(workbook)):
        a = attrs(tag)
        rid = next((v for k, v in a.items() if k.endswith(":id") or k == "id"), None)
        out.append(SheetRef(a.get("name", ""), rels.get(rid, ""), a.get("state", "visible")))
    return out


def find_sheet(pkg: Package, workbook: str, name: str) -> SheetRef | None:
    """The sheet called ``name`` (Excel compares sheet names without case)."""
    return next((s for s in sheets(pkg, workbook) if s.name.casefold() == name.casefold()), None)


def _free_part(pkg: Package, pattern: str) -> str:
    n = 1
    taken = {p.casefold() for p in pkg.parts}
    while pattern.format(n).casefold() in taken:
        n += 1
    return pattern.format(n)


def add_sheet(pkg: Package, workbook: str, name: str, xml: str, hidden: bool) -> str:
    """A new worksheet at the end of the workbook; returns its part name."""
    part = _free_part(pkg, "xl/worksheets/sheet{}.xml")
    pkg.put(part, xml)
    add_override(pkg, part, WORKSHEET_CT)
    rid = add_relationship(pkg, workbook, R_WORKSHEET, part)
    text = pkg.text(workbook)
    text, r = _with_r_namespace(text, "workbook")
    main = _root(text, "workbook")[1]
    p = f"{main}:" if main else ""
    ids = [int(x) for x in re.findall(r"<(?:\w+:)?sheet\b[^>]*\bsheetId=\"(\d+)\"", text)]
    state = ' state="hidden"' if hidden else ""
    element = f'<{p}sheet name={quoteattr(name)} sheetId="{max(ids, default=0) + 1}"{state} {r}id="{rid}"/>'
    at = text.find(f"</{p}sheets>")
    if at < 0:
        raise XlsmError(tr("workbook.xml 中没有 <sheets>", "workbook.xml has no <sheets>"))
    pkg.put(workbook, text[:at] + element + text[at:])
    return part


def _cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def simple_sheet(rows: list[list[str | None]], widths: list[float] = ()) -> str:
    """A worksheet of text cells (inline strings, no styles)."""
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row) if v is not None)
        body.append(f'<row r="{r}">{cells}</row>' if cells else "")
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            '<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + f"<sheetData>{''.join(body)}</sheetData>"
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')


_OUR_CONF_KEYS = {"UDF MODULES", "INTERPRETER", "INTERPRETER_WIN", "INTERPRETER_MAC"}


def existing_conf(data: bytes, sheet: str) -> list[list[str]]:
    """HR's own rows of an existing ``xlwings.conf`` sheet (keys this does not write), as xlwings reads
    them: column A from A1 down to the first blank, column B the value."""
    from python_calamine import CalamineWorkbook

    try:
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).to_python()
    except Exception:  # an unreadable sheet is replaced as a whole  # noqa: BLE001
        return []
    out = []
    for row in rows:
        key = str(row[0]).strip() if row and row[0] not in (None, "") else ""
        if not key:
            break
        value = row[1] if len(row) > 1 else ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if key.upper() not in _OUR_CONF_KEYS:
            out.append([key, "" if value is None else str(value)])
    return out


def conf_rows(interpreter: str | None, platform: str) -> list[list[str]]:
    """The ``xlwings.conf`` rows: the UDF module and, on Windows/macOS, this install's interpreter.

    >>> conf_rows(r"C:\\Py\\python.exe", "win32")
    [['UDF Modules', 'cskpi_xl.udfs'], ['Interpreter_Win', 'C:\\\\Py\\\\python.exe']]
    >>> conf_rows("/usr/bin/python3", "linux")
    [['UDF Modules', 'cskpi_xl.udfs']]
    """
    rows = [["UDF Modules", UDF_MODULE]]
    if interpreter and platform.startswith("win"):
        rows.append(["Interpreter_Win", interpreter])
    elif interpreter and platform == "darwin":
        rows.append(["Interpreter_Mac", interpreter])
    return rows


def settings_rows() -> list[list[str | None]]:
    """The rows of a new 设置 sheet (the same names as the built-in templates')."""
    from cskpi_xl.workbook.builder import SETTINGS_ROWS

    rows: list[list[str | None]] = [list(SETTINGS_HEADER)]
    rows += [[k, None, help_] for k, help_, _ in SETTINGS_ROWS]
    rows += [[None], ["点「填充本表」按钮：按上面的设置导入导出文件，把本工作簿填成该客服的考核表；"
                      "点「批量生成全部」：为所有客服生成考核表和汇总，写到输出文件夹。结果写在 D 列。"]]
    return rows


# ---- the buttons ------------------------------------------------------------------------------

_T201 = ('<v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" path="m,l,21600r21600,l21600,xe">'
         '<v:stroke joinstyle="miter"/>'
         '<v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/>'
         '<o:lock v:ext="edit" shapetype="t"/></v:shapetype>')


def _col_px(width_chars: float) -> int:
    """Excel's column width in characters → pixels (Calibri 11, 7 px per character, 5 px padding)."""
    return int(width_chars * 7 + 5) if width_chars > 0 else 0


class Grid:
    """Column and row sizes of a sheet in pixels, from its ``<cols>`` and ``<row ht>``."""

    def __init__(self, sheet_xml: str) -> None:
        fmt = re.search(r"<(?:\w+:)?sheetFormatPr\b[^>]*>", sheet_xml)
        a = attrs(fmt[0]) if fmt else {}
        self.default_col = _col_px(float(a.get("defaultColWidth", 0) or 0)) or 64
        self.default_row = max(1, round(float(a.get("defaultRowHeight", 15) or 15) * 4 / 3))
        self.cols: dict[int, int] = {}
        for tag in re.findall(r"<(?:\w+:)?col\b[^>]*>", sheet_xml):
            c = attrs(tag)
            lo, hi = int(c.get("min", 1)), int(c.get("max", 1))
            px = 0 if c.get("hidden") in ("1", "true") else _col_px(float(c.get("width", 0) or 0))
            for i in range(lo, min(hi, lo + 200) + 1):
                self.cols[i - 1] = px
        self.rows: dict[int, int] = {}
        self.last_row = 0
        for tag in re.findall(r"<(?:\w+:)?row\b[^>]*>", sheet_xml):
            r = attrs(tag)
            if "r" in r:
                idx = int(r["r"]) - 1
                self.last_row = max(self.last_row, idx + 1)
                if "ht" in r:
                    self.rows[idx] = round(float(r["ht"]) * 4 / 3)

    def col(self, i: int) -> int:
        return self.cols.get(i, self.default_col)

    def row(self, i: int) -> int:
        return self.rows.get(i, self.default_row)

    def x_of(self, col: int) -> int:
        return sum(self.col(i) for i in range(col))

    def y_of(self, row: int) -> int:
        return sum(self.row(i) for i in range(row))

    def cell_at(self, px: int, horizontal: bool) -> tuple[int, int]:
        """``(index, offset)`` of the column (or row) holding pixel ``px``."""
        i, start = 0, 0
        size = self.col if horizontal else self.row
        while size(i) == 0 or start + size(i) <= px:
            start += size(i)
            i += 1
        return i, px - start


def button_shape(shape_id: int, z: int, macro: str, caption: str, x: int, y: int, grid: Grid) -> str:
    """One form-control button as VML (the markup Excel 2007 and XlsxWriter write)."""
    w, h = BUTTON_PX
    c1, dx1 = grid.cell_at(x, True)
    r1, dy1 = grid.cell_at(y, False)
    c2, dx2 = grid.cell_at(x + w, True)
    r2, dy2 = grid.cell_at(y + h, False)

    def pt(px: int) -> str:
        return f"{px * 0.75:g}pt"

    return (f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t201" style="position:absolute;'
            f'margin-left:{pt(x)};margin-top:{pt(y)};width:{pt(w)};height:{pt(h)};z-index:{z};mso-wrap-style:tight"'
            ' o:button="t" fillcolor="buttonFace [67]" strokecolor="windowText [64]" o:insetmode="auto">'
            '<v:fill color2="buttonFace [67]" o:detectmouseclick="t"/><o:lock v:ext="edit" rotation="t"/>'
            '<v:textbox style="mso-direction-alt:auto" o:singleclick="f"><div style="text-align:center">'
            f'<font face="Calibri" size="220" color="#000000">{escape(caption)}</font></div></v:textbox>'
            '<x:ClientData ObjectType="Button">'
            f"<x:Anchor>{c1}, {dx1}, {r1}, {dy1}, {c2}, {dx2}, {r2}, {dy2}</x:Anchor>"
            "<x:PrintObject>False</x:PrintObject><x:AutoFill>False</x:AutoFill>"
            f"<x:FmlaMacro>[0]!{macro}</x:FmlaMacro>"
            "<x:TextHAlign>Center</x:TextHAlign><x:TextVAlign>Center</x:TextVAlign></x:ClientData></v:shape>")


_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                 "tableParts", "extLst")


def _vml_parts(pkg: Package) -> list[str]:
    return [n for n in pkg.parts if n.lower().endswith(".vml")]


VML_PREFIXES = {"v": "urn:schemas-microsoft-com:vml", "o": "urn:schemas-microsoft-com:office:office",
                "x": "urn:schemas-microsoft-com:office:excel"}


def _with_vml_prefixes(vml: str) -> str:
    """The VML with ``v:``, ``o:`` and ``x:`` declared on its root (a writer such as openpyxl may use
    other prefixes, e.g. ``ns0:``); our shapes are written with these three."""
    m = re.search(r"<xml\b[^>]*>", vml)
    if m is None:
        raise XlsmError(tr("VML 绘图部件没有 <xml> 根元素", "a VML drawing part has no <xml> root"))
    tag = m[0]
    declared = {k.split(":", 1)[1]: v for k, v in attrs(tag).items() if k.startswith("xmlns:")}
    extra = ""
    for prefix, uri in VML_PREFIXES.items():
        if prefix not in declared:
            extra += f' xmlns:{prefix}="{uri}"'
        elif declared[prefix] != uri:
            raise XlsmError(tr(f"VML 绘图部件中的前缀 {prefix}: 另有所指（{declared[prefix]}）",
                               f"the VML prefix {prefix}: means {declared[prefix]} there"))
    return vml[:m.start()] + tag[:-1] + extra + ">" + vml[m.end():] if extra else vml


def place_buttons(pkg: Package, sheet_part: str) -> bool:
    """Both buttons on the sheet, below its last used row from column B; False if they are there already."""
    rels = relationships(pkg, sheet_part)
    vml_part = next((a["_part"] for a in rels if a.get("Type") == R_VML), None)
    vml = pkg.text(vml_part) if vml_part and vml_part in pkg.parts else None
    if vml is not None and all(f"!{m}</x:FmlaMacro>" in vml for m, _ in BUTTONS):
        return False
    sheet_xml = pkg.text(sheet_part)
    grid = Grid(sheet_xml)
    x = grid.x_of(1) + 8
    y = grid.y_of(grid.last_row + 1) + 4
    if vml is None:
        blocks = [int(b) for p in _vml_parts(pkg) for d in re.findall(r'<o:idmap\b[^>]*data="([\d,\s]+)"', pkg.text(p))
                  for b in re.split(r"[,\s]+", d.strip()) if b]
        block = max(blocks, default=0) + 1
        first_id = block * 1024 + 1
        vml = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
               ' xmlns:x="urn:schemas-microsoft-com:office:excel">'
               f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>{_T201}</xml>')
        vml_part = _free_part(pkg, "xl/drawings/vmlDrawing{}.vml")
        add_default(pkg, "vml", VML_CT)
        rid = add_relationship(pkg, sheet_part, R_VML, vml_part)
        sheet_xml, r = _with_r_namespace(sheet_xml, "worksheet")
        main = _root(sheet_xml, "worksheet")[1]
        p = f"{main}:" if main else ""
        element = f'<{p}legacyDrawing {r}id="{rid}"/>'
        later = [m.start() for t in _AFTER_LEGACY for m in [re.search(f"<{p}{t}\\b", sheet_xml)] if m]
        at = min(later) if later else sheet_xml.rfind(f"</{p}worksheet>")
        pkg.put(sheet_part, sheet_xml[:at] + element + sheet_xml[at:])
    else:
        ids = [int(i) for i in re.findall(r"_x0000_s(\d+)", vml)]
        first_id = max(ids) + 1 if ids else 1025
        vml = _with_vml_prefixes(vml)
        if 'id="_x0000_t201"' not in vml:
            at = vml.rfind("</xml>")
            vml = vml[:at] + _T201 + vml[at:]
    shapes = []
    z = len(re.findall(r"<v:shape\b", vml))
    for k, (macro, caption) in enumerate(BUTTONS):
        if f"!{macro}</x:FmlaMacro>" in vml:
            continue
        z += 1
        shapes.append(button_shape(first_id + k, z, macro, caption, x + k * (BUTTON_PX[0] + BUTTON_GAP_PX), y, grid))
    at = vml.rfind("</xml>")
    pkg.put(vml_part, vml[:at] + "".join(shapes) + vml[at:])
    return True


# ---- sources ------------------------------------------------------------------------------------

def _scheme_template(spec: str) -> tuple[bytes, str]:
    from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin, load_scheme
    from cskpi_xl.workbook.builder import template_bytes

    if spec in BUILTIN_IDS:
        return template_bytes(builtin(spec)), spec
    if spec.lower().endswith(".toml"):
        scheme, problems = load_scheme(spec)
        if scheme is None:
            raise XlsmError("；".join(p.message for p in problems) or spec)
        return template_bytes(scheme), spec
    raise XlsmError(tr(f"「{spec}」既不是内置方案（{'、'.join(BUILTIN_IDS)}），也不是 .xlsx/.xlsm/.toml 文件",
                       f"{spec!r} is neither a built-in scheme ({', '.join(BUILTIN_IDS)}) nor a .xlsx/.xlsm/.toml file"))


def _read_workbook(path: Path) -> bytes:
    from cskpi_xl.importers.filecheck import check_file

    problems = check_file(path).problems
    if problems:  # (XlsmError speaks the current language, as the problems do)
        raise XlsmError("；".join(p.text() for p in problems))
    return path.read_bytes()


def resolve_source(out: Path, template: str | None) -> tuple[bytes, str, bool]:
    """``(bytes, what, in_place)`` of the workbook to start from."""
    if template is not None:
        t = Path(template)
        if t.suffix.lower() in (".xls", ".xlsb", ".ods", ".et"):
            raise XlsmError(tr(f"{t}：请先在 Excel 中另存为 .xlsx 或 .xlsm", f"{t}: save it as .xlsx or .xlsm first"))
        if t.suffix.lower() in (".xlsx", ".xlsm", ".xltx", ".xltm"):
            if not t.is_file():
                raise XlsmError(tr(f"找不到文件 {t}", f"no such file: {t}"))
            same = out.exists() and t.resolve() == out.resolve()
            if out.exists() and not same:
                raise XlsmError(tr(f"{out} 已经存在，不会覆盖它；换一个文件名，或不带 --template 运行以更新其中的宏",
                                   f"{out} exists and is not overwritten; pick another name, or leave out --template "
                                   "to update its macros"))
            return _read_workbook(t), str(t), same
        if out.exists():
            raise XlsmError(tr(f"{out} 已经存在，不会覆盖它；换一个文件名，或不带 --template 运行以更新其中的宏",
                               f"{out} exists and is not overwritten; pick another name, or leave out --template "
                               "to update its macros"))
        data, what = _scheme_template(template)
        return data, what, False
    if out.exists():
        return _read_workbook(out), str(out), True
    data, what = _scheme_template(DEFAULT_SCHEME)
    return data, what, False


# ---- the VBA project ----------------------------------------------------------------------------

def own_sources() -> dict[str, str]:
    """Module name → the exact text that goes into its stream (CRLF, ASCII)."""
    xlu, module = vba.load_udfs()
    sources = vba.xlwings_standalone()
    sources["cskpi_udfs"] = vba.crlf(vba.mapped_module(xlu, module))
    sources["cskpi_buttons"] = vba.crlf(vba.buttons_module())
    for name, text in sources.items():
        text.encode("ascii")  # VBA source stays ASCII: code pages never matter
    return {n: sources[n] for n in OWN_MODULES}


def _workbook_module(project, workbook_xml: str):
    """The workbook's document module: by its codeName, else by the workbook VB_Base."""
    from pyopenvba.vba import split_attribute_header

    m = re.search(r"<(?:\w+:)?workbookPr\b[^>]*>", workbook_xml)
    code_name = attrs(m[0]).get("codeName") if m else None
    for mod in project.modules:
        if code_name and mod.name.casefold() == code_name.casefold():
            return mod
    for mod in project.modules:
        header = mod.attribute_header or split_attribute_header(mod.source)[0]
        if WORKBOOK_BASE.casefold() in header.casefold():
            return mod
    raise XlsmError(tr("VBA 工程中找不到工作簿模块（ThisWorkbook）", "the VBA project has no workbook module"))


def _only_our_udfs(source: str) -> bool:
    """Whether a module is xlwings' "Import Functions" output for :mod:`cskpi_xl.udfs` and nothing else."""
    modules = set(re.findall(r'XLPy\.CallUDF\("([^"]+)"', source))
    return modules == {UDF_MODULE}


def write_project(xlsm: Path, dest: Path, built: Built, workbook: str = "xl/workbook.xml") -> None:
    """Put our modules into the workbook at ``xlsm`` (giving it a project if it has none); save to ``dest``."""
    from pyopenvba import ExcelFile, VBAModuleKind
    from pyopenvba.exceptions import PyOpenVBAError
    from pyopenvba.vba import split_attribute_header

    sources = own_sources()
    try:
        with ExcelFile(xlsm) as wb:
            if not wb.has_vba_project():
                wb.add_vba_project()
            project = wb.vba_project()
            if getattr(project, "has_password", False):
                raise XlsmError(tr("这个工作簿的 VBA 工程有密码保护，不能写入；请先在 VBA 编辑器中取消密码，或按「手动安装」导入",
                                   "the workbook's VBA project is password-protected; remove the password or "
                                   "use the manual install"))
            for mod in list(project.modules):
                if mod.name.casefold() == "xlwings_udfs" and _only_our_udfs(mod.source):
                    project.delete_module(mod.name)
                    built.notes.append(tr("删除了 xlwings「Import Functions」生成的 xlwings_udfs 模块（与 cskpi_udfs 中的函数同名）",
                                          "deleted module xlwings_udfs made by xlwings' Import Functions "
                                          "(same functions as cskpi_udfs)"))
            existing = {m.name.casefold(): m for m in project.modules}
            for name, text in sources.items():
                kind = VBAModuleKind.other if name == vba.DICTIONARY_MODULE else VBAModuleKind.standard
                if name.casefold() in existing:
                    wb.set_module(existing[name.casefold()].name, text)
                else:
                    project.add_module(name, text, kind=kind)
            book = _workbook_module(project, xlsm_part(xlsm, workbook))
            header, body = split_attribute_header(book.source)
            code, own_open = vba.this_workbook_code(body)
            wb.set_module(book.name, header + code)
            if not own_open:
                built.notes.append(tr(
                    f"{book.name} 中已有 Workbook_Open：在它的第一行加了一行 {vba.OPEN_HELPER}（注释 cskpi_xl），其余不变",
                    f"{book.name} already had a Workbook_Open: one line {vba.OPEN_HELPER} was added at its top"))
            for ref in list(wb.references()):
                if (ref.name or "").casefold() == "xlwings":
                    wb.remove_reference(ref.name)
                    built.notes.append(tr("去掉了对 xlwings 加载项的引用（改用工作簿内的 xlwings 模块）",
                                          "removed the reference to the xlwings add-in (the module inside replaces it)"))
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                wb.save(dest)
            if any("signature" in str(w.message).lower() for w in caught):
                built.notes.append(tr("原来的 VBA 数字签名已失效并被去掉（宏改过了）",
                                      "the VBA project's digital signature was dropped (the macros changed)"))
            built.own = dict(sources)
            built.own[book.name] = header + code
        with ExcelFile(dest) as check:
            built.modules = check.module_names()
            # HR's macros: the other modules that hold code (a sheet's empty document module is Excel's, not HR's)
            built.kept = [n for n in built.modules if n not in built.own
                          and split_attribute_header(check.get_module(n))[1].strip()]
    except PyOpenVBAError as exc:
        raise XlsmError(tr(f"写入 VBA 工程失败：{exc}", f"could not write the VBA project: {exc}")) from exc


def xlsm_part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


# ---- the whole thing ------------------------------------------------------------------------------

def build_workbook(out, template: str | None = None, *, interpreter: str | None = None,
                   platform: str | None = None) -> Built:
    """Write the macro-enabled workbook ``out`` (see the module docstring); returns what was done.

    ``template``: a built-in scheme id, a scheme file (.toml) or a workbook
    (.xlsx/.xlsm); None means ``out`` itself when it exists (its macros are
    updated, a copy of it is kept as ``<name>_更新前.xlsm``), else the
    built-in ``standard`` template. ``interpreter``/``platform`` default to this
    Python (``sys.executable``) and ``sys.platform``.
    """
    from cskpi_xl.files.atomic import atomic_write

    out = Path(out)
    if out.suffix.lower() != ".xlsm":
        raise XlsmError(tr(f"{out}：启用宏的工作簿要以 .xlsm 结尾", f"{out}: a macro-enabled workbook ends in .xlsm"))
    interpreter = sys.executable if interpreter is None else interpreter
    platform = sys.platform if platform is None else platform
    data, what, in_place = resolve_source(out, template)
    built = Built(path=out, source=what)
    try:
        vba.xlwings_standalone()
    except vba.XlwingsSourceError as exc:
        raise XlsmError(tr(f"已安装的 xlwings 中找不到独立模块：{exc}", f"the installed xlwings lacks its standalone VBA: {exc}")) from exc

    pkg = Package(data)
    workbook = main_part(pkg)
    make_macro_enabled(pkg, workbook)

    conf = find_sheet(pkg, workbook, XLWINGS_CONF)
    kept_conf = existing_conf(data, conf.name) if conf is not None else []
    conf_xml = simple_sheet(conf_rows(interpreter, platform) + kept_conf, [16, 60])
    if conf is not None and conf.part in pkg.parts:
        pkg.put(conf.part, conf_xml)
    else:
        add_sheet(pkg, workbook, XLWINGS_CONF, conf_xml, hidden=True)
    if not (platform.startswith("win") or platform == "darwin"):
        built.notes.append(tr("不是在 Windows/macOS 上生成的：xlwings.conf 中没有写 Interpreter_Win，Excel 会用 PATH 中的 pythonw；"
                              "最好在要用它的电脑上运行 cskpi xl --workbook",
                              "not built on Windows/macOS: no Interpreter_Win in xlwings.conf (Excel uses pythonw on "
                              "PATH); better run cskpi xl --workbook on the PC that uses it"))

    settings = find_sheet(pkg, workbook, SETTINGS)
    if settings is None or settings.part not in pkg.parts:
        part = add_sheet(pkg, workbook, SETTINGS, simple_sheet(settings_rows(), [12, 40, 40]), hidden=False)
        settings = SheetRef(SETTINGS, part, "visible")
        built.notes.append(tr("加了一张「设置」工作表（按钮从这里读取方案、月份、导出文件……）",
                              "added a 设置 sheet (the buttons read scheme, month, exports … from it)"))
    if place_buttons(pkg, settings.part):
        built.buttons_sheet = settings.name

    with tempfile.TemporaryDirectory(prefix="cskpi_xlsm_") as tmp:
        staged = Path(tmp) / "in.xlsm"
        staged.write_bytes(pkg.to_bytes())
        done = Path(tmp) / "out.xlsm"
        write_project(staged, done, built, workbook)
        result = done.read_bytes()
    if in_place:
        backup = out.with_name(f"{out.stem}_更新前{out.suffix}")
        with atomic_write(backup) as f:
            f.write(out.read_bytes())
        built.backup = backup
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(out) as f:
        f.write(result)
    return built
