"""``cskpi schemes``: list the built-in schemes and their items."""

from __future__ import annotations

from cskpi_xl.core.describe import scheme_lines
from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin
from cskpi_xl.i18n import tr


def register(sub) -> None:
    p = sub.add_parser("schemes", help=tr("列出内置考核方案及其项目", "list the built-in schemes and their items"))
    p.set_defaults(func=run)


def run(args) -> int:
    for sid in BUILTIN_IDS:
        for line in scheme_lines(builtin(sid)):
            print(line)
        print()
    return 0
