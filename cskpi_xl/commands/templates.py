"""``cskpi templates [--out DIR]``: (re)build the built-in workbook templates.

Writes ``DIR/<scheme id>.xlsx`` (default ``workbook_templates/``) for every
built-in scheme; the bytes are reproducible (fixed properties and zip
timestamps), so rebuilding an unchanged scheme changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cskpi_xl.i18n import tr


def register(subparsers) -> None:
    p = subparsers.add_parser("templates", help=tr("生成内置方案的考核表模板", "build the built-in workbook templates"))
    p.add_argument("--out", default="workbook_templates", help=tr("输出文件夹（默认 workbook_templates）", "output folder"))
    p.set_defaults(func=run)


def build_all(out: str | Path) -> list[Path]:
    """Build every built-in template into ``out``; returns the files written."""
    from cskpi_xl.core.loader import BUILTIN_IDS, builtin
    from cskpi_xl.files.atomic import atomic_write
    from cskpi_xl.workbook.builder import template_bytes

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sid in BUILTIN_IDS:
        path = out / f"{sid}.xlsx"
        data = template_bytes(builtin(sid))
        if path.exists() and path.read_bytes() == data:
            written.append(path)
            continue
        with atomic_write(path, "wb") as f:
            f.write(data)
        written.append(path)
    return written


def run(args) -> int:
    try:
        files = build_all(args.out)
    except OSError as exc:  # no permission, a read-only folder, a file where the folder should be
        from cskpi_xl.files.oserrors import os_error_problem

        print(os_error_problem(exc).format(), file=sys.stderr)
        return 1
    for f in files:
        print(tr(f"模板：{f}", f"template: {f}"))
    return 0
