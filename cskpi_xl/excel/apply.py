"""Apply a fill plan to a workbook open in Excel, through xlwings (the Excel buttons, :mod:`cskpi_xl.xlbutton`).

The openpyxl counterpart, used by the CLI and the batch, is :mod:`cskpi_xl.workbook.apply`.
"""

from __future__ import annotations

from cskpi_xl.workbook.template import FillPlan


def apply_plan_xlwings(book, plan: FillPlan) -> None:  # pragma: no cover - needs Excel
    """Apply ``plan`` to an open workbook through xlwings (Windows/macOS Excel).

    Rows are inserted with Excel's own insert (formulas, merges and
    validations move as Excel moves them); text is written with a leading
    apostrophe when it looks like a formula; formulas are set as formulas
    (Excel calculates them itself, so no cached values are needed).
    """
    from cskpi_xl.workbook.celltext import is_formula_like, plain_text

    names = [s.name for s in book.sheets]
    def protect(on: bool) -> None:
        for s in plan.agent_sheets:
            api = getattr(book.sheets[s], "api", None) if s in [x.name for x in book.sheets] else None
            if api is not None:
                (api.Protect if on else api.Unprotect)()

    protect(False)
    for ins in plan.inserts:
        sh = book.sheets[ins.sheet]
        sh.range(f"{ins.at}:{ins.at + ins.count - 1}").insert("down")
        sh.range(f"{ins.like}:{ins.like}").copy()
        sh.range(f"{ins.at}:{ins.at + ins.count - 1}").paste("formats")
    for w in plan:
        if w.sheet not in names:
            book.sheets.add(w.sheet, after=book.sheets[-1])
            names.append(w.sheet)
        rng = book.sheets[w.sheet].range(w.cell)
        if w.formula:
            rng.formula = w.formula
        elif w.text:
            t = plain_text(w.value)
            rng.value = ("'" + t) if is_formula_like(t) else t
        else:
            rng.value = w.value
        if w.number_format:
            rng.number_format = w.number_format
        if w.locked is False:
            rng.api.Locked = False
    protect(True)
