"""A 1,000,000-row export: it imports completely, with every value right, in bounded memory.

The file is a 赤兔 daily export of 1,000,000 distinct account-days (32,259
accounts × 31 days, 72 MB), generated in a temp folder, imported in a fresh
subprocess whose peak resident memory (VmHWM) is measured.

Why 1.6 GB is the bound: the result itself is what has to stay in memory —
``MonthData`` keeps every account-day of the daily view (S10), about 1 KB
each (a dict of ten figures and their Decimals; 97 MB per 100,000 measured
with tracemalloc), so about 1 GB for this file. The importer streams the
CSV and merges rows per (account, day) as it reads, so on top of the result
it holds only the merge slots, which it frees while building the result:
measured peak 1.34 GB. Before streaming it kept the text, every row, every
record and the merge copies: 3.3 GB (and 74 s). 1.6 GB leaves ~20% for other
Python builds; a return to materialising everything fails the test.

Time is not asserted (speed is the benchmarks' business, bench/); the child's
600 s timeout only stops a hang.
"""

from __future__ import annotations

from decimal import Decimal

from hostile import files
from hostile.proc import run_measured

ROWS = 1_000_000
PEAK_MB_BOUND = 1600


def test_one_million_rows_stream_in_bounded_memory(tmp_path):
    f = files.big_csv(tmp_path / "自定义报表_客服绩效_按天_2026-10-01至2026-10-31.csv", ROWS)
    r = run_measured("""
        import time
        from cskpi_xl.importers import import_files
        t = time.perf_counter()
        data, problems = import_files([sys.argv[1]])
        seconds = time.perf_counter() - t
        agents = data.agents
        a = agents["店铺:客服000123"]
        last = agents["店铺:客服032258"]
        emit(seconds=seconds, month=data.month, agents=len(agents), problems=[p.format() for p in problems[:5]],
             total_received=sum(m.figures["接待人数"] for m in agents.values()),
             total_sales=str(sum(m.figures["销售额"] for m in agents.values())),
             a=[str(a.figures[k]) for k in ("接待人数", "询单人数", "最终付款人数", "销售额", "响应总秒数", "接待总秒数")],
             a_days=len(a.daily), a_day1=[str(a.daily[0][0]), str(a.daily[0][1]["回复率"])],
             last_days=len(last.daily))
    """, str(f), timeout=600)
    assert r["rc"] == 0, r["stderr"]
    out = r["out"]
    assert out["problems"] == [] and out["month"] == "2026-10"
    assert out["agents"] == -(-ROWS // 31) == 32259

    # every value, worked out from the generator
    assert out["total_received"] == sum(20 + i % 57 for i in range(ROWS))
    assert Decimal(out["total_sales"]) == sum(Decimal((i * 7919) % 2_000_000) / 100 for i in range(ROWS))
    rows = range(123 * 31, 124 * 31)
    avg = {i: Decimal(f"{15 + i % 40}.{i % 10}") for i in rows}
    assert out["a"] == [str(x) for x in (
        sum(20 + i % 57 for i in rows), sum(5 + i % 13 for i in rows), sum(i % 6 for i in rows),
        sum(Decimal((i * 7919) % 2_000_000) / 100 for i in rows),
        sum(avg[i] * (20 + i % 57) for i in rows),
        sum((60 * (i % 15) + i % 60) * (20 + i % 57) for i in rows))]
    assert out["a_days"] == 31 and out["a_day1"] == ["2026-10-01", str(Decimal(f"{90 + 3813 % 10}.{3813 % 100:02d}") / 100)]
    assert out["last_days"] == ROWS - 32258 * 31

    assert r["peak_mb"] < PEAK_MB_BOUND, r["peak_mb"]
