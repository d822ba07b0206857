"""``cskpi import``: the table, the JSON shape and the exit code."""

import json
from pathlib import Path

import openpyxl
import pytest

from cskpi_xl.cli import main
from cskpi_xl.i18n import set_language

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(autouse=True)
def chinese():
    set_language("zh")
    yield
    set_language(None)


def run(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_json_shape(tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for r in ([["客服昵称", "接待人数", "询单人数", "询单->最终付款人数", "平均响应(秒)", "销售额", "销售人数"],
               ["店:小美", 100, 50, 18, 30, "1,800.50", 18], ["阿杰", -1, 10, 5, 20, 500, 5]]):
        ws.append(r)
    f = tmp_path / "自定义报表_a_2026-10-01至2026-10-31.xlsx"
    wb.save(f)
    code, out = run(capsys, "import", str(f), "--json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"month", "agents", "problems"} and doc["month"] == "2026-10"
    assert [a["agent"] for a in doc["agents"]] == ["店:小美", "阿杰"]
    a = doc["agents"][0]
    assert set(a) == {"agent", "metrics", "sources"}
    assert a["sources"] == [{"file": str(f), "sheet": "S", "platform": "chitu", "account": "店:小美"}]
    mt = a["metrics"]
    assert mt["接待人数"] == 100 and mt["销售额"] == 1800.5 and isinstance(mt["销售额"], float)
    assert mt["询单转化率"] == 0.36 and mt["客单价"] == 1800.5 / 18
    assert mt["平均响应时间"] == 30 and mt["响应总秒数"] == 3000
    assert mt["指标完成率"] == "n/a"
    assert doc["problems"] == [{"file": str(f), "sheet": "S", "row": 3, "column": "接待人数",
                                "message": "不能为负数，已忽略该值", "value": -1.0, "severity": "error"}]


def test_table_in_chinese(capsys):
    code, out = run(capsys, "import", *map(str, sorted((SAMPLES / "exports").iterdir())),
                    "--aliases", str(SAMPLES / "manual" / "别名表.csv"),
                    "--manual", str(SAMPLES / "manual" / "手工录入.xlsx"), "--month", "2026-10")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "月份：2026-10　客服：8 人"
    assert lines[1].split()[:3] == ["客服", "接待人数", "询单人数"]
    row = next(l for l in lines if l.startswith("小美"))
    assert row.split()[1:4] == ["1,150", "600", "240"]
    assert "40.00%" in row


def test_english(capsys):
    code, out = run(capsys, "--lang", "en", "import", str(SAMPLES / "exports" / "京东客服绩效_2026-10.xlsx"))
    assert code == 0 and out.startswith("month: 2026-10   agents: 2")


def test_exit_code_one_when_nothing_imported(tmp_path, capsys):
    code, out = run(capsys, "import", str(tmp_path / "missing.xlsx"))
    assert code == 1 and "错误" in out and "文件不存在" in out
    code, out = run(capsys, "import", str(tmp_path / "missing.xlsx"), "--json")
    assert code == 1 and json.loads(out)["problems"][0]["severity"] == "error"
