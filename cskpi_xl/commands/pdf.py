"""``cskpi pdf DIR [--out OUT]``: render every workbook in a folder to PDF with LibreOffice.

Every ``.xlsx`` in ``DIR`` (not Excel's ``~$`` lock files, not hidden files)
is checked with :func:`cskpi_xl.importers.filecheck.check_file`, then all are
converted in one LibreOffice run, formulas recalculated, into ``OUT``
(default ``DIR/pdf``). By default only each workbook's first sheet is
rendered — the agent's appraisal sheet, the one to send to the agent — not
its 规则/设置 sheets; ``--all-sheets`` renders every visible sheet. While it runs, ``DIR`` is locked against a batch run
writing into it. Exit status: 0 all rendered, 1 some failed, 2 nothing to do
or LibreOffice missing.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from cskpi_xl.i18n import tr
from cskpi_xl.files.lock import FolderBusy, FolderLock
from cskpi_xl.importers.filecheck import check_file
from cskpi_xl.workbook import libreoffice

FONT_HINT_ZH = (
    "警告：系统里没有找到中文字体，PDF 中的中文可能显示为方框。"
    "Debian/Ubuntu 请运行：sudo apt-get install fonts-wqy-microhei"
)
FONT_HINT_EN = (
    "warning: no Chinese font found; Chinese text in the PDF may render as boxes. "
    "On Debian/Ubuntu run: sudo apt-get install fonts-wqy-microhei"
)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "pdf",
        help=tr("用 LibreOffice 把文件夹里的每个 .xlsx 转成 PDF", "render every .xlsx in a folder to PDF with LibreOffice"),
        description=tr(
            "把文件夹中的每个 .xlsx 重新计算公式后转成 PDF，保存到输出文件夹（默认为该文件夹下的 pdf）",
            "recalculate and render every .xlsx in DIR to PDF, into OUT (default DIR/pdf)",
        ),
    )
    p.add_argument("dir", metavar="DIR", help=tr("含 .xlsx 的文件夹", "folder with .xlsx files"))
    p.add_argument("--out", metavar="OUT", help=tr("PDF 输出文件夹（默认为该文件夹下的 pdf）", "output folder (default DIR/pdf)"))
    p.add_argument("--all-sheets", action="store_true",
                   help=tr("输出每个工作表（默认只输出第一张，即考核表）", "render every sheet (default: the first, the appraisal sheet)"))
    p.set_defaults(func=run)


def workbooks_in(folder: Path) -> list[Path]:
    """The ``.xlsx`` files directly in ``folder``, sorted, without ``~$`` lock files and hidden files."""
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() == ".xlsx" and not p.name.startswith(("~$", "."))
    )


def run(args) -> int:
    from cskpi_xl.workbook.printing import first_sheet_only  # openpyxl only when the command runs

    folder = Path(args.dir)
    if not folder.is_dir():
        print(tr(f"错误：文件夹不存在：{folder}", f"error: no such folder: {folder}"), file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else folder / "pdf"
    files = workbooks_in(folder)
    if not files:
        print(tr(f"文件夹 {folder} 中没有 .xlsx 文件", f"no .xlsx files in {folder}"), file=sys.stderr)
        return 2
    if libreoffice.find_soffice() is None:
        print(tr(f"错误：找不到 LibreOffice（soffice）。{libreoffice.INSTALL_HINT_ZH}",
                 f"error: LibreOffice (soffice) not found. {libreoffice.INSTALL_HINT_EN}"), file=sys.stderr)
        return 2
    if libreoffice.cjk_font_available() is False:
        print(tr(FONT_HINT_ZH, FONT_HINT_EN), file=sys.stderr)

    lock = FolderLock(folder)
    try:
        lock.acquire()
    except FolderBusy as exc:
        print(tr("错误：" + exc.zh, "error: " + exc.en), file=sys.stderr)
        return 2
    except OSError:
        lock = None  # a read-only folder: nobody can be writing into it through us either
    try:
        problems = []
        good = []
        for f in files:
            found = check_file(f).problems
            if found:
                problems.extend(found)
            else:
                good.append(f)
        outputs = {}
        stage = None
        if good and not getattr(args, "all_sheets", False):
            stage = Path(tempfile.mkdtemp(prefix="cskpi_pdf_"))
            staged = {}
            for f in good:
                try:
                    first_sheet_only(f, stage / f.name)
                    staged[stage / f.name] = f
                except (OSError, zipfile.BadZipFile, KeyError):
                    staged[f] = f  # render it whole rather than not at all
        else:
            staged = {f: f for f in good}
        if staged:
            try:
                rendered, more = libreoffice.convert_many(list(staged), out, "pdf")
            except libreoffice.LibreOfficeError as exc:
                print(tr("错误：", "error: ") + str(exc), file=sys.stderr)
                return 2
            finally:
                if stage is not None:
                    shutil.rmtree(stage, ignore_errors=True)
            outputs = {staged[Path(k)]: v for k, v in rendered.items()}
            problems.extend(more)
    finally:
        if lock is not None:
            lock.release()
    for src, pdf in outputs.items():
        print(tr(f"已生成 {pdf}", f"wrote {pdf}"))
    for p in problems:
        print(p.format(), file=sys.stderr)
    print(tr(f"共 {len(files)} 个文件：成功 {len(outputs)} 个，失败 {len(files) - len(outputs)} 个",
             f"{len(files)} files: {len(outputs)} rendered, {len(files) - len(outputs)} failed"))
    return 0 if len(outputs) == len(files) else 1
