"""Many agents are written by worker processes (forked, or spawned for big teams); the workbooks are the same as written in one process."""

import errno
import shutil
import zipfile

import pytest

from tests.hostile import batchrun, files as files_

from cskpi_xl.workbook import agentbook, batch
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


# ---- which pool, and the 汇总 made beside forked workers -----------------------------------------------------


@pytest.mark.parametrize("n, method", [(0, None), (batch.PARALLEL_FROM - 1, None), (batch.PARALLEL_FROM, "fork"),
                                       (1000, "fork"), (batch.SPAWN_FROM - 1, "fork"), (batch.SPAWN_FROM, "spawn"),
                                       (5000, "spawn")])
def test_the_pool_by_size_where_fork_exists(monkeypatch, n, method):
    monkeypatch.setattr(batch.multiprocessing, "get_all_start_methods", lambda: ["fork", "spawn", "forkserver"])
    ctx = batch._pool_context(n)
    assert (ctx.get_start_method() if ctx is not None else None) == method


@pytest.mark.parametrize("n, method", [(batch.PARALLEL_FROM, None), (batch.SPAWN_PARALLEL_FROM - 1, None),
                                       (batch.SPAWN_PARALLEL_FROM, "spawn"), (1000, "spawn"), (5000, "spawn")])
def test_the_pool_by_size_where_only_spawn_exists(monkeypatch, n, method):
    """Windows (and macOS by choice) have no fork: the pool starts later, spawned."""
    monkeypatch.setattr(batch.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    ctx = batch._pool_context(n)
    assert (ctx.get_start_method() if ctx is not None else None) == method


def test_the_limits_keep_their_order():
    # fork for the mid-sized batches the README measures at 1,000 agents; spawn at 5,000 (memory)
    assert batch.PARALLEL_FROM < batch.SPAWN_PARALLEL_FROM < 1000 < batch.SPAWN_FROM <= 5000


def _order_of_making(monkeypatch):
    """Log when the 汇总 is made and when the batch starts collecting the workers' results."""
    log = []
    real_summary, real_progress = batch.summary_bytes, batch._progress
    monkeypatch.setattr(batch, "summary_bytes", lambda *a, **k: log.append("summary") or real_summary(*a, **k))

    def progress(it, total, enabled, desc):
        log.append("collect")
        return real_progress(it, total, enabled, desc)

    monkeypatch.setattr(batch, "_progress", progress)
    return log


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_the_summary_is_made_beside_forked_workers_with_the_same_bytes(tmp_path, monkeypatch, method):
    """Forked workers: the 汇总 is made while they write (spawned ones start by importing: after them),
    and it is the same file as made after them in one process, problems and all."""
    if method == "spawn":
        monkeypatch.setattr(batch, "SPAWN_FROM", PARALLEL_FROM)
    rows = [["客服昵称", "接待人数", "询单人数", "询单->最终付款人数", "销售额", "平均响应(秒)"]]
    rows += [[f"客服{i:03d}", 30 + i, 10, 3 if i % 9 else "三", 1000 + 7 * i, 20] for i in range(PARALLEL_FROM + 3)]
    export = files_.csv(tmp_path / "e_2026-10.csv", rows)
    out = tmp_path / "out"
    one, p1 = run_batch([export], "duoyi", "2026-10", out, progress=False, jobs=1)
    first = parts(one["summary"])
    shutil.rmtree(out)
    log = _order_of_making(monkeypatch)
    two, p2 = run_batch([export], "duoyi", "2026-10", out, progress=False, jobs=2)
    assert log == (["summary", "collect"] if method == "fork" else ["collect", "summary"])
    assert [p.message for p in p1] == [p.message for p in p2] and len(p2) >= 6  # the 问题 sheet has rows
    assert parts(two["summary"]) == first
    assert len(two["outputs"]) == PARALLEL_FROM + 3


def _fail_for(agent):
    real = agentbook.write_agent_book

    def write(task, sink=None):
        if task["agent"] == agent:
            raise OSError(errno.ENOSPC, "No space left on device", str(task["path"]))
        return real(task, sink)

    return write


def test_a_forked_workers_error_is_reported_and_no_summary_written(tmp_path, monkeypatch):
    """The 汇总 made beside the workers is written only once every agent's file is: a full disk in a
    worker is reported (in Chinese, with the file) and leaves no 汇总, as when it was made after them."""
    export = batchrun.export(tmp_path / "e_2026-10.csv", PARALLEL_FROM + 8)
    log = _order_of_making(monkeypatch)
    monkeypatch.setattr(agentbook, "write_agent_book", _fail_for("客服030"))  # forked workers inherit it
    report, problems = run_batch([export], "duoyi", "2026-10", tmp_path / "out", progress=False, jobs=2)
    assert log == ["summary", "collect"]  # it was made, beside the workers
    assert report["summary"] is None and not list((tmp_path / "out").glob("汇总*"))
    [p] = [p for p in problems if p.is_error]
    assert "磁盘空间不足" in p.message and "客服030.xlsx" in (p.file or "") + p.message
