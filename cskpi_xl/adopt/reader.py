"""``adopt(workbook, out_dir)``: a shop's own 考核表 → a scheme file and a template.

The steps are the modules of this package: :mod:`~cskpi_xl.adopt.grid` reads
the sheets, :mod:`~cskpi_xl.adopt.table` finds the table, the commission and
grade tables and the 姓名/月份/合计 cells, :mod:`~cskpi_xl.adopt.sentences`
reads each item's sentences, :mod:`~cskpi_xl.adopt.schemewrite` writes the
scheme (then loaded back with the ordinary loader, as ``cskpi check`` does)
and :mod:`~cskpi_xl.adopt.templatewrite` writes the template.

Never a guess: an item whose sentences give points in words it cannot read
becomes a supervisor-scored item (score 0–full marks) with its original text,
and a warning names the cell; ambiguities are decided by the rulebook's
conventions and written into the scheme's ``notes``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import coordinate_from_string

from cskpi_xl.adopt.grid import read_grids
from cskpi_xl.adopt.schemewrite import scheme_toml
from cskpi_xl.adopt.sentences import describe_rule, read_item
from cskpi_xl.adopt.table import find_commission, find_grades, find_table
from cskpi_xl.adopt.templatewrite import write_template
from cskpi_xl.adopt.text import fmt, norm, to_dec
from cskpi_xl.core.schemefile import load_scheme
from cskpi_xl.core.problems import ERROR, WARNING, Problem
from cskpi_xl.core.scheme import Scheme
from cskpi_xl.files.atomic import atomic_write
from cskpi_xl.files.names import path_inside, safe_file_stem

D = Decimal


@dataclass
class ItemReport:
    """What was understood of one item: its cell, full marks, rule lines ``(zh, en)`` and the clauses not read."""

    name: str
    cell: str
    full: Decimal
    lines: list[tuple[str, str]] = field(default_factory=list)
    unread: list[tuple[str, str]] = field(default_factory=list)   # (cell, clause)
    supervisor: bool = False


@dataclass
class Adoption:
    """The result of :func:`adopt`.

    Attributes: scheme_path, template_path (None when not written), scheme (loaded back), items (reports),
    other (report lines ``(zh, en)`` about the commission, grades and cells placed), notes, problems.
    """

    scheme_path: Path | None = None
    template_path: Path | None = None
    scheme: Scheme | None = None
    items: list[ItemReport] = field(default_factory=list)
    other: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _full(raw: Any) -> tuple[Decimal | None, bool]:
    """Full marks as written: ``20``, ``20分``, ``10%`` (→ 10, percent), ``0.1`` (→ 0.1, percent)."""
    if isinstance(raw, bool) or raw is None:
        return None, False
    if isinstance(raw, (int, float, Decimal)):
        d = to_dec(raw)
        return d, d is not None and 0 < d < 1
    m = re.search(r"(\d+(?:\.\d+)?)\s*(%|分)?", norm(raw))
    if not m:
        return None, False
    return D(m.group(1)), m.group(2) == "%"


def _cell_problem(file: str, sheet: str, cell: str, zh: str, en: str, value: Any = None, severity: str = WARNING) -> Problem:
    col, row = coordinate_from_string(cell)
    return Problem(zh, en, file=file, sheet=sheet, row=row, column=col, value=value, severity=severity)


def _item_name(name: str, taken: set[str]) -> str:
    n = re.sub(r"[{}.\[\]]", "·", name).strip() or "项目"
    base, i = n, 2
    while n in taken:
        n, i = f"{base}{i}", i + 1
    taken.add(n)
    return n


def adopt(source: str | Path, out_dir: str | Path, *, scheme_id: str | None = None) -> Adoption:
    """Read ``source`` (.xlsx/.xls) and write ``<名>.toml`` and ``<名>_模板.xlsx`` into ``out_dir``."""
    source = Path(source)
    res = Adoption()
    file = str(source)
    grids, kind, more = read_grids(source)  # the file is checked first (zip bombs, encrypted, misnamed …)
    res.problems += more
    if not grids and any(p.is_error for p in more):
        return res
    found = [(g, t) for g in grids for t in [find_table(g)] if t is not None and t.items]
    if not found:
        res.problems.append(Problem("没有找到考核表：需要一行表头，含「项目」和「评定标准/分值/得分」之类的列",
                                    "no appraisal table found: a header row with 项目 and 评定标准/分值/得分 columns is needed",
                                    file=file))
        return res
    grid, table = max(found, key=lambda x: len(x[1].items))
    notes: list[str] = []
    notes_en: list[str] = []

    def note(zh: str, en: str) -> None:
        if zh not in notes:
            notes.append(zh)
            notes_en.append(en)

    # full marks: points, or percents of 100
    fulls = [_full(it.full_raw) for it in table.items]
    percent = all(p for _, p in fulls if _ is not None) and any(p for _, p in fulls)
    scale = D(1)
    if percent and all(f is not None and f < 1 for f, _ in fulls if f is not None):
        scale = D(100)
    if percent:
        note("原表的权重是百分比：按总分 100 分换算成各项满分（10% → 10 分）",
             "weights are percentages: full marks are their share of 100 points")
    items: list[dict] = []
    taken: set[str] = set()
    for it, (f, _) in zip(table.items, fulls):
        name = _item_name(it.name, taken)
        rep = ItemReport(name, it.name_cell, D(0))
        if f is None:
            res.problems.append(_cell_problem(file, grid.sheet, it.full_cell or it.name_cell,
                                              f"项目「{it.name}」没有满分（分值/权重），按 0 分计，请在方案文件中填写",
                                              f"item '{it.name}' has no full marks; 0 used", it.full_raw))
            f = D(0)
        full = D(fmt(f * scale)) if f else D(0)
        rep.full = full
        texts = [t for _, t in it.texts]
        reading = read_item(name, full, texts)
        entry: dict[str, Any] = {"name": name, "full": full}
        original = "；".join(re.sub(r"\s*\n\s*", " ", t) for t in texts)
        if reading.unread:
            by_cell: dict[str, list[str]] = {}
            for idx, clause in reading.unread:
                cell = it.texts[idx][0] if idx < len(it.texts) else it.name_cell
                rep.unread.append((cell, clause))
                by_cell.setdefault(cell, []).append(clause)
            for cell, clauses in by_cell.items():
                said = "」「".join(clauses)
                res.problems.append(_cell_problem(
                    file, grid.sheet, cell,
                    f"项目「{name}」的规则读不懂：「{said}」——该项改为主管评分（0–{fmt(full)} 分），原文保留在方案里，改好这一句或方案文件即可",
                    f"item '{name}': cannot read '{said}' — the item is scored by the supervisor (0–{fmt(full)}); the "
                    f"original text is kept in the scheme", said))
            entry["rules"] = [{"kind": "score", "low": D(0), "high": full}]
            rep.supervisor = True
            note(f"「{name}」的规则没有完全读懂（见 {grid.sheet}!{rep.unread[0][0]}），暂由主管评分 0–{fmt(full)} 分；原文：{original}",
                 f"'{name}' was not fully read; scored by the supervisor for now")
        elif reading.kind == "supervisor":
            entry["rules"] = [{"kind": "score", "low": D(0), "high": full}]
            rep.supervisor = True
        else:
            entry["rules"] = reading.rules
            if reading.metric:
                entry["metric"] = reading.metric
            if reading.floor_none:
                entry["floor"] = "none"
            if reading.base is not None:
                entry["base"] = reading.base
            if reading.cap is not None:
                entry["cap"] = reading.cap
        if original:
            entry["text"] = original
        for zh, en in reading.decisions:
            note(zh, en)
        for r in entry["rules"]:
            rep.lines.append((describe_rule(r, "zh"), describe_rule(r, "en")))
        if rep.supervisor and not rep.unread:
            rep.lines.append(("没有可计算的规则：由主管打分", "no computable rule: the supervisor gives the score"))
        if entry.get("floor") == "none":
            rep.lines.append(("不设下限（floor = \"none\"）", "no floor (floor = \"none\")"))
        if "base" in entry:
            rep.lines.append((f"从 {fmt(entry['base'])} 分起算", f"starts at {fmt(entry['base'])}"))
        for zh, en in reading.said:
            if (zh, en) not in rep.lines and "floor" not in en:
                rep.lines.append((zh, en))
        entry.update(score_cell=it.score_cell, value_cell=it.value_cell, review_cells=it.review_cells)
        items.append(entry)
        res.items.append(rep)
    for h in table.headings:
        res.other.append((f"「{h}」这一行没有分值也没有标准：当作分组标题，不是考核项目", f"'{h}' has no full marks and no criteria: a group heading"))
    if not any(it.score_cell for it in table.items) and not table.review_columns:
        res.other.append(("表上没有得分栏：模板只在合计、姓名、月份等格子里放占位符", "the sheet has no score column: the template fills the total, name and month cells only"))
    last_col = max(table.columns)

    def skip(r: int, c: int) -> bool:
        """Inside the item table (its rows and columns): not a commission or grade table."""
        return table.header_row <= r <= table.end_row + 1 and c <= last_col
    tiers = find_commission(grid, skip)
    grades = find_grades(grid, skip)
    stem = safe_file_stem(source.stem, set())
    sid = scheme_id or stem
    scheme: dict[str, Any] = {
        "id": sid, "name": table.title or source.stem, "name_en": f"Adopted from {source.name}",
        "source": f"{source.name} 工作表 {grid.sheet}", "effective_from": dt.date.today(), "total": "sum",
        "full_marks": sum((i["full"] for i in items), D(0)),
    }
    if table.review_columns:
        cols = table.review_columns
        selfs = [c for c in cols if c.startswith("自")]
        others = [c for c in cols if c not in selfs]
        if others:
            scheme["review"] = {"columns": cols, "final": list(reversed(others)), "required": others[0]}
            if selfs:
                scheme["review"]["self"] = selfs[0]
            note(f"评分栏 {'/'.join(cols)}：最终得分取「{'」，未填则取「'.join(reversed(others))}」；缺少「{others[0]}」时该项报错"
                 + (f"；「{selfs[0]}」与最终得分不一致的项目会被标出" if selfs else ""),
                 f"appraiser columns {'/'.join(cols)}: the last filled of {', '.join(reversed(others))} is final")
    if tiers:
        scheme["commission"] = {"kind": "tiers", "basis": "销售额", "tiers": tiers.tiers}
        for zh, en in tiers.decisions:
            note(zh, en)
        for cell, zh, en in tiers.warnings:
            res.problems.append(_cell_problem(file, grid.sheet, cell, zh, en))
        for t in tiers.tiers:
            lo = f"{'>' if t.get('lower_inclusive') is False else '≥'}{fmt(t['lower'])}" if "lower" in t else ""
            hi = f"{'≤' if t.get('upper_inclusive') else '<'}{fmt(t['upper'])}" if "upper" in t else ""
            rate = f"{fmt(t['rate'] * 100)}%" if "rate" in t else "0"
            res.other.append((f"提成档 {lo} {hi}：{t['kind']} {rate}".replace("  ", " "),
                              f"commission tier {lo} {hi}: {t['kind']} {rate}".replace("  ", " ")))
    if grades:
        bands, gnotes = grades
        scheme["grades"] = bands
        for zh, en in gnotes:
            note(zh, en)
        for b in bands:
            res.other.append((f"等级 {b['label']}：{fmt(b.get('low')) or '—'} ≤ 分数 < {fmt(b.get('high')) or '—'}",
                              f"grade {b['label']}: {fmt(b.get('low')) or '-'} <= score < {fmt(b.get('high')) or '-'}"))
    notes.insert(0, f"由 cskpi adopt 从「{source.name}」工作表「{grid.sheet}」读出；下面是读表时按规则书约定做的取舍，可直接修改。")
    scheme["notes"] = notes
    scheme["items"] = [{k: v for k, v in i.items() if k not in ("score_cell", "value_cell", "review_cells")} for i in items]
    res.notes = notes
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    res.scheme_path = path_inside(out_dir, stem, ".toml")
    if res.scheme_path.resolve() == source.resolve():
        res.problems.append(Problem("输出文件与输入相同，已停止", "the output would overwrite the input; stopped", file=file, severity=ERROR))
        return res
    with atomic_write(res.scheme_path, "w", encoding="utf-8") as f:
        f.write(scheme_toml(scheme))
    res.scheme, sp = load_scheme(res.scheme_path)
    res.problems += sp
    if res.scheme is None:
        return res
    res.template_path = path_inside(out_dir, f"{stem}_模板", ".xlsx")
    if res.template_path.resolve() == source.resolve():
        res.problems.append(Problem("模板会覆盖输入文件，已停止", "the template would overwrite the input; stopped", file=file))
        res.template_path = None
        return res
    placed = write_template(source, kind, grid, table, items, bool(grades), bool(tiers), res.template_path)
    for cell, ph, old in placed:
        res.other.append((f"模板 {grid.sheet}!{cell}：{ph}" + (f"（原来是「{old}」）" if old and not ph.startswith(old) else ""),
                          f"template {grid.sheet}!{cell}: {ph}" + (f" (was '{old}')" if old and not ph.startswith(old) else "")))
    if kind != "xlsx":
        res.problems.append(Problem("原表是旧式 .xls：模板另存为 .xlsx，只带数值，格式（字体、边框、合并单元格）没有带过来",
                                    "the source is an old .xls: the template is an .xlsx holding its values; formatting is not carried over",
                                    file=file, severity=WARNING))
    return res
