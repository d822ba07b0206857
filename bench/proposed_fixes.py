"""The fixes this benchmark proposes to code it does not own, applied as in-memory patches (measurement only).

``python bench/run.py --with-proposed-fixes`` adds a "batch + proposed fixes" row per size,
so the gain is measured in the same run as the rest. Each patch rewrites one
function's *current* source text (``inspect.getsource``) and re-executes it in
its own module; a patch whose old text is no longer there (the owner changed
or fixed the code) is skipped and reported as such. Nothing on disk changes.

Status: the owners adopted all five in commit f26e9c4 ("Batch speed (from the benchmark's
profiles)"), so on that code every patch reports "skipped (code changed)". The module stays
as the record of the measured fixes and for measuring older checkouts.

The fixes (see bench/README.md for the profiles that found them):

1. ``core/engine.py:score_team`` ranks by counting, for every agent, the agents
   with a higher total — O(n²): ~1.7 s of 2.1 s at 5,000 agents. Sort once and
   bisect: O(n log n), same competition ranks ("1224").
2. ``core/engine.py:TeamResult.ranking`` sorts with ``self.agents.index(a)`` in
   the key — O(n²) dataclass ``__eq__`` calls: 2.6 s per call at 5,000 agents,
   called twice by ``write_summary``. ``ranked`` is already in agent order and
   ``sorted`` is stable, so the key ``a.rank`` alone gives the same order.
3. ``workbook/batch.py:write_agent_book`` parses the template .xlsx again for
   every agent (``load_workbook``: ~29 ms, half of the per-agent time; 70 % of
   it in openpyxl's merged-cell border handling). Parse it once per process,
   keep the parsed workbook pickled, and ``pickle.loads`` a fresh copy per agent
   (~1.2 ms). Output is byte-identical (every part but docProps).
5. ``workbook/batch.py:_run`` forks the worker pool *after* importing, scoring and
   planning every agent, so each forked worker inherits the parent's whole heap
   and, as CPython's reference counting touches those pages, copies it: at
   5,000 agents the process tree peaks at ~1.8 GB (parent + 2 workers that each
   grew to the parent's size). Start the workers with the ``spawn`` context
   (fresh interpreters: the tasks are picklable by design), so the tree is the
   parent plus two small workers.
4. ``workbook/apply.py:apply_plan`` sets number format / RULE_STYLES / input
   fill cell by cell; each assignment hashes and compares openpyxl Border /
   Side / Color objects in ``IndexedList.add``. Cache the resulting style array
   per (style before, number format, style, locked) and copy it.
"""

from __future__ import annotations

import inspect
import io
import pickle
import textwrap
from copy import copy as _copy

APPLIED: dict[str, str] = {}


def _repatch(func, module, old: str, new: str, name: str, extra: dict | None = None) -> bool:
    src = textwrap.dedent(inspect.getsource(func))
    if old not in src:
        APPLIED[name] = "skipped (code changed)"
        return False
    ns = module.__dict__
    if extra:
        ns.update(extra)
    exec(compile(src.replace(old, new), inspect.getsourcefile(func), "exec"), ns)  # noqa: S102 - measured patch
    APPLIED[name] = "applied"
    return True


_TEMPLATES: dict[int, bytes] = {}


def _template_copy(template: bytes):
    """A fresh openpyxl workbook of ``template``: parsed once per process, copied by unpickling."""
    from openpyxl import load_workbook

    key = hash(template)
    pk = _TEMPLATES.get(key)
    if pk is None:
        pk = _TEMPLATES[key] = pickle.dumps(load_workbook(io.BytesIO(template)), protocol=pickle.HIGHEST_PROTOCOL)
    return pickle.loads(pk)


def enable() -> dict[str, str]:
    from cskpi_xl.core import engine
    from cskpi_xl.workbook import apply as A
    from cskpi_xl.workbook import batch as B

    # 1. score_team: O(n log n) competition ranking
    if _repatch(engine.score_team, engine,
                "    for r in scored:\n        r.rank = 1 + sum(1 for o in scored if o.total > r.total)\n",
                "    from bisect import bisect_right\n"
                "    _asc = sorted(r.total for r in scored)\n"
                "    for r in scored:\n        r.rank = 1 + len(_asc) - bisect_right(_asc, r.total)\n",
                "engine.score_team ranking (bisect)"):
        B.score_team = engine.score_team

    # 2. TeamResult.ranking without list.index
    src = inspect.getsource(engine.TeamResult.ranking)
    if "self.agents.index(a)" in src:
        def ranking(self):
            return sorted((a for a in self.agents if a.rank is not None), key=lambda a: a.rank)
        engine.TeamResult.ranking = ranking
        APPLIED["TeamResult.ranking (stable sort)"] = "applied"
    else:
        APPLIED["TeamResult.ranking (stable sort)"] = "skipped (code changed)"

    # 3. the template parsed once per process
    _repatch(B.write_agent_book, B,
             'wb = load_workbook(io.BytesIO(task["template"]))',
             'wb = _template_copy(task["template"])',
             "batch.write_agent_book template cache", {"_template_copy": _template_copy})

    # 4. style arrays cached in apply_plan
    old = ("        if w.number_format:\n            c.number_format = w.number_format\n"
           "        if w.style:\n            for attr, v in RULE_STYLES.get(w.style, {}).items():\n"
           "                setattr(c, attr, v)\n"
           "        if w.locked is False:\n            c.protection = Protection(locked=False)\n"
           "            c.fill = INPUT_FILL\n")
    new = ("        if w.number_format or w.style or w.locked is False:\n"
           "            _sk = (tuple(c._style), w.number_format, w.style, w.locked is False)\n"
           "            _hit = _style_cache.get(_sk)\n"
           "            if _hit is not None:\n                c._style = _copy(_hit)\n"
           "            else:\n"
           "                if w.number_format:\n                    c.number_format = w.number_format\n"
           "                if w.style:\n                    for attr, v in RULE_STYLES.get(w.style, {}).items():\n"
           "                        setattr(c, attr, v)\n"
           "                if w.locked is False:\n                    c.protection = Protection(locked=False)\n"
           "                    c.fill = INPUT_FILL\n"
           "                _style_cache[_sk] = _copy(c._style)\n")
    src = textwrap.dedent(inspect.getsource(A.apply_plan))
    if old in src and "    for w in plan:\n" in src:
        src = src.replace(old, new).replace("    for w in plan:\n", "    _style_cache = {}\n    for w in plan:\n", 1)
        A.__dict__["_copy"] = _copy
        exec(compile(src, inspect.getsourcefile(A.apply_plan), "exec"), A.__dict__)  # noqa: S102
        B.apply_plan = A.apply_plan
        APPLIED["apply.apply_plan style cache"] = "applied"
    else:
        APPLIED["apply.apply_plan style cache"] = "skipped (code changed)"
    # 5. workers that do not inherit the parent's heap
    if _repatch(B._run, B,
                "with ProcessPoolExecutor(max_workers=workers) as ex:",
                "with ProcessPoolExecutor(max_workers=workers, mp_context=__import__('multiprocessing')"
                ".get_context('spawn'), initializer=_proposed_fixes_enable) as ex:",
                "batch._run spawned workers", {"_proposed_fixes_enable": _enable_quiet}):
        pass
    return dict(APPLIED)


def _enable_quiet() -> None:
    """Initializer of a spawned batch worker: the same in-memory patches as the parent."""
    enable()
