"""The fill plan made from scratch, as ``plan_fill`` made it before plans shared their agent-independent parts.

The tests compare every plan the program makes with this one (the algorithm of main@b03b0d6, verbatim but
for the names it imports): nothing is cached here, every formula is built for the agent alone.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from openpyxl.utils import get_column_letter

from cskpi_xl.core.problems import Problem
from cskpi_xl.workbook import rulesheet
from cskpi_xl.workbook.registry import Source
from cskpi_xl.workbook.template import (
    COMMENT, PLACEHOLDER, REPEATS, CellWrite, FillPlan, RowInsert, Target, TemplateCell, _kind_format, _layout,
    _parsed, _display, _Resolver, _Slot, _split,
)
from cskpi_xl.workbook.xlformula import Emitter, cached, inputs_needed
from cskpi_xl.core.scheme import Scheme


def plan_fill_reference(template_cells: Iterable[TemplateCell], scheme: Scheme, team_result: Any, agent: str | Any, *,
              file: str | None = None, month: str | None = None, extra: dict[str, Any] | None = None,
              rules: bool = True, typed: Mapping[str, Any] | None = None) -> FillPlan:
    """The cell writes that fill a template for one agent.

    ``team_result`` is the core's :class:`~cskpi_xl.core.engine.TeamResult`;
    ``agent`` the agent's name (or its AgentResult). ``extra`` gives values
    the core does not hold (history: 连续奖励, 此前违规次数). With ``rules``
    (default) the plan also writes the 规则 sheet the formulas reference.
    ``typed`` are the agent's entries typed by a person (None: emptied on
    purpose): their input cells are marked as the person's.
    The plan's ``problems`` name every unknown placeholder.
    """
    typed = typed or {}
    result = agent if hasattr(agent, "items") and hasattr(agent, "agent") else team_result.agent(agent)
    name = result.agent
    month = month if month is not None else getattr(team_result, "month", None)
    problems: list[Problem] = []
    res = _Resolver(scheme, name, month)

    cells = list(template_cells)
    # repeat blocks: (sheet, row) → kind
    blocks: dict[tuple[str, int], str] = {}
    for c in cells:
        for _, ph in _parsed(c.text):
            if ph and ph[0].startswith("#"):
                kind = ph[0][1:].strip()
                col, row = _split(c.address)
                if kind in REPEATS:
                    blocks[(c.sheet, row)] = kind
                else:
                    problems.append(Problem(f"未知的重复标记「{{{{#{kind}}}}}」，可用：{{{{#项目}}}}、{{{{#数据}}}}",
                                            f"unknown repeat marker '{{{{#{kind}}}}}'", file=file, sheet=c.sheet, row=row,
                                            column=get_column_letter(col), value=c.text))
    data_names = inputs_needed(scheme)
    elements = {"项目": [it.name for it in scheme.items], "数据": data_names}

    def count(kind: str) -> int:
        return len(elements[kind])

    def shift(sheet: str, row: int) -> int:
        return sum(max(count(k), 1) - 1 for (sh, r), k in blocks.items() if sh == sheet and r < row)

    inserts: list[RowInsert] = []
    for (sh, r), k in sorted(blocks.items()):
        final = r + shift(sh, r)
        n = count(k)
        if n > 1:
            inserts.append(RowInsert(sh, final + 1, n - 1, final))

    slots: list[_Slot] = []
    for c in cells:
        col, row = _split(c.address)
        k = blocks.get((c.sheet, row))
        base = row + shift(c.sheet, row)
        if k is None:
            slots.append(_Slot(c.sheet, col, base, c.text))
            continue
        text = PLACEHOLDER.sub(lambda m: "" if m.group(1) else m.group(0), c.text)
        for i, el in enumerate(elements[k]):
            slots.append(_Slot(c.sheet, col, base + i, text, (k, el, i + 1)))
        if not elements[k]:
            slots.append(_Slot(c.sheet, col, base, ""))

    # pass 1: what each slot is, and where inputs and live formulas live
    resolved: list[tuple[_Slot, list]] = []
    placed: dict[str, tuple[str, str]] = {}
    emit0 = Emitter(scheme, rulesheet.RuleRefs(), result.metrics, result, extra)
    refs_cells, refs = _layout(scheme)
    emit0.refs = refs
    for sl in slots:
        parts = []
        for lit_text, ph in _parsed(sl.text):
            if ph is None:
                parts.append((lit_text, None))
                continue
            pname, is_value, is_formula = ph
            if pname.startswith("#"):
                continue
            t = res.resolve(pname, sl.context)
            if t is None:
                problems.append(Problem(f"未知的占位符「{{{{{pname}}}}}」", f"unknown placeholder '{{{{{pname}}}}}'", file=file,
                                        sheet=sl.sheet, row=sl.row, column=get_column_letter(sl.col), value=pname))
                parts.append(("{{" + ("=" if is_formula else "") + pname + "}}", None))
                continue
            parts.append(("", (t, is_formula)))
        resolved.append((sl, parts))
        only = [p for p in parts if p[1] is not None]
        if len(only) == 1 and all(not x[0] for x in parts if x[1] is None):
            t, is_formula = only[0][1]
            if t.has_static:
                continue
            if t.input or (is_formula and emit0.is_formula(t.key)):
                placed.setdefault(t.key, (sl.sheet, sl.address))

    agent_sheets = sorted({sl.sheet for sl in slots}, key=lambda s: [c.sheet for c in cells].index(s))
    emitters: dict[str, Emitter] = {}
    for sh in agent_sheets:
        local = {k: (a if s == sh else f"'{s}'!{a}") for k, (s, a) in placed.items()}
        emitters[sh] = Emitter(scheme, refs, result.metrics, result, extra, local)

    writes: list[CellWrite] = []
    for sl, parts in resolved:
        em = emitters[sl.sheet]
        only = [p for p in parts if p[1] is not None]
        plain = all(not x[0] for x in parts if x[1] is None)
        if not only:
            text = "".join(x[0] for x in parts)
            if text != sl.text or sl.context is not None:
                writes.append(CellWrite(sl.sheet, sl.address, text or None, text=bool(text)))
            continue
        if len(only) == 1 and plain:
            t, is_formula = only[0][1]
            w = _write_one(sl, t, is_formula, em, placed)
            if w.key is not None and w.key in typed:
                w.source = Source.CLEARED if typed[w.key] is None else Source.TYPED
            writes.append(w)
            continue
        out = []
        for lit_text, p in parts:
            if p is None:
                out.append(lit_text)
            else:
                t, _ = p
                v = t.static if t.has_static else em.value(t.key)
                out.append(_display(v, t.kind))
        writes.append(CellWrite(sl.sheet, sl.address, "".join(out), text=True,
                                anchor="agent" if any(p[1][0].key == "客服昵称" for p in only) else None))

    if rules:
        for rc in refs_cells:
            writes.append(CellWrite(rulesheet.SHEET, rc.address, rc.value, number_format=rc.number_format,
                                    text=isinstance(rc.value, str), style=rc.kind))
    return FillPlan(writes, inserts, problems, agent_sheets)


def _write_one(sl: _Slot, t: Target, is_formula: bool, em: Emitter, placed: dict) -> CellWrite:
    fmt = _kind_format(t.kind)
    if t.has_static:
        v = t.static
        anchor = "agent" if t.key == "客服昵称" else None
        return CellWrite(sl.sheet, sl.address, v, text=isinstance(v, str), number_format=fmt, anchor=anchor)
    if t.input:
        v = em.value(t.key) if not t.key.startswith("项目:") else None
        if t.key == COMMENT:
            v = em.raw(COMMENT)
        elif not t.key.startswith("项目:"):
            v = cached(em.raw(t.key))
        mine = placed.get(t.key) == (sl.sheet, sl.address)
        return CellWrite(sl.sheet, sl.address, v, text=isinstance(v, str), number_format=fmt, locked=False,
                         validation=t.validation, key=t.key if mine else None, item=t.item)
    v = em.value(t.key)
    f = em.formula(t.key) if is_formula else None
    if t.key.startswith("项目:") and t.key.endswith(":满分") and not is_formula:
        v = em.value(t.key)
    if f is None:
        return CellWrite(sl.sheet, sl.address, v, text=isinstance(v, str), number_format=fmt)
    return CellWrite(sl.sheet, sl.address, v, formula=f, number_format=fmt, what=t.key)
