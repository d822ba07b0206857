"""A 10,000-row export imports in about a second (generous bound for slow CI machines)."""

import time


def test_ten_thousand_rows(tmp_path):
    from cskpi_xl.importers import import_files

    lines = ["日期,客服昵称,接待人数,询单人数,询单->最终付款人数,平均响应(秒),平均接待时长,销售额,回复率"]
    for i in range(10_000):
        lines.append(f"2026-10-{i % 31 + 1:02d},店:客服{i // 31},38,20,7,30.5,8分48秒,\"1,234.50\",100.00%")
    f = tmp_path / "big.csv"
    f.write_text("\n".join(lines), encoding="utf-8")
    start = time.perf_counter()
    data, problems = import_files([f])
    elapsed = time.perf_counter() - start
    assert problems == []
    assert sum(a.figures["接待人数"] for a in data.agents.values()) == 38 * 10_000
    assert elapsed < 10, f"import took {elapsed:.2f} s"
