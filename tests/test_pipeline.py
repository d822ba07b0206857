"""The one fill path (cskpi_xl/pipeline.py): which earlier outputs a run reads back before writing."""

from openpyxl import Workbook

from cskpi_xl.pipeline import previous_files, read_previous
from cskpi_xl.workbook.batch import run_batch
from tests.regen_helpers import MONTH, TYPED_EF, type_into


def test_previous_files_are_the_month_outputs_only(tmp_path):
    out = tmp_path / "out"
    for rel in ["2026-10/小美.xlsx", "2026-10/~$小美.xlsx", "2026-10/.阿强.xlsx", "2026-10/notes.txt",
                "2026-11/小美.xlsx", "standard_2026-10.xlsx", "汇总_2026-10.xlsx", "~$standard_2026-10.xlsx"]:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(b"x")
    # Excel's lock files, hidden files, the 汇总 and other months are not outputs of this month
    assert previous_files(out, "2026-10") == [out / "2026-10" / "小美.xlsx", out / "standard_2026-10.xlsx"]


def test_previous_files_of_an_empty_folder(tmp_path):
    assert previous_files(tmp_path, "2026-10") == []


def test_a_file_without_the_registry_carries_nothing(tmp_path):
    f = tmp_path / "小美.xlsx"
    wb = Workbook()
    wb.active["A1"] = "别人的表"
    wb.save(f)
    prev = read_previous([f], "2026-10")  # agents=None: every agent the files name — here none
    assert prev.typed == {}
    assert prev.source == {}
    assert prev.keep == {f: "不是本程序生成的表（没有登记表）"}  # not ours: kept, the new one goes beside it


def test_without_agents_every_agent_the_files_name_is_read(tmp_path):
    exports = tmp_path / f"e_{MONTH}.csv"
    exports.write_text("客服昵称,询单人数,最终付款人数,销售额,接待人数,下单人数\n小美,100,32,18000,300,40\n阿强,80,20,26000,250,30\n",
                       encoding="utf-8")
    out = tmp_path / "out"
    report, problems = run_batch([exports], "employee_form", MONTH, out, progress=False, jobs=1)
    assert report["summary"], [p.format() for p in problems if p.is_error]
    type_into(out / MONTH / "小美.xlsx", TYPED_EF)
    prev = read_previous(previous_files(out, MONTH), MONTH)
    assert prev.typed == {"小美": TYPED_EF}
    assert prev.source == {"小美": out / MONTH / "小美.xlsx"}
    assert read_previous(previous_files(out, MONTH), MONTH, []).typed == {}  # no agent this month: nothing carried
