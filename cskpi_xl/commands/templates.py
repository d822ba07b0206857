"""``cskpi templates [--out DIR]``: (re)build the built-in workbook templates.

Writes ``DIR/<scheme id>.xlsx`` (default ``workbook_templates/``) for every
built-in scheme; the bytes are reproducible (fixed properties and zip
timestamps), so rebuilding an unchanged scheme changes nothing.
"""

from __future__ import annotations

import sys

from cskpi_xl.i18n import tr


def register(subparsers) -> None:
    p = subparsers.add_parser("templates", help=tr("生成内置方案的考核表模板", "build the built-in workbook templates"))
    p.add_argument("--out", default="workbook_templates", help=tr("输出文件夹（默认 workbook_templates）", "output folder"))
    p.set_defaults(func=run)


def run(args) -> int:
    from cskpi_xl.workbook.builder import build_all

    try:
        files = build_all(args.out)
    except OSError as exc:  # no permission, a read-only folder, a file where the folder should be
        from cskpi_xl.files.oserrors import os_error_problem

        print(os_error_problem(exc).format(), file=sys.stderr)
        return 1
    for f in files:
        print(tr(f"模板：{f}", f"template: {f}"))
    return 0
