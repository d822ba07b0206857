"""LibreOffice recalculates every formula we write and must get the value we cached.

For every built-in scheme: the demo batch (per-agent workbooks and the 汇总),
a second run after supervisors typed scores into the review/rubric columns
(so rubric, score, review and grade-cap formulas are exercised with real
inputs), the one-book layout, and the template filled for a sample agent.
Each output is recalculated with :func:`libreoffice.recalculate_many`; every
formula cell's recalculated value must equal the cached value (read both
with openpyxl ``data_only=True``).
"""

from __future__ import annotations

import glob
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin
from cskpi_xl.core.rules import Rubric, Score
from cskpi_xl.workbook import libreoffice
from cskpi_xl.workbook.registry import INPUT_SOURCES, REGISTRY
from cskpi_xl.workbook.batch import run_batch
from cskpi_xl.workbook.fill import fill_template

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = sorted(glob.glob(str(ROOT / "samples" / "exports" / "*")))
MANUAL = ROOT / "samples" / "manual" / "手工录入.xlsx"
ALIASES = ROOT / "samples" / "manual" / "别名表.csv"

pytestmark = pytest.mark.skipif(libreoffice.find_soffice() is None, reason="LibreOffice (soffice) not installed")


def type_scores(path: Path, scheme_id: str, seed: int) -> int:
    """Type a score into every hand-input cell of an agent workbook, as a supervisor would; returns how many."""
    scheme = builtin(scheme_id)
    wb = load_workbook(path)
    typed = 0
    for agent, month, sheet, cell, key, _, source, *_ in wb[REGISTRY].iter_rows(min_row=2, values_only=True):
        if source not in INPUT_SOURCES:
            continue
        item_name, _, column = key.partition("(")
        column = column.rstrip(")")
        try:
            it = scheme.item(item_name)
        except KeyError:
            continue
        vr = it.value_rule
        k = seed + typed
        if isinstance(vr, Rubric):
            value = vr.options[k % len(vr.options)].label
        elif isinstance(vr, Score):
            value = float(vr.high) - (k % 4)
        else:
            value = float(it.full) - (k % 3)
        if column in ("自评",):
            value = vr.options[(k + 1) % len(vr.options)].label if isinstance(vr, Rubric) else value
        if column in ("审核",) and k % 2:
            continue
        c = wb[sheet][cell]
        c.value = int(value) if isinstance(value, float) and value.is_integer() else value
        typed += 1
    wb.save(path)
    return typed


def compare(files: list[Path], stage: Path) -> tuple[int, list[str]]:
    staged = []
    stage.mkdir(parents=True, exist_ok=True)
    for i, f in enumerate(files):
        d = stage / f"{i:03d}_{f.parent.name}_{f.name}"
        shutil.copy(f, d)
        staged.append(d)
    outs = libreoffice.recalculate_many(staged, stage / "lo")
    n, bad = 0, []
    for f, o in zip(staged, outs):
        wf, wv, wl = load_workbook(f), load_workbook(f, data_only=True), load_workbook(o, data_only=True)
        for ws in wf.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and c.value.startswith("="):
                        n += 1
                        a, b = wv[ws.title][c.coordinate].value, wl[ws.title][c.coordinate].value
                        same = a == b or (a in (None, "") and b in (None, "")) or (
                            isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) < 1e-9 * max(1, abs(a)))
                        if not same:
                            bad.append(f"{f.name} {ws.title}!{c.coordinate}: cached {a!r} ≠ LibreOffice {b!r}  {c.value[:120]}")
    return n, bad


def test_every_formula_agrees_with_libreoffice(tmp_path):
    files: list[Path] = []
    for k, sid in enumerate(BUILTIN_IDS):
        out = tmp_path / sid
        report, problems = run_batch(EXPORTS, sid, "2026-10", out, manual=MANUAL, aliases=ALIASES, progress=False)
        assert report["summary"], [p.format() for p in problems if p.is_error]
        if builtin(sid).review is not None or any(it.value_rule for it in builtin(sid).items):
            for j, f in enumerate(sorted((out / "2026-10").glob("*.xlsx"))):
                type_scores(f, sid, seed=j + k)
            report, problems = run_batch(EXPORTS, sid, "2026-10", out, manual=MANUAL, aliases=ALIASES, progress=False)
            assert report["summary"]
        files += sorted((out / "2026-10").glob("*.xlsx")) + [Path(report["summary"])]
        # the template itself, filled for a sample agent
        filled, problems = fill_template(ROOT / "workbook_templates" / f"{sid}.xlsx", EXPORTS, "小美", "2026-10",
                                         out=tmp_path / f"filled_{sid}.xlsx", manual=MANUAL, aliases=ALIASES)
        assert filled is not None, [p.format() for p in problems]
        files.append(filled)
    one = tmp_path / "one"
    report, _ = run_batch(EXPORTS, "standard", "2026-10", one, manual=MANUAL, aliases=ALIASES, layout="one-book",
                          progress=False)
    files += [Path(p) for p in report["outputs"]]
    n, bad = compare(files, tmp_path / "stage")
    assert n > 2000
    assert not bad, "\n".join(bad[:30])
