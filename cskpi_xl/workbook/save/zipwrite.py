"""Zipping an .xlsx from parts deflated ahead of time, byte for byte as :mod:`zipfile` zips them.

A batch writes a thousand workbooks that share most of their parts (theme,
styles, the 规则 sheet, rels, content types). :func:`deflate` compresses a
part once — the same bytes always deflate to the same bytes — and
:func:`zip_members` lays the members out exactly as
``zipfile.ZipFile(BytesIO(), "w", ZIP_DEFLATED).writestr(name, body)`` does
(local headers with the sizes, no data descriptors, the central directory,
the end record), so each file costs only the parts that differ.

Only what ``writestr`` of a part name writes is covered: deflated members,
no comments, no zip64 (a member or archive past 2 GiB goes to
:mod:`zipfile` itself).

>>> import io, zipfile
>>> members = [deflate("a.xml", b"<a/>"), deflate("b.xml", "好".encode())]
>>> data = zip_members(members, (2026, 10, 31, 12, 0, 0))
>>> zipfile.ZipFile(io.BytesIO(data)).read("b.xml").decode()
'好'
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import NamedTuple, Sequence

__all__ = ["Member", "deflate", "zip_members"]

_LOCAL = struct.Struct(zipfile.structFileHeader)
_CENTRAL = struct.Struct(zipfile.structCentralDir)
_END = struct.Struct(zipfile.structEndArchive)
_VERSION = 20  # zipfile.DEFAULT_VERSION: what a deflated member needs
_ATTR = 0o600 << 16  # what writestr gives a file member
_SYSTEM = zipfile.ZipInfo("x").create_system  # 0 on Windows, 3 elsewhere
_LIMIT = (1 << 31) - 1  # zipfile.ZIP64_LIMIT


class Member(NamedTuple):
    """One part, deflated: its name as stored, flag bits, CRC-32, sizes and compressed bytes."""

    name: bytes
    flags: int
    crc: int
    size: int
    data: bytes


def deflate(name: str, body: bytes) -> Member:
    """``body`` deflated as zipfile deflates it (default level, raw stream, one ``compress`` + ``flush``)."""
    comp = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    data = comp.compress(body) + comp.flush()
    try:
        raw, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        raw, flags = name.encode("utf-8"), 0x800
    return Member(raw, flags, zlib.crc32(body), len(body), data)


def zip_members(members: Sequence[Member], date_time: tuple) -> bytes:
    """The archive of ``members`` (in order), every entry stamped ``date_time`` (local time, as zipfile)."""
    y, mo, d, h, mi, s = date_time[:6]
    dosdate = (y - 1980) << 9 | mo << 5 | d
    dostime = h << 11 | mi << 5 | (s // 2)
    out: list[bytes] = []
    central: list[bytes] = []
    pos = 0
    for m in members:
        if m.size * 1.05 > _LIMIT or len(m.data) > _LIMIT or pos > _LIMIT:
            return _zipfile(members, date_time)
        local = _LOCAL.pack(zipfile.stringFileHeader, _VERSION, 0, m.flags, zipfile.ZIP_DEFLATED, dostime, dosdate,
                            m.crc, len(m.data), m.size, len(m.name), 0)
        out += (local, m.name, m.data)
        central.append(_CENTRAL.pack(zipfile.stringCentralDir, _VERSION, _SYSTEM, _VERSION, 0, m.flags,
                                     zipfile.ZIP_DEFLATED, dostime, dosdate, m.crc, len(m.data), m.size,
                                     len(m.name), 0, 0, 0, 0, _ATTR, pos) + m.name)
        pos += len(local) + len(m.name) + len(m.data)
    cd = b"".join(central)
    if len(members) > 0xFFFF or pos > _LIMIT or len(cd) > _LIMIT:
        return _zipfile(members, date_time)
    end = _END.pack(zipfile.stringEndArchive, 0, 0, len(members), len(members), len(cd), pos, 0)
    return b"".join(out) + cd + end


def _zipfile(members: Sequence[Member], date_time: tuple) -> bytes:  # pragma: no cover - > 2 GiB
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        for m in members:
            zi = zipfile.ZipInfo(m.name.decode("utf-8"), date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = _ATTR
            z.writestr(zi, zlib.decompress(m.data, -15))
    return buf.getvalue()
