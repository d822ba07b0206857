"""The ``cskpi`` command line.

Each sub-command lives in its own module under :mod:`cskpi_xl.commands` and
exposes ``register(subparsers)``; the module sets ``func`` on its parser,
which receives the parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from cskpi_xl import __version__
from cskpi_xl.commands.inputs import ArgumentProblem
from cskpi_xl.commands.zhparse import ZhArgumentParser
from cskpi_xl.i18n import set_language, tr

# Sub-command modules, in the order ``cskpi --help`` lists them.
COMMANDS = (
    "schemes",
    "check",
    "score",
    "import_",
    "batch",
    "fill",
    "calc",
    "xl",
    "pdf",
    "templates",
    "adopt",
)


def build_parser() -> argparse.ArgumentParser:
    parser = ZhArgumentParser(
        prog="cskpi",
        description=tr("客服绩效考核：方案、评分、导入、模板与批量生成", "Customer-service appraisal: schemes, scoring, import, templates and batch"),
    )
    parser.add_argument("--version", action="version", version=f"cskpi_xl {__version__}",
                        help=tr("显示版本号并退出", "show the version and exit"))
    parser.add_argument("--lang", choices=["zh", "en"], help=tr("界面语言（默认中文）", "interface language (default Chinese)"))
    sub = parser.add_subparsers(dest="command", metavar=tr("命令", "COMMAND"))
    for name in COMMANDS:
        importlib.import_module(f"cskpi_xl.commands.{name}").register(sub)  # a missing module is a bug: let it show
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The language must be known before the parser's help texts are built.
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            set_language(argv[i + 1])
        elif a.startswith("--lang="):
            set_language(a.split("=", 1)[1])
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ArgumentProblem as exc:  # a value the person can fix: say what and how, no traceback
        print(tr("错误：", "error: ") + str(exc), file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `cskpi schemes | head`
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
