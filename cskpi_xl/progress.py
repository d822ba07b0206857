"""A progress line a person can read: ``生成考核表：3/8 份（38%），已用 1 秒，约还需 2 秒``.

Written to standard error, rewritten in place (``\\r``) at most ten times a second and once at the
end, in the interface language — not a progress-bar library's English ``it/s``.

>>> import io
>>> out = io.StringIO()
>>> list(progress(range(3), 3, "生成考核表", stream=out, clock=iter(range(100)).__next__))
[0, 1, 2]
>>> out.getvalue().split("\\r")[-1]
'生成考核表：3/3 份（100%），用时 4 秒       \\n'
"""

from __future__ import annotations

import sys
import time
from typing import Callable, Iterable, Iterator, TextIO, TypeVar

from cskpi_xl.i18n import tr

T = TypeVar("T")


def line(desc: str, done: int, total: int, elapsed: float, finished: bool = False) -> str:
    """One state of the progress line.

    >>> line("生成考核表", 2, 8, 1.0)
    '生成考核表：2/8 份（25%），已用 1 秒，约还需 3 秒'
    """
    pct = 100 * done // total if total else 100
    head = tr(f"{desc}：{done}/{total} 份（{pct}%）", f"{desc}: {done}/{total} ({pct}%)")
    if finished:
        return head + tr(f"，用时 {elapsed:.0f} 秒", f", {elapsed:.0f} s")
    if done == 0:
        return head
    left = elapsed / done * (total - done)
    return head + tr(f"，已用 {elapsed:.0f} 秒，约还需 {left:.0f} 秒", f", {elapsed:.0f} s so far, about {left:.0f} s to go")


def progress(items: Iterable[T], total: int, desc: str, stream: TextIO | None = None,
             clock: Callable[[], float] = time.monotonic) -> Iterator[T]:
    """Yield ``items`` while showing how far along they are."""
    out = stream if stream is not None else sys.stderr
    start = clock()
    shown = start - 1.0
    width = 0
    done = 0

    def show(text: str, end: str = "") -> None:
        nonlocal width
        pad = max(0, width - len(text))
        out.write("\r" + text + " " * pad + end)
        out.flush()
        width = len(text)

    show(line(desc, 0, total, 0.0))
    for item in items:
        yield item
        done += 1
        now = clock()
        if now - shown >= 0.1 and done < total:
            shown = now
            show(line(desc, done, total, now - start))
    show(line(desc, done, total, clock() - start, finished=True), "\n")
