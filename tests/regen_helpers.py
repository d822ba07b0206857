"""Shared helpers of the regeneration tests: run a batch, type into an output as a person would, read totals."""

from __future__ import annotations

import glob
import hashlib
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from cskpi_xl.core.engine import score_team
from cskpi_xl.core.schemefile import builtin
from cskpi_xl.pipeline import figures_for, import_for
from cskpi_xl.workbook.batch import run_batch
from cskpi_xl.workbook.registry import INPUT_SOURCES, REGISTRY, Source

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = sorted(glob.glob(str(ROOT / "samples" / "exports" / "*")))
MANUAL = ROOT / "samples" / "manual" / "手工录入.xlsx"
ALIASES = ROOT / "samples" / "manual" / "别名表.csv"
MONTH = "2026-10"


def batch(out: Path, scheme: str, *, exports=None, layout: str = "per-agent", aliases=ALIASES, manual=MANUAL):
    report, problems = run_batch(exports or EXPORTS, scheme, MONTH, out, manual=manual, aliases=aliases,
                                 progress=False, jobs=1, layout=layout)
    assert report["summary"], [p.format() for p in problems if p.is_error]
    return report, problems


def _inputs(wb, agent: str | None = None) -> dict[str, tuple[str, str]]:
    out = {}
    for row in wb[REGISTRY].iter_rows(min_row=2, values_only=True):
        if row[6] in INPUT_SOURCES and (agent is None or row[0] == agent):
            out[row[4]] = (row[2], row[3])
    return out


def inputs(path: Path, agent: str | None = None) -> dict[str, tuple[str, str]]:
    """The input cells of an output as generated: ``{key: (sheet, cell)}`` (from the registry, as written)."""
    return _inputs(load_workbook(path), agent)


def agent_cell(path: Path, agent: str | None = None) -> tuple[str, str]:
    wb = load_workbook(path)
    for row in wb[REGISTRY].iter_rows(min_row=2, values_only=True):
        if row[6] == Source.AGENT and (agent is None or row[0] == agent):
            return row[2], row[3]
    raise KeyError(agent)


def type_into(path: Path, values: dict[str, object], agent: str | None = None) -> None:
    """Type ``values`` (None: clear) into the input cells of ``path`` with openpyxl, as a person would, and save."""
    wb = load_workbook(path)
    where = _inputs(wb, agent)
    for key, v in values.items():
        sheet, cell = where[key]
        wb[sheet][cell].value = v
    wb.save(path)


def read_inputs(path: Path, keys, agent: str | None = None) -> dict[str, object]:
    wb = load_workbook(path)
    where = _inputs(wb, agent)
    return {k: wb[where[k][0]][where[k][1]].value for k in keys}


def total(path: Path, sheet: str = "考核表"):
    """The cached 总分 of an agent sheet (the value every reader sees)."""
    ws = load_workbook(path, data_only=True)[sheet]
    for row in ws.iter_rows():
        if row[0].value == "总分":
            return next(c.value for c in reversed(row) if c.value is not None and c is not row[0])
    raise KeyError("总分")


def core_total(scheme_id: str, agent: str, typed: dict[str, object], exports=None):
    """The core's total for ``agent`` from the exports plus the values a person typed (None: cleared)."""
    scheme = builtin(scheme_id)
    data, _ = import_for(scheme, exports or EXPORTS, month=MONTH, manual=MANUAL, aliases=ALIASES)
    figures = figures_for(scheme, data)
    figures[agent].update(typed)
    team, _ = score_team(scheme, figures, MONTH)
    res = team.agent(agent)
    return res.total


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def as_number(v):
    if isinstance(v, Decimal):
        return float(v)
    return v


#: 小美's supervisor scores under employee_form (rubric 7/5/3/2/1 items and 0–10 scores), a comment and a count.
TYPED_EF = {"事项追踪进度(主管)": 8, "工作积极性(主管)": 9, "工作责任心(主管)": 5, "工作态度(主管)": 7,
            "团队意识(主管)": 3, "服从意识(主管)": 7, "主管评语": "本月表现稳定，注意回复速度。", "发错货次数": 2}
