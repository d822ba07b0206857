"""``cskpi batch``: every agent's appraisal sheet for a month, plus the 汇总 workbook.

``cskpi batch EXPORTS... --scheme ID --month YYYY-MM --out DIR [--manual F] [--aliases F]
[--layout per-agent|one-book] [--jobs N] [--history FILE_OR_DIR]...``

Earlier months (for 连续3个月排名第一, 连续不及格, 违规累计) are found in
``DIR``, in month-named folders beside it or under it, and in what
``--history`` names (an earlier ``汇总_*.xlsx``, its folder, or a hand-kept
历史记录 table); see :mod:`cskpi_xl.workbook.history`. Re-running a month
after later ones names those whose flags may be stale with the command that
regenerates each; ``--regenerate-later`` runs them, in order.

``cskpi batch --demo [--out DIR] [--scheme ID]`` runs on the bundled samples
(``samples/exports``, ``samples/manual``) into ``./out/demo`` — every built-in
scheme, or the one given — and prints where the outputs are.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cskpi_xl.commands.inputs import (add_shop_figures, expand_exports, likely_subaccounts, scheme_arg, suggestion_lines,
                                        write_alias_draft)
from cskpi_xl.i18n import tr

DEMO_OUT = Path("out") / "demo"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "batch",
        help=tr("批量生成每个客服的考核表和汇总表", "write every agent's appraisal sheet and the summary"),
        description=tr("导入导出文件，按方案为每个客服生成考核表（公式 + 数值），并生成汇总表；重新生成时保留手工填写的内容",
                       "import exports, write each agent's sheet (formulas + values) and the summary; "
                       "regenerating keeps what was typed by hand"),
    )
    p.add_argument("exports", nargs="*", metavar="EXPORTS",
                   help=tr("导出文件；也可以是文件夹（其中全部导出）或带引号的通配符，如 \"导出\\*.xlsx\"",
                           "export files; or a folder (every export in it) or a quoted wildcard"))
    p.add_argument("--scheme", help=tr("方案编号、方案的中文名称或方案文件", "scheme id, its Chinese name, or a scheme file"))
    p.add_argument("--month", help=tr("考核月份 YYYY-MM", "month YYYY-MM"))
    p.add_argument("--out", help=tr("输出文件夹", "output folder"))
    p.add_argument("--manual", help=tr("手工录入表", "manual inputs file"))
    p.add_argument("--aliases", help=tr("别名表（子账号 → 客服）", "alias map"))
    p.add_argument("--layout", choices=["per-agent", "one-book"], default="per-agent",
                   help=tr("每人一个文件，或一个文件每人一张表", "a file per agent, or one book with a sheet per agent"))
    p.add_argument("--jobs", type=int, help=tr("并行进程数（默认：CPU 核数）", "worker processes (default: CPU cores)"))
    p.add_argument("--template", help=tr("自己的模板（含占位符的工作簿）", "your own template workbook"))
    add_shop_figures(p)
    p.add_argument("--history", action="append", default=[], metavar="FILE_OR_DIR",
                   help=tr("之前月份的结果：某个月的 汇总_*.xlsx、放各月文件夹的文件夹，或手工的历史记录表（可写多次）；"
                           "输出文件夹和它旁边以月份命名的文件夹总会查找",
                           "earlier months: an earlier 汇总_*.xlsx, a folder of month folders, or a hand-kept history "
                           "table (repeatable); the output folder and month-named folders beside it are always searched"))
    p.add_argument("--regenerate-later", action="store_true",
                   help=tr("重新生成以前的月份后，按顺序重新生成标记可能已过时的以后月份（用各月汇总里记下的命令）",
                           "after re-running an earlier month, regenerate the later months whose flags may be stale "
                           "(with the command kept in each month's 汇总)"))
    p.add_argument("--demo", action="store_true", help=tr("用自带的示例数据演示", "run on the bundled samples"))
    p.add_argument("--quiet", action="store_true", help=tr("不显示进度条", "no progress bar"))
    p.set_defaults(func=run)


def samples_dir() -> Path:
    here = Path(__file__).resolve().parents[2] / "samples"
    return here if here.is_dir() else Path("samples")


def run(args) -> int:
    from cskpi_xl.core.schemefile import BUILTIN_IDS
    from cskpi_xl.workbook.batch import run_batch

    if args.demo:
        if args.exports or args.manual or args.aliases:
            print(tr("错误：--demo 只能和 --out、--scheme、--layout 一起用", "error: --demo takes only --out, --scheme, --layout"),
                  file=sys.stderr)
            return 2
        s = samples_dir()
        exports = sorted(p for p in (s / "exports").iterdir() if p.is_file())
        manual = s / "manual" / "手工录入.xlsx"
        aliases = s / "manual" / "别名表.csv"
        out = Path(args.out) if args.out else DEMO_OUT
        schemes = [scheme_arg(args.scheme)] if args.scheme else list(BUILTIN_IDS)
        code = 0
        for sid in schemes:
            report, problems = run_batch(exports, sid, args.month, out / sid, manual=manual if manual.exists() else None,
                                         aliases=aliases if aliases.exists() else None, layout=args.layout,
                                         jobs=args.jobs, progress=not args.quiet)
            code = max(code, _print(report, problems, brief=True))
        print(tr(f"演示完成：结果在 {out.resolve()}（每个方案一个文件夹；汇总_<月份>.xlsx 为汇总表）",
                 f"demo done: outputs in {out.resolve()} (a folder per scheme; 汇总_<month>.xlsx is the summary)"))
        return code
    if not args.exports or not args.scheme or not args.out:
        print(tr("错误：需要导出文件、--scheme 和 --out（或用 --demo 看演示）", "error: EXPORTS, --scheme and --out are required (or --demo)"),
              file=sys.stderr)
        return 2
    exports = expand_exports(args.exports, skip=(args.manual, args.aliases, args.template))
    report, problems = run_batch(exports, scheme_arg(args.scheme), args.month, args.out,
                                 manual=args.manual, aliases=args.aliases, layout=args.layout, jobs=args.jobs,
                                 progress=not args.quiet, template=args.template, history=args.history,
                                 public_sales=getattr(args, "public_sales", None), team=getattr(args, "team", None))
    code = _print(report, problems)
    if not args.aliases and report.get("agents"):
        found = likely_subaccounts(report["agents"])
        for line in suggestion_lines(report["agents"], found):
            print(line)
        if found:
            draft = write_alias_draft(found, args.out)
            print(tr(f"  已写出别名表草稿 {draft}：检查无误后用 --aliases {draft} 重新生成",
                     f"  a draft alias map is in {draft}: check it and regenerate with --aliases {draft}"))
    if report.get("stale"):
        if args.regenerate_later:
            code = max(code, _regenerate_later(report, args))
        else:
            print(tr("  提示：在这条命令后加 --regenerate-later 可以自动按顺序重新生成这些月份",
                     "  hint: add --regenerate-later to this command to regenerate those months in order"))
    return code


def _regenerate_later(report, args) -> int:
    """Regenerate, in order, the later months a re-run left stale, with the commands kept in their 汇总."""
    from cskpi_xl.cli import build_parser
    from cskpi_xl.workbook.batch import run_batch
    from cskpi_xl.workbook.history import STALE

    code = 0
    for month, argv in zip(report["stale"], report.get("stale_commands") or []):
        if not argv:
            print(tr(f"无法自动重新生成 {month}：它的汇总没有记下生成命令，请按上面的格式手动运行",
                     f"cannot regenerate {month} by itself: its 汇总 keeps no command; run it by hand"), file=sys.stderr)
            code = 1
            continue
        print(tr(f"重新生成 {month}……", f"regenerating {month} …"))
        sub = build_parser().parse_args(argv[1:])
        exports = expand_exports(sub.exports, skip=(sub.manual, sub.aliases, sub.template))
        rep, problems = run_batch(exports, scheme_arg(sub.scheme), sub.month, sub.out, manual=sub.manual,
                                  aliases=sub.aliases, layout=sub.layout, jobs=args.jobs, progress=not args.quiet,
                                  template=sub.template, history=sub.history)
        # the next later month is regenerated right after: no need to say it may be stale
        code = max(code, _print(rep, [p for p in problems if not p.message.startswith(STALE)]))
    return code


def _print(report, problems, brief: bool = False) -> int:
    errors = [p for p in problems if p.is_error]
    pending = [p for p in problems if p.is_pending]
    shown = [p for p in problems if not p.is_pending] if not brief else errors[:3]
    for p in shown:
        print(p.format(), file=sys.stderr)
    if len(shown) < len(errors):
        print(tr(f"  …… 共 {len(errors)} 条错误，详见汇总表的「问题」工作表",
                 f"  … {len(errors)} errors in all; see the summary's 问题 sheet"),
              file=sys.stderr)
    if report.get("summary"):
        print(tr(f"[{report['scheme']}] {report['month']}：{len(report['agents'])} 位客服，用时 {report.get('seconds')} 秒",
                 f"[{report['scheme']}] {report['month']}: {len(report['agents'])} agents in {report.get('seconds')} s"))
        folder = Path(report["outputs"][0]).parent if report["outputs"] else None
        if folder is not None:
            print(tr(f"  考核表：{folder}", f"  sheets: {folder}"))
        print(tr(f"  汇总表：{report['summary']}", f"  summary: {report['summary']}"))
        if pending:
            agents = len({p.agent for p in pending})
            print(tr(f"  待评分：{agents} 位客服共 {len(pending)} 项还没有评分（主管在考核表的黄色格子里填写后重新生成即可，已填的会保留；"
                     f"也可写进手工录入表）；这些人的总分暂不计算",
                     f"  awaiting scores: {len(pending)} items of {agents} agents (type them into the yellow cells and "
                     f"regenerate — typed cells are kept — or put them in the manual inputs); their totals wait until then"))
        warnings = len(problems) - len(errors) - len(pending)
        if brief and warnings:
            print(tr(f"  提示 {warnings} 条（见汇总表的「问题」工作表）",
                     f"  {warnings} warnings (see the summary's 问题 sheet)"))
        return 1 if errors and not report["outputs"] else 0
    return 1 if errors else 0
