"""Looking inside .xlsx files written by the batch: sheet names, literal text cells, formulas.

Our own outputs are parsed with ElementTree (they carry no DTD; hostile
*inputs* never reach this module).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def snapshot(out: Path) -> dict[str, bytes]:
    """Every .xlsx under ``out``, by relative path, with its bytes."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.xlsx"))}


def whole(path: Path) -> bool:
    """The file is a complete workbook: every zip member's CRC checks and openpyxl opens it."""
    import openpyxl

    try:
        with zipfile.ZipFile(path) as z:
            if z.testzip() is not None:
                return False
        openpyxl.load_workbook(path, read_only=True).close()
        return True
    except Exception:
        return False


def sheet_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("xl/workbook.xml"))
    return [s.get("name") for s in root.find("m:sheets", NS)]


def sheet_name_problems(names: list[str]) -> list[str]:
    """Why Excel would refuse these sheet names ([] when it would not)."""
    out = []
    folded = [n.casefold() for n in names]
    for n in names:
        if not n or len(n.encode("utf-16-le")) // 2 > 31:
            out.append(f"length: {n!r}")
        if BAD_SHEET_CHARS.search(n):
            out.append(f"character: {n!r}")
        if n.startswith("'") or n.endswith("'"):
            out.append(f"apostrophe: {n!r}")
        if folded.count(n.casefold()) > 1:
            out.append(f"duplicate: {n!r}")
    return out


def cells(path: Path):
    """``(sheet part, ref, type, text, formula)`` for every cell of every worksheet."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in sst.findall("m:si", NS)]
        for part in sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")):
            root = ET.fromstring(z.read(part))
            for c in root.iter(f"{{{NS['m']}}}c"):
                t = c.get("t")
                f = c.find("m:f", NS)
                v = c.find("m:v", NS)
                if t == "inlineStr":
                    text = "".join(x.text or "" for x in c.iter(f"{{{NS['m']}}}t"))
                elif t == "s" and v is not None and v.text is not None:
                    text = shared[int(v.text)]
                else:
                    text = v.text if v is not None else None
                yield part, c.get("r"), t, text, (f.text or "") if f is not None else None


def files_outside(folder: Path) -> list[Path]:
    """Files under ``folder`` (following nothing) whose real path is not inside it."""
    base = folder.resolve()
    return [p for p in folder.rglob("*") if not p.resolve().is_relative_to(base)]
