"""Windows habits and what the user most likely meant: folders and wildcards as exports, fill's output place,
no stray lock file, scheme names in Chinese and typos, sub-accounts imported as separate people."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cskpi_xl.cli import main
from cskpi_xl.commands.inputs import ArgumentProblem, expand_exports, scheme_arg
from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin
from cskpi_xl.i18n import set_language
from cskpi_xl.importers.subaccounts import likely_subaccounts, person_of
from cskpi_xl.files.lock import LOCK_NAME, FolderBusy, FolderLock

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "samples" / "exports"
ALIASES = ROOT / "samples" / "manual" / "别名表.csv"


def run(capsys, *argv):
    set_language(None)
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


# ---- exports: a folder, a quoted wildcard --------------------------------------------------------------------------


class TestExpandExports:
    def make(self, tmp_path):
        for n in ("千牛.xlsx", "京东.csv", "~$千牛.xlsx", ".hidden.csv", "说明.docx", "旧.xls"):
            (tmp_path / n).write_text("x", encoding="utf-8")
        (tmp_path / "子文件夹").mkdir()
        return tmp_path

    def test_a_folder_gives_every_export_in_it(self, tmp_path):
        d = self.make(tmp_path)
        assert [Path(p).name for p in expand_exports([d])] == ["京东.csv", "千牛.xlsx", "旧.xls"]

    def test_a_quoted_wildcard_is_expanded_here(self, tmp_path):
        d = self.make(tmp_path)
        assert [Path(p).name for p in expand_exports([str(d / "*.xlsx")])] == ["千牛.xlsx"]
        assert [Path(p).name for p in expand_exports([str(d / "*.xls*")])] == ["千牛.xlsx", "旧.xls"]

    def test_order_kept_and_each_file_once(self, tmp_path):
        d = self.make(tmp_path)
        got = expand_exports([d / "旧.xls", str(d / "*.xlsx"), d, d / "千牛.xlsx"])
        assert [Path(p).name for p in got] == ["旧.xls", "千牛.xlsx", "京东.csv"]

    def test_a_folder_with_everything_in_it(self, tmp_path):
        # HR keeps the exports, the manual inputs, the alias map and last month's outputs in one folder
        d = self.make(tmp_path)
        for n in ("手工录入.xlsx", "别名表.csv", "汇总_2026-09.xlsx", "别名表_草稿.csv"):
            (d / n).write_text("x", encoding="utf-8")
        got = expand_exports([d], skip=[d / "手工录入.xlsx", str(d / "别名表.csv"), None])
        assert [Path(p).name for p in got] == ["京东.csv", "千牛.xlsx", "旧.xls"]
        assert [Path(p).name for p in expand_exports([str(d / "*.csv")], skip=[d / "别名表.csv"])] == ["京东.csv"]

    def test_plain_names_pass_through(self, tmp_path):
        assert expand_exports(["不存在.xlsx"]) == ["不存在.xlsx"]  # the importer says it is missing

    def test_nothing_matched_is_said_in_chinese(self, tmp_path):
        set_language("zh")
        with pytest.raises(ArgumentProblem, match="没有与 .*\\*.xlsx 匹配的文件"):
            expand_exports([str(tmp_path / "*.xlsx")])
        with pytest.raises(ArgumentProblem, match="里没有导出文件"):
            expand_exports([tmp_path])
        set_language(None)

    def test_batch_on_a_folder_equals_batch_on_the_files(self, tmp_path, capsys):
        files = sorted(str(p) for p in EXPORTS.iterdir())
        for name, args in (("files", files), ("folder", [EXPORTS]), ("glob", [str(EXPORTS / "*")])):
            code, out, err = run(capsys, "batch", *args, "--scheme", "duoyi", "--month", "2026-10",
                                 "--aliases", ALIASES, "--out", tmp_path / name, "--quiet")
            assert code == 0, err
        books = {name: sorted(p.name for p in (tmp_path / name / "2026-10").iterdir()) for name in ("files", "folder", "glob")}
        assert books["files"] == books["folder"] == books["glob"]
        assert len(books["files"]) == 8

    def test_import_takes_a_wildcard(self, capsys):
        code, out, err = run(capsys, "import", str(EXPORTS / "*.csv"))
        assert code == 0 and "客服：" in out


# ---- fill writes beside the user, not into workbook_templates/ --------------------------------------------------------


def test_fill_writes_into_the_current_folder_by_default(tmp_path, capsys, monkeypatch):
    templates = tmp_path / "workbook_templates"
    templates.mkdir()
    (templates / "standard.xlsx").write_bytes((ROOT / "workbook_templates" / "standard.xlsx").read_bytes())
    work = tmp_path / "工作"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = run(capsys, "fill", templates / "standard.xlsx", EXPORTS, "--agent", "小美", "--month", "2026-10",
                         "--aliases", ALIASES)
    assert code == 0, err
    assert sorted(p.name for p in templates.iterdir()) == ["standard.xlsx"]
    assert [p.name for p in work.iterdir()] == ["standard_小美_2026-10.xlsx"]
    assert f"已生成 {work / 'standard_小美_2026-10.xlsx'}（在当前文件夹；要放到别处请用 --out 指定文件）" in out


def test_fill_of_a_sub_accounts_person_says_so(tmp_path, capsys):
    code, out, err = run(capsys, "fill", ROOT / "workbook_templates" / "standard.xlsx", EXPORTS, "--agent", "小美",
                         "--month", "2026-10", "--out", tmp_path / "o.xlsx")
    assert code == 1
    assert "「朵以旗舰店:小美」很可能是「小美」的子账号：请用 --aliases 别名表把它们合并到「小美」" in err


# ---- no stray lock file -------------------------------------------------------------------------------------------


def test_no_lock_file_left_after_a_batch(tmp_path, capsys):
    code, _, err = run(capsys, "batch", EXPORTS, "--scheme", "standard", "--month", "2026-10", "--aliases", ALIASES,
                       "--out", tmp_path, "--quiet")
    assert code == 0, err
    assert not (tmp_path / LOCK_NAME).exists()
    assert not any(p.name.startswith(".") for p in tmp_path.rglob("*"))


def test_no_lock_file_left_after_pdf_or_a_failed_run(tmp_path, capsys):
    (tmp_path / "a.xlsx").write_text("not a workbook")
    run(capsys, "pdf", tmp_path, "--out", tmp_path / "pdf")
    assert not (tmp_path / LOCK_NAME).exists()


def test_pdf_on_a_busy_folder_says_so_in_each_language(tmp_path, capsys):
    # the message comes from FolderBusy's fields (zh, en), not from splitting its text
    (tmp_path / "a.xlsx").write_text("not a workbook")
    with FolderLock(tmp_path):
        zh = run(capsys, "pdf", tmp_path, "--out", tmp_path / "pdf")
        en = run(capsys, "--lang", "en", "pdf", tmp_path, "--out", tmp_path / "pdf")
    set_language(None)
    pid = os.getpid()
    assert zh == (2, "", f"错误：文件夹 {tmp_path} 正在被另一个批量任务使用（进程 {pid}），请等待它结束后再运行\n")
    assert en == (2, "", f"error: folder {tmp_path} is in use by another batch run (process {pid}); wait for it to finish\n")
    assert not (tmp_path / "pdf").exists()


HOLD = textwrap.dedent("""
    import sys
    from cskpi_xl.files.lock import FolderLock
    with FolderLock(sys.argv[1], wait_seconds=float(sys.argv[2])):
        print("locked", flush=True)
        sys.stdin.read()
""")


def test_removing_the_lock_file_keeps_runs_apart(tmp_path):
    # A holds the lock; B waits on the same file. A ends and removes the file; B must then hold the
    # folder's lock (a new file), so a third run C is still kept out
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    a = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), "0"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, env=env)
    b = None
    try:
        assert a.stdout.readline().strip() == "locked"
        b = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), "30"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, env=env)
        import time

        time.sleep(1.0)  # B has opened the file and is waiting
        a.stdin.close()
        a.wait(timeout=20)
        assert b.stdout.readline().strip() == "locked"
        with pytest.raises(FolderBusy):
            with FolderLock(tmp_path):
                pass
    finally:
        if b is not None:
            b.stdin.close()
            b.wait(timeout=20)
        a.wait(timeout=20)
    assert not (tmp_path / LOCK_NAME).exists()
    with FolderLock(tmp_path):
        pass


# ---- schemes by Chinese name, typos --------------------------------------------------------------------------------


@pytest.mark.parametrize("sid", BUILTIN_IDS)
def test_every_scheme_by_its_chinese_name(sid, capsys):
    name = builtin(sid).name
    assert scheme_arg(name) == sid
    code, out, _ = run(capsys, "check", name)
    assert code == 0 and f"方案「{name}」可以使用" in out


def test_chinese_name_in_batch_and_score(tmp_path, capsys):
    code, out, err = run(capsys, "batch", EXPORTS, "--scheme", "淘宝客服人员绩效考核管理办法", "--month", "2026-10",
                         "--aliases", ALIASES, "--out", tmp_path, "--quiet")
    assert code == 0, err
    assert "[standard] 2026-10：8 位客服" in out
    code, out, err = run(capsys, "score", EXPORTS, "--scheme", "朵以网店客服考核表", "--aliases", ALIASES)
    assert code == 0, err
    assert out.startswith("方案：朵以网店客服考核表")


@pytest.mark.parametrize("typed, meant", [("standrad", "standard"), ("doyi", "duoyi"), ("kpi-ko-ksa", "kpi_ko_ksa"),
                                          ("employee", "employee_form"), ("淘宝客服人员绩效考核办法", "淘宝客服人员绩效考核管理办法")])
def test_a_typo_gets_did_you_mean(typed, meant, capsys, tmp_path):
    code, _, err = run(capsys, "batch", EXPORTS, "--scheme", typed, "--out", tmp_path)
    assert code == 2
    assert f"错误：没有名为「{typed}」的方案；您是不是要 {meant}？" in err
    assert not any(tmp_path.iterdir())


def test_argument_problem_carries_both_languages():
    # the Excel button reports it in 设置 from its fields (zh, en), whatever the language at raise time
    set_language("zh")
    with pytest.raises(ArgumentProblem) as info:
        scheme_arg("standrad")
    set_language(None)
    exc = info.value
    assert (exc.zh, exc.en) == ("没有名为「standrad」的方案；您是不是要 standard？", "no scheme named 'standrad'; did you mean standard?")
    p = exc.problem(sheet="设置")
    assert (p.message, p.message_en, p.sheet, p.is_error) == (exc.zh, exc.en, "设置", True)


def test_a_missing_wildcard_says_so_in_english(capsys, tmp_path):
    code, _, err = run(capsys, "--lang", "en", "import", str(tmp_path / "*.xlsx"))
    set_language(None)
    assert (code, err) == (2, f"error: no files match {tmp_path / '*.xlsx'}\n")


def test_unknown_scheme_lists_the_built_in_ones(capsys):
    code, _, err = run(capsys, "check", "xyz")
    assert code == 2 and "内置方案有：duoyi、standard、kpi_ko_ksa" in err


def test_a_scheme_file_is_still_a_scheme_file(tmp_path, capsys):
    f = tmp_path / "mine.toml"
    f.write_text((ROOT / "cskpi_xl" / "schemes" / "duoyi.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert scheme_arg(str(f)) == str(f)
    code, out, _ = run(capsys, "check", f)
    assert code == 0


# ---- sub-accounts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("account, person", [
    ("朵以旗舰店:小美", "小美"), ("朵以旗舰店：小美", "小美"), ("阿杰_jd", "阿杰"), ("pdd_糖糖", "糖糖"), ("大熊-飞鸽", "大熊"),
    ("小美_售后", "小美"), ("小美", "小美"), ("Mary_Li", "Mary_Li"), ("jd", "jd"), ("朵以旗舰店:", "朵以旗舰店:"),
])
def test_person_of(account, person):
    assert person_of(account) == person


def test_likely_subaccounts_of_the_samples_are_the_hand_made_alias_table():
    from cskpi_xl.importers import import_files

    data, _ = import_files(sorted(EXPORTS.iterdir()))
    found = likely_subaccounts(list(data.agents))
    with ALIASES.open(encoding="utf-8-sig") as f:
        hand = {r["子账号"]: r["客服"] for r in csv.DictReader(f)}
    assert found == hand  # the draft is the table HR wrote by hand for these exports


def test_batch_without_aliases_suggests_and_writes_a_draft_that_works(tmp_path, capsys):
    code, out, err = run(capsys, "batch", EXPORTS, "--scheme", "standard", "--month", "2026-10", "--out", tmp_path / "a",
                         "--quiet")
    assert code == 0, err
    assert "[standard] 2026-10：15 位客服" in out
    assert "提示：没有给别名表（--aliases），以下 11 个账号很可能是子账号，各自算成了一个人（其中 7 位客服因此被拆成了几个人）：" in out
    assert "  朵以旗舰店:小美 → 小美" in out
    draft = tmp_path / "a" / "别名表_草稿.csv"
    assert f"已写出别名表草稿 {draft}" in out
    assert draft.read_bytes().startswith(b"\xef\xbb\xbf\xe5\xad\x90\xe8\xb4\xa6\xe5\x8f\xb7,")  # BOM + 子账号, for Excel
    code, out, err = run(capsys, "batch", EXPORTS, "--scheme", "standard", "--month", "2026-10", "--out", tmp_path / "b",
                         "--aliases", draft, "--quiet")
    assert code == 0, err
    assert "[standard] 2026-10：8 位客服" in out and "提示：没有给别名表" not in out
    people = load_workbook(tmp_path / "b" / "汇总_2026-10.xlsx")["历史记录"]
    assert sorted(r[1] for r in people.iter_rows(min_row=2, values_only=True)) == sorted(
        ["阿杰", "小王", "晓晓", "小鱼", "大熊", "阿福", "糖糖", "小美"])


def test_import_without_aliases_suggests(capsys):
    code, out, _ = run(capsys, "import", EXPORTS)
    assert code == 0
    assert "  pdd_晓晓 → 晓晓" in out
    assert "把这几行存成别名表（子账号,客服 两列的 .csv），用 --aliases 导入即可合并" in out
    code, out, _ = run(capsys, "import", EXPORTS, "--aliases", ALIASES)
    assert "很可能是子账号" not in out
