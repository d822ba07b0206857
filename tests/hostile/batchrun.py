"""Running the batch in a child process, for the kill and concurrency tests (and measure.py).

``python -m hostile.batchrun EXPORT OUT [--slow-summary SECONDS]`` (with
``tests`` on ``sys.path``) runs ``run_batch(EXPORT, "duoyi", "2026-10", OUT, jobs=2)``
and prints ``LOCKED`` once it holds the folder, ``DONE`` at the end;
``--slow-summary`` sleeps before making the 汇总, so a second batch can be
started while the first one surely holds the lock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from hostile import files

HEADER = ["客服昵称", "接待人数", "询单人数", "询单->最终付款人数", "销售额", "平均响应(秒)"]
TESTS = Path(__file__).resolve().parent.parent


def export(path: Path, agents: int, version: int = 0) -> Path:
    """A monthly export of ``agents`` agents; ``version`` changes every figure (so outputs change)."""
    rows = [HEADER] + [[f"客服{i:03d}", 30 + i + version, 10 + version, 3, 1000 + 7 * i + version, 20 + version % 7]
                       for i in range(agents)]
    return files.csv(path, rows)


def start(export_path: Path, out: Path, *extra: str) -> subprocess.Popen:
    """The batch in its own process group (so that a kill reaches its workers too)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, "-m", "hostile.batchrun", str(export_path), str(out), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)


def main(argv: list[str]) -> int:
    from cskpi_xl.workbook import batch

    export_path, out = argv[0], argv[1]
    if "--slow-summary" in argv:
        seconds = float(argv[argv.index("--slow-summary") + 1])
        real = batch.summary_bytes

        def slow(*a, **k):
            time.sleep(seconds)
            return real(*a, **k)

        batch.summary_bytes = slow
    real_acquire = batch.FolderLock.acquire

    def acquire(self):
        got = real_acquire(self)
        print("LOCKED", flush=True)
        return got

    batch.FolderLock.acquire = acquire
    report, problems = batch.run_batch([export_path], "duoyi", "2026-10", out, progress=False, jobs=2)
    for p in problems:
        if p.is_error:
            print("ERROR", p.message, flush=True)
    print("DONE", len(report.get("outputs") or []), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
