"""argparse in Simplified Chinese: usage, headings, help and every error argparse writes itself.

argparse builds its texts with ``gettext`` (``argparse._`` and ``argparse.ngettext``) at the
moment it needs them: group headings and ``-h``'s help when a parser is made, "usage:" when help
is printed, error messages while parsing. :class:`ZhArgumentParser` swaps in :data:`ZH` for the
duration of each of those calls only (not for the whole process), and only while the language is
Chinese — ``--lang en`` keeps argparse's own English. English metavars that argparse derives from
option names (``--scheme SCHEME``) are given Chinese names (:data:`METAVARS`).

>>> from cskpi_xl.i18n import set_language
>>> set_language("zh")
>>> p = ZhArgumentParser(prog="cskpi")
>>> _ = p.add_argument("--month")
>>> p.format_usage()
'用法：cskpi [-h] [--month 月份]\\n'
>>> set_language("en"); ZhArgumentParser(prog="cskpi").format_usage()
'usage: cskpi [-h]\\n'
>>> set_language(None)
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import re
import sys
from typing import Iterator

from cskpi_xl.i18n import language

#: argparse's own texts (Python 3.9–3.13) and their Chinese.
ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "必须给出其中一个参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "不是有效的值：%(value)r",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "can't open '%(filename)s': %(error)s": "无法打开「%(filename)s」：%(error)s",
    "unexpected option string: %s": "意外的选项：%s",
    "subcommands": "子命令",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有子命令 %(parser_name)r（可选：%(choices)s）",
}

#: Chinese names for the metavars argparse would derive from option names, or that a command spells in English.
METAVARS = {
    "agent": "客服", "aliases": "别名表", "command": "命令", "dir": "文件夹", "exports": "导出文件",
    "file": "文件", "files": "文件", "id": "编号", "jobs": "进程数", "manual": "手工录入表", "month": "月份",
    "out": "输出", "public_sales": "公共销售额", "scheme": "方案", "template": "模板", "workbook": "工作簿",
}


def _zh(msg: str) -> str:
    return ZH.get(msg, msg)


def _nzh(singular: str, plural: str, n: int) -> str:
    return _zh(singular if n == 1 else plural)


@contextlib.contextmanager
def chinese_argparse() -> Iterator[None]:
    """Within the block (and only while the language is Chinese), argparse speaks Chinese."""
    if language() == "en":
        yield
        return
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _zh, _nzh
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def suggest(word: str, choices) -> str | None:
    """The choice ``word`` most likely meant (a typo), or None.

    >>> suggest("standrad", ["duoyi", "standard", "yali"]), suggest("zzz", ["standard"])
    ('standard', None)
    """
    found = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return found[0] if found else None


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters and full-width punctuation take two.

    >>> width("--out 输出")
    10
    """
    return sum(2 if ord(c) >= 0x1100 and (ord(c) <= 0x115F or 0x2E80 <= ord(c) <= 0xA4CF or 0xAC00 <= ord(c) <= 0xD7A3
                                          or 0xF900 <= ord(c) <= 0xFAFF or 0xFE30 <= ord(c) <= 0xFE4F
                                          or 0xFF00 <= ord(c) <= 0xFF60 or 0xFFE0 <= ord(c) <= 0xFFE6) else 1
               for c in text)


class ZhHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout with columns measured in terminal width, so Chinese option names line up."""

    def add_argument(self, action) -> None:
        if action.help is not argparse.SUPPRESS:
            get_invocation = self._format_action_invocation
            invocations = [get_invocation(action)] + [get_invocation(s) for s in self._iter_indented_subactions(action)]
            self._action_max_length = max(self._action_max_length,
                                          max(width(i) for i in invocations) + self._current_indent)
            self._add_item(self._format_action, [action])

    def _format_action(self, action) -> str:
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent_first = 0
        if not action.help:
            header = " " * self._current_indent + header + "\n"
        elif width(header) <= action_width:
            header = " " * self._current_indent + header + " " * (action_width - width(header) + 2)
        else:
            header = " " * self._current_indent + header + "\n"
            indent_first = help_position
        parts = [header]
        if action.help and action.help.strip():
            lines = self._split_lines(self._expand_help(action), help_width)
            if lines:
                parts.append(" " * indent_first + lines[0] + "\n")
                parts.extend(" " * help_position + line + "\n" for line in lines[1:])
        elif not header.endswith("\n"):
            parts.append("\n")
        for sub in self._iter_indented_subactions(action):
            parts.append(self._format_action(sub))
        return self._join_parts(parts)


class ZhArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own texts are Chinese unless the language is English."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", ZhHelpFormatter)
        with chinese_argparse():
            super().__init__(*args, **kwargs)

    def add_argument(self, *args, **kwargs):
        with chinese_argparse():
            action = super().add_argument(*args, **kwargs)
        if language() != "en" and action.nargs != 0 and action.choices is None:
            name = (action.metavar or action.dest or "").lower()
            if name in METAVARS and (action.metavar is None or action.metavar.isascii()):
                action.metavar = METAVARS[name]
        return action

    def add_subparsers(self, **kwargs):
        with chinese_argparse():
            return super().add_subparsers(**kwargs)

    def parse_args(self, args=None, namespace=None):
        with chinese_argparse():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with chinese_argparse():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with chinese_argparse():
            return super().format_usage()

    def format_help(self) -> str:
        with chinese_argparse():
            return super().format_help()

    def error(self, message: str):
        """Print usage and the message (with a "did you mean" for a mistyped choice), exit 2."""
        hint = _choice_hint(self, message)
        with chinese_argparse():
            self.print_usage(sys.stderr)
            text = argparse._("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message + hint}
        self.exit(2, text)


def _choice_hint(parser: argparse.ArgumentParser, message: str) -> str:
    for action in parser._actions:
        if action.choices is None:
            continue
        for value in _quoted(message):
            if value not in action.choices:
                guess = suggest(value, action.choices)
                if guess:
                    return "；" + _did_you_mean(guess) if language() != "en" else f"; did you mean {guess}?"
    return ""


def _did_you_mean(guess: str) -> str:
    return f"您是不是要 {guess}？"


def _quoted(message: str) -> list[str]:
    return re.findall(r"'([^']*)'", message)

