"""``cskpi xl``: the VBA for Excel — one ready workbook, or the .bas files for the manual install.

``cskpi xl --workbook 绩效.xlsm [--template 方案或模板]`` writes a macro-enabled
workbook with the functions, the buttons and the xlwings standalone module
inside (:mod:`cskpi_xl.excel.xlsm`). ``cskpi xl [--out DIR] [--check]`` writes
``cskpi_udfs_generated.bas``, ``cskpi_udfs.bas`` and ``cskpi_buttons.bas``
(:mod:`cskpi_xl.excel.vba`) and prints the manual install steps (Chinese).
This module only parses arguments and prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cskpi_xl.excel.vba import file_bytes, render_macros
from cskpi_xl.i18n import tr
from cskpi_xl.workbook.sheetnames import SETTINGS

INSTALL_STEPS_ZH = """\
在 Windows 的 Excel 中使用 cskpi_xl 的函数和按钮：

1. 安装：在“命令提示符”中运行
       pip install cskpi_xl
   （需要 Python 3.11 或更高版本；pywin32 会随 xlwings 一起安装。）
2. 安装 xlwings 加载项：
       xlwings addin install
   重新打开 Excel 后，功能区会出现“xlwings”选项卡。
3. 允许访问 VBA 工程：文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置，
   勾选“信任对 VBA 工程对象模型的访问”；宏设置选“禁用所有宏，并发出通知”或更宽松，
   打开模板时点“启用内容”。
4. 打开模板（另存为 .xlsm 启用宏的工作簿），在“xlwings”选项卡的 UDF Modules 中填
       cskpi_xl.udfs
5. 导入函数：按 Alt+F11 打开 VBA 编辑器，文件 → 导入文件，选择 {macros}\\cskpi_udfs.bas
   （不要再点 xlwings 的“Import Functions”，否则会出现同名函数）；
   在 VBA 编辑器里 工具 → 引用，勾选 xlwings。
   然后按 Alt+F8 运行 CskpiRegisterFunctions，函数向导（fx）中就会出现“客服绩效”类别和中文说明。
6. 添加按钮：同样导入 {macros}\\cskpi_buttons.bas，选中要放按钮的工作表，按 Alt+F8 运行
   AddCskpiButtons，会出现“填充本表”和“批量生成全部”两个按钮
   （也可以自己插入按钮，分别指定宏 FillThisSheet 和 BatchAll）。
7. 按钮读取“设置”工作表：A 列为名称、B 列为值——方案、月份、客服昵称、导出文件
   （可写多行，每行一个文件）、输出文件夹、历史记录（可不填）。每月一个输出文件夹时，
   把各月的文件夹放在同一个上级文件夹下并以月份命名（D:\\绩效\\2026-10、D:\\绩效\\2026-11），
   连续月份的奖励和标记才能读到之前的月份。
8. 试一下：在任意单元格输入 =KPI_SCORE("咨询转化率",0.36,"duoyi")，应得 30；
   出错的单元格可用 =CSKPI_ERROR(C2) 查看中文原因。
   一整列：=COMMISSION_TIER(B2:B20) 在 Excel 365 中会自动溢出；旧版 Excel 请先选中
   结果区域 C2:C20，输入公式后按 Ctrl+Shift+Enter（数组公式）。
"""


WORKBOOK_STEPS_ZH = """\
下一步：
1. 在 Excel 中打开 {path}，点“启用内容”（只需一次）。
   如果文件是从网上、微信或邮件收到的，Excel 会因“网络标记”阻止宏：在本机运行
   cskpi xl --workbook 重新生成，或右键文件 → 属性 → 勾选“解除锁定”。
2. 试一下：=KPI_SCORE("咨询转化率",0.36,"duoyi") 应得 30；在「{sheet}」表填好设置后点按钮。
"""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "xl",
        help=tr("生成带函数和按钮的启用宏工作簿，或 Excel 用的 VBA 文件", "write a macro-enabled workbook with the functions "
                "and buttons inside, or the VBA files for Excel"),
        description=tr("--workbook 文件.xlsm：写一个启用宏的工作簿（函数、按钮、xlwings 模块都在里面，打开即用）；"
                       "不带 --workbook：把 cskpi_udfs.bas、cskpi_udfs_generated.bas、cskpi_buttons.bas 写到输出文件夹（默认 ./macros）",
                       "--workbook FILE.xlsm: write a macro-enabled workbook with everything inside; "
                       "without it: write the .bas files into DIR (default ./macros)"),
    )
    p.add_argument("--workbook", metavar="文件.xlsm",
                   help=tr("要写的启用宏工作簿；已存在时只更新其中本工具的宏（HR 自己的宏保留）",
                           "the macro-enabled workbook to write; an existing one gets only our macros updated"))
    p.add_argument("--template", metavar="方案或模板",
                   help=tr("从哪里开始：内置方案（如 duoyi）、方案文件 .toml，或工作簿 .xlsx/.xlsm（保留其工作表、公式和格式）；"
                           "默认 standard 方案的模板",
                           "what to start from: a built-in scheme, a .toml scheme or a .xlsx/.xlsm workbook "
                           "(default: the standard scheme's template)"))
    p.add_argument("--out", metavar="DIR", default="macros", help=tr("输出文件夹（默认 ./macros）", "output folder (default ./macros)"))
    p.add_argument("--check", action="store_true",
                   help=tr("只检查文件是否与当前函数一致，不一致时退出码为 1", "only check the files are current; exit 1 if not"))
    p.set_defaults(func=run)


def run(args) -> int:
    if getattr(args, "workbook", None):
        return run_workbook(args)
    if getattr(args, "template", None):
        print(tr("--template 要和 --workbook 一起用", "--template goes with --workbook"), file=sys.stderr)
        return 2
    out = Path(args.out)
    files = render_macros()
    if args.check:
        stale = [n for n, t in files.items() if not (out / n).is_file() or (out / n).read_bytes() != file_bytes(t)]
        for n in stale:
            print(tr(f"需要重新生成：{out / n}", f"out of date: {out / n}"), file=sys.stderr)
        return 1 if stale else 0
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_bytes(file_bytes(text))
        print(tr(f"已写入 {out / name}", f"wrote {out / name}"))
    print()
    print(INSTALL_STEPS_ZH.format(macros=out))
    return 0


def run_workbook(args) -> int:
    from cskpi_xl.excel.xlsm import XlsmError, build_workbook

    try:
        built = build_workbook(args.workbook, args.template)
    except XlsmError as exc:
        print(tr(f"错误：{exc}", f"error: {exc}"), file=sys.stderr)
        return 1
    except OSError as exc:
        print(tr(f"错误：{exc.filename or args.workbook}：{exc.strerror or exc}",
                 f"error: {exc.filename or args.workbook}: {exc.strerror or exc}"), file=sys.stderr)
        return 1
    print(tr(f"已写入 {built.path}（来自 {built.source}）", f"wrote {built.path} (from {built.source})"))
    print(tr(f"VBA 模块：{'、'.join(built.own)}", f"VBA modules: {', '.join(built.own)}"))
    if built.kept:
        print(tr(f"保留的原有模块：{'、'.join(built.kept)}", f"modules kept as they were: {', '.join(built.kept)}"))
    if built.buttons_sheet:
        print(tr(f"按钮「填充本表」「批量生成全部」放在「{built.buttons_sheet}」表上",
                 f"buttons placed on sheet {built.buttons_sheet}"))
    if built.backup:
        print(tr(f"更新前的文件另存为 {built.backup}", f"the workbook as it was is kept as {built.backup}"))
    for note in built.notes:
        print(tr(f"注意：{note}", f"note: {note}"))
    print()
    print(tr(WORKBOOK_STEPS_ZH.format(path=built.path, sheet=built.buttons_sheet or SETTINGS),
             f"Next: open {built.path} in Excel and click Enable Content."))
    return 0
