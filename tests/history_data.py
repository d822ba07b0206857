"""Month data for the history tests: Chitu monthly exports (the bench generator's headers) with hand-picked figures.

Under the ``standard`` scheme every item is at full marks except what the
figures below change, so each agent's total, grade and rank are known by hand:

- 指标完成率 30: no 计划销售额 → n/a → full marks 30;
- 询单转化率 25 ± 1 per point around 35%; 最终下单成功率 10 (下单人数 = 付款人数: 100%);
- 回复率 10 (未回复人数 0: 100%); 服务态度 15 (−3 per complaint); 工作纪律 10 (−5 per absence).

甲: 45/100 = 45% → 25 + 10 = 35 → total 30 + 35 + 10 + 10 + 15 + 10 = 110 → 卓越, rank 1.
乙: 40/100 = 40% → 30 → total 105 → 卓越, rank 2.
丙: 5/100 = 5% → 25 − 30 → floor 0; 1 complaint → 12; 2 absences → 0: total 30 + 0 + 10 + 10 + 12 + 0 = 62
    → 不及格 (below 65), rank 3.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synth import MONTHLY_HEADERS, _write

PAID = {"甲": 45, "乙": 40, "丙": 5}
MANUAL = {"甲": (0, 0), "乙": (0, 0), "丙": (1, 2)}  # (被投诉次数, 旷工次数)


def chitu_row(name: str, paid: int) -> list:
    sales = paid * 200
    return [name, 120, 110, 100, paid, f"{paid:.2f}%", paid, 1000, 500, 500, 1.0, 0, "100.00%", 0, 0, 10, 12,
            "5分0秒", f"{sales:,.2f}", paid, paid, 200, 0, "100.00%"]


def month_files(folder: Path, month: str, violations: dict[str, int] | None = None,
                paid: dict[str, int] | None = None) -> tuple[Path, Path]:
    """The month's export (``paid``: 询单->最终付款人数 per agent, default :data:`PAID`) and manual inputs in ``folder``."""
    export = _write(folder / f"自定义报表_客服绩效_下单优先判定_{month}-01至{month}-28.xlsx", "客服绩效", MONTHLY_HEADERS,
                    [chitu_row(n, p) for n, p in (paid or PAID).items()])
    manual = folder / f"手工录入_{month}.csv"
    rows = ["客服,被投诉次数,旷工次数,违规次数"]
    for n, (complaints, absent) in MANUAL.items():
        rows.append(f"{n},{complaints},{absent},{(violations or {}).get(n, 0)}")
    manual.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return export, manual
