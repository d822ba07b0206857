"""Reproducible synthetic data for the benchmarks (fixed seed).

* :func:`monthly_export` — a 赤兔名品 (Chitu) style monthly report with N agents,
  the same headers as ``samples/exports/自定义报表_客服绩效_下单优先判定_…xlsx``
  (聊天人数(原咨询人数), 接待人数, 询单人数, 询单->最终付款人数, 下单人数, 销售额,
  销售人数, 客服消息数, 买家消息数, 未回复人数, 首次响应(秒), 平均响应(秒) …),
  text formatted the way the platform formats it (``"36,000.00"``, ``"40.00%"``,
  ``"8分48秒"``), so the importer's cell parsers do real work.
* :func:`daily_export` — a Chitu daily report (日期 + 客服昵称 per row), 10,000 rows
  by default, spread over the 31 days of 2026-10.
* :func:`manual_inputs` — HR's manual inputs for the same agents (the columns the
  built-in schemes read: 不耐心次数, 冲突次数, 售后差评数, … 工龄年数, 计划销售额).

Every function takes a ``seed`` (default :data:`SEED`) and returns the path it
wrote; the same arguments always give byte-for-byte the same cell values.

    python bench/synth.py OUT_DIR --agents 1000 --daily-rows 10000
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SEED = 20261031
MONTH = "2026-10"
SHOPS = ("朵以旗舰店", "朵以家居店", "朵以母婴店", "朵以数码店")

MONTHLY_HEADERS = (
    "客服昵称", "聊天人数(原咨询人数)", "接待人数", "询单人数", "询单->最终付款人数", "询单->最终付款转化率",
    "下单人数", "总消息数", "买家消息数", "客服消息数", "答问比", "未回复人数", "回复率", "慢接待人数",
    "长接待人数", "首次响应(秒)", "平均响应(秒)", "平均接待时长", "销售额", "销售量", "销售人数", "客单价",
    "退款金额", "客户满意率",
)
DAILY_HEADERS = (
    "日期", "客服昵称", "聊天人数(原咨询人数)", "接待人数", "询单人数", "询单->最终付款人数", "下单人数",
    "未回复人数", "首次响应(秒)", "平均响应(秒)", "销售额", "销售人数", "销售量",
)
MANUAL_HEADERS = (
    "客服", "不耐心次数", "冲突次数", "售后差评数", "表扬次数", "被投诉次数", "违规次数", "迟到早退次数",
    "旷工次数", "迟到超30分钟次数", "工龄年数", "计划销售额",
)


def agent_names(n: int) -> list[str]:
    """``n`` distinct nicknames as Chitu exports them (``店铺:客服0001``)."""
    width = max(4, len(str(n)))
    return [f"{SHOPS[i % len(SHOPS)]}:客服{i + 1:0{width}d}" for i in range(n)]


def _money(x: float) -> str:
    return f"{x:,.2f}"


def _pct(x: float) -> str:
    return f"{x * 100:.2f}%"


def _month_row(rng: random.Random, name: str) -> list:
    consult = rng.randint(300, 2500)
    served = consult - rng.randint(0, max(1, consult // 20))
    inquiry = rng.randint(served // 3, max(served // 3 + 1, served * 2 // 3))
    ordered = rng.randint(inquiry // 4, max(inquiry // 4 + 1, inquiry // 2))
    paid = min(ordered, max(0, ordered - rng.randint(0, max(1, ordered // 10))))
    buyer_msgs = served * rng.randint(6, 14)
    agent_msgs = int(buyer_msgs * rng.uniform(1.1, 1.8))
    unreplied = rng.randint(0, 3)
    sales = round(paid * rng.uniform(60, 260), 2)
    qty = paid + rng.randint(0, paid // 2 + 1)
    refund = round(sales * rng.uniform(0, 0.06), 2)
    minutes, secs = rng.randint(3, 12), rng.randint(0, 59)
    return [
        name, consult, served, inquiry, paid, _pct(paid / inquiry if inquiry else 0), ordered,
        buyer_msgs + agent_msgs, buyer_msgs, agent_msgs, round(agent_msgs / buyer_msgs, 2), unreplied,
        _pct(1 - unreplied / served if served else 1), rng.randint(0, 30), rng.randint(0, 8),
        round(rng.uniform(5, 25), 1), round(rng.uniform(15, 45), 1), f"{minutes}分{secs}秒", _money(sales),
        qty, paid, round(sales / paid, 2) if paid else 0, refund,
        "延迟统计" if rng.random() < 0.02 else _pct(rng.uniform(0.9, 1.0)),
    ]


def _write(path: Path, sheet: str, headers, rows) -> Path:
    """Values only, streamed (openpyxl write-only), atomically enough for a temp dir."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(list(headers))
    for r in rows:
        ws.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def monthly_export(out_dir: str | Path, n_agents: int, *, seed: int = SEED) -> Path:
    """A Chitu monthly report for ``n_agents`` agents, written to ``out_dir``."""
    rng = random.Random(f"{seed}:monthly:{n_agents}")
    rows = [_month_row(rng, name) for name in agent_names(n_agents)]
    path = Path(out_dir) / f"自定义报表_客服绩效_{MONTH}-01至{MONTH}-31.xlsx"
    return _write(path, "客服绩效", MONTHLY_HEADERS, rows)


def daily_rows(n_rows: int = 10_000, *, seed: int = SEED) -> list[list]:
    """``n_rows`` daily rows: agents × 31 days (the last agent may have fewer days)."""
    rng = random.Random(f"{seed}:daily:{n_rows}")
    names = agent_names((n_rows + 30) // 31)
    rows = []
    for i in range(n_rows):
        name, day = names[i // 31], i % 31 + 1
        consult = rng.randint(10, 90)
        served = consult - rng.randint(0, 2)
        inquiry = rng.randint(served // 3, max(served // 3 + 1, served * 2 // 3))
        ordered = rng.randint(inquiry // 4, max(inquiry // 4 + 1, inquiry // 2))
        paid = max(0, ordered - rng.randint(0, 1))
        sales = round(paid * rng.uniform(60, 260), 2)
        rows.append([f"{MONTH}-{day:02d}", name, consult, served, inquiry, paid, ordered, rng.randint(0, 1),
                     round(rng.uniform(5, 25), 1), round(rng.uniform(15, 45), 1), _money(sales), paid,
                     paid + rng.randint(0, 3)])
    return rows


def daily_export(out_dir: str | Path, n_rows: int = 10_000, *, seed: int = SEED) -> Path:
    """A Chitu daily report with ``n_rows`` rows (one per agent and day)."""
    path = Path(out_dir) / f"自定义报表_客服绩效_按天_{MONTH}-01至{MONTH}-31.xlsx"
    return _write(path, "按天", DAILY_HEADERS, daily_rows(n_rows, seed=seed))


def manual_inputs(out_dir: str | Path, n_agents: int, *, seed: int = SEED) -> Path:
    """HR's manual inputs for the agents of :func:`monthly_export` (same names)."""
    rng = random.Random(f"{seed}:manual:{n_agents}")
    rows = []
    for name in agent_names(n_agents):
        rows.append([name, rng.randint(0, 3), int(rng.random() < 0.1), rng.randint(0, 2), rng.randint(0, 4),
                     int(rng.random() < 0.15), int(rng.random() < 0.03), rng.randint(0, 6),
                     int(rng.random() < 0.05), int(rng.random() < 0.05), rng.choice((0.5, 1, 1.5, 2, 3, 5)),
                     rng.choice((20000, 30000, 40000, 50000))])
    path = Path(out_dir) / "手工录入.xlsx"
    return _write(path, "手工录入", MANUAL_HEADERS, rows)


UDF_HEADERS = ("客服", "询单人数", "最终付款人数", "销售额", "平均响应时间", "询单转化率", "咨询转化率得分",
               "响应得分", "提成", "等级")


def udf_workbook(out_dir: str | Path, n_agents: int, *, seed: int = SEED) -> Path:
    """A workbook of ``n_agents`` rows whose formulas call the cskpi UDFs (5 calls per row).

    Inputs in B:E; F = CONVERSION_RATE, G/H = KPI_SCORE (咨询转化率, 平均响应时间 under
    duoyi), I = COMMISSION_TIER (standard), J = GRADE of the two scores' sum.
    """
    from openpyxl import Workbook

    rng = random.Random(f"{seed}:udf:{n_agents}")
    wb = Workbook()
    ws = wb.active
    ws.title = "客服"
    ws.append(list(UDF_HEADERS))
    for i, name in enumerate(agent_names(n_agents), start=2):
        inquiry = rng.randint(100, 900)
        paid = rng.randint(inquiry // 5, inquiry // 2)
        ws.append([name, inquiry, paid, round(paid * rng.uniform(60, 260), 2), round(rng.uniform(15, 45), 1),
                   f"=CONVERSION_RATE(C{i},B{i})", f'=KPI_SCORE("咨询转化率",F{i},"duoyi")',
                   f'=KPI_SCORE("平均响应时间",E{i},"duoyi")', f'=COMMISSION_TIER(D{i},"standard")',
                   f'=GRADE(G{i}+H{i}+40,"standard")'])
    path = Path(out_dir) / f"UDF_{n_agents}客服.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--agents", type=int, default=100)
    ap.add_argument("--daily-rows", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=SEED)
    a = ap.parse_args(argv)
    for p in (monthly_export(a.out_dir, a.agents, seed=a.seed), manual_inputs(a.out_dir, a.agents, seed=a.seed),
              daily_export(a.out_dir, a.daily_rows, seed=a.seed)):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
