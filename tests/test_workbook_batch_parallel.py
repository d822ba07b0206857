"""Many agents are written by worker processes (forked, or spawned for big teams); the workbooks are the same as written in one process."""

import zipfile

import pytest

from tests.hostile import batchrun

from cskpi_xl.workbook import batch
from cskpi_xl.workbook.batch import PARALLEL_FROM, run_batch


def parts(path):
    """Every part of an .xlsx but its timestamps (docProps)."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if not n.startswith("docProps/")}


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_parallel_equals_serial(tmp_path, monkeypatch, method):
    if method == "spawn":  # as for 1,000+ agents, without writing 1,000 workbooks
        monkeypatch.setattr(batch, "SPAWN_FROM", PARALLEL_FROM)
    used = []
    real = batch._pool_context
    monkeypatch.setattr(batch, "_pool_context", lambda n: used.append(real(n)) or used[-1])
    export = batchrun.export(tmp_path / "e_2026-10.csv", PARALLEL_FROM + 8)  # the pool starts at PARALLEL_FROM
    one, p1 = run_batch([export], "duoyi", "2026-10", tmp_path / "one", progress=False, jobs=1)
    two, p2 = run_batch([export], "duoyi", "2026-10", tmp_path / "two", progress=False, jobs=2)
    assert used[-1].get_start_method() == method
    assert len(one["outputs"]) == len(two["outputs"]) == PARALLEL_FROM + 8
    assert [p.message for p in p1] == [p.message for p in p2]
    for a, b in zip(sorted(one["outputs"]), sorted(two["outputs"])):
        assert parts(a) == parts(b)


def _cells(path):
    from openpyxl import load_workbook

    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                out[(ws.title, c.coordinate)] = (c.value, c.number_format, c.font.b, c.font.sz, c.fill.fgColor.rgb,
                                                 c.border.left.style, c.alignment.wrap_text, c.protection.locked)
        out[(ws.title, "merged")] = sorted(str(r) for r in ws.merged_cells.ranges)
        out[(ws.title, "widths")] = {k: d.width for k, d in ws.column_dimensions.items()}
        out[(ws.title, "print")] = (ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.sheet_state)
    return out


def test_the_shared_rules_sheet_equals_one_written_per_agent(tmp_path, monkeypatch):
    """The 规则 sheet serialized once and put into every file is the sheet each worker would have written."""
    export = batchrun.export(tmp_path / "e_2026-10.csv", 3)
    made = []
    real = batch.shared_rules
    monkeypatch.setattr(batch, "shared_rules", lambda tbytes, plan: made.append(real(tbytes, plan)) or made[-1])
    shared, _ = run_batch([export], "standard", "2026-10", tmp_path / "shared", progress=False, jobs=1)
    assert made and made[0][1] is not None and b"<sheetData>" in made[0][1]  # the sheet really was shared
    monkeypatch.setattr(batch, "shared_rules", lambda tbytes, plan: (tbytes, None))
    own, _ = run_batch([export], "standard", "2026-10", tmp_path / "own", progress=False, jobs=1)
    for a, b in zip(sorted(shared["outputs"]), sorted(own["outputs"])):
        assert _cells(a) == _cells(b)
