"""The benchmark harness runs end to end at a tiny size (no timing assertions: numbers are reported, not judged)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "bench" / "run.py"
sys.path.insert(0, str(ROOT / "bench"))

TABLE_HEADER = "| measurement | size | time (s) | ms / agent | peak MB | × floor | × same bytes | LO ÷ this | notes |"
TARGET_HEADER = "| target | wanted | measured | met |"


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _table(md: str, header: str) -> list[list[str]]:
    lines = md.splitlines()
    i = lines.index(header)
    assert lines[i + 1].startswith("|---")
    rows = []
    for line in lines[i + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    from cskpi_xl.workbook.libreoffice import find_soffice

    out = tmp_path_factory.mktemp("bench")
    record = out / "RESULTS.md"
    cmd = [sys.executable, str(RUN), "--quick", "--sizes", "5", "--daily-rows", "500", "--out", str(out),
           "--record", str(record), "--silent"]
    if find_soffice() is None:
        cmd.append("--no-libreoffice")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    md = (out / "latest.md").read_text(encoding="utf-8")
    data = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    return proc, md, data, record, find_soffice() is not None


def test_table_has_the_expected_rows_and_columns(bench_run):
    proc, md, data, record, _ = bench_run
    assert md in proc.stdout
    assert record.read_text(encoding="utf-8") == md
    assert md.startswith("# cskpi_xl benchmarks — ")
    assert "Machine: " in md and " cores, " in md and "GiB RAM" in md and "Python " in md
    rows = _table(md, TABLE_HEADER)
    assert all(len(r) == 9 for r in rows), rows
    names = [r[0] for r in rows]
    assert "import (daily xlsx)" in names
    assert any(n.startswith("score_team (") for n in names)
    assert "floor: openpyxl write-only, 1 process" in names
    assert any(n.startswith("floor: openpyxl normal, ") for n in names)
    assert not [r for r in rows if "FAILED" in r[8]], [r for r in rows if "FAILED" in r[8]]
    for r in rows:
        float(r[2].replace(",", ""))  # every row has a time
    assert len(data["rows"]) == len(rows)
    assert data["machine"]["nproc"] >= 1 and data["machine"]["python"]
    targets = _table(md, TARGET_HEADER)
    assert all(len(t) == 4 and t[3] in ("yes", "NO", "—") for t in targets)
    assert any(t[0].startswith("import of a 10,000-row export") for t in targets)


def test_batch_rows_and_baselines(bench_run):
    _, md, data, _, soffice = bench_run
    sys.path.insert(0, str(ROOT / "bench"))
    import run  # noqa: PLC0415 - bench/run.py

    assert run.have_batch()
    rows = {(r[0], r[1]): r for r in _table(md, TABLE_HEADER)}
    batch = rows[("batch (import→score→sheets→汇总)", "5 agents")]
    assert batch[5].endswith("×")  # ratio against the floor
    assert batch[6].endswith("×")  # ratio against the same-bytes floor
    assert "ASSUMED" not in rows[("floor: openpyxl write-only, 1 process", "5 agents")][8]
    same = [r for (name, size), r in rows.items() if name.startswith("floor: same bytes, ") and size == "5 agents"]
    assert len(same) == 1 and "6 output files" in same[0][8]  # 5 agents + 汇总
    assert float(batch[6].rstrip("×")) == pytest.approx(float(batch[2]) / float(same[0][2]), rel=0.05)
    if soffice:
        assert ("LibreOffice headless recalculation", "5 agents") in rows
        assert batch[7].endswith("×")
    targets = [t[0] for t in _table(md, TARGET_HEADER)]
    assert any(t.startswith("batch within 2× the floor") for t in targets)
    assert "batch within 3× the same-bytes floor, 5 agents" in targets


def test_single_agent_rows(bench_run):
    _, md, _, _, _ = bench_run
    rows = {r[0]: r for r in _table(md, TABLE_HEADER)}
    fill = rows["single agent: cskpi fill (CLI, child process)"]
    button = rows["single agent: 填充本表 button (xlbutton.fill_this, child process)"]
    for r in (fill, button):
        assert r[1] == "1 agent (export of 5)" and float(r[2]) > 0
        assert float(r[3].replace(",", "")) == pytest.approx(float(r[2]) * 1000, rel=0.01)  # ms
    assert "Python start" in fill[8] and "import xlwings" in button[8]
    targets = [t[0] for t in _table(md, TARGET_HEADER)]
    assert "single agent: cskpi fill, click to saved file" in targets
    assert "single agent: 填充本表 button, click to filled sheet" in targets


def test_udf_rows(bench_run):
    _, md, _, _, _ = bench_run
    names = [r[0] for r in _table(md, TABLE_HEADER)]
    assert any(n.startswith("UDF KPI_SCORE") for n in names)
    assert any(n.startswith("cskpi calc") for n in names)
    assert any(n.startswith("excel.calc: compile once") for n in names)
    assert any(n.startswith("excel.calc: compile each cell alone") for n in names)


def test_synthetic_data_is_reproducible(tmp_path):
    import synth

    a = synth.daily_rows(200)
    assert a == synth.daily_rows(200)
    assert len(a) == 200 and len({r[1] for r in a}) == 7
    p = synth.monthly_export(tmp_path, 12)
    from cskpi_xl.importers import import_files

    data, problems = import_files([p], manual=synth.manual_inputs(tmp_path, 12))
    assert len(data.agents) == 12
    assert not [x for x in problems if x.severity == "error"]
