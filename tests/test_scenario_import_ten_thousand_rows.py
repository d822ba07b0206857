"""A 10,000-row export imports whole (its speed is measured by bench/run.py, not asserted here)."""


def test_ten_thousand_rows(tmp_path):
    from cskpi_xl.importers import import_files

    lines = ["日期,客服昵称,接待人数,询单人数,询单->最终付款人数,平均响应(秒),平均接待时长,销售额,回复率"]
    for i in range(10_000):
        lines.append(f"2026-10-{i % 31 + 1:02d},店:客服{i // 31},38,20,7,30.5,8分48秒,\"1,234.50\",100.00%")
    f = tmp_path / "big.csv"
    f.write_text("\n".join(lines), encoding="utf-8")
    data, problems = import_files([f])
    assert problems == []
    assert sum(a.figures["接待人数"] for a in data.agents.values()) == 38 * 10_000
    assert len(data.agents) == -(-10_000 // 31)
