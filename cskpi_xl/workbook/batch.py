"""Batch regeneration: every agent's sheet for a month, plus the 汇总 workbook.

``run_batch(exports, scheme_id, month, out_dir, …) -> (report, problems)``

Output folder layout (``DIR``):

- ``DIR/<月份>/<客服>.xlsx`` — one workbook per agent (``layout="per-agent"``), or
  ``DIR/<方案>_<月份>.xlsx`` with a sheet per agent (``layout="one-book"``);
- ``DIR/汇总_<月份>.xlsx`` — ranking, grades, commission, public pool, pay and
  flags, a bar chart of the ranking, the daily trend (S10) with a line
  chart, the problems found, and a 历史记录 sheet that the next month's run
  reads back for the multi-month rules (streaks, escalating fines).

Nothing is lost: before writing, the previous outputs of the month in
``DIR`` are read back and every input cell whose value differs from what was
generated there (scores in rubric/appraiser columns, counts typed by hand,
the 主管评语 box) is carried into the new sheet *and into the scoring*.
Inputs are never overwritten (an output path equal to an input is refused),
each file is written atomically (temp file + rename) and ``DIR`` is locked
against a second batch (:class:`~cskpi_xl.safety.FolderLock`).

Agent workbooks are written in parallel (one process per core); the plan for
each agent is made in the main process, so a worker only gets picklable
data: the template bytes, the plan and the target path.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import pickle
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.styles import Font, PatternFill

from cskpi_xl.core.daily import daily_trend
from cskpi_xl.core.engine import TeamResult, score_team
from cskpi_xl.scoring import daily_for, figures_for, import_for
from cskpi_xl.workbook.rulesheet import SHEET as RULES_SHEET
from cskpi_xl.workbook.rulesread import clear_openpyxl, needs_reset, openpyxl_value_at, read_rules
from cskpi_xl.core.history import PastMonth
from cskpi_xl.core.loader import load_scheme
from cskpi_xl.core.numbers import NA, to_decimal
from cskpi_xl.core.problems import WARNING, Problem
from cskpi_xl.core.scheme import Scheme
from cskpi_xl.core.shopwide import apply_shop_figures, parse_assignments
from cskpi_xl.safety import (os_error_problem, remove_stale_temps, FolderBusy, FolderLock, NameSet, path_inside,
                             safe_file_stem, safe_sheet_name)
from cskpi_xl.workbook import xlsxpost
from cskpi_xl.workbook.apply import apply_plan, read_typed, save_workbook, workbook_bytes, workbook_parts
from cskpi_xl.workbook.builder import template_bytes
from cskpi_xl.workbook.template import FillPlan, TemplateCell, plan_fill, read_template
from cskpi_xl.workbook.xlformula import HISTORY_BONUS, HISTORY_VIOLATIONS, cached, cached_total
from cskpi_xl.workbook.xlsxio import write_text_cell

SUMMARY = "汇总"
HISTORY_SHEET = "历史记录"
HISTORY_HEADER = ("月份", "客服", "排名", "等级", "违规次数", "参加考核")
DAILY_SHEET = "每日趋势"
LOW = "低"
HEAD = PatternFill("solid", fgColor="DDEBF7")


# ---- inputs -----------------------------------------------------------------------------------------------------


def read_history(out_dir: Path, month: str) -> dict[str, list[PastMonth]]:
    """Earlier months from the 历史记录 sheets of ``DIR/汇总_*.xlsx`` (months before ``month``)."""
    hist: dict[str, dict[str, PastMonth]] = {}
    for f in sorted(out_dir.glob(f"{SUMMARY}_*.xlsx")):
        try:
            wb = load_workbook(f, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - a damaged old summary must not stop this month
            continue
        if HISTORY_SHEET not in wb.sheetnames:
            continue
        for row in wb[HISTORY_SHEET].iter_rows(min_row=2, values_only=True):
            if not row or not row[0] or not row[1] or str(row[0]) >= month:
                continue
            m, agent, rank, grade, viol, appraised = (list(row) + [None] * 6)[:6]
            hist.setdefault(str(agent), {})[str(m)] = PastMonth(
                str(m), int(rank) if isinstance(rank, (int, float)) else None, grade or None,
                int(viol or 0) if isinstance(viol, (int, float)) else 0, appraised != "否")
        wb.close()
    return {a: sorted(ms.values(), key=lambda h: h.month) for a, ms in hist.items()}


def read_previous(out_dir: Path, month: str) -> dict[str, dict[str, Any]]:
    """What supervisors typed into this month's earlier outputs: agent → {input: value}."""
    typed: dict[str, dict[str, Any]] = {}
    files = list(out_dir.glob("*.xlsx")) + list((out_dir / month).glob("*.xlsx"))
    for f in sorted(files):
        if f.name.startswith(("~$", ".")) or f.name.startswith(f"{SUMMARY}_"):
            continue
        try:
            found = read_typed(f)
        except Exception:  # noqa: BLE001 - an unreadable old output: nothing to carry from it
            continue
        for (agent, m), values in found.items():
            if m == month:
                typed.setdefault(agent, {}).update(values)
    return typed


# ---- one agent's workbook (runs in a worker process) ------------------------------------------------------------


def _daily_rows(points) -> list[tuple]:
    return [(d.date, cached(d.inquiries), cached(d.orders), cached(d.rate), LOW if d.low else "") for d in points]


def add_daily_sheet(wb, title: str, points, flag_ratio: Decimal, chart_title: str) -> dict[str, Any]:
    """A daily trend sheet (date, 咨询人数, 下单人数, 转化率, low flag) with a line chart; returns cached values."""
    ws = wb.create_sheet(title)
    ws.append(["日期", "咨询人数", "下单人数", "转化率", "低转化", "", "标记比例", float(flag_ratio)])
    for c in ws[1][:5]:
        c.font = Font(bold=True)
        c.fill = HEAD
    rows = _daily_rows(points)
    n = len(rows)
    last = n + 1
    values: dict[str, Any] = {}
    valid = [p.rate for p in points if isinstance(p.rate, Decimal)]
    import statistics
    median = statistics.median(valid) if valid else None
    ws["G2"] = "当月中位数"
    ws["H2"] = f'=IF(COUNT(D2:D{max(last, 2)})=0,"n/a",MEDIAN(D2:D{max(last, 2)}))'
    values["H2"] = float(median) if median is not None else "n/a"
    ws["G3"] = "低转化天数"
    ws["H3"] = f'=COUNTIF(E2:E{max(last, 2)},"{LOW}")'
    values["H3"] = sum(1 for p in points if p.low)
    for i, (d, inq, orders, rate, low) in enumerate(rows, start=2):
        ws.cell(row=i, column=1, value=d)
        ws.cell(row=i, column=2, value=inq)
        ws.cell(row=i, column=3, value=orders)
        ws.cell(row=i, column=4, value=f'=IF(N(B{i})=0,"n/a",C{i}/B{i})').number_format = "0.00%"
        values[f"D{i}"] = rate
        ws.cell(row=i, column=5, value=f'=IF(AND(ISNUMBER(D{i}),ISNUMBER($H$2)),IF(D{i}<$H$1*$H$2,"{LOW}",""),"")')
        values[f"E{i}"] = low
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["G"].width = 12
    if n:
        ch = LineChart()
        ch.title = chart_title
        ch.y_axis.title = "人数"
        ch.x_axis.title = "日期"
        ch.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=last), titles_from_data=True)
        ch.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        ch.height, ch.width = 8, 18
        ws.add_chart(ch, "G5")
    return values


_TEMPLATES: dict[bytes, bytes] = {}

#: From this many agents the workbooks are written by a pool of worker
#: processes; below, starting workers costs more than it saves. Workers are
#: forked (they start in milliseconds) while the parent is small, and spawned
#: (fresh interpreters, about a second each) from SPAWN_FROM agents on, where a
#: forked worker would inherit — and, as reference counts touch it, copy — the
#: parent's whole heap of imported and scored data; spawning is also all
#: Windows has, so there the pool starts at SPAWN_PARALLEL_FROM.
PARALLEL_FROM = 50
SPAWN_FROM = 1000
SPAWN_PARALLEL_FROM = 200


def _pool_context(n: int):
    """The multiprocessing context for ``n`` agents, or None to write in this process."""
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if can_fork and PARALLEL_FROM <= n < SPAWN_FROM:
        return multiprocessing.get_context("fork")
    if n >= (SPAWN_FROM if can_fork else SPAWN_PARALLEL_FROM):
        return multiprocessing.get_context("spawn")
    return None


def template_copy(template: bytes):
    """A fresh openpyxl workbook of ``template``: parsed once per process, then copied by unpickling.

    Parsing the .xlsx is half of an agent's time (openpyxl's merged-cell
    borders); unpickling the parsed workbook takes about a millisecond and
    gives byte-identical output.
    """
    key = hashlib.sha1(template).digest()
    parsed = _TEMPLATES.get(key)
    if parsed is None:
        parsed = _TEMPLATES[key] = pickle.dumps(load_workbook(io.BytesIO(template)), protocol=pickle.HIGHEST_PROTOCOL)
    return pickle.loads(parsed)


#: What every agent's workbook of one batch shares: the template (bytes and its
#: placeholder cells), the scheme, the scored team and the template's label.
#: Set in the parent before the workers start: forked workers inherit it,
#: spawned ones receive it once through :func:`_share`.
_SHARED: dict[str, Any] = {}


def _share(shared: dict[str, Any]) -> None:
    """Pool initializer (and the one-process path): the batch's shared context."""
    _SHARED.clear()
    _SHARED.update(shared)


def _share_pickled(blob: bytes) -> None:
    """Pool initializer of spawned workers: :func:`_share` of the pickled context."""
    _share(pickle.loads(blob))


def write_agent_book(task: dict) -> str:
    """Worker: plan the agent's sheet from the shared context, apply it to a template copy, save (atomic)."""
    sh = _SHARED
    rules_xml = sh.get("rules_xml")
    plan = plan_fill(sh["tcells"], sh["scheme"], sh["team"], sh["team"].agent(task["agent"]), file=sh["file"],
                     month=task["month"], extra=task["extra"], rules=rules_xml is None)
    wb = template_copy(sh["template"])
    values = apply_plan(wb, plan, agent=task["agent"], month=task["month"])
    if task.get("daily") is not None:
        pts, ratio = task["daily"]
        values[DAILY_SHEET] = add_daily_sheet(wb, DAILY_SHEET, pts, ratio, f"{task['agent']} 每日咨询与下单")
    save_workbook(wb, task["path"], values, sheets={RULES_SHEET: rules_xml} if rules_xml is not None else None)
    return str(task["path"])


def shared_rules(tbytes: bytes, first_plan: FillPlan) -> tuple[bytes, bytes | None]:
    """The 规则 sheet is the same in every agent's workbook: serialize it once.

    Returns the template for the workers (its 规则 sheet emptied, every style
    the sheet uses already in its style table, so indices match) and the
    sheet's XML to put into each file; ``(tbytes, None)`` when the sheet cannot
    stand alone, and the workers then write it themselves.
    """
    base = load_workbook(io.BytesIO(tbytes))
    apply_plan(base, FillPlan([w for w in first_plan if w.sheet == RULES_SHEET]), protect=False)
    xml = xlsxpost.sheet_xml(workbook_parts(base), RULES_SHEET)
    if xml is None:
        return tbytes, None
    base[RULES_SHEET]._cells.clear()  # the styles stay in the workbook's style table, in the same order
    return workbook_bytes(base), xml


# ---- the batch --------------------------------------------------------------------------------------------------


def _progress(it, total: int, enabled: bool, desc: str):
    if not enabled:
        return it
    try:
        from tqdm import tqdm

        return tqdm(it, total=total, desc=desc, file=sys.stderr, unit="份")
    except ImportError:  # pragma: no cover
        def plain():
            for i, x in enumerate(it, start=1):
                print(f"\r{desc} {i}/{total}", end="", file=sys.stderr)
                yield x
            print(file=sys.stderr)
        return plain()


MONTH_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _extra(scheme: Scheme, res, figures: Mapping[str, Any], past: Sequence[PastMonth]) -> dict[str, Any]:
    """Values of the month the core does not keep apart: the streak bonus and earlier violations."""
    out: dict[str, Any] = {}
    p = scheme.pay
    if p is None:
        return out
    if any(st.bonus for st in scheme.streaks):
        base = Decimal(0)
        for name in ("奖励",) + tuple(r.input for r in p.rewards):
            v = figures.get(name)
            try:
                n = to_decimal(v) if v not in (None, "") and not isinstance(v, NA) else Decimal(0)
            except ValueError:
                n = Decimal(0)
            amt = Decimal(1) if name == "奖励" else next(r.amount for r in p.rewards if r.input == name)
            base += amt * n
        out[HISTORY_BONUS] = res.pay.get("奖励", Decimal(0)) - base.quantize(Decimal("0.01"))
    if p.fine is not None:
        out[HISTORY_VIOLATIONS] = sum(h.violations for h in past)
    return out


def _violations(scheme: Scheme, figures: Mapping[str, Any]) -> int:
    name = scheme.pay.fine.input if scheme.pay and scheme.pay.fine else "违规次数"
    try:
        return int(to_decimal(figures.get(name) or 0))
    except (ValueError, TypeError):
        return 0


def run_batch(exports: Iterable[str | os.PathLike], scheme_id: str, month: str | None, out_dir: str | os.PathLike, *,
              manual: str | os.PathLike | None = None, aliases: str | os.PathLike | None = None,
              layout: str = "per-agent", jobs: int | None = None, progress: bool = True,
              template: str | os.PathLike | None = None, public_sales: Any = None,
              team: Sequence[str] | Mapping[str, Any] | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """Write every agent's sheet and the 汇总 for a month; see the module docstring.

    From :data:`PARALLEL_FROM` agents the workbooks are written by worker
    processes (spawned ones from :data:`SPAWN_FROM`, so a script calling this
    for that many agents needs the usual ``if __name__ == "__main__":``
    guard); where workers cannot start, the batch writes in this process.

    The batch writes native formulas only (they work in Excel, WPS and
    LibreOffice without Python; the UDFs are for formulas HR types). Returns ``(report, problems)``; the report
    has ``outputs``, ``summary``, ``agents``, ``seconds`` and ``month``. ``public_sales`` is the
    shop's public sales total (default: a 公共销售额 column, else the team's 销售额), shown on the 汇总;
    ``team`` the month's shop-wide figures (``["询单转化率目标=30%"]`` or a mapping, see
    :mod:`cskpi_xl.core.shopwide`), shown on the 汇总 too.
    """
    t0 = time.perf_counter()
    problems: list[Problem] = []
    report: dict[str, Any] = {"outputs": [], "summary": None, "agents": [], "month": month, "scheme": scheme_id}
    if layout not in ("per-agent", "one-book"):
        problems.append(Problem(f"未知的输出方式「{layout}」，可用 per-agent 或 one-book", f"unknown layout {layout!r}"))
        return report, problems
    if month is not None and not MONTH_RE.fullmatch(str(month).strip()):
        # the month names an output folder: never let it be a path
        problems.append(Problem("月份格式应为 YYYY-MM（例如 2026-10）", "the month must be YYYY-MM (e.g. 2026-10)", value=str(month)))
        return report, problems
    scheme, sp = load_scheme(scheme_id)
    problems += sp  # the scheme's warnings too: every command that loads a scheme shows them
    if scheme is None:
        return report, problems
    report["scheme"] = scheme.id
    exports = [Path(e) for e in exports]
    inputs = {p.resolve() for p in exports + [Path(x) for x in (manual, aliases, template) if x]}
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        problems.append(os_error_problem(exc, "创建输出文件夹", "creating the output folder"))
        return report, problems
    lock = FolderLock(out)
    try:
        lock.acquire()
    except FolderBusy as exc:
        problems.append(Problem(str(exc).split(" / ")[0], str(exc)))
        return report, problems
    except OSError as exc:
        problems.append(os_error_problem(exc))
        return report, problems
    try:
        # a run killed mid-write (power cut, SIGKILL) may have left its temp files: nobody writes here now
        for folder in [out] + [d for d in out.iterdir() if d.is_dir() and MONTH_RE.fullmatch(d.name)]:
            remove_stale_temps(folder)
        return _run(exports, scheme, month, out, manual, aliases, layout, jobs, progress, template, inputs, report,
                    problems, t0, public_sales, team)
    except OSError as exc:  # disk full, no permission …: every earlier output is still whole (atomic writes)
        problems.append(os_error_problem(exc))
        return report, problems
    finally:
        lock.release()


def _run(exports, scheme: Scheme, month, out: Path, manual, aliases, layout, jobs, progress, template, inputs,
         report, problems, t0, public_sales=None, team=None):
    data, more = import_for(scheme, exports, month=month, manual=manual, aliases=aliases)
    problems += more
    month = data.month or month
    if not month:
        problems.append(Problem("无法确定考核月份，请用 --month 指定（例如 2026-10）", "cannot tell the month; use --month"))
        return report, problems
    report["month"] = month
    if not data.agents:
        problems.append(Problem("导出文件中没有任何客服的数据", "no agent data in the exports"))
        return report, problems

    figures = figures_for(scheme, data)
    daily = daily_for(scheme, data)
    typed = read_previous(out, month)
    for a, vals in typed.items():
        if a in figures:
            figures[a].update(vals)
            problems.append(Problem(f"沿用上次生成后手工填写的 {len(vals)} 个单元格：{'、'.join(vals)}",
                                    f"kept {len(vals)} hand-typed cells from the previous output", agent=a,
                                    severity=WARNING))
    history = read_history(out, month)

    # the template; HR's own may carry changed numbers on its 规则 sheet
    if template is not None:
        tbytes = Path(template).read_bytes()
    else:
        tbytes = template_bytes(scheme)
    twb = load_workbook(io.BytesIO(tbytes))
    tcells = read_template(twb)
    if template is not None and RULES_SHEET in twb.sheetnames:
        scheme, more = read_rules(scheme, openpyxl_value_at(twb), str(template))
        problems += more
        if needs_reset(scheme, openpyxl_value_at(twb)):  # HR moved rows on 规则: write it afresh, nothing stale
            clear_openpyxl(twb)
            buf = io.BytesIO()
            twb.save(buf)
            tbytes = buf.getvalue()

    given, more = parse_assignments(team) if not isinstance(team, Mapping) else (dict(team), [])
    scheme, team_figures, public, more2 = apply_shop_figures(scheme, given)
    problems += more + more2
    team, more = score_team(scheme, figures, month, history, public_sales=public_sales if public_sales is not None else public,
                            team_figures=team_figures)
    problems += more
    refused = {p.column for p in more2}
    team.given = {**{n: scheme.params[n] for n in given if n in scheme.params and n not in refused}, **team.given}

    # plans: every agent's sheet is planned where it is written (in the workers); the template's
    # problems (unknown placeholders) are the same for everyone, so the first agent's plan tells them
    label = str(template or f"{scheme.id}.xlsx")
    extras = {res.agent: _extra(scheme, res, figures[res.agent], history.get(res.agent, [])) for res in team.agents}
    first = team.agents[0]
    first_plan = plan_fill(tcells, scheme, team, first, file=label, month=month, extra=extras[first.agent])
    problems += first_plan.problems

    # where each output goes
    taken = NameSet()
    tasks = []
    if layout == "per-agent":
        folder = out / month
        folder.mkdir(exist_ok=True)
        for res in team.agents:
            p = path_inside(folder, safe_file_stem(res.agent, taken), ".xlsx")
            tasks.append({"agent": res.agent, "month": month, "path": p, "extra": extras[res.agent],
                          "daily": (daily[res.agent], scheme.daily.flag_ratio) if res.agent in daily else None})
        targets = [t["path"] for t in tasks]
    else:
        targets = [path_inside(out, safe_file_stem(f"{scheme.id}_{month}", taken), ".xlsx")]
    summary_path = path_inside(out, safe_file_stem(f"{SUMMARY}_{month}", set()), ".xlsx")
    for t in targets + [summary_path]:  # path_inside gives resolved paths (links followed)
        if t in inputs:
            problems.append(Problem("输出文件与输入文件相同，已停止（不会覆盖输入）", "an output would overwrite an input; stopped",
                                    file=str(t)))
            return report, problems

    if layout == "per-agent":
        workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
        context = _pool_context(len(tasks)) if workers > 1 else None
        worker_template, rules_xml = shared_rules(tbytes, first_plan)
        shared = {"template": worker_template, "rules_xml": rules_xml, "tcells": tcells, "scheme": scheme, "team": team,
                  "file": label}
        _share(shared)
        if context is not None:
            try:
                spawned = context.get_start_method() != "fork"
                # spawned workers get the context pickled once, as bytes: the parent's write to each
                # worker's pipe then ends at once instead of waiting for that worker to import
                # cskpi_xl and unpickle the team, so the workers start side by side
                with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                         initializer=_share_pickled if spawned else None,
                                         initargs=(pickle.dumps(shared, pickle.HIGHEST_PROTOCOL),) if spawned else ()) as ex:
                    chunk = max(1, min(16, len(tasks) // (workers * 8)))
                    done = list(_progress(ex.map(write_agent_book, tasks, chunksize=chunk), len(tasks), progress,
                                          "生成考核表"))
            except BrokenProcessPool:
                # workers cannot start here (a script without a __main__ guard, code read from stdin):
                # write in this process instead; every file is atomic, so redoing one is harmless
                done = [write_agent_book(t) for t in _progress(tasks, len(tasks), progress, "生成考核表")]
        else:
            done = [write_agent_book(t) for t in _progress(tasks, len(tasks), progress, "生成考核表")]
        report["outputs"] = done
        files = {t["agent"]: t["path"].name for t in tasks}
    else:
        plans = {res.agent: plan_fill(tcells, scheme, team, res, file=label, month=month, extra=extras[res.agent])
                 for res in team.agents}
        book = write_one_book(tbytes, tcells, scheme, team, plans, month, targets[0], daily, progress)
        report["outputs"] = [str(book)]
        files = {res.agent: targets[0].name for res in team.agents}

    write_summary(summary_path, scheme, team, figures, files, daily, problems)
    report["summary"] = str(summary_path)
    report["agents"] = [res.agent for res in team.agents]
    report["seconds"] = round(time.perf_counter() - t0, 2)
    return report, problems


def write_one_book(tbytes: bytes, tcells: list[TemplateCell], scheme: Scheme, team: TeamResult,
                   plans: Mapping[str, FillPlan], month: str, path: Path, daily: Mapping[str, list], progress: bool) -> Path:
    """One workbook, a sheet per agent (copies of the template's agent sheets), sharing one 规则 sheet."""
    wb = load_workbook(io.BytesIO(tbytes))
    agent_sheets = sorted({c.sheet for c in tcells}, key=[c.sheet for c in tcells].index)
    taken = NameSet(set(wb.sheetnames) | {SUMMARY})
    values: dict[str, dict[str, Any]] = {}
    sources = {s: wb[s] for s in agent_sheets}
    for res in _progress(team.agents, len(team.agents), progress, "生成考核表"):
        sheet_map = {}
        for s in agent_sheets:
            src = sources[s]
            name = safe_sheet_name(res.agent if len(agent_sheets) == 1 else f"{res.agent}-{s}", taken)
            cp = wb.copy_worksheet(src)
            cp.title = name
            cp.print_title_rows = src.print_title_rows
            cp.page_setup.paperSize = src.page_setup.paperSize
            cp.page_setup.fitToWidth, cp.page_setup.fitToHeight = src.page_setup.fitToWidth, src.page_setup.fitToHeight
            cp.sheet_properties.pageSetUpPr = src.sheet_properties.pageSetUpPr
            cp.freeze_panes = src.freeze_panes
            sheet_map[s] = name
        for sh, v in apply_plan(wb, plans[res.agent], sheet_map=sheet_map, agent=res.agent, month=month).items():
            values.setdefault(sh, {}).update(v)
        if res.agent in daily:
            title = safe_sheet_name(f"{res.agent}-{DAILY_SHEET}", taken)
            values[title] = add_daily_sheet(wb, title, daily[res.agent], scheme.daily.flag_ratio, f"{res.agent} 每日咨询与下单")
    for s in agent_sheets:
        del wb[s]
    made = {n for m in [values] for n in m} | {ws.title for ws in wb.worksheets if ws.title not in
                                                 ("规则", "设置", "xlwings.conf", "_cskpi")}
    wb._sheets.sort(key=lambda ws: 0 if ws.title in made else 1)
    wb.active = 0
    save_workbook(wb, path, values)
    return path


# ---- the summary ------------------------------------------------------------------------------------------------


def write_summary(path: Path, scheme: Scheme, team: TeamResult, figures: Mapping[str, Mapping[str, Any]],
                  files: Mapping[str, str], daily: Mapping[str, list], problems: Sequence[Problem]) -> Path:
    """The 汇总 workbook: ranking with a bar chart, history rows, daily trend (S10), problems."""
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY
    month = team.month or ""
    ws["A1"] = f"{scheme.name} · {month} 汇总"
    ws["A1"].font = Font(bold=True, size=14)
    header = ["排名", "客服昵称", "总分", "等级", "个人提成", "公共提成", "当月工资", "不参加考核", "标记", "文件", "参与排名的总分"]
    hr = 3
    for c, h in enumerate(header, start=1):
        cell = ws.cell(row=hr, column=c, value=h)
        cell.font = Font(bold=True)
        cell.fill = HEAD
    order = team.ranking() + [a for a in team.agents if a.rank is None]
    first = hr + 1
    last = hr + len(order)
    values: dict[str, Any] = {}
    for i, a in enumerate(order):
        r = first + i
        ranked = a.rank is not None
        ws.cell(row=r, column=11, value=cached(a.total) if ranked else None)
        ws.cell(row=r, column=1, value=f"=IF(ISNUMBER(K{r}),RANK(K{r},$K${first}:$K${last}),\"\")")
        values[f"A{r}"] = a.rank if ranked else ""
        write_text_cell(ws.cell(row=r, column=2), a.agent)
        ws.cell(row=r, column=3, value=cached_total(a.total)).number_format = "0.00"
        ws.cell(row=r, column=4, value=a.grade or "")
        ws.cell(row=r, column=5, value=cached(a.commission)).number_format = "#,##0.00"
        ws.cell(row=r, column=6, value=cached(a.public_commission)).number_format = "#,##0.00"
        ws.cell(row=r, column=7, value=cached(a.pay_total) if a.pay_total is not None else None).number_format = "#,##0.00"
        write_text_cell(ws.cell(row=r, column=8), a.excluded or "")
        write_text_cell(ws.cell(row=r, column=9), "；".join(a.flags + a.grade_notes))
        write_text_cell(ws.cell(row=r, column=10), files.get(a.agent, ""))
    tr_ = last + 1
    ws.cell(row=tr_, column=2, value="合计").font = Font(bold=True)
    for col, key in ((5, "commission"), (6, "public_commission"), (7, "pay_total")):
        letter = "EFG"[col - 5]
        ws.cell(row=tr_, column=col, value=f"=SUM({letter}{first}:{letter}{last})").number_format = "#,##0.00"
        values[f"{letter}{tr_}"] = float(sum((getattr(a, key) or Decimal(0)) for a in order))
    pr = tr_ + 2
    ws.cell(row=pr, column=1, value="公共提成池").font = Font(bold=True)
    pub = team.team.get("公共销售额")
    rate = scheme.pay.public_rate if scheme.pay and scheme.pay.public_rate is not None else None
    ws.cell(row=pr + 1, column=1, value="公共销售额")
    ws.cell(row=pr + 1, column=2, value=cached(pub)).number_format = "#,##0.00"
    source = {"given": "（批量生成时指定）", "column": "（导入表中的「公共销售额」列）"}.get(getattr(team, "public_sales_from", ""))
    if source:  # the default (the team's 销售额) is left unsaid, as before
        ws.cell(row=pr + 1, column=3, value=source)
    for k, (name, v) in enumerate((getattr(team, "given", None) or {}).items()):  # given for the month (--team)
        ws.cell(row=pr + 4 + k, column=1, value=name)
        ws.cell(row=pr + 4 + k, column=2, value=cached(v))
        ws.cell(row=pr + 4 + k, column=3, value="（批量生成时指定）")
    ws.cell(row=pr + 2, column=1, value="提成比例")
    ws.cell(row=pr + 2, column=2, value=cached(rate) if rate is not None else "（本方案无公共提成）").number_format = "0.00%"
    ws.cell(row=pr + 3, column=1, value="客服人数")
    ws.cell(row=pr + 3, column=2, value=len(team.agents))
    for c, w in zip("ABCDEFGHIJK", (6, 14, 9, 8, 11, 11, 11, 22, 30, 22, 8)):
        ws.column_dimensions[c].width = w
    ws.column_dimensions["K"].hidden = True
    ws.freeze_panes = f"A{first}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{hr}:{hr}"
    if order:
        ch = BarChart()
        ch.type = "bar"
        ch.title = "总分排名"
        ch.y_axis.title = "总分"
        ranked_n = len(team.ranking()) or len(order)
        ch.add_data(Reference(ws, min_col=3, min_row=hr, max_row=hr + ranked_n), titles_from_data=True)
        ch.set_categories(Reference(ws, min_col=2, min_row=first, max_row=hr + ranked_n))
        ch.height, ch.width = 8, 16
        ch.legend = None
        ws.add_chart(ch, f"A{pr + 6}")
    summary_values = {SUMMARY: values}

    hs = wb.create_sheet(HISTORY_SHEET)
    hs.append(list(HISTORY_HEADER))
    for r, a in enumerate(team.agents, start=2):  # row numbers counted: ws.max_row scans every cell
        hs.append([month, None, a.rank, a.grade, _violations(scheme, figures.get(a.agent, {})),
                   "否" if a.excluded else "是"])
        write_text_cell(hs.cell(row=r, column=2), a.agent)

    if scheme.daily is not None and daily:
        rows = []
        for a in team.agents:
            for p in daily.get(a.agent, []):
                rows.append((p.date, {"咨询人数": p.inquiries, "下单人数": p.orders}))
        pts = daily_trend(rows, scheme.daily.flag_ratio)
        summary_values[DAILY_SHEET] = add_daily_sheet(wb, DAILY_SHEET, pts, scheme.daily.flag_ratio, "全团队每日咨询与下单")

    ps = wb.create_sheet("问题")
    ps.append(["级别", "位置", "说明"])
    for r, p in enumerate(problems, start=2):
        ps.append([p.label(), None, None])
        write_text_cell(ps.cell(row=r, column=2), p.where())
        write_text_cell(ps.cell(row=r, column=3), p.message)
    ps.column_dimensions["B"].width = 50
    ps.column_dimensions["C"].width = 80
    save_workbook(wb, path, summary_values)
    return path
