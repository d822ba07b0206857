"""Measure the figures quoted in docs/robustness.md (not part of pytest).

    python tests/hostile/measure.py                 # everything: ~10 min on 2 cores
    python tests/hostile/measure.py --kills 20 --fuzz-scale 1 --rows 200000   # a quick look

Prints a Markdown report: bombs (time, memory), the 1,000,000-row import,
SIGKILLs at random points of a batch, and the fuzzers' example counts.
Every memory figure is the peak resident memory (VmHWM) of a fresh child
process, minus its resident memory once the package is imported.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))

from hostile import batchrun, files  # noqa: E402
from hostile.proc import run_measured  # noqa: E402
from hostile.xlsxcheck import snapshot, whole  # noqa: E402

IMPORT = """
    import time
    from cskpi_xl.importers import import_files
    t = time.perf_counter()
    data, problems = import_files(sys.argv[1:])
    emit(seconds=time.perf_counter() - t, messages=[p.message for p in problems], agents=len(data.agents))
"""


def bombs(tmp: Path) -> list[str]:
    cases = [
        ("XML bomb (billion laughs) in a sheet, 1 KB", files.xml_bomb(tmp / "lol.xlsx")),
        ("XML bomb in sharedStrings.xml", files.xml_bomb_in_shared_strings(tmp / "lol2.xlsx")),
        ("zip bomb: 1 GB of sheet in a 1 MB file", files.zip_bomb(tmp / "zip.xlsx", 1024)),
        ("zip whose headers lie: says 200 KB, inflates to 256 MB", files.lying_zip(tmp / "liar.xlsx", 256)),
        ("one cell at XFD1048576 (17 billion cells once read)", _far(tmp)),
        ("damaged .xls asking the reader for 4 GB", TESTS / "hostile" / "alloc_bomb.xls"),
        ("damaged .xls that makes the reader panic", TESTS / "hostile" / "panic_cfb.xls"),
        ("encrypted workbook (OLE container named .xlsx)", files.cfb(tmp / "enc.xlsx", ["EncryptionInfo", "EncryptedPackage"])),
    ]
    out = ["| input | refused in | memory | message |", "|---|---|---|---|"]
    for label, path in cases:
        r = run_measured(IMPORT, str(path))
        o = r["out"] or {}
        msg = (o.get("messages") or ["(no message: exit %s)" % r["rc"]])[0]
        out.append(f"| {label} | {o.get('seconds', float('nan')):.3f} s | +{r['peak_mb'] - r['base_mb']:.0f} MB | {msg} |")
    return out


def _far(tmp: Path) -> Path:
    import zipfile

    ok = files.xlsx(tmp / "ok.xlsx", [["客服昵称", "接待人数"], ["小美", 3]])
    sheet = zipfile.ZipFile(ok).read("xl/worksheets/sheet1.xml").replace(b'r="B2"', b'r="XFD1048576"')
    return files.with_part(tmp / "far.xlsx", "xl/worksheets/sheet1.xml", sheet)


def big(tmp: Path, rows: int) -> list[str]:
    t = time.perf_counter()
    f = files.big_csv(tmp / "big.csv", rows)
    gen = time.perf_counter() - t
    r = run_measured(IMPORT, str(f), timeout=1200)
    o = r["out"] or {}
    return [f"- {rows:,}-row daily export ({f.stat().st_size / 2**20:.0f} MB, {o.get('agents', 0):,} accounts, "
            f"generated in {gen:.1f} s): imported in {o.get('seconds', float('nan')):.1f} s, "
            f"peak RSS {r['peak_mb']:.0f} MB (package loaded: {r['base_mb']:.0f} MB), "
            f"{len(o.get('messages', []))} problems"]


def kills(tmp: Path, n: int, seed: int = 20261001, agents: int = 60) -> list[str]:
    pass


    out = tmp / "out"
    old = batchrun.export(tmp / "old_2026-10.csv", agents, 0)
    new = batchrun.export(tmp / "new_2026-10.csv", agents, 1)
    t0 = time.monotonic()
    p = batchrun.start(old, out)
    p.communicate(timeout=300)
    full = time.monotonic() - t0

    before = snapshot(out)
    rnd = random.Random(seed)
    landed = partial = replaced = missing = 0
    temps: set[str] = set()
    targets = [out / name for name in before]
    for i in range(n):
        p = batchrun.start(new if i % 2 else old, out)
        if i % 2 == 0:
            # half of the kills at a random time of the whole run
            time.sleep(rnd.uniform(0.3 * full, 1.05 * full))
        else:
            # the other half while the outputs are being written: after the k-th file is replaced
            k = rnd.randrange(len(targets))
            stamps = {t: t.stat().st_mtime_ns for t in targets}
            deadline = time.monotonic() + 3 * full
            while p.poll() is None and time.monotonic() < deadline:
                if sum(1 for t in targets if t.exists() and t.stat().st_mtime_ns != stamps[t]) > k:
                    break
                time.sleep(0.001)
            time.sleep(rnd.uniform(0, 0.02))
        if p.poll() is None:
            landed += 1
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.communicate(timeout=60)
        now = snapshot(out)
        missing += len(set(before) - set(now))
        for name, data in now.items():
            if data != before.get(name):
                if whole(out / name):
                    replaced += 1
                else:
                    partial += 1
        before = now
        temps |= {str(q.relative_to(out)) for q in out.rglob(".*.tmp")}
    p = batchrun.start(new, out)
    stdout, _ = p.communicate(timeout=300)
    rerun = f"DONE {agents}" in stdout
    left_after = len(list(out.rglob(".*.tmp")))
    return [f"- {n} SIGKILLs (process group; half at seeded random delays over a {full:.1f} s batch of {agents} "
            f"agents + 汇总, half right after a random number of outputs had been replaced); "
            f"{landed} landed while the batch ran; outputs changed to a complete new version {replaced} times; "
            f"**partial outputs: {partial}**, outputs lost: {missing}; hidden temp files left behind by killed "
            f"writes: {len(temps)} (names `.NAME.xlsx.*.tmp`, never `*.xlsx`; still there after a rerun: "
            f"{left_after}); rerun completed: {rerun}"]


def fuzz(scale: int) -> list[str]:
    env = {**os.environ, "CSKPI_FUZZ_SCALE": str(scale)}
    t = time.perf_counter()
    cp = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics",
                         str(TESTS / "test_importers_fuzz.py"), str(TESTS / "test_core_schemefile_fuzz.py")],
                        capture_output=True, text=True, env=env, cwd=TESTS.parent)
    seconds = time.perf_counter() - t
    out = ["| fuzzer | examples | failing |", "|---|---|---|"]
    current = None
    total = 0
    for line in cp.stdout.splitlines():
        m = re.match(r"tests/(test_fuzz_\w+\.py)::(\w+):", line.strip())
        if m:
            current = f"{m.group(1)}::{m.group(2)}"
        m = re.search(r"(\d+) passing examples, (\d+) failing examples", line)
        if m and current:
            total += int(m.group(1))
            out.append(f"| {current} | {int(m.group(1)):,} | {m.group(2)} |")
    last = cp.stdout.strip().splitlines()[-1] if cp.stdout.strip() else ""
    out.append(f"\n{total:,} examples in {seconds:.0f} s (CSKPI_FUZZ_SCALE={scale}); pytest: {last}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--fuzz-scale", type=int, default=10)
    ap.add_argument("--skip", nargs="*", default=[], choices=["bombs", "big", "kills", "fuzz"])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cskpi-measure-") as d:
        tmp = Path(d)
        sections = [("Bombs and damaged files", lambda: bombs(tmp / "b")),
                    ("A big export", lambda: big(tmp / "g", args.rows)),
                    ("Killed at random points", lambda: kills(tmp / "k", args.kills)),
                    ("Fuzzing", lambda: fuzz(args.fuzz_scale))]
        for key, (title, run) in zip(["bombs", "big", "kills", "fuzz"], sections):
            if key in args.skip:
                continue
            for sub in ("b", "g", "k"):
                (tmp / sub).mkdir(exist_ok=True)
            print(f"\n### {title}\n", flush=True)
            for line in run():
                print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
