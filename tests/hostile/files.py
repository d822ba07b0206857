"""Builders for hostile input files. Every builder writes into the folder it is given."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import openpyxl

#: The header of a 赤兔 daily export used by the big and streaming cases.
BIG_HEADER = "日期,客服昵称,接待人数,询单人数,询单->最终付款人数,平均响应(秒),平均接待时长,销售额,回复率"


def xlsx(path: Path, rows, title: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def csv(path: Path, rows, encoding: str = "utf-8") -> Path:
    def cell(c) -> str:
        t = "" if c is None else str(c)
        return '"' + t.replace('"', '""') + '"' if any(x in t for x in ',"\r\n') else t
    path.write_bytes(("\r\n".join(",".join(cell(c) for c in r) for r in rows) + "\r\n").encode(encoding))
    return path


def big_row(i: int) -> str:
    """Row ``i`` of the big daily export: 31 days per account, figures varying with ``i``."""
    recv = 20 + i % 57
    inq = 5 + i % 13
    paid = i % 6
    avg = f"{15 + i % 40}.{i % 10}"
    dur = f"{i % 15}分{i % 60}秒"
    sales = f"\"{(i * 7919) % 2_000_000 / 100:,.2f}\""
    rate = f"{90 + i % 10}.{i % 100:02d}%"
    return f"2026-10-{i % 31 + 1:02d},店铺:客服{i // 31:06d},{recv},{inq},{paid},{avg},{dur},{sales},{rate}"


def big_csv(path: Path, rows: int) -> Path:
    """A daily export of ``rows`` distinct account-days (rows / 31 accounts × 31 days), streamed to disk."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(BIG_HEADER + "\n")
        chunk: list[str] = []
        for i in range(rows):
            chunk.append(big_row(i))
            if len(chunk) == 10_000:
                f.write("\n".join(chunk) + "\n")
                chunk.clear()
        if chunk:
            f.write("\n".join(chunk) + "\n")
    return path


def _xlsx_bytes(rows) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


OK_ROWS = [["客服昵称", "接待人数", "询单人数"], ["小美", 30, 10]]


def with_part(path: Path, part: str, data: bytes, rows=OK_ROWS) -> Path:
    """A real workbook with one part replaced (or added) by ``data`` (written as it comes, deflated)."""
    src = zipfile.ZipFile(io.BytesIO(_xlsx_bytes(rows)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, data if info.filename == part else src.read(info))
        if part not in src.namelist():
            z.writestr(part, data)
    return path


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


def xml_bomb(path: Path, part: str = "xl/worksheets/sheet1.xml") -> Path:
    """The "billion laughs": 10^9 'lol's once expanded (3 GB), 1 KB on disk."""
    return with_part(path, part, LAUGHS.encode("utf-8"))


def xml_bomb_in_shared_strings(path: Path) -> Path:
    rows = [["客服昵称", "接待人数"], ["小美", 3]]
    text = LAUGHS.replace("<worksheet", "<sst").replace("</worksheet>", "</sst>")
    return with_part(path, "xl/sharedStrings.xml", text.encode("utf-8"), rows)


def zip_bomb(path: Path, megabytes: int = 300) -> Path:
    """A workbook whose sheet unpacks to ``megabytes`` MB of blanks (about 1/1000 of that on disk)."""
    src = zipfile.ZipFile(io.BytesIO(_xlsx_bytes(OK_ROWS)))
    blank = b" " * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info.filename, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with z.open(info.filename, "w", force_zip64=True) as f:
                f.write(head)
                for _ in range(megabytes):
                    f.write(blank)
                f.write(b"</sheetData>" + tail)
    return path


def lying_zip(path: Path, megabytes: int = 256, claimed: int = 200_000) -> Path:
    """A zip bomb whose headers lie: the sheet claims ``claimed`` bytes but inflates to ``megabytes`` MB.

    The pre-check sums the declared sizes (small) and reads only a 64 KB
    prefix, so it passes; the reader must then trust the declared size (and
    stop there), not inflate the whole stream.
    """
    zip_bomb(path, megabytes)
    b = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    name = info.filename.encode()
    # local header: a zip64 entry keeps its sizes in the extra field; make it a plain one
    lh = info.header_offset
    struct.pack_into("<I", b, lh + 22, claimed)
    struct.pack_into("<I", b, lh + 18, info.compress_size)
    extra_len = struct.unpack_from("<H", b, lh + 28)[0]
    b[lh + 30 + len(name): lh + 30 + len(name) + extra_len] = b"\x00" * extra_len  # zeroed, ignored extra
    if extra_len >= 4:
        struct.pack_into("<HH", b, lh + 30 + len(name), 0xCAFE, extra_len - 4)
    cd = b.find(b"PK\x01\x02")
    while cd != -1:
        n, e = struct.unpack_from("<HH", b, cd + 28)
        if bytes(b[cd + 46: cd + 46 + n]) == name:
            struct.pack_into("<I", b, cd + 24, claimed)
            struct.pack_into("<I", b, cd + 20, info.compress_size)
            if e >= 4:
                b[cd + 46 + n: cd + 46 + n + e] = b"\x00" * e
                struct.pack_into("<HH", b, cd + 46 + n, 0xCAFE, e - 4)
        cd = b.find(b"PK\x01\x02", cd + 4)
    path.write_bytes(bytes(b))
    return path


def cfb(path: Path, streams: list[str]) -> Path:
    """A minimal OLE compound file (what Excel writes for a password-protected .xlsx) naming ``streams``."""
    body = bytearray(4096)
    body[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<H", body, 0x1E, 9)       # 512-byte sectors
    struct.pack_into("<I", body, 0x30, 0)       # first directory sector: sector 0 (file offset 512)
    for i, name in enumerate(streams):
        enc = name.encode("utf-16-le")
        body[512 + 128 * i: 512 + 128 * i + len(enc)] = enc
    path.write_bytes(bytes(body))
    return path
