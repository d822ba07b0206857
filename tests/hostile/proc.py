"""Run Python code in a fresh subprocess and measure it.

``run_measured(code, *args)`` runs ``code`` (a snippet that may print one JSON
line) with ``python -c`` and returns a dict: ``rc``, ``seconds`` (wall time),
``peak_mb`` (the child's peak resident memory, ``VmHWM``),
``base_mb`` (its resident memory right after ``import cskpi_xl.importers``,
measured by the snippet prologue) and ``out`` (the parsed JSON line, or None).
Memory is measured in a child so that the test runner's own heap does not
count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

PROLOGUE = textwrap.dedent("""
    import json, os, resource, sys
    import cskpi_xl.importers, cskpi_xl.importers.filecheck, cskpi_xl.files.atomic
    def _rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    BASE_MB = _rss_mb()
    def peak_mb():
        # VmHWM: this process image's high-water mark. (ru_maxrss is not used: Linux keeps it across
        # exec, so a child spawned from a big pytest process would report the parent's size.)
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    def emit(**kw):
        kw.setdefault("base_mb", BASE_MB)
        kw.setdefault("peak_mb", peak_mb())
        print("@@" + json.dumps(kw, ensure_ascii=False, default=str))
""")


def run_measured(code: str, *args: str, timeout: float = 600, env: dict | None = None) -> dict:
    full = PROLOGUE + textwrap.dedent(code)
    start = time.monotonic()
    cp = subprocess.run([sys.executable, "-c", full, *args], capture_output=True, text=True, timeout=timeout,
                        env={**os.environ, **(env or {})})
    seconds = time.monotonic() - start
    out = None
    for line in cp.stdout.splitlines():
        if line.startswith("@@"):
            out = json.loads(line[2:])
    return {"rc": cp.returncode, "seconds": seconds, "out": out, "stderr": cp.stderr[-3000:],
            "peak_mb": out.get("peak_mb") if out else None, "base_mb": out.get("base_mb") if out else None}
