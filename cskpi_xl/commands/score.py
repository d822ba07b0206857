"""``cskpi score --scheme ID FILE...``: score agents from a table or the platform exports."""

from __future__ import annotations

import json
import sys

from cskpi_xl.core.describe import agent_json, agent_lines
from cskpi_xl.core.schemefile import load_scheme
from cskpi_xl.core.problems import has_errors
from cskpi_xl.commands.inputs import add_shop_figures, expand_exports, scheme_arg
from cskpi_xl.i18n import tr
from cskpi_xl.pipeline import score_files


def register(sub) -> None:
    p = sub.add_parser("score", help=tr("按方案给客服评分（逐项明细、总分、等级、提成、工资）",
                                        "score agents under a scheme (items, total, grade, commission, pay)"))
    p.add_argument("files", nargs="+", help=tr("数据表（列名为标准指标名）或平台导出文件", "a table with canonical column names, or platform exports"))
    p.add_argument("--scheme", required=True, help=tr("内置方案名或方案文件", "a built-in scheme id or a scheme file"))
    p.add_argument("--month", help=tr("月份 YYYY-MM", "month YYYY-MM"))
    p.add_argument("--manual", help=tr("手工录入表（态度、考勤、主管评分等）", "manual inputs (attitude, attendance, supervisor scores)"))
    p.add_argument("--aliases", help=tr("子账号别名表", "sub-account alias map"))
    add_shop_figures(p)
    p.add_argument("--history", action="append", default=None, metavar="FILE_OR_DIR",
                   help=tr("之前月份的结果（连续月份的奖励、标记和违规累计要用）：某个月的 汇总_*.xlsx、"
                           "放各月文件夹的文件夹，或手工的历史记录表（月份/客服/排名/等级/违规次数/参加考核）；可写多次",
                           "earlier months for the multi-month rules: an earlier 汇总_*.xlsx, a folder of month folders, "
                           "or a hand-kept table (月份/客服/排名/等级/违规次数/参加考核); repeatable"))
    p.add_argument("--json", action="store_true", help=tr("以 JSON 输出", "print JSON"))
    p.set_defaults(func=run)


def run(args) -> int:
    scheme, problems = load_scheme(scheme_arg(args.scheme))
    if scheme is None:
        for p in problems:
            print(p.format(), file=sys.stderr)
        return 1
    from cskpi_xl.core.shopwide import apply_shop_figures, parse_assignments

    given, bad = parse_assignments(getattr(args, "team", None))
    scheme, team_figures, public, more = apply_shop_figures(scheme, given)
    problems = problems + bad + more
    team, more = score_files(scheme, expand_exports(args.files, skip=(args.manual, args.aliases)), month=args.month,
                             manual=args.manual, aliases=args.aliases,
                             public_sales=args.public_sales if args.public_sales is not None else public,
                             history_from=args.history, team_figures=team_figures)
    problems = problems + more
    if args.json:
        print(json.dumps({
            "scheme": scheme.id,
            "month": team.month if team else None,
            "agents": [agent_json(a) for a in team.agents] if team else [],
            "problems": [p.to_dict() for p in problems],
        }, ensure_ascii=False, indent=1))
    else:
        if team:
            print(tr(f"方案：{scheme.name}  月份：{team.month or '未知'}  客服人数：{len(team.agents)}",
                     f"scheme: {scheme.name}  month: {team.month or 'unknown'}  agents: {len(team.agents)}"))
            for a in team.agents:
                print("\n".join(agent_lines(a)))
        for p in problems:
            print(p.format(), file=sys.stderr)
    return 1 if (has_errors(problems) and not (team and team.agents)) else 0
