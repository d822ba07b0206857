"""What the commands do with what a person types: Windows-style export arguments, scheme names, sub-accounts.

- :func:`expand_exports`: the Windows command prompt passes ``*.xlsx`` through unexpanded, and
  people point at a folder; both are turned into the export files here.
- :func:`scheme_arg`: a scheme by id, by its Chinese name (as the Excel functions accept it),
  or a scheme file; a typo gets "您是不是要 standard？".
- :func:`likely_subaccounts`: names that are most likely one person's sub-accounts
  (``朵以旗舰店:小美`` and ``小美``), and :func:`write_alias_draft` writes them as a draft 别名表.

A mistake the person can fix is raised as :class:`ArgumentProblem`; the CLI prints it and exits 2.
"""

from __future__ import annotations

import csv
import glob
import io
import os
import re
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from cskpi_xl.errors import CskpiError
from cskpi_xl.i18n import tr
from cskpi_xl.importers.subaccounts import likely_subaccounts, person_of, split_people  # noqa: F401 (re-exported)

#: Files in a folder that are taken as exports (what the importers read; the content decides the format).
EXPORT_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".htm", ".html"})
_GLOB_CHARS = re.compile(r"[*?\[]")
#: What a batch writes into its folder, never an export: the summary's name start and the draft alias map.
OWN_SUMMARY, OWN_DRAFT = "汇总", "别名表_草稿.csv"


class ArgumentProblem(CskpiError, ValueError):
    """A command-line value that cannot be used as given; ``zh``/``en`` say why and what to do."""


def expand_exports(args: Iterable[str | os.PathLike], skip: Iterable[str | os.PathLike | None] = ()) -> list[str]:
    """Export arguments as files: a folder gives every export directly in it, a wildcard its matches.

    Files are kept in the order given (a folder's and a wildcard's in name order), each once.
    Excel's ``~$`` lock files and hidden files in a folder are skipped, and so are the files
    in ``skip`` (the manual inputs and alias map, often kept beside the exports) and what a
    batch writes (``汇总_*.xlsx``, ``别名表_草稿.csv``). A wildcard or folder that gives
    nothing is an :class:`ArgumentProblem`; a plain name is passed on as it is (the importer
    says if it is missing).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for n in ("b.xlsx", "a.csv", "~$a.xlsx", "说明.docx"): _ = (d / n).write_text("x")
    >>> [Path(p).name for p in expand_exports([d])]
    ['a.csv', 'b.xlsx']
    >>> [Path(p).name for p in expand_exports([str(d / "*.xlsx"), str(d / "a.csv")])]
    ['b.xlsx', 'a.csv']
    """
    skipped = {Path(s).resolve() for s in skip if s}

    def wanted(f: Path) -> bool:
        return (f.is_file() and not f.name.startswith(("~$", ".")) and f.resolve() not in skipped
                and not (f.name.startswith(f"{OWN_SUMMARY}_") or f.name == OWN_DRAFT))

    out: list[str] = []
    for raw in args:
        arg = os.fspath(raw)
        p = Path(arg)
        if p.is_dir():
            found = sorted(str(f) for f in p.iterdir() if f.suffix.lower() in EXPORT_SUFFIXES and wanted(f))
            if not found:
                raise ArgumentProblem(f"文件夹 {arg} 里没有导出文件（.xlsx、.xls、.csv）",
                                      f"no export files (.xlsx, .xls, .csv) in the folder {arg}")
        elif not p.exists() and _GLOB_CHARS.search(arg):
            found = sorted(f for f in glob.glob(arg) if wanted(Path(f)))
            if not found:
                raise ArgumentProblem(f"没有与 {arg} 匹配的文件", f"no files match {arg}")
        else:
            found = [arg]
        for f in found:
            if f not in out:
                out.append(f)
    return out


def scheme_names() -> dict[str, str]:
    """Every name a built-in scheme is known by (its id, its Chinese name) → its id."""
    from cskpi_xl.core.schemefile import BUILTIN_IDS, builtin

    names = {sid: sid for sid in BUILTIN_IDS}
    for sid in BUILTIN_IDS:
        try:
            names.setdefault(builtin(sid).name, sid)
        except Exception:  # a broken built-in is `cskpi check`'s to report
            continue
    return names


def scheme_arg(value: str | None) -> str | None:
    """The scheme a person named: a built-in id, a built-in's Chinese name, or a scheme file.

    >>> scheme_arg("standard"), scheme_arg("淘宝客服人员绩效考核管理办法"), scheme_arg(" Standard ")
    ('standard', 'standard', 'standard')
    >>> from cskpi_xl.i18n import set_language; set_language("zh")
    >>> scheme_arg("standrad")
    Traceback (most recent call last):
    ...
    cskpi_xl.commands.inputs.ArgumentProblem: 没有名为「standrad」的方案；您是不是要 standard？
    """
    if value is None:
        return None
    text = str(value).strip()
    names = scheme_names()
    if text in names:
        return names[text]
    folded = {k.lower(): v for k, v in names.items()}
    if text.lower() in folded:
        return folded[text.lower()]
    if Path(text).exists() or text.lower().endswith(".toml") or os.sep in text or "/" in text:
        return text  # a scheme file: the loader reads it (and says if it is missing)
    from cskpi_xl.commands.zhparse import suggest

    guess = suggest(text, list(names))
    known = "、".join(sorted(set(names.values()), key=list(names.values()).index))
    if guess:
        hint = (f"您是不是要 {guess}？", f"did you mean {guess}?")
    else:
        hint = (f"内置方案有：{known}", f"the built-in schemes are: {known}")
    raise ArgumentProblem(f"没有名为「{text}」的方案；{hint[0]}", f"no scheme named {text!r}; {hint[1]}")


def suggestion_lines(names: Sequence[str], found: Mapping[str, str]) -> list[str]:
    """What to tell the person about ``found`` (account → person) among the imported ``names``, a line each."""
    if not found:
        return []
    split = split_people(names, found)
    lines = [tr(f"提示：没有给别名表（--aliases），以下 {len(found)} 个账号很可能是子账号，各自算成了一个人"
                + (f"（其中 {split} 位客服因此被拆成了几个人）" if split else "") + "：",
                f"hint: no alias map (--aliases) was given; these {len(found)} accounts are most likely sub-accounts "
                f"and each counts as a person" + (f" ({split} agents are split into several)" if split else "") + ":")]
    lines += [f"  {a} → {p}" for a, p in found.items()]
    return lines


def write_alias_draft(found: Mapping[str, str], folder: str | os.PathLike) -> Path | None:
    """Write ``found`` as a draft 别名表 (``别名表_草稿.csv``, UTF-8 with BOM so Excel opens it) in ``folder``."""
    from cskpi_xl.files.atomic import atomic_write

    if not found:
        return None
    path = Path(folder) / OWN_DRAFT
    text = io.StringIO(newline="")
    w = csv.writer(text, lineterminator="\r\n")
    w.writerow(["子账号", "客服"])
    for a, p in found.items():
        w.writerow([a, p])
    with atomic_write(path, "wb") as f:
        f.write(text.getvalue().encode("utf-8-sig"))
    return path


def add_shop_figures(p) -> None:
    """The month's shop-wide figures, as ``score``, ``batch`` and ``fill`` take them (see :mod:`cskpi_xl.core.shopwide`)."""
    p.add_argument("--public-sales", help=tr("公共销售总额（全店；默认取导入表的「公共销售额」列，没有则为团队销售额）",
                                             "public sales total (shop-wide; default: a 公共销售额 column, else the team's sales)"))
    p.add_argument("--team", action="append", metavar="名称=数值",
                   help=tr("本月的全店数值（可多次）：方案参数如 询单转化率目标=30%%、团队数值如 团队客单价=150、公共销售额=30万",
                           "a shop-wide figure for the month (repeatable): a scheme parameter (询单转化率目标=30%%), "
                           "a team value (团队客单价=150) or 公共销售额"))
