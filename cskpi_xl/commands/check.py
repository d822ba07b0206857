"""``cskpi check SCHEME_OR_FILE``: validate a scheme; warn about every break in its commission table."""

from __future__ import annotations

from cskpi_xl.core.describe import commission_breaks
from cskpi_xl.core.schemefile import load_scheme
from cskpi_xl.core.problems import has_errors
from cskpi_xl.commands.inputs import scheme_arg
from cskpi_xl.i18n import tr


def register(sub) -> None:
    p = sub.add_parser("check", help=tr("检查方案文件：错误、警告、提成表断点", "check a scheme: errors, warnings, commission breaks"))
    p.add_argument("scheme", help=tr("内置方案名或方案文件路径", "a built-in scheme id or a scheme file"))
    p.set_defaults(func=run)


def run(args) -> int:
    scheme, problems = load_scheme(scheme_arg(args.scheme))
    if scheme is not None:
        problems = problems + commission_breaks(scheme)
    for p in problems:
        print(p.format())
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if has_errors(problems):
        print(tr(f"方案有 {errors} 个错误、{warnings} 个警告，无法使用。", f"{errors} errors, {warnings} warnings: the scheme cannot be used."))
        return 1
    print(tr(f"方案「{scheme.name}」可以使用（{warnings} 个警告）。", f"scheme '{scheme.name}' is usable ({warnings} warnings)."))
    return 0
