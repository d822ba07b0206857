"""How fast and how big cskpi_xl runs, against baselines measured in the same run.

    python bench/run.py [--quick] [--sizes 100,1000,5000] [--out bench/results]
                        [--lo-max 1000] [--no-libreoffice] [--jobs N] [--layout per-agent|one-book]
                        [--scheme duoyi] [--record bench/RESULTS.md]

Every measurement runs in a fresh Python subprocess (``run.py --worker NAME``),
so each gets a clean heap and its own peak memory. The parent samples the RSS
of the worker's whole process tree (worker + LibreOffice or batch children)
every 20 ms from ``/proc``; the worker also reports ``getrusage`` maxrss for
itself and its children. "peak MB" is the larger of the two views.
Small measurements are repeated (best of 3; ``--quick``: once).

Measured:

1. **batch** — ``cskpi_xl.workbook.batch.run_batch`` end to end (import →
   score → every agent's sheet with live formulas and cached values → 汇总)
   for each size, against

   a. **floor** — openpyxl writing the same cells (counted from that size's
      real batch output: every sheet of one agent's file, repeated per
      agent, plus the 汇总 and any shared sheets, same layout, same values as
      cached), values only: no reading, no scoring, no formulas, no styles.
      Two rows: write-only mode (the true floor) and normal mode.
   b. **same bytes** — the batch's own output files rewritten from their
      parts already in memory (read outside the timer), every part deflated
      again (``zipfile.ZIP_DEFLATED``, as the batch writes), in as many
      processes as the batch uses: the limit of issue 19 (``× same bytes``).
   c. **LibreOffice** — ``libreoffice.recalculate_many`` over the batch's
      outputs (the peer path: a spreadsheet engine computing the values).
      Sizes above ``--lo-max`` are extrapolated linearly from the largest
      measured size and marked so.

2. **import** — ``import_files`` of a 10,000-row daily export (xlsx).
   **single agent** — ``cskpi fill`` for one agent (a child process, Python
   start included) and the 填充本表 button (``xlbutton.fill_this`` in a child
   process, an in-memory stand-in for Excel's open book): best of 3, in ms.
3. **udf** — one UDF over a 10,000-row column, in-process; **calc** —
   ``cskpi calc`` on a 1,000-agent workbook that calls the UDFs.
4. **score** — ``core.engine.score_team`` alone: agent-months per second.

Writes ``OUT/latest.md`` and ``OUT/latest.json`` and prints the Markdown;
``--record FILE`` also writes the dated report to FILE (``bench/RESULTS.md``).
No pass/fail exit status: targets are reported, not asserted.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

MB = 1024 * 1024
TABLE_HEADER = ("measurement", "size", "time (s)", "ms / agent", "peak MB", "× floor", "× same bytes", "LO ÷ this",
                "notes")
TARGET_HEADER = ("target", "wanted", "measured", "met")

# ----------------------------------------------------------------------------------------------
# machine


def machine() -> dict:
    info: dict = {"nproc": os.cpu_count()}
    try:
        info["nproc_usable"] = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        info["nproc_usable"] = os.cpu_count()
    try:
        cg = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if cg and cg[0] != "max":
            info["cgroup_cpus"] = round(int(cg[0]) / int(cg[1]), 2)
    except (OSError, ValueError, IndexError):
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["mem_total_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        lim = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if lim != "max":
            info["cgroup_mem_gib"] = round(int(lim) / 1024 ** 3, 1)
    except (OSError, ValueError):
        pass
    info["cpu"] = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info["python"] = platform.python_version()
    info["os"] = f"{platform.system()} {platform.release()}"
    for mod in ("openpyxl", "formulas", "xlsxwriter"):
        try:
            info[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001 - optional
            pass
    try:
        from cskpi_xl.workbook.libreoffice import find_soffice

        soffice = find_soffice()
        if soffice:
            out = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=60).stdout
            info["libreoffice"] = " ".join(out.split()[:2]) or soffice
    except Exception:  # noqa: BLE001
        pass
    return info


def machine_line(m: dict) -> str:
    cpus = f"{m.get('nproc_usable', m.get('nproc'))} cores"
    if "cgroup_cpus" in m:
        cpus += f" (cgroup quota {m['cgroup_cpus']})"
    mem = f"{m.get('mem_total_gib', '?')} GiB RAM"
    if "cgroup_mem_gib" in m:
        mem += f" (cgroup limit {m['cgroup_mem_gib']} GiB)"
    extra = ", ".join(f"{k} {m[k]}" for k in ("openpyxl", "formulas", "libreoffice") if k in m)
    return f"{cpus}, {mem}, {m.get('cpu', '?')}, Python {m.get('python')}, {m.get('os')}; {extra}"


# ----------------------------------------------------------------------------------------------
# measuring a worker subprocess


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        except (OSError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _tree_rss(pid: int, page: int) -> int:
    kids = _children_map()
    todo, total = [pid], 0
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm", "rb") as f:
                total += int(f.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            pass
        todo += kids.get(p, [])
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.02):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.stop = threading.Event()
        self.page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def run(self) -> None:
        if not os.path.isdir("/proc"):
            return
        while not self.stop.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid, self.page))
            self.stop.wait(self.interval)


def measure(worker: str, params: dict, *, timeout: float = 7200) -> dict:
    """Run one worker in a fresh interpreter; its JSON result plus wall time and peak memory."""
    # the parameters go in a file: a list of 5,000 output files is longer than a command line may be
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as pf:
        json.dump(params, pf, ensure_ascii=False)
    args = [sys.executable, str(Path(__file__).resolve()), "--worker", worker, "--params", "@" + pf.name]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        sampler = _Sampler(proc.pid)
        sampler.start()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        sampler.stop.set()
        sampler.join()
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    os.unlink(pf.name)
    lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": (stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1][:300],
                "wall": wall}
    res = json.loads(lines[-1])
    res["wall"] = wall
    res["peak_mb"] = max(sampler.peak / MB, res.get("maxrss_self_mb", 0), res.get("maxrss_children_mb", 0))
    res["tree_peak_mb"] = sampler.peak / MB
    return res


def best_of(repeats: int, worker: str, params: dict) -> dict:
    runs = [measure(worker, params) for _ in range(max(1, repeats))]
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return runs[-1]
    best = dict(min(ok, key=lambda r: r["seconds"]))
    best["runs"] = [round(r["seconds"], 4) for r in ok]
    best["peak_mb"] = max(r["peak_mb"] for r in ok)
    return best


# ----------------------------------------------------------------------------------------------
# workers (run inside the subprocess)


def _rusage() -> dict:
    import resource

    # ru_maxrss is in KiB on Linux
    return {"maxrss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "maxrss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def w_import(p: dict) -> dict:
    from cskpi_xl.importers import import_files

    t = time.perf_counter()
    data, problems = import_files([p["file"]])
    dt = time.perf_counter() - t
    return {"seconds": dt, "agents": len(data.agents), "problems": len(problems)}


def w_score(p: dict) -> dict:
    from cskpi_xl.core.engine import score_team
    from cskpi_xl.core.schemefile import builtin
    from cskpi_xl.importers import import_files
    from cskpi_xl.pipeline import figures_for

    scheme = builtin(p["scheme"])
    data, _ = import_files([p["export"]], manual=p.get("manual"))
    figures = figures_for(scheme, data)
    t = time.perf_counter()
    team, problems = score_team(scheme, figures, month=data.month)
    dt = time.perf_counter() - t
    return {"seconds": dt, "agents": len(team.agents), "problems": len(problems)}


def w_batch(p: dict) -> dict:
    from cskpi_xl.workbook.batch import run_batch

    kw = {"manual": p.get("manual"), "layout": p["layout"], "jobs": p.get("jobs"), "progress": False}
    if p.get("aliases"):
        kw["aliases"] = p["aliases"]
    t = time.perf_counter()
    report, problems = run_batch(p["exports"], p["scheme"], p.get("month"), p["out_dir"], **kw)
    dt = time.perf_counter() - t
    files = sorted(str(f) for f in Path(p["out_dir"]).rglob("*.xlsx"))
    errors = [x for x in problems if getattr(x, "severity", "error") == "error"]
    return {"seconds": dt, "files": len(files), "problems": len(problems), "errors": len(errors),
            "first_error": errors[0].format() if errors else None}


_FLOOR: dict = {}


def _floor_put(wb, title, rows, name, write_only):
    ws = wb.create_sheet(title)
    if write_only:
        for r in rows:
            ws.append([name if (name is not None and v == "\x00NAME") else v for v in r])
    else:
        for i, r in enumerate(rows, 1):
            for j, v in enumerate(r, 1):
                if v is not None:
                    ws.cell(i, j, name if (name is not None and v == "\x00NAME") else v)


def _floor_book(write_only):
    from openpyxl import Workbook

    wb = Workbook(write_only=write_only)
    if not write_only:
        wb.remove(wb.active)
    return wb


def _floor_agents(bounds) -> int:
    """Write agents ``bounds[0]:bounds[1]`` one workbook each (a worker of the parallel floor)."""
    spec, out, write_only = _FLOOR["spec"], _FLOOR["out"], _FLOOR["write_only"]
    names = _FLOOR["names"]
    for k in range(*bounds):
        wb = _floor_book(write_only)
        for sh in spec["agent"]:
            _floor_put(wb, sh["title"], sh["rows"], names[k], write_only)
        wb.save(out / f"{k + 1:05d}.xlsx")
    return bounds[1] - bounds[0]


def w_floor(p: dict) -> dict:
    """openpyxl writing the cells of ``spec`` (values only), ``n`` agents, in the batch's layout.

    ``jobs`` > 1 splits the per-agent files over that many processes (as the batch does).
    """
    spec = json.loads(Path(p["spec"]).read_text(encoding="utf-8"))
    n, out, write_only = p["n"], Path(p["out_dir"]), p["mode"] == "write-only"
    jobs = max(1, int(p.get("jobs") or 1))
    out.mkdir(parents=True, exist_ok=True)
    names = spec["names"][:n] + [f"客服{i}" for i in range(len(spec["names"]), n)]
    _FLOOR.update(spec=spec, out=out, write_only=write_only, names=names)
    t = time.perf_counter()
    if spec["layout"] == "one-book":
        wb = _floor_book(write_only)
        for sh in spec["shared"]:
            _floor_put(wb, sh["title"], sh["rows"], None, write_only)
        for k, name in enumerate(names):
            for sh in spec["agent"]:
                _floor_put(wb, f"{k + 1}_{sh['title']}"[:31], sh["rows"], name, write_only)
        wb.save(out / "团队.xlsx")
    else:
        if jobs > 1 and n > 2:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            step = -(-n // (jobs * 8))
            chunks = [(i, min(n, i + step)) for i in range(0, n, step)]
            with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as ex:
                assert sum(ex.map(_floor_agents, chunks)) == n
        else:
            _floor_agents((0, n))
        if spec["shared"]:
            wb = _floor_book(write_only)
            for sh in spec["shared"]:
                _floor_put(wb, sh["title"], sh["rows"], None, write_only)
            wb.save(out / "汇总.xlsx")
    dt = time.perf_counter() - t
    return {"seconds": dt, "cells": spec["agent_cells"] * n + spec["shared_cells"], "jobs": jobs}


_SAME: list = []


def _same_write(part: tuple[int, int]) -> int:
    """Write every ``step``-th file of ``_SAME`` from ``start`` (a worker of the same-bytes floor)."""
    import zipfile

    start, step = part
    n = 0
    for path, parts in _SAME[start::step]:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in parts:
                z.writestr(info, data)
        n += 1
    return n


def w_samebytes(p: dict) -> dict:
    """The batch's output files rewritten from bytes in memory, every part deflated again, ``jobs`` processes.

    Reading the files (and starting the processes) is outside the timer; the
    workers are forked after the read, so the bytes are already theirs.
    """
    import multiprocessing
    import zipfile

    root, out = Path(p["root"]), Path(p["out_dir"])
    n_parts = raw = 0
    for f in p["files"]:
        parts = []
        with zipfile.ZipFile(f) as z:
            for i in z.infolist():
                info = zipfile.ZipInfo(i.filename, i.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                data = z.read(i)
                parts.append((info, data))
                raw += len(data)
        dst = out / Path(f).relative_to(root)
        dst.parent.mkdir(parents=True, exist_ok=True)
        _SAME.append((str(dst), parts))
        n_parts += len(parts)
    jobs = max(1, min(int(p.get("jobs") or 1), len(_SAME)))
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            pool.map(abs, range(jobs))  # the workers are up before the clock starts
            t = time.perf_counter()
            written = sum(pool.map(_same_write, [(i, jobs) for i in range(jobs)]))
            dt = time.perf_counter() - t
    else:
        t = time.perf_counter()
        written = _same_write((0, 1))
        dt = time.perf_counter() - t
    return {"seconds": dt, "files": written, "parts": n_parts, "raw_mb": raw / MB, "jobs": jobs}


def w_fill_cli(p: dict) -> dict:
    """``cskpi fill TEMPLATE EXPORT --agent NAME`` as a user runs it (a child process), timed from outside."""
    cmd = [sys.executable, "-m", "cskpi_xl.cli", "fill", p["template"], p["export"], "--agent", p["agent"],
           "--month", p["month"], "--scheme", p["scheme"], "--out", p["out"]]
    if p.get("manual"):
        cmd += ["--manual", p["manual"]]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if r.returncode != 0 or not Path(p["out"]).is_file():
        raise RuntimeError(f"cskpi fill exit {r.returncode}: {(r.stderr or r.stdout).strip()[-300:]}")
    return {"seconds": dt}


def w_button(p: dict) -> dict:
    """The 填充本表 button as a child process: ``run.py --worker button_click`` timed from outside."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "button_click", "--params", json.dumps(p)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if r.returncode != 0 or not lines:
        raise RuntimeError(f"button exit {r.returncode}: {(r.stderr or r.stdout).strip()[-300:]}")
    inner = json.loads(lines[-1])
    if not str(inner.get("status", "")).startswith("已填充"):
        raise RuntimeError(f"the button did not fill: {inner.get('status')!r}")
    return {**inner, "seconds": dt}


def w_button_click(p: dict) -> dict:
    """What RunPython runs for 填充本表 (``import cskpi_xl.xlbutton as b; b.fill_this()``), with the book in memory."""
    t0 = time.perf_counter()
    import xlwings

    t_xlwings = time.perf_counter() - t0
    t = time.perf_counter()
    settings = [("方案", p["scheme"]), ("月份", p["month"]), ("客服昵称", p["agent"]), ("导出文件", p["export"])]
    if p.get("manual"):
        settings.append(("手工录入", p["manual"]))
    sys.path.insert(0, str(ROOT))  # the stand-in book the button tests use: tests/xlwings_book.py
    from tests.xlwings_book import open_book

    book = open_book(p["template"], settings)
    t_book = time.perf_counter() - t
    xlwings.Book.caller = lambda: book  # Excel's open book
    t = time.perf_counter()
    import cskpi_xl.xlbutton as b

    b.fill_this()
    t_fill = time.perf_counter() - t
    sheet = book.sheets["设置"]
    return {"status": sheet.values.get((1, 4)), "import_xlwings": t_xlwings, "book": t_book, "fill": t_fill,
            "cells": len(book.sheets[0].values) + len(book.sheets[0].formulas)}


def w_libreoffice(p: dict) -> dict:
    """``libreoffice.convert_many`` (what ``recalculate_many`` runs) over the batch outputs, ``chunk`` files per soffice run.

    One soffice run over a thousand files lost files part-way (LibreOffice 7.4: "could not be
    loaded", exit status 0), so the files go in chunks, each a fresh soffice, and a file
    LibreOffice cannot open is counted and named instead of losing the timing.
    """
    from cskpi_xl.workbook.libreoffice import convert_many

    files, chunk = p["files"], int(p.get("chunk") or 100)
    failed: list[str] = []
    done = 0
    t = time.perf_counter()
    for i in range(0, len(files), chunk):
        part = files[i:i + chunk]
        outs, problems = convert_many(part, p["out_dir"], "xlsx", timeout=60 + 10 * len(part))
        done += len(outs)
        failed += [Path(x.file).name for x in problems if getattr(x, "file", None)]
    dt = time.perf_counter() - t
    return {"seconds": dt, "files": done, "failed": failed, "runs": -(-len(files) // chunk)}


def udf_args(name: str, n: int, seed: int = 1) -> tuple:
    """The arguments of one UDF call over an ``n``-row column (as xlwings hands a range over: a list of rows)."""
    import random

    rng = random.Random(f"{seed}:{name}:{n}")
    if name == "KPI_SCORE":
        return ("咨询转化率", [[round(rng.uniform(0.2, 0.5), 4)] for _ in range(n)], "duoyi")
    if name == "COMMISSION_TIER":
        return ([[round(rng.uniform(0, 70000), 2)] for _ in range(n)], "standard")
    if name == "CONVERSION_RATE":
        return ([[rng.randint(0, 100)] for _ in range(n)], [[rng.randint(1, 300)] for _ in range(n)])
    raise ValueError(name)


def w_udf(p: dict) -> dict:
    """One UDF over an ``rows``-row column, called in-process: the first (cold) call and the best warm call."""
    from cskpi_xl import udfs

    name, n = p["udf"], p["rows"]
    fn = getattr(udfs, name)
    args = udf_args(name, n)
    t = time.perf_counter()
    out = fn(*args)
    cold = time.perf_counter() - t
    warm = []
    for _ in range(3):
        t = time.perf_counter()
        fn(*args)
        warm.append(time.perf_counter() - t)
    errors = sum(1 for r in out for v in r if isinstance(v, str) and v.startswith("#"))
    return {"seconds": min(warm), "cold": cold, "udf": name, "rows": n, "errors": errors}


def w_calc(p: dict) -> dict:
    """``cskpi calc WORKBOOK`` as a user runs it (a child process), timed from outside."""
    cmd = [sys.executable, "-m", "cskpi_xl.cli", "calc", p["workbook"], *p.get("args", [])]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise RuntimeError(f"cskpi calc exit {r.returncode}: {(r.stderr or r.stdout).strip()[-300:]}")
    return {"seconds": dt, "stdout": r.stdout.strip()[-200:]}


def w_calc_inproc(p: dict) -> dict:
    """Compile the workbook once, then evaluate it with changed inputs (``CompiledWorkbook``)."""
    from cskpi_xl.excel import calc as xlcalc

    t = time.perf_counter()
    xlcalc.register()
    reg = time.perf_counter() - t
    t = time.perf_counter()
    cw = xlcalc.CompiledWorkbook(p["workbook"])  # one compile per formula shape (first: it pays any warm-up)
    compile_s = time.perf_counter() - t
    t = time.perf_counter()
    alone = xlcalc.CompiledWorkbook(p["workbook"], share_shapes=False)  # formulas' own way: every cell alone
    compile_alone = time.perf_counter() - t
    t = time.perf_counter()
    values = cw.calculate()
    first = time.perf_counter() - t
    same = values == alone.calculate()
    del alone
    times = []
    for k in range(p.get("evals", 3)):
        t = time.perf_counter()
        vals = cw.calculate({"客服!B2": 500 + k, "客服!D3": 12345.6 + k})
        times.append(time.perf_counter() - t)
    return {"seconds": sum(times) / len(times), "register": reg, "compile": compile_s, "compile_alone": compile_alone,
            "shapes": cw.shape_stats, "same_values": same, "first": first, "evals": len(times),
            "check": str(vals.get(("客服", "F2")))}


WORKERS = {"import": w_import, "score": w_score, "batch": w_batch, "floor": w_floor,
           "libreoffice": w_libreoffice, "udf": w_udf, "calc": w_calc,
           "calc_inproc": w_calc_inproc, "samebytes": w_samebytes, "fill_cli": w_fill_cli, "button": w_button,
           "button_click": w_button_click}


def worker_main(name: str, params: str) -> int:
    """Run worker ``name``; ``params`` is JSON, or ``@FILE`` naming a file that holds it."""
    if params.startswith("@"):
        params = Path(params[1:]).read_text(encoding="utf-8")
    res = WORKERS[name](json.loads(params))
    res.update(_rusage())
    print(json.dumps(res, ensure_ascii=False, default=str))
    return 0


# ----------------------------------------------------------------------------------------------
# the batch's output → a spec for the floor


def have_batch() -> bool:
    try:
        import cskpi_xl.workbook.batch as b  # noqa: F401
    except ImportError:
        return False
    return hasattr(b, "run_batch")


def _rows_of(ws) -> list[list]:
    rows = []
    for r in ws.iter_rows(values_only=True):
        rows.append([v if isinstance(v, (int, float, str)) or v is None else str(v) for v in r])
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


def _count(rows) -> int:
    return sum(1 for r in rows for v in r if v is not None)


def floor_spec(out_dir: Path, names: list[str], layout: str) -> dict:
    """What the batch wrote, as values: one agent's sheets (the template) and the shared sheets."""
    from openpyxl import load_workbook

    files = sorted(out_dir.rglob("*.xlsx"))
    name_set = set(names)

    def mark(rows, name):
        return [["\x00NAME" if v == name else v for v in r] for r in rows]

    agent_sheets: list[dict] = []
    shared: list[dict] = []
    if layout == "one-book" or len(files) == 1:
        wb = load_workbook(files[0], data_only=True, read_only=True)
        for ws in wb.worksheets:
            rows = _rows_of(ws)
            owner = next((v for r in rows[:12] for v in r if isinstance(v, str) and v in name_set), None)
            if owner is not None and not any(s.get("owner") == owner for s in agent_sheets) and agent_sheets:
                continue  # another agent: the template already has one
            if owner is not None and not agent_sheets:
                agent_sheets.append({"title": ws.title, "rows": mark(rows, owner), "owner": owner})
            elif owner is not None and agent_sheets[0]["owner"] == owner:
                agent_sheets.append({"title": ws.title, "rows": mark(rows, owner), "owner": owner})
            else:
                shared.append({"title": ws.title, "rows": rows})
        wb.close()
        layout = "one-book"
    else:
        summary = [f for f in files if "汇总" in f.name]
        agents = [f for f in files if f not in summary]
        wb = load_workbook(agents[0], data_only=True, read_only=True)
        for ws in wb.worksheets:
            rows = _rows_of(ws)
            owner = next((v for r in rows[:12] for v in r if isinstance(v, str) and v in name_set), None)
            agent_sheets.append({"title": ws.title, "rows": mark(rows, owner) if owner else rows})
        wb.close()
        for f in summary:
            wb = load_workbook(f, data_only=True, read_only=True)
            for ws in wb.worksheets:
                shared.append({"title": ws.title, "rows": _rows_of(ws)})
            wb.close()
        layout = "per-agent"
    return {"layout": layout, "names": names, "agent": agent_sheets, "shared": shared,
            "agent_cells": sum(_count(s["rows"]) for s in agent_sheets),
            "shared_cells": sum(_count(s["rows"]) for s in shared),
            "agent_shape": [(s["title"], len(s["rows"]), max((len(r) for r in s["rows"]), default=0))
                            for s in agent_sheets],
            "files": len(files)}


def default_spec(names: list[str]) -> dict:
    """A stand-in shape while the batch does not exist yet: 30 rows × 6 columns per agent, 汇总 N × 12."""
    agent = [["\x00NAME", "2026-10"]] + [[f"项目{i}", 20, 18.5, 0.36, 1.5, "说明"] for i in range(29)]
    shared = [["客服", "总分", "等级", "名次", "提成", "工资", "a", "b", "c", "d", "e", "f"]] + [
        [n, 95.5, "优秀", i + 1, 449.93, 2100.5, 1, 2, 3, 4, 5, 6] for i, n in enumerate(names)]
    return {"layout": "per-agent", "names": names, "agent": [{"title": "考核表", "rows": agent}],
            "shared": [{"title": "汇总", "rows": shared}], "agent_cells": _count(agent),
            "shared_cells": _count(shared), "agent_shape": [("考核表", 30, 6)], "files": len(names) + 1,
            "assumed": True}


# ----------------------------------------------------------------------------------------------
# the run


def _fmt(x, nd=2) -> str:
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.{nd}f}"


def run(args) -> dict:
    import synth

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    repeats = 1 if args.quick else 3
    daily_rows = args.daily_rows or (1000 if args.quick else 10_000)
    work = Path(tempfile.mkdtemp(prefix="cskpi-bench-"))
    results: dict = {"date": _dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
                     "args": vars(args), "rows": [], "targets": []}
    rows = results["rows"]

    def log(msg):
        if not args.silent:
            print(msg, file=sys.stderr, flush=True)

    def row(measurement, size, res, *, per_agent=None, floor=None, lo=None, notes=""):
        r = {"measurement": measurement, "size": size, "seconds": res.get("seconds"),
             "ms_per_agent": per_agent, "peak_mb": res.get("peak_mb"), "x_floor": floor, "x_same": None, "lo_over": lo,
             "notes": notes if "error" not in res else f"FAILED: {res['error']}", "raw": res}
        rows.append(r)
        log(f"  {measurement} {size}: {_fmt(res.get('seconds'))} s, peak {_fmt(res.get('peak_mb'))} MB {r['notes']}")
        return r

    try:
        # ---- 2. import
        log(f"synthetic daily export, {daily_rows} rows")
        daily = synth.daily_export(work / "daily", daily_rows)
        res = best_of(repeats, "import", {"file": str(daily)})
        row("import (daily xlsx)", f"{daily_rows:,} rows", res,
            notes=f"{res.get('agents', '?')} agents; best of {repeats}")
        if "seconds" in res:
            results["targets"].append(("import of a 10,000-row export", "≈ 1 s (≤ 1.5 s)",
                                       f"{res['seconds']:.2f} s" + ("" if daily_rows == 10_000 else f" ({daily_rows} rows)"),
                                       res["seconds"] <= 1.5 if daily_rows == 10_000 else None))

        # ---- data per size
        data = {}
        for n in sizes:
            d = work / f"n{n}"
            data[n] = {"export": str(synth.monthly_export(d / "in", n)),
                       "manual": str(synth.manual_inputs(d / "in", n)), "dir": d}

        # ---- 4. scoring throughput
        n_score = max(sizes)
        res = best_of(repeats, "score", {"export": data[n_score]["export"], "manual": data[n_score]["manual"],
                                         "scheme": args.scheme})
        amps = n_score / res["seconds"] if res.get("seconds") else None
        row(f"score_team ({args.scheme})", f"{n_score:,} agents", res,
            per_agent=res["seconds"] * 1000 / n_score if res.get("seconds") else None,
            notes=f"{_fmt(amps)} agent-months/s; best of {repeats}" if amps else "")
        results["score_agent_months_per_s"] = amps

        # ---- 1. batch, floor, LibreOffice
        batch_ok = have_batch()
        workers = args.jobs or os.cpu_count() or 1  # what run_batch uses by default (one process per core)
        per_agent: dict[str, dict[int, float]] = {}
        lo_measured: dict[int, float] = {}
        batch_rows: list[dict] = []
        for n in sizes:
            d = data[n]["dir"]
            names = synth.agent_names(n)
            spec = None
            this: list[dict] = []
            for label in (["batch (import→score→sheets→汇总)"] if batch_ok else []):
                out = d / "batch"
                log(f"{label}: {n} agents")
                params = {"exports": [data[n]["export"]], "manual": data[n]["manual"], "scheme": args.scheme,
                          "month": synth.MONTH, "out_dir": str(out), "layout": args.layout, "jobs": args.jobs}
                reps = repeats if n <= 1000 else 1  # the 1,000-agent ratio is the target: best of 3 there too
                res: dict = {}
                for _ in range(reps):
                    shutil.rmtree(out, ignore_errors=True)
                    r1 = measure("batch", params)
                    if "error" in r1:
                        res = r1
                        break
                    if not res or r1["seconds"] < res["seconds"]:
                        res = {**r1, "peak_mb": max(r1["peak_mb"], res.get("peak_mb", 0))}
                    else:
                        res["peak_mb"] = max(res["peak_mb"], r1["peak_mb"])
                notes = (f"{res.get('files', '?')} files, layout {args.layout}, {workers} processes"
                         + (f", best of {reps}" if reps > 1 else ""))
                b = row(label, f"{n:,} agents", res,
                        per_agent=res["seconds"] * 1000 / n if res.get("seconds") else None, notes=notes)
                b["n"] = n
                this.append(b)
                if res.get("seconds"):
                    per_agent.setdefault(label, {})[n] = res["seconds"] / n
                    if spec is None:
                        spec = floor_spec(out, names, args.layout)
            batch_rows += this
            if spec is None:
                spec = default_spec(names)
            spec_file = d / "floor_spec.json"
            spec_file.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
            shape = "; ".join(f"{t} {r}×{c}" for t, r, c in spec["agent_shape"])
            cells_note = (f"{spec['agent_cells']} cells/agent ({shape}) + {spec['shared_cells']} shared"
                          + (" — ASSUMED shape, no batch yet" if spec.get("assumed") else ""))
            floors: dict[str, dict] = {}
            floor_kinds = [("write-only", 1)] + ([("write-only", workers), ("normal", workers)] if workers > 1
                                                   else [("normal", 1)])
            for mode, jobs in floor_kinds:
                label = f"floor: openpyxl {mode}, {jobs} process{'es' if jobs > 1 else ''}"
                fd = d / f"floor-{mode}-{jobs}"
                shutil.rmtree(fd, ignore_errors=True)
                fres = best_of(repeats if n <= 100 else 1, "floor",
                               {"spec": str(spec_file), "n": n, "out_dir": str(fd), "mode": mode, "jobs": jobs})
                shutil.rmtree(fd, ignore_errors=True)
                floors[label] = fres
                row(label, f"{n:,} agents", fres,
                    per_agent=fres["seconds"] * 1000 / n if fres.get("seconds") else None,
                    notes=cells_note + "; values only")
            # the same-bytes floor: the batch's own files rewritten from memory (issue 19's limit)
            batch_files = sorted(str(f) for f in (d / "batch").rglob("*.xlsx"))
            if batch_files:
                sd = d / "samebytes"
                shutil.rmtree(sd, ignore_errors=True)
                sres = best_of(repeats if n <= 1000 else 1, "samebytes",
                               {"files": batch_files, "root": str(d / "batch"), "out_dir": str(sd), "jobs": workers})
                shutil.rmtree(sd, ignore_errors=True)
                jobs = sres.get("jobs", workers)
                row(f"floor: same bytes, {jobs} process{'es' if jobs > 1 else ''}", f"{n:,} agents", sres,
                    per_agent=sres["seconds"] * 1000 / n if sres.get("seconds") else None,
                    notes=(f"the batch's {sres.get('files', '?')} output files rewritten from their "
                           f"{sres.get('parts', '?'):,} parts in memory ({_fmt(sres.get('raw_mb'))} MB uncompressed), "
                           f"every part deflated again; reading and process start not timed")
                    if sres.get("seconds") else "")
                if sres.get("seconds"):
                    for b in this:
                        if b.get("seconds"):
                            b["x_same"] = b["seconds"] / sres["seconds"]
                            b["same_seconds"] = sres["seconds"]
            ok_floors = {k: v["seconds"] for k, v in floors.items() if v.get("seconds")}
            if ok_floors:
                best_label = min(ok_floors, key=ok_floors.get)
                for b in this:
                    if b.get("seconds"):
                        b["x_floor"] = b["seconds"] / ok_floors[best_label]
                        b["floor_label"] = best_label
                        b["x_floor_all"] = {k: b["seconds"] / v for k, v in ok_floors.items()}
            # LibreOffice, over the (unpatched) batch's outputs
            b0 = this[0] if this else None
            if b0 is not None and b0.get("seconds") and not args.no_libreoffice:
                files = sorted(str(f) for f in (d / "batch").rglob("*.xlsx"))
                if n <= args.lo_max:
                    log(f"LibreOffice recalculation of {len(files)} files")
                    lres = measure("libreoffice", {"files": files, "out_dir": str(d / "lo"), "chunk": args.lo_chunk})
                    shutil.rmtree(d / "lo", ignore_errors=True)
                    note = (f"convert_many (recalculate) over the {len(files)} batch outputs, "
                            f"{lres.get('runs', '?')} soffice runs of ≤ {args.lo_chunk} files")
                    if lres.get("failed"):
                        note += f"; LibreOffice could NOT open {len(lres['failed'])}: {', '.join(lres['failed'][:3])}"
                    if lres.get("seconds"):
                        lo_measured[n] = lres["seconds"]
                else:
                    base = max(lo_measured, default=None)
                    if base is None:
                        lres, note = {"error": "no smaller measured size to extrapolate from"}, ""
                    else:
                        lres = {"seconds": lo_measured[base] * n / base, "peak_mb": None, "extrapolated": True}
                        note = f"EXTRAPOLATED linearly from {base:,} agents (not run: > --lo-max {args.lo_max})"
                lr = row("LibreOffice headless recalculation", f"{n:,} agents", lres,
                         per_agent=lres["seconds"] * 1000 / n if lres.get("seconds") else None, notes=note)
                if lres.get("seconds"):
                    lr["lo_over"] = 1.0
                    for b in this:
                        if b.get("seconds"):
                            b["lo_over"] = lres["seconds"] / b["seconds"]
                            b["lo_extrapolated"] = bool(lres.get("extrapolated"))
            for sub in ("batch", "batch-fixed"):
                shutil.rmtree(d / sub, ignore_errors=True)

        # targets for the batch
        for b in batch_rows:
            if not b.get("seconds"):
                continue
            if b.get("x_floor") is not None:
                others = ", ".join(f"{k.split(': ', 1)[1]}: {v:.2f}×" for k, v in b["x_floor_all"].items())
                results["targets"].append((f"batch within 2× the floor, {b['size']}", "≤ 2.0×",
                                           f"{b['x_floor']:.2f}× the fastest floor ({others})", b["x_floor"] <= 2.0))
            if b.get("x_same") is not None:
                results["targets"].append((f"batch within 3× the same-bytes floor, {b['size']}",
                                           "≤ 3.0× (at ≥ 1,000 agents)",
                                           f"{b['x_same']:.2f}× ({b['seconds']:.2f} s ÷ {b['same_seconds']:.2f} s)",
                                           b["x_same"] <= 3.0 if b["n"] >= 1000 else None))
            if b.get("lo_over") is not None:
                results["targets"].append((f"≥ 5× faster than LibreOffice, {b['size']}", "≥ 5.0×",
                                           f"{b['lo_over']:.1f}×" + (" (LO extrapolated)" if b.get("lo_extrapolated") else ""),
                                           b["lo_over"] >= 5.0))
            if b["n"] == 1000 and b.get("peak_mb"):
                results["targets"].append(("peak memory at 1,000 agents", "< 500 MB",
                                           f"{b['peak_mb']:.0f} MB (process tree)", b["peak_mb"] < 500))
        results["linear"] = {}
        for label, pa in per_agent.items():
            if len(pa) < 2:
                continue
            lo_n, hi_n = min(pa), max(pa)
            growth = pa[hi_n] / pa[lo_n]
            results["linear"][label] = {str(k): v * 1000 for k, v in sorted(pa.items())}
            results["targets"].append((f"linear growth: per-agent time {hi_n:,} ÷ {lo_n:,}", "≤ 1.25",
                                       f"{growth:.2f} (" + ", ".join(f"{k:,}: {v * 1000:.1f} ms"
                                                                     for k, v in sorted(pa.items())) + ")",
                                       growth <= 1.25))
        if not batch_ok:
            results["targets"].append(("batch targets", "—", "not measured: cskpi_xl/workbook/batch.py missing", None))

        # ---- single agent: cskpi fill and the 填充本表 button
        single_bench(args, data[min(sizes)], min(sizes), work, repeats, row, results, log)

        # ---- 3. UDF and cskpi calc
        udf_bench(args, work, repeats, row, results, log)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"kept {work}")
    return results


def latency(repeats: int, worker: str, params: dict) -> dict:
    """Best of ``repeats`` runs of a worker that times one child process (``seconds``)."""
    return best_of(repeats, worker, params)


def single_bench(args, data: dict, n: int, work: Path, repeats: int, row, results: dict, log) -> None:
    """One agent, what HR feels: ``cskpi fill`` and the 填充本表 button, each a child process (Python start included)."""
    import synth

    template = ROOT / "workbook_templates" / f"{args.scheme}.xlsx"
    if not template.is_file():
        results["targets"].append(("single-agent latency", "report", f"not measured: no template {template.name}", None))
        return
    agent = synth.agent_names(n)[0]
    common = {"template": str(template), "export": data["export"], "manual": data["manual"], "agent": agent,
              "month": synth.MONTH, "scheme": args.scheme}
    size = f"1 agent (export of {n:,})"
    log(f"single agent: cskpi fill and the 填充本表 button, {agent}")
    res = latency(repeats, "fill_cli", {**common, "out": str(work / "fill_one.xlsx")})
    row("single agent: cskpi fill (CLI, child process)", size, res,
        per_agent=res["seconds"] * 1000 if res.get("seconds") else None,
        notes=(f"template {template.name} → saved file; Python start included; best of {repeats}"
               + (f" (runs: {', '.join(f'{x * 1000:.0f}' for x in res.get('runs', []))} ms)" if res.get("runs") else "")))
    if res.get("seconds"):
        results["targets"].append(("single agent: cskpi fill, click to saved file", "report",
                                   f"{res['seconds'] * 1000:.0f} ms", None))
    res = latency(repeats, "button", common)
    row("single agent: 填充本表 button (xlbutton.fill_this, child process)", size, res,
        per_agent=res["seconds"] * 1000 if res.get("seconds") else None,
        notes=(f"Python start + import xlwings ({res['import_xlwings'] * 1000:.0f} ms) + the button "
               f"({res['fill'] * 1000:.0f} ms); the open book is an in-memory stand-in (no Excel here: no COM "
               f"calls, Excel saves), building it from {template.name} {res['book'] * 1000:.0f} ms; best of {repeats}"
               if res.get("seconds") else ""))
    if res.get("seconds"):
        results["targets"].append(("single agent: 填充本表 button, click to filled sheet", "report",
                                   f"{res['seconds'] * 1000:.0f} ms (the button itself {res['fill'] * 1000:.0f} ms)",
                                   None))


UDFS = ("KPI_SCORE", "COMMISSION_TIER", "CONVERSION_RATE")


def have_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def udf_bench(args, work: Path, repeats: int, row, results: dict, log) -> None:
    if not have_module("cskpi_xl.udfs"):
        results["targets"].append(("UDF over 10,000 rows; cskpi calc", "report", "not measured: cskpi_xl/udfs.py missing", None))
        return
    n = 1000 if args.quick else 10_000
    for name in UDFS:
        res = measure("udf", {"rows": n, "udf": name})
        row(f"UDF {name} over a column, in-process", f"{n:,} rows", res,
            notes=(f"warm (best of 3); cold first call {res['cold'] * 1000:.0f} ms; "
                   f"{res['rows'] / res['seconds']:,.0f} rows/s") if res.get("seconds") else "")
        if "seconds" in res:
            results["targets"].append((f"UDF {name} over a {n:,}-row column", "report",
                                       f"{res['seconds'] * 1000:.1f} ms warm, {res['cold'] * 1000:.0f} ms cold", None))
    if not have_module("cskpi_xl.excel.calc"):
        results["targets"].append(("cskpi calc", "report", "not measured: cskpi_xl/excel/calc.py missing", None))
        return
    import synth

    na = args.calc_agents
    wb = synth.udf_workbook(work / f"calc{na}", na)
    calls = na * 5
    res = best_of(1 if args.quick else 2, "calc", {"workbook": str(wb), "args": ["--out", str(wb.with_name("out.xlsx"))]})
    row("cskpi calc WORKBOOK (CLI, end to end)", f"{na:,} agents", res,
        per_agent=res["seconds"] * 1000 / na if res.get("seconds") else None,
        notes=f"{calls:,} UDF formulas (5 per agent); child process incl. interpreter start, compile, evaluate, save")
    if "seconds" in res:
        results["targets"].append((f"cskpi calc on a {na:,}-agent UDF workbook", "report", f"{res['seconds']:.2f} s", None))
    res = measure("calc_inproc", {"workbook": str(wb), "evals": 1 if args.quick else 3})
    if "seconds" in res:
        st = res.get("shapes") or {}
        row("excel.calc: compile each cell alone (formulas' way, before)", f"{na:,} agents",
            {**res, "seconds": res["compile_alone"]}, per_agent=res["compile_alone"] * 1000 / na,
            notes=f"{calls:,} UDF formulas, each parsed and compiled by formulas; same process, after the next row")
        row("excel.calc: compile once (CompiledWorkbook, one compile per formula shape)", f"{na:,} agents",
            {**res, "seconds": res["compile"]}, per_agent=res["compile"] * 1000 / na,
            notes=(f"{st.get('formulas', '?'):,} formulas, {st.get('shapes', '?')} shapes, {st.get('compiled', '?')} "
                   f"compiled, {st.get('shared', '?'):,} shared; {res['compile_alone'] / res['compile']:.1f}× faster "
                   f"than each cell alone; values equal to it: {'yes' if res.get('same_values') else 'NO'}; "
                   f"formulas import + register {res['register']:.2f} s not included"))
        row("excel.calc: evaluate many (calculate with new inputs)", f"{na:,} agents", res,
            per_agent=res["seconds"] * 1000 / na,
            notes=f"mean of {res['evals']} evaluations after the first ({res['first']:.2f} s); "
                  f"{calls / res['seconds']:,.0f} UDF cells/s")
        results["targets"].append((f"excel.calc compile / evaluate, {na:,} agents", "report",
                                   f"compile {res['compile']:.2f} s (each cell alone: {res['compile_alone']:.2f} s), "
                                   f"evaluate {res['seconds']:.2f} s", None))
    else:
        row("excel.calc: compile once, evaluate many", f"{na:,} agents", res)


# ----------------------------------------------------------------------------------------------
# report


def markdown(results: dict) -> str:
    m = results["machine"]
    out = [f"# cskpi_xl benchmarks — {results['date']}", "",
           f"Machine: {machine_line(m)}", "",
           "Each row is a fresh subprocess; peak MB is the process tree's peak RSS. "
           "× floor = time ÷ the fastest openpyxl floor (same cells, values only) at the same size; "
           "× same bytes = time ÷ rewriting the batch's own output files from memory (every part deflated again); "
           "LO ÷ this = LibreOffice recalculation time ÷ this row's time. "
           "Method and profiles: bench/README.md.", "",
           "| " + " | ".join(TABLE_HEADER) + " |", "|" + "---|" * len(TABLE_HEADER)]
    for r in results["rows"]:
        out.append("| " + " | ".join([
            r["measurement"], r["size"], _fmt(r["seconds"], 3), _fmt(r["ms_per_agent"], 3), _fmt(r["peak_mb"], 0),
            _fmt(r["x_floor"]) + ("×" if r["x_floor"] is not None else ""),
            _fmt(r.get("x_same")) + ("×" if r.get("x_same") is not None else ""),
            _fmt(r["lo_over"], 1) + ("×" if r["lo_over"] is not None else ""), r["notes"].replace("|", "/")]) + " |")
    out += ["", "## Targets", "", "| " + " | ".join(TARGET_HEADER) + " |", "|" + "---|" * len(TARGET_HEADER)]
    for name, wanted, measured, met in results["targets"]:
        out.append(f"| {name} | {wanted} | {measured} | {'yes' if met else ('—' if met is None else 'NO')} |")
    if results.get("score_agent_months_per_s"):
        out += ["", f"Scoring core alone: {results['score_agent_months_per_s']:,.0f} agent-months per second."]
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--params", help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help="one repeat, 1,000-row import and UDF column")
    ap.add_argument("--sizes", default=None, help="agent counts (default 100,1000,5000; --quick: 100)")
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--scheme", default="duoyi")
    ap.add_argument("--layout", default="per-agent", choices=("per-agent", "one-book"))
    ap.add_argument("--jobs", type=int, default=None, help="run_batch jobs (default: its own)")
    ap.add_argument("--lo-max", type=int, default=1000, help="largest size LibreOffice really runs")
    ap.add_argument("--no-libreoffice", action="store_true")
    ap.add_argument("--lo-chunk", type=int, default=100, help="files per soffice run (default 100)")
    ap.add_argument("--daily-rows", type=int, default=None)
    ap.add_argument("--calc-agents", type=int, default=None)
    ap.add_argument("--record", default=None, help="also write the report here (e.g. bench/RESULTS.md)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--silent", action="store_true")
    args = ap.parse_args(argv)
    if args.worker:
        return worker_main(args.worker, args.params)
    if args.sizes is None:
        args.sizes = "100" if args.quick else "100,1000,5000"
    if args.calc_agents is None:
        args.calc_agents = min(1000, max(int(s) for s in args.sizes.split(","))) if args.quick else 1000
    results = run(args)
    md = markdown(results)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.md").write_text(md, encoding="utf-8")
    (out / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    if args.record:
        Path(args.record).write_text(md, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
