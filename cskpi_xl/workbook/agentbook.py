"""Writing agents' workbooks: one file per agent (the batch's workers) or one book with a sheet per agent.

- :func:`write_agent_book` — one agent's workbook: the plan made from the
  batch's shared context (:func:`_share`), written from the template compiled
  once per batch (:mod:`cskpi_xl.workbook.save.compiled`), or applied to a copy
  of the template (:func:`template_copy`) where it cannot be; saved
  atomically. :func:`write_agent_books` writes a chunk of agents, their files
  by a few threads at once. They run in a worker process of
  :mod:`cskpi_xl.workbook.batch`, or in the batch's own process for a few agents;
- :func:`shared_rules` — the 规则 sheet, the same in every agent's file,
  serialized once;
- :func:`write_one_book` — the one-book layout: copies of the template's agent
  sheets, one set per agent, sharing one 规则 sheet.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path
from typing import Any, Mapping

from openpyxl import load_workbook

from cskpi_xl import pipeline
from cskpi_xl.core.engine import TeamResult
from cskpi_xl.core.scheme import Scheme
from cskpi_xl.files.names import NameSet, safe_sheet_name
from cskpi_xl.workbook.apply import apply_plan
from cskpi_xl.workbook.rulesheet import SHEET as RULES_SHEET
from cskpi_xl.workbook.save import cached, save_workbook, workbook_bytes, workbook_parts
from cskpi_xl.workbook.summary import DAILY_SHEET, SUMMARY, add_daily_sheet
from cskpi_xl.workbook.template import RESERVED_SHEETS, FillPlan, TemplateCell


_TEMPLATES: dict[bytes, bytes] = {}


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


#: Agents' workbooks are written from the template compiled once per batch
#: (:mod:`cskpi_xl.workbook.save.compiled`: the same bytes, an agent costs its
#: values); False writes every one through openpyxl (the tests compare both).
COMPILED = True


def _writer(sink=None):
    """This process's compiled writer for the batch in :data:`_SHARED` (made on first use)."""
    from cskpi_xl.workbook.save import save_bytes
    from cskpi_xl.workbook.save.compiled import Writer

    w = _SHARED.get("writer")
    if w is None:
        rules_xml, template = _SHARED.get("rules_xml"), _SHARED["template"]
        w = _SHARED["writer"] = Writer(lambda: template_copy(template),
                                       {RULES_SHEET: rules_xml} if rules_xml is not None else None)
    w.sink = sink or save_bytes
    return w


def write_agent_book(task: dict, sink=None) -> str:
    """Worker: plan the agent's sheet from the shared context and write it (atomically); returns how.

    ``compiled`` (from the compiled template) or ``ordinary`` (openpyxl: a
    template copy, the plan applied, saved) — the same bytes either way.
    ``sink(path, data)`` writes the file (default: at once).
    """
    sh = _SHARED
    rules_xml = sh.get("rules_xml")
    m: pipeline.Month = sh["month"]
    res = task.get("result") or m.team.agent(task["agent"])
    plan = pipeline.plan_agent(sh["tcells"], m, res, file=sh["file"], extra=task["extra"], rules=rules_xml is None)
    if COMPILED and task.get("daily") is None:
        return _writer(sink).write(plan, task["path"], task["agent"], task["month"])

    def daily_sheet(wb, values) -> None:
        if task.get("daily") is not None:
            pts, ratio = task["daily"]
            values[DAILY_SHEET] = add_daily_sheet(wb, DAILY_SHEET, pts, ratio, f"{task['agent']} 每日咨询与下单")

    pipeline.write_book(template_copy(sh["template"]), plan, task["path"], agent=task["agent"], month=task["month"],
                        before_save=daily_sheet, sheets={RULES_SHEET: rules_xml} if rules_xml is not None else None)
    return "ordinary"


def write_agent_books(tasks: list[dict]) -> list[tuple[str, str]]:
    """Worker: :func:`write_agent_book` for a chunk of agents, their files written by a few threads at once.

    Returns ``(path, how)`` per task once every file of the chunk is in
    place; raises the first write error.
    """
    from cskpi_xl.workbook.save import Durable

    sink = Durable()
    try:
        done = [(str(t["path"]), write_agent_book(t, sink)) for t in tasks]
    finally:
        sink.close()
    return done


def shared_rules(tbytes: bytes, first_plan: FillPlan) -> tuple[bytes, bytes | None]:
    """The 规则 sheet is the same in every agent's workbook: serialize it once.

    Returns the template for the workers (its 规则 sheet emptied, every style
    the sheet uses already in its style table, so indices match) and the
    sheet's XML to put into each file; ``(tbytes, None)`` when the sheet cannot
    stand alone, and the workers then write it themselves.
    """
    base = load_workbook(io.BytesIO(tbytes))
    apply_plan(base, FillPlan([w for w in first_plan if w.sheet == RULES_SHEET]), protect=False)
    xml = cached.sheet_xml(workbook_parts(base), RULES_SHEET)
    if xml is None:
        return tbytes, None
    base[RULES_SHEET]._cells.clear()  # the styles stay in the workbook's style table, in the same order
    return workbook_bytes(base), xml


def write_one_book(tbytes: bytes, tcells: list[TemplateCell], scheme: Scheme, team: TeamResult,
                   plans: Mapping[str, FillPlan], month: str, path: Path, daily: Mapping[str, list], progress: bool) -> Path:
    """One workbook, a sheet per agent (copies of the template's agent sheets), sharing one 规则 sheet."""
    wb = load_workbook(io.BytesIO(tbytes))
    agent_sheets = sorted({c.sheet for c in tcells}, key=[c.sheet for c in tcells].index)
    taken = NameSet(set(wb.sheetnames) | {SUMMARY})
    values: dict[str, dict[str, Any]] = {}
    sources = {s: wb[s] for s in agent_sheets}
    agents: Any = team.agents
    if progress:
        from cskpi_xl.progress import progress as shown

        agents = shown(agents, len(agents), "生成考核表")
    for res in agents:
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
    made = {n for m in [values] for n in m} | {ws.title for ws in wb.worksheets if ws.title not in RESERVED_SHEETS}
    wb._sheets.sort(key=lambda ws: 0 if ws.title in made else 1)
    wb.active = 0
    save_workbook(wb, path, values)
    return path
