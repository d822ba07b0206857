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
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from openpyxl import load_workbook

from cskpi_xl.core.engine import TeamResult, score_team
from cskpi_xl.scoring import daily_for, figures_for, import_for
from cskpi_xl.workbook.rulesheet import SHEET as RULES_SHEET
from cskpi_xl.workbook.rulesread import openpyxl_value_at, read_rules
from cskpi_xl.core.loader import load_scheme
from cskpi_xl.core.numbers import NA, to_decimal
from cskpi_xl.core.problems import WARNING, Problem
from cskpi_xl.core.scheme import Scheme
from cskpi_xl.safety import (os_error_problem, remove_stale_temps, FolderBusy, FolderLock, NameSet, path_inside,
                             safe_file_stem, safe_sheet_name)
from cskpi_xl.workbook import xlsxpost
from cskpi_xl.workbook.apply import apply_plan, read_typed, save_workbook, workbook_bytes, workbook_parts
from cskpi_xl.workbook.builder import template_bytes
from cskpi_xl.workbook.template import FillPlan, TemplateCell, plan_fill, read_template
from cskpi_xl.workbook.xlformula import HISTORY_BONUS, HISTORY_VIOLATIONS
from cskpi_xl.workbook.history import (find_history, read_history, regenerate_argv, stale_months,  # noqa: F401
                                       stale_problem, where_problem)
from cskpi_xl.workbook.summary import DAILY_SHEET, SUMMARY, add_daily_sheet, write_summary



# ---- inputs -----------------------------------------------------------------------------------------------------


def read_previous(out_dir: Path, month: str) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """What supervisors typed into this month's earlier outputs: agent → {input: value}; and the files it could not read."""
    typed: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    files = list(out_dir.glob("*.xlsx")) + list((out_dir / month).glob("*.xlsx"))
    for f in sorted(files):
        if f.name.startswith(("~$", ".")) or f.name.startswith(f"{SUMMARY}_"):
            continue
        try:
            found = read_typed(f)
        except Exception as exc:  # noqa: BLE001 - reported: what was typed into it cannot be carried
            problems.append(unreadable_output(f, exc))
            continue
        for (agent, m), values in found.items():
            if m == month:
                typed.setdefault(agent, {}).update(values)
    return typed, problems


def keep_unreadable(unread: Sequence[Problem], targets: Sequence[Path]) -> list[Problem]:
    """Earlier outputs that could not be read and would now be replaced: renamed aside, never overwritten."""
    out: list[Problem] = []
    bad = {Path(p.file).resolve() for p in unread if p.file}
    for t in targets:
        if t.resolve() not in bad or not t.exists():
            continue
        aside = t.with_name(f"{t.name}.无法读取.bak")
        k = 1
        while aside.exists():
            k += 1
            aside = t.with_name(f"{t.name}.无法读取{k}.bak")
        try:
            t.rename(aside)
        except OSError as exc:
            out.append(os_error_problem(exc, "保留无法读取的旧考核表", "keeping the unreadable earlier output"))
            continue
        out.append(Problem(f"无法读取的旧考核表已改名保留为 {aside.name}（新表照常生成；需要其中手工填写的内容时请从它找回）",
                           f"the unreadable earlier output was kept as {aside.name}", file=str(t), severity=WARNING))
    return out


def unreadable_output(path: Path, exc: BaseException) -> Problem:
    """An earlier output of this month that cannot be read back: what was typed into it is not carried."""
    from cskpi_xl.workbook.history import read_reason

    return Problem(f"上次生成的考核表无法读取：{read_reason(exc)}；其中手工填写的评分和评语这次没有沿用"
                   f"（关闭或修复该文件后重新生成即可沿用）",
                   f"cannot read an earlier output ({type(exc).__name__}): what was typed into it is not carried",
                   file=str(path), severity=WARNING)


# ---- one agent's workbook (runs in a worker process) ------------------------------------------------------------


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
    from cskpi_xl.progress import progress

    return progress(it, total, desc)


MONTH_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _extra(scheme: Scheme, res, figures: Mapping[str, Any]) -> dict[str, Any]:
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
        out[HISTORY_VIOLATIONS] = res.earlier_violations
    return out


def run_batch(exports: Iterable[str | os.PathLike], scheme_id: str, month: str | None, out_dir: str | os.PathLike, *,
              manual: str | os.PathLike | None = None, aliases: str | os.PathLike | None = None,
              layout: str = "per-agent", jobs: int | None = None, progress: bool = True,
              template: str | os.PathLike | None = None,
              history: Sequence[str | os.PathLike] = ()) -> tuple[dict[str, Any], list[Problem]]:
    """Write every agent's sheet and the 汇总 for a month; see the module docstring.

    Earlier months for the multi-month rules are looked for in ``out_dir``,
    month-named folders beside or under it, and the ``history`` files or
    folders (see :mod:`cskpi_xl.workbook.history`).

    From :data:`PARALLEL_FROM` agents the workbooks are written by worker
    processes (spawned ones from :data:`SPAWN_FROM`, so a script calling this
    for that many agents needs the usual ``if __name__ == "__main__":``
    guard); where workers cannot start, the batch writes in this process.

    The batch writes native formulas only (they work in Excel, WPS and
    LibreOffice without Python; the UDFs are for formulas HR types). Returns ``(report, problems)``; the report
    has ``outputs``, ``summary``, ``agents``, ``seconds`` and ``month``.
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
    problems += [p for p in sp if p.is_error]
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
                    problems, t0, history)
    except OSError as exc:  # disk full, no permission …: every earlier output is still whole (atomic writes)
        problems.append(os_error_problem(exc))
        return report, problems
    finally:
        lock.release()


def _run(exports, scheme: Scheme, month, out: Path, manual, aliases, layout, jobs, progress, template, inputs,
         report, problems, t0, history_paths=()):
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
    typed, unread = read_previous(out, month)
    problems += unread
    for a, vals in typed.items():
        if a in figures:
            figures[a].update(vals)
            problems.append(Problem(f"沿用上次生成后手工填写的 {len(vals)} 个单元格：{'、'.join(vals)}",
                                    f"kept {len(vals)} hand-typed cells from the previous output", agent=a,
                                    severity=WARNING))
    history, found, more = find_history(out, month, history_paths, scheme)
    problems += more

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

    team, more = score_team(scheme, figures, month, history)
    problems += more
    if team.missing_history:
        problems.append(where_problem(found))
    stale = stale_problem(scheme, month, found)
    if stale is not None:
        problems.append(stale)
        report["stale"] = stale_months(scheme, month, found)
        report["stale_commands"] = [found.commands.get(m) for m in report["stale"]]

    # plans: every agent's sheet is planned where it is written (in the workers); the template's
    # problems (unknown placeholders) are the same for everyone, so the first agent's plan tells them
    label = str(template or f"{scheme.id}.xlsx")
    extras = {res.agent: _extra(scheme, res, figures[res.agent]) for res in team.agents}
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
    problems += keep_unreadable(unread, targets)

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

    write_summary(summary_path, scheme, team, figures, files, daily, problems,
                  command=regenerate_argv(exports, scheme.id, month, out, manual=manual, aliases=aliases, layout=layout,
                                          template=template, history=history_paths),
                  history_start=history.start)
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
