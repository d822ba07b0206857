"""Earlier months, for the multi-month rules (streaks, escalating fines).

``read_history(out_dir, month)`` reads the 历史记录 sheets of the ``汇总_*.xlsx``
files a batch wrote (see :mod:`cskpi_xl.workbook.summary`).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from cskpi_xl.core.history import PastMonth
from cskpi_xl.workbook.summary import HISTORY_SHEET, SUMMARY


def read_history(out_dir: Path, month: str) -> dict[str, list[PastMonth]]:
    """Earlier months from the 历史记录 sheets of ``DIR/汇总_*.xlsx`` (months before ``month``)."""
    hist: dict[str, dict[str, PastMonth]] = {}
    for f in sorted(out_dir.glob(f"{SUMMARY}_*.xlsx")):
        try:
            wb = load_workbook(f, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - a damaged old summary must not stop this month
            continue
        if HISTORY_SHEET not in wb.sheetnames:
            continue
        for row in wb[HISTORY_SHEET].iter_rows(min_row=2, values_only=True):
            if not row or not row[0] or not row[1] or str(row[0]) >= month:
                continue
            m, agent, rank, grade, viol, appraised = (list(row) + [None] * 6)[:6]
            hist.setdefault(str(agent), {})[str(m)] = PastMonth(
                str(m), int(rank) if isinstance(rank, (int, float)) else None, grade or None,
                int(viol or 0) if isinstance(viol, (int, float)) else 0, appraised != "否")
        wb.close()
    return {a: sorted(ms.values(), key=lambda h: h.month) for a, ms in hist.items()}
