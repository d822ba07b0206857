"""Chinese everywhere a person reads: argparse's own texts, the progress line, error texts, the sheets.

The English words argparse would print are taken from argparse's own message catalogue (every
text it passes through gettext), so a message it adds in a later Python cannot slip through.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cskpi_xl.cli import COMMANDS, main
from cskpi_xl.commands.zhparse import ZH
from cskpi_xl.core.numbers import NA_TEXT
from cskpi_xl.i18n import set_language

ROOT = Path(__file__).resolve().parents[1]

#: Every English word (3+ letters) of argparse's own texts, as found in its source.
ARGPARSE_WORDS = sorted({w.lower() for msg in re.findall(r"""\b_\((['"])(.*?)\1\)""", inspect.getsource(argparse))
                         for w in re.findall(r"[A-Za-z]{3,}", msg[1])} - {"prog", "message", "type", "value",
                                                                           "choices", "argument_name", "option",
                                                                           "matches", "filename", "error",
                                                                           "parser_name"})
#: Upper-case words that are not argparse's derived metavars (SCHEME, MONTH, EXPORTS …).
ALLOWED_CAPS = {"YYYY", "CPU", "JSON", "PDF", "VBA", "UTF", "GBK", "CSV", "TOML", "COMMAND"}
SUBCOMMANDS = [c.rstrip("_") for c in COMMANDS]


def english_in(text: str) -> list[str]:
    """argparse's English words and English metavars found in ``text``."""
    text = re.sub(r"\{[^}]*\}|'[^']*'", "", text)  # choices and the values typed are the person's own
    words = re.findall(r"[A-Za-z]{3,}", text)
    found = [w for w in words if w.lower() in ARGPARSE_WORDS and f"--{w.lower()}" not in text.lower()]
    found += [w for w in re.findall(r"\b[A-Z]{3,}\b", text) if w not in ALLOWED_CAPS - {"COMMAND"}]
    return found


def run(capsys, *argv) -> tuple[int, str]:
    set_language(None)
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    set_language(None)
    return code, out.out + out.err


def test_the_english_detector_finds_argparse_english():
    # the catalogue is really read, and the detector really fires on argparse's English
    assert {"usage", "positional", "arguments", "required", "invalid", "choice", "show", "help"} <= set(ARGPARSE_WORDS)
    assert english_in("usage: cskpi fill [-h] --agent AGENT") == ["usage", "AGENT"]
    assert english_in("错误：缺少必需的参数：模板, 导出文件, --agent") == []


def test_every_argparse_text_has_a_translation():
    msgs = {ast.literal_eval(m[0] + m[1] + m[0]) for m in re.findall(r"""\b_\((['"])(.*?)\1\)""", inspect.getsource(argparse))}
    user_facing = {m for m in msgs if not re.search(r"conflict|callable|__call__|dest=|positionals|mode %r|merge|"
                                                     r"subparser arguments|mutually exclusive|invalid conflict", m)}
    assert user_facing - set(ZH) == set()


def test_no_arguments_prints_chinese_help(capsys):
    code, text = run(capsys)
    assert code == 2
    assert text.startswith("用法：cskpi")
    assert "位置参数" in text and "选项" in text and "显示本帮助并退出" in text
    assert english_in(text) == []


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_of_every_command_is_chinese(capsys, command):
    code, text = run(capsys, command, "--help")
    assert code == 0
    assert text.startswith(f"用法：cskpi {command}")
    assert english_in(text) == [], text


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_wrong_option_of_every_command_is_chinese(capsys, command):
    code, text = run(capsys, command, "--no-such-option")
    assert code == 2
    assert f"cskpi {command}：错误：" in text or "cskpi：错误：" in text
    assert english_in(text) == [], text


@pytest.mark.parametrize("argv, expected", [
    (["fill"], "cskpi fill：错误：缺少必需的参数：模板, 导出文件, --agent"),
    (["fill", "t.xlsx", "e.xlsx"], "cskpi fill：错误：缺少必需的参数：--agent"),
    (["score", "a.csv"], "cskpi score：错误：缺少必需的参数：--scheme"),
    (["check"], "cskpi check：错误：缺少必需的参数：方案"),
    (["import"], "cskpi import：错误：缺少必需的参数：文件"),
    (["calc"], "cskpi calc：错误：缺少必需的参数：工作簿"),
    (["pdf"], "cskpi pdf：错误：缺少必需的参数：文件夹"),
    (["bath"], "cskpi：错误：参数 命令：无效的选择：'bath'（可选：'schemes', 'check', 'score', 'import', 'batch', "),
    (["bath"], "）；您是不是要 batch？"),
    (["batch", "--layout", "one"], "cskpi batch：错误：参数 --layout：无效的选择：'one'（可选：'per-agent', 'one-book'）"),
    (["batch", "--jobs", "两个"], "cskpi batch：错误：参数 --jobs：不是有效的值：'两个'"),
    (["batch", "--scheme"], "cskpi batch：错误：参数 --scheme：需要一个值"),
    (["schemes", "extra"], "cskpi：错误：无法识别的参数：extra"),
    (["batch"], "错误：需要导出文件、--scheme 和 --out（或用 --demo 看演示）"),
    (["check", "standrad"], "错误：没有名为「standrad」的方案；您是不是要 standard？"),
    (["score", "a.csv", "--scheme", "淘宝客服绩效"], "错误：没有名为「淘宝客服绩效」的方案；"),
])
def test_missing_and_wrong_arguments_are_chinese(capsys, argv, expected):
    code, text = run(capsys, *argv)
    assert code == 2
    assert expected in text, text
    assert english_in(text) == [], text


def test_english_stays_with_lang_en(capsys):
    code, text = run(capsys, "--lang", "en", "fill")
    assert code == 2
    assert "usage: cskpi fill" in text
    assert "the following arguments are required: TEMPLATE, EXPORTS, --agent" in text
    code, text = run(capsys, "--lang", "en", "check", "standrad")
    assert code == 2 and "no scheme named 'standrad'; did you mean standard?" in text


def test_version(capsys):
    code, text = run(capsys, "--version")
    assert code == 0 and text.startswith("cskpi_xl ")


def test_progress_line_is_chinese(capsys, tmp_path):
    exports = sorted(str(p) for p in (ROOT / "samples" / "exports").iterdir())
    code, text = run(capsys, "batch", *exports, "--scheme", "duoyi", "--month", "2026-10", "--out", str(tmp_path),
                     "--aliases", str(ROOT / "samples" / "manual" / "别名表.csv"))
    assert code == 0
    assert re.search(r"\r生成考核表：8/8 份（100%），用时 \d+ 秒 *\n", text), text
    assert "生成考核表：0/8 份（0%）" in text
    assert "it/s" not in text and "份/s" not in text


# ---- error texts ----------------------------------------------------------------------------------------------


def test_another_office_file_is_named_not_openpyxl(capsys, tmp_path):
    doc = tmp_path / "考核表.xlsx"
    with zipfile.ZipFile(doc, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w/>")
    code, text = run(capsys, "fill", str(doc), str(doc), "--agent", "小美", "--out", str(tmp_path / "o.xlsx"))
    assert code == 1
    assert "这是另一种 Office 文件（如 Word、PowerPoint），不是 Excel 工作簿" in text
    assert "File contains" not in text and "Traceback" not in text


def test_output_folder_that_is_a_file_is_said_in_chinese(capsys, tmp_path):
    (tmp_path / "out").write_text("x")
    exports = sorted(str(p) for p in (ROOT / "samples" / "exports").iterdir())
    code, text = run(capsys, "batch", *exports, "--scheme", "duoyi", "--month", "2026-10", "--out", str(tmp_path / "out"),
                     "--quiet")
    assert code == 1
    assert "已经有一个同名的文件或文件夹" in text
    assert "File exists" not in text


def test_damaged_workbook_names_no_python_class(capsys, tmp_path):
    bad = tmp_path / "赤兔.xlsx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook>")
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c>")
    code, text = run(capsys, "import", str(bad))
    assert "文件已损坏或不是 Excel 文件，无法读取；请重新从平台导出" in text
    assert not re.search(r"[A-Z][a-z]+Error|Exception", text), text


# ---- the sheets ---------------------------------------------------------------------------------------------

#: English placeholders that must never reach a sheet a person reads.
PLACEHOLDERS = re.compile(r"(?i)\bn/?a\b|\bnone\b|\bnan\b|\bnull\b|\btrue\b|\bfalse\b|#(value|ref|name|num|div)")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    set_language(None)
    assert main(["batch", "--demo", "--out", str(out), "--quiet"]) == 0
    return out


def sheet_texts(path: Path):
    """(sheet, cell, text) of every visible cell: the cached values, and the text literals of the formulas."""
    for data_only in (True, False):
        wb = load_workbook(path, data_only=data_only)
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            for row in ws.iter_rows():
                for c in row:
                    v = c.value
                    if isinstance(v, bool):
                        yield ws.title, c.coordinate, str(v)
                    elif isinstance(v, str):
                        if v.startswith("="):
                            for lit in re.findall(r'"((?:[^"]|"")*)"', v):
                                yield ws.title, c.coordinate, lit
                        else:
                            yield ws.title, c.coordinate, v


def test_no_english_placeholder_on_any_sheet_of_the_demo(demo):
    books = sorted(demo.rglob("*.xlsx"))
    assert len(books) == 9 * 9  # nine schemes: eight agents' books and the 汇总
    bad = []
    shown_na = 0
    for book in books:
        for sheet, cell, text in sheet_texts(book):
            if PLACEHOLDERS.search(text):
                bad.append((book.name, sheet, cell, text))
            shown_na += text == NA_TEXT
    assert bad == []
    assert shown_na > 0  # the demo has values that cannot be computed, and they read 无法计算
