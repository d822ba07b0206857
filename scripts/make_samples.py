"""Generate the sample platform exports and HR inputs for October 2026.

    python scripts/make_samples.py            # writes samples/exports/ and samples/manual/

Deterministic: a fixed random seed, and the timestamps inside the .xlsx files
are pinned, so running it again gives byte-identical files. The samples are
small (KB) and committed: they are what HR would have on disk.

Team (8 people) and their accounts — the alias map ``samples/manual/别名表.csv``
joins them:

* 赤兔名品 monthly custom report (旗舰店): 朵以旗舰店:小美, 阿杰, 糖糖, 阿福, 小鱼
* 赤兔名品 daily form (家居店): 朵以家居店:小王, 朵以家居店:大熊; its late
  re-export ``..._补数.xlsx`` carries the final conversion figures of 10-25..10-31
* 千牛 API daily CSV in GBK (母婴店): 朵以母婴店:晓晓, 朵以母婴店:小鱼
* 京东 (xlsx): 阿杰_jd, 小王_jd
* 拼多多 (.xls, written with xlwt): pdd_糖糖, pdd_晓晓
* 抖音飞鸽 (CSV, UTF-8 with BOM): 大熊-飞鸽, 阿福-飞鸽

The first data row of every file has fixed, hand-picked values (the tests
assert them); the other rows are random but reproducible.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ROOT / "samples" / "exports"
MANUAL = ROOT / "samples" / "manual"
SEED = 20261031
MONTH = "2026-10"  # the month the samples cover (the 月份 column of the manual inputs)
FIXED_TIME = (2026, 11, 1, 9, 0, 0)
DAYS = [dt.date(2026, 10, d) for d in range(1, 32)]

CHITU_MONTHLY = "自定义报表_客服绩效_下单优先判定_2026-10-01至2026-10-31.xlsx"
CHITU_DAILY = "自定义报表_客服绩效_按天_2026-10-01至2026-10-31.xlsx"
CHITU_LATE = "自定义报表_客服绩效_按天_2026-10-01至2026-10-31_补数.xlsx"
QIANNU_API = "千牛_客服接待_接口_2026-10.csv"
JD = "京东客服绩效_2026-10.xlsx"
PDD = "拼多多客服数据_2026-10-01至2026-10-31.xls"
DOUYIN = "抖音飞鸽_客服数据_2026-10-01至2026-10-31.csv"


def money(x: float) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def pct(x: float) -> str:
    return f"{x * 100:.2f}%"


def save_xlsx(wb: openpyxl.Workbook, path: Path) -> None:
    """Save with pinned timestamps (zip entries and docProps/core.xml)."""
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2026-11-01T09:00:00Z", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, data)
    path.write_bytes(out.getvalue())


def write_csv(path: Path, rows: list[list], encoding: str) -> None:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))


# ---------------------------------------------------------------- 赤兔 monthly

CHITU_HEADERS = ["客服昵称", "聊天人数(原咨询人数)", "接待人数", "询单人数", "询单->最终付款人数", "询单->最终付款转化率",
                 "总消息数", "买家消息数", "客服消息数", "答问比", "未回复人数", "回复率", "慢接待人数", "长接待人数",
                 "首次响应(秒)", "平均响应(秒)", "平均接待时长", "销售额", "销售量", "销售人数", "客单价", "退款金额",
                 "客户满意率"]


def chitu_monthly(rng: random.Random) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客服绩效"
    ws.append(CHITU_HEADERS)
    # fixed first row: "100.00%" as text, "8分48秒", thousands separators, 延迟统计
    ws.append(["朵以旗舰店:小美", 1200, 1150, 600, 240, "40.00%", 30000, 12000, 18000, 1.5, 0, "100.00%", 12, 3,
               12.5, 28.3, "8分48秒", "36,000.00", 300, 250, 144, 1200.5, "延迟统计"])
    # second row: 回复率 as the number 1.0 right under "100.00%"
    ws.append(["阿杰", 900, 880, 450, 153, "34.00%", 21000, 9000, 12600, 1.4, 0, 1.0, 20, 5,
               15, 33, "9分5秒", "19,890.00", 170, 153, 130, 800, "96.50%"])
    for nick in ("糖糖", "阿福", "小鱼"):
        chat = rng.randint(500, 1300)
        served = chat - rng.randint(5, 30)
        inquiry = int(served * rng.uniform(0.4, 0.6))
        paid = int(inquiry * rng.uniform(0.28, 0.45))
        buyers = paid + rng.randint(0, 10)
        sales = money(buyers * rng.uniform(90, 160))
        buyer_msgs = served * rng.randint(8, 12)
        agent_msgs = int(buyer_msgs * rng.uniform(1.1, 1.7))
        unanswered = rng.randint(0, 3)
        secs = rng.randint(240, 720)
        ws.append([nick, chat, served, inquiry, paid, pct(paid / inquiry), buyer_msgs + agent_msgs, buyer_msgs,
                   agent_msgs, round(agent_msgs / buyer_msgs, 2), unanswered, pct((served - unanswered) / served),
                   rng.randint(5, 40), rng.randint(0, 8), round(rng.uniform(8, 20), 1), round(rng.uniform(20, 45), 1),
                   f"{secs // 60}分{secs % 60}秒", f"{sales:,}", buyers + rng.randint(0, 40), buyers,
                   float((sales / buyers).quantize(Decimal("0.01"))), money(rng.uniform(0, 1500)),
                   pct(rng.uniform(0.9, 1.0))])
    data = list(ws.iter_rows(min_row=2, values_only=True))
    total = ["汇总"] + [sum(r[i] for r in data) if all(isinstance(r[i], int) for r in data) else "-"
                       for i in range(1, len(CHITU_HEADERS))]
    mean = ["均值"] + [round(t / len(data), 2) if isinstance(t, int) else "-" for t in total[1:]]
    ws.append(total)
    ws.append(mean)
    save_xlsx(wb, EXPORTS / CHITU_MONTHLY)


# ---------------------------------------------------------------- 赤兔 daily + 补数

DAILY_HEADERS = ["日期", "客服昵称", "聊天人数(原咨询人数)", "接待人数", "询单人数", "询单->最终付款人数", "未回复人数",
                 "首次响应(秒)", "平均响应(秒)", "销售额", "销售人数", "销售量"]
LATE_DAYS = DAYS[-7:]


def chitu_daily(rng: random.Random) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "按天"
    ws.append(DAILY_HEADERS)
    late = openpyxl.Workbook()
    lws = late.active
    lws.title = "按天"
    lws.append(["日期", "客服昵称", "询单人数", "询单->最终付款人数", "销售额", "销售人数", "销售量"])
    for nick in ("朵以家居店:小王", "朵以家居店:大熊"):
        for day in DAYS:
            if nick.endswith("小王") and day.day == 1:  # fixed first row
                chat, served, inquiry, paid, unanswered, first, avg, buyers = 12, 10, 8, 3, 0, 9.5, 20, 3
                sales, units = Decimal("300.00"), 4
            elif nick.endswith("小王") and day.day == 2:
                chat, served, inquiry, paid, unanswered, first, avg, buyers = 33, 30, 20, 6, 1, 12, 40, 6
                sales, units = Decimal("720.00"), 7
            else:
                promo = 3 if day.day == 11 else 1  # a promotion day: traffic up, orders not
                chat = rng.randint(20, 45) * promo
                served = chat - rng.randint(0, 3)
                inquiry = int(served * rng.uniform(0.4, 0.6))
                paid = int(inquiry * rng.uniform(0.3, 0.45) / promo)
                unanswered = rng.randint(0, 1)
                first, avg = round(rng.uniform(6, 20), 1), round(rng.uniform(15, 45), 1)
                buyers = paid
                sales = money(buyers * rng.uniform(80, 160))
                units = buyers + rng.randint(0, 3)
            final_paid, final_sales, final_buyers, final_units = paid, sales, buyers, units
            if day in LATE_DAYS:
                # exported on Nov 1: the 7-day payment window is still open
                final_paid = paid
                paid = max(0, paid - rng.randint(1, 3))
                buyers, final_buyers = paid, final_paid
                final_sales = sales
                sales = money(float(sales) * paid / final_paid) if final_paid else Decimal("0.00")
                final_units, units = units, max(paid, units - 2)
                lws.append([day.isoformat(), nick, inquiry, final_paid, final_sales, final_buyers, final_units])
            ws.append([day.isoformat(), nick, chat, served, inquiry, paid, unanswered, first, avg, sales, buyers, units])
    ws.append(["合计"] + [""] * (len(DAILY_HEADERS) - 1))
    save_xlsx(wb, EXPORTS / CHITU_DAILY)
    save_xlsx(late, EXPORTS / CHITU_LATE)


# ---------------------------------------------------------------- 千牛 API (GBK CSV)

def qianniu_api(rng: random.Random) -> None:
    rows = [["日期", "旺旺昵称", "询单人数", "下单人数", "询单->最终付款人数", "净销售额", "首次响应总耗时(s)", "首次响应人数",
             "人工接待会话量", "平均响应时长", "3分钟人工响应率"]]
    for nick in ("朵以母婴店:晓晓", "朵以母婴店:小鱼"):
        for day in DAYS:
            if nick.endswith("晓晓") and day.day == 1:
                rows.append(["20261001", nick, 40, 18, 15, "1,234.50", 480, 40, 42, 22.5, "98.00%"])
                continue
            sessions = rng.randint(25, 60)
            firsts = sessions - rng.randint(0, 3)
            inquiry = int(sessions * rng.uniform(0.4, 0.7))
            orders = int(inquiry * rng.uniform(0.3, 0.5))
            paid = orders - rng.randint(0, min(orders, 3))
            sales = money(paid * rng.uniform(60, 200))
            first_total = int(firsts * rng.uniform(6, 18))
            avg = "-" if day.day == 15 else round(rng.uniform(15, 40), 1)
            rows.append([day.strftime("%Y%m%d"), nick, inquiry, orders, paid, f"{sales:,}", first_total, firsts, sessions,
                         avg, pct(rng.uniform(0.9, 1.0))])
    write_csv(EXPORTS / QIANNU_API, rows, "gbk")


# ---------------------------------------------------------------- 京东 xlsx

def jd(rng: random.Random) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客服工作量"
    ws.append(["京东咚咚客服工作量统计（2026-10-01~2026-10-31）"])
    ws.append(["客服", "接待量", "售前接待人数", "促成下单人数", "促成下单商品金额", "首次平均响应时间",
               "平均响应时长（新）", "30s应答率", "好评量", "评价量"])
    ws.append(["阿杰_jd", 300, 200, 60, "9,000.00", 10, 25, "95.00%", 45, 50])
    nick = "小王_jd"
    served = rng.randint(200, 400)
    pre = int(served * 0.7)
    orders = int(pre * rng.uniform(0.25, 0.4))
    reviews = rng.randint(30, 60)
    ws.append([nick, served, pre, orders, float(money(orders * rng.uniform(100, 200))), round(rng.uniform(8, 15), 1),
               round(rng.uniform(20, 40), 1), pct(rng.uniform(0.85, 1)), reviews - rng.randint(0, 5), reviews])
    ws.append(["合计", "", "", "", "", "", "", "", "", ""])
    save_xlsx(wb, EXPORTS / JD)


# ---------------------------------------------------------------- 拼多多 .xls

PDD_HEADERS = ["客服账号", "咨询人数", "询单人数", "最终成团人数", "询单转化率", "客服销售额（元）",
               "3分钟人工回复率(8-23点)", "30秒应答率(8-23点)", "平均人工响应时长", "投诉数"]


def pdd(rng: random.Random) -> None:
    import xlwt  # dev-time only: `pip install xlwt`; the generated .xls is committed

    rows = [PDD_HEADERS, ["pdd_糖糖", 500, 300, 90, "30.00%", 8100.0, "99.00%", "90.00%", 18, 1]]
    consult = rng.randint(300, 700)
    inquiry = int(consult * 0.6)
    paid = int(inquiry * rng.uniform(0.25, 0.4))
    rows.append(["pdd_晓晓", consult, inquiry, paid, pct(paid / inquiry), float(money(paid * rng.uniform(50, 120))),
                 pct(rng.uniform(0.9, 1)), pct(rng.uniform(0.8, 1)), round(rng.uniform(10, 30), 1), rng.randint(0, 2)])
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("客服数据")
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            sheet.write(i, j, v)
    buf = io.BytesIO()
    book.save(buf)
    (EXPORTS / PDD).write_bytes(buf.getvalue())


# ---------------------------------------------------------------- 抖音飞鸽 CSV (UTF-8 BOM)

def douyin(rng: random.Random) -> None:
    rows = [["客服账号", "人工已接待人数", "询单人数", "下单人数", "支付人数", "询单转化率", "客服销售额（元）",
             "首次响应时长（秒）", "平均响应时长（秒）", "满意率", "3分钟人工回复率(会话)"],
            ["大熊-飞鸽", 400, 250, 100, 80, "32.00%", "12,000.00", 8, 20, "97.50%", "99.00%"]]
    served = rng.randint(300, 600)
    inquiry = int(served * 0.6)
    orders = int(inquiry * 0.4)
    paid = int(orders * 0.8)
    rows.append(["阿福-飞鸽", served, inquiry, orders, paid, pct(paid / inquiry), f"{money(paid * rng.uniform(80, 150)):,}",
                 round(rng.uniform(5, 15), 1), round(rng.uniform(15, 35), 1), pct(rng.uniform(0.9, 1)),
                 pct(rng.uniform(0.9, 1))])
    write_csv(EXPORTS / DOUYIN, rows, "utf-8-sig")


# ---------------------------------------------------------------- HR inputs

ALIASES = [
    ("朵以旗舰店:小美", "小美"), ("朵以家居店:小王", "小王"), ("朵以家居店:大熊", "大熊"),
    ("朵以母婴店:晓晓", "晓晓"), ("朵以母婴店:小鱼", "小鱼"), ("阿杰_jd", "阿杰"), ("小王_jd", "小王"),
    ("pdd_糖糖", "糖糖"), ("pdd_晓晓", "晓晓"), ("大熊-飞鸽", "大熊"), ("阿福-飞鸽", "阿福"),
]
PEOPLE = ["小美", "小王", "阿杰", "晓晓", "大熊", "糖糖", "小鱼", "阿福"]
MANUAL_HEADERS = ["客服", "月份", "不耐心次数", "冲突次数", "售后差评数", "表扬次数", "被投诉次数", "违规次数", "迟到早退次数",
                  "旷工次数", "迟到超30分钟次数", "工龄年数", "计划销售额"]


def hr_inputs(rng: random.Random) -> None:
    write_csv(MANUAL / "别名表.csv", [["子账号", "客服"]] + [list(a) for a in ALIASES], "utf-8-sig")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "手工录入"
    ws.append(MANUAL_HEADERS)
    ws.append(["小美", MONTH, 2, 0, 1, 3, 0, 0, 5, 0, 1, 2.5, 40000])
    for person in PEOPLE[1:]:
        ws.append([person, MONTH, rng.randint(0, 3), rng.randint(0, 1), rng.randint(0, 2), rng.randint(0, 4), rng.randint(0, 1),
                   0, rng.randint(0, 6), rng.choice([0, 0, 0, 1]), rng.choice([0, 0, 1]), rng.randint(0, 6),
                   rng.choice([20000, 30000, 40000, 50000])])
    save_xlsx(wb, MANUAL / "手工录入.xlsx")


def main() -> None:
    EXPORTS.mkdir(parents=True, exist_ok=True)
    MANUAL.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    chitu_monthly(rng)
    chitu_daily(rng)
    qianniu_api(rng)
    jd(rng)
    pdd(rng)
    douyin(rng)
    hr_inputs(rng)
    for p in sorted(EXPORTS.iterdir()) + sorted(MANUAL.iterdir()):
        print(f"{p.relative_to(ROOT)}  {p.stat().st_size // 1024 + 1} KB")


if __name__ == "__main__":
    main()
