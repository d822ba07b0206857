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
``DIR`` are read back (:func:`cskpi_xl.pipeline.read_previous`): every
entry a person typed (scores in rubric/appraiser columns, counts typed by
hand, the 主管评语 box), found by the defined name that moved with its cell,
is carried into the new sheet *and into the scoring*, marked as the
person's so any later run keeps it too. A file whose entries cannot be read
with certainty is kept as it is and the new one written beside it
(``小美.新.xlsx``), with the reason.
Inputs are never overwritten (an output path equal to an input is refused),
each file is written atomically (temp file + rename) and ``DIR`` is locked
against a second batch (:class:`~cskpi_xl.files.lock.FolderLock`).

Agent workbooks are written in parallel (one process per core) by
:func:`cskpi_xl.workbook.agentbook.write_agent_book`; the context every
agent's workbook shares (template, scheme, scored team) is handed to the
workers once, each task carries only the agent, its extras and the target path.
The 汇总 is made while forked workers write (this process would only wait) and
written after every agent's file is in place; a worker's error stops the batch
before it is written, as before.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import multiprocessing
import pickle
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from openpyxl import load_workbook

from cskpi_xl import pipeline
from cskpi_xl.workbook.rulesheet import SHEET as RULES_SHEET
from cskpi_xl.workbook.rulesread import clear_openpyxl, needs_reset, openpyxl_value_at
from cskpi_xl.core.schemefile import load_scheme
from cskpi_xl.core.problems import WARNING, Problem
from cskpi_xl.core.scheme import Scheme
from cskpi_xl.files.atomic import remove_stale_temps
from cskpi_xl.files.lock import FolderBusy, FolderLock
from cskpi_xl.files.names import NameSet, path_inside, safe_file_stem
from cskpi_xl.files.oserrors import os_error_problem
from cskpi_xl.workbook.agentbook import (_share, _share_pickled, shared_rules, write_agent_book, write_agent_books,
                                         write_one_book)
from cskpi_xl.workbook.builder import template_bytes
from cskpi_xl.workbook.template import read_template
from cskpi_xl.workbook.history import find_history, regenerate_argv, stale_months, stale_problem, where_problem
from cskpi_xl.workbook.save import save_bytes
from cskpi_xl.workbook.summary import SUMMARY, extra_figures, summary_bytes



# ---- one agent's workbook (runs in a worker process) ------------------------------------------------------------


#: From this many agents the workbooks are written by a pool of worker
#: processes; below, starting workers costs more than it saves. Workers are
#: forked (they start in milliseconds, with the parent's heap frozen for the
#: collector: :func:`_frozen`) below SPAWN_FROM agents, and spawned (fresh
#: interpreters, a quarter of a second or more each) from there on, where the
#: forked workers' share of the parent's heap of imported and scored data
#: counts against the memory target: the process tree's RSS sum reached
#: 185 MB at 1,000 agents and 252 MB at 2,000 forked, 384 MB at 5,000 forked
#: (257 MB spawned). Spawning is also all Windows has, so there the pool
#: starts at SPAWN_PARALLEL_FROM. With forked workers the 汇总 is made while
#: they write; spawned ones start by importing (the 汇总 beside them would
#: slow that) and at 5,000 agents its workbook beside them reached 299 MB.
PARALLEL_FROM = 50
SPAWN_FROM = 2000
SPAWN_PARALLEL_FROM = 200


@contextmanager
def _frozen():
    """The objects alive now moved out of the collector's reach for the block (:func:`gc.freeze`).

    The imported and scored month lives until the batch ends: walking it again at every full
    collection while the 汇总's cells pile up costs about a third of the 汇总's time at 5,000
    agents; and forked workers inherit it untouched by the collector, so its pages stay shared
    (reference counts still copy the pages a worker really uses).
    """
    already = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not already:  # someone else's freeze is theirs to undo
            gc.unfreeze()


def _pool_context(n: int):
    """The multiprocessing context for ``n`` agents, or None to write in this process."""
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if can_fork and PARALLEL_FROM <= n < SPAWN_FROM:
        return multiprocessing.get_context("fork")
    if n >= (SPAWN_FROM if can_fork else SPAWN_PARALLEL_FROM):
        return multiprocessing.get_context("spawn")
    return None


# ---- the batch --------------------------------------------------------------------------------------------------


def _progress(it, total: int, enabled: bool, desc: str):
    if not enabled:
        return it
    from cskpi_xl.progress import progress

    return progress(it, total, desc)


MONTH_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def run_batch(exports: Iterable[str | os.PathLike], scheme_id: str, month: str | None, out_dir: str | os.PathLike, *,
              manual: str | os.PathLike | None = None, aliases: str | os.PathLike | None = None,
              layout: str = "per-agent", jobs: int | None = None, progress: bool = True,
              template: str | os.PathLike | None = None,
              history: Sequence[str | os.PathLike] = (), public_sales: Any = None,
              team: Sequence[str] | Mapping[str, Any] | None = None) -> tuple[dict[str, Any], list[Problem]]:
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
        problems.append(exc.problem())
        return report, problems
    except OSError as exc:
        problems.append(os_error_problem(exc))
        return report, problems
    try:
        # a run killed mid-write (power cut, SIGKILL) may have left its temp files: nobody writes here now
        for folder in [out] + [d for d in out.iterdir() if d.is_dir() and MONTH_RE.fullmatch(d.name)]:
            remove_stale_temps(folder)
        return _run(exports, scheme, month, out, manual, aliases, layout, jobs, progress, template, inputs, report,
                    problems, t0, history, public_sales, team)
    except OSError as exc:  # disk full, no permission …: every earlier output is still whole (atomic writes)
        problems.append(os_error_problem(exc))
        return report, problems
    finally:
        lock.release()


def _shop_argv(public_sales: Any, team: Any) -> list[str]:
    """The ``--public-sales`` / ``--team`` options of the command kept in the 汇总 (to regenerate the month)."""
    argv = ["--public-sales", str(public_sales)] if public_sales is not None else []
    items = team.items() if isinstance(team, Mapping) else [(t, None) for t in team or ()]
    for k, v in items:
        argv += ["--team", k if v is None else f"{k}={v}"]
    return argv


def _run(exports, scheme: Scheme, month, out: Path, manual, aliases, layout, jobs, progress, template, inputs,
         report, problems, t0, history_paths=(), public_sales=None, team=None):
    # the template; HR's own may carry changed numbers on its 规则 sheet
    if template is not None:
        tbytes = Path(template).read_bytes()
    else:
        tbytes = template_bytes(scheme)
    twb = load_workbook(io.BytesIO(tbytes))
    tcells = read_template(twb)
    rule_sheets = [(openpyxl_value_at(twb), str(template))] if template is not None and RULES_SHEET in twb.sheetnames else []
    scheme, more = pipeline.load(scheme, rule_sheets)
    problems += more
    if rule_sheets and needs_reset(scheme, openpyxl_value_at(twb)):  # HR moved rows on 规则: write it afresh, nothing stale
        clear_openpyxl(twb)
        buf = io.BytesIO()
        twb.save(buf)
        tbytes = buf.getvalue()
    prev_box: list[pipeline.Previous] = []

    def typed(mo: str, agents: set[str]):
        own = (lambda a: (out / mo / f"{safe_file_stem(a, set())}.xlsx")) if layout == "per-agent" else \
            (lambda a: out / f"{safe_file_stem(f'{scheme.id}_{mo}', set())}.xlsx")
        prev = pipeline.read_previous(pipeline.previous_files(out, mo), mo, agents, aliases=aliases, own_file=own,
                                      scheme=scheme)
        prev_box.append(prev)
        return prev.typed

    found_box: list[tuple[Any, list[Problem]]] = []

    def earlier(mo: str):
        history, found, more = find_history(out, mo, history_paths, scheme)
        found_box.append((found, more))
        return history

    m, more = pipeline.score_month(scheme, exports, month=month, manual=manual, aliases=aliases, typed=typed,
                                   history=earlier, public_sales=public_sales, team=team)
    prev = prev_box[0] if prev_box else pipeline.Previous()
    problems += prev.problems + (found_box[0][1] if found_box else []) + more
    month = m.month
    if not month:
        problems.append(Problem("无法确定考核月份，请用 --month 指定（例如 2026-10）", "cannot tell the month; use --month"))
        return report, problems
    report["month"] = month
    if m.team is None:
        problems.append(Problem("导出文件中没有任何客服的数据", "no agent data in the exports"))
        return report, problems
    for a, vals in m.typed.items():
        if a in m.figures:
            problems.append(Problem(f"沿用上次生成后手工填写的 {len(vals)} 个单元格：{'、'.join(vals)}",
                                    f"kept {len(vals)} hand-typed cells from the previous output", agent=a,
                                    severity=WARNING))
    team_arg = team
    scheme, team, figures, daily, history = m.scheme, m.team, m.figures, m.daily, m.history
    found = found_box[0][0]
    if team.missing_history:
        problems.append(where_problem(found))
    stale = stale_problem(scheme, month, found)
    if stale is not None:
        problems.append(stale)
        report["stale"] = stale_months(scheme, month, found)
        report["stale_commands"] = [found.commands.get(m_) for m_ in report["stale"]]

    # plans: every agent's sheet is planned where it is written (in the workers); the template's
    # problems (unknown placeholders) are the same for everyone, so the first agent's plan tells them
    label = str(template or f"{scheme.id}.xlsx")
    extras = {res.agent: extra_figures(scheme, res, figures[res.agent]) for res in team.agents}
    first = team.agents[0]
    first_plan = pipeline.plan_agent(tcells, m, first, file=label, extra=extras[first.agent])
    problems += first_plan.problems

    # where each output goes
    taken = NameSet()
    tasks = []
    if layout == "per-agent":
        folder = out / month
        folder.mkdir(exist_ok=True)
        for res in team.agents:
            p = _writable(path_inside(folder, safe_file_stem(res.agent, taken), ".xlsx"), prev, problems, res.agent)
            tasks.append({"agent": res.agent, "result": res, "month": month, "path": p, "extra": extras[res.agent],
                          "daily": (daily[res.agent], scheme.daily.flag_ratio) if res.agent in daily else None})
        targets = [t["path"] for t in tasks]
    else:
        targets = [_writable(path_inside(out, safe_file_stem(f"{scheme.id}_{month}", taken), ".xlsx"), prev, problems)]
    summary_path = path_inside(out, safe_file_stem(f"{SUMMARY}_{month}", set()), ".xlsx")
    for t in targets + [summary_path]:  # path_inside gives resolved paths (links followed)
        if t in inputs:
            problems.append(Problem("输出文件与输入文件相同，已停止（不会覆盖输入）", "an output would overwrite an input; stopped",
                                    file=str(t)))
            return report, problems

    command = regenerate_argv(exports, scheme.id, month, out, manual=manual, aliases=aliases, layout=layout,
                              template=template, history=history_paths) + _shop_argv(public_sales, team_arg)
    made: list[bytes] = []  # the 汇总's bytes, once made

    def summary() -> None:
        """Make the 汇总 (every problem is known by now; nothing below adds one): written after every agent's file."""
        if not made:
            made.append(summary_bytes(scheme, team, figures, files, daily, problems, command=command,
                                      history_start=history.start))

    with _frozen():  # what lives now lives until the end: the collector need not walk it again and again
        if layout == "per-agent":
            files = {t["agent"]: t["path"].name for t in tasks}
            workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
            context = _pool_context(len(tasks)) if workers > 1 else None
            worker_template, rules_xml = shared_rules(tbytes, first_plan)
            # the workers need the scheme and the team's figures, not the imported rows; each task carries its
            # agent's result, so no worker holds the whole team (at 5,000 agents that is ~60 MB a worker)
            light = pipeline.Month(scheme, None, month, {}, {}, dataclasses.replace(team, agents=[]), {}, m.typed)
            shared = {"template": worker_template, "rules_xml": rules_xml, "tcells": tcells, "month": light, "file": label}
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
                        chunk = max(1, min(32, len(tasks) // (workers * 8)))
                        chunks = [tasks[i:i + chunk] for i in range(0, len(tasks), chunk)]
                        results = ex.map(write_agent_books, chunks)  # every chunk is handed over now
                        if not spawned:
                            summary()  # this process would only wait: make the 汇总 while the workers write
                        done = list(_progress((d for ds in results for d in ds), len(tasks), progress, "生成考核表"))
                except BrokenProcessPool:
                    # workers cannot start here (a script without a __main__ guard, code read from stdin):
                    # write in this process instead; every file is atomic, so redoing one is harmless
                    done = [(str(t["path"]), write_agent_book(t))
                            for t in _progress(tasks, len(tasks), progress, "生成考核表")]
            else:
                chunks = [tasks[i:i + 32] for i in range(0, len(tasks), 32)]
                done = list(_progress((d for ds in map(write_agent_books, chunks) for d in ds), len(tasks), progress,
                                      "生成考核表"))
            report["compiled"] = sum(1 for _, how in done if how == "compiled")
            done = [p for p, _ in done]
            report["outputs"] = done
        else:
            plans = {res.agent: pipeline.plan_agent(tcells, m, res, file=label, extra=extras[res.agent])
                     for res in team.agents}
            book = write_one_book(tbytes, tcells, scheme, team, plans, month, targets[0], daily, progress)
            report["outputs"] = [str(book)]
            files = {res.agent: targets[0].name for res in team.agents}

        summary()
    save_bytes(summary_path, made[0])
    report["summary"] = str(summary_path)
    report["agents"] = [res.agent for res in team.agents]
    report["seconds"] = round(time.perf_counter() - t0, 2)
    return report, problems


def _writable(path: Path, prev: pipeline.Previous, problems: list[Problem], agent: str | None = None) -> Path:
    """``path``, or the file beside it when ``path`` is a person's file that must be kept (see :class:`pipeline.Previous`)."""
    why = prev.keep.get(path)
    if why is None and path.exists() and not _ours(path):
        why = "不是本程序生成的表（没有登记表）"
    if why is None:
        return path
    new = pipeline.beside(path)
    problems.append(Problem(f"保留 {path.name}（{why}），新表写在 {new.name}",
                            f"{path.name} is kept ({why}); the new one is written to {new.name}", file=str(path),
                            agent=agent, severity=WARNING))
    return new


def _ours(path: Path) -> bool:
    """Whether ``path`` is an output of this program (it has the registry sheet)."""
    import zipfile

    from cskpi_xl.workbook.registry import REGISTRY

    try:
        with zipfile.ZipFile(path) as z:
            wbxml = z.read("xl/workbook.xml").decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - not a readable .xlsx: not ours
        return False
    return f'name="{REGISTRY}"' in wbxml


