"""How fast and how big cskpi_xl runs, against baselines measured in the same run (issue 6).

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
   b. **LibreOffice** — ``libreoffice.recalculate_many`` over the batch's
      outputs (the peer path: a spreadsheet engine computing the values).
      Sizes above ``--lo-max`` are extrapolated linearly from the largest
      measured size and marked so.

2. **import** — ``import_files`` of a 10,000-row daily export (xlsx).
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
import re
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
TABLE_HEADER = ("measurement", "size", "time (s)", "ms / agent", "peak MB", "× floor", "LO ÷ this", "notes")
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
    args = [sys.executable, str(Path(__file__).resolve()), "--worker", worker, "--params", json.dumps(params)]
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
    from cskpi_xl.core.loader import builtin
    from cskpi_xl.importers import import_files
    from cskpi_xl.scoring import figures_for

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


def w_floor(p: dict) -> dict:
    """openpyxl writing the cells of ``spec`` (values only), ``n`` agents, in the batch's layout."""
    from openpyxl import Workbook

    spec = json.loads(Path(p["spec"]).read_text(encoding="utf-8"))
    n, out, write_only = p["n"], Path(p["out_dir"]), p["mode"] == "write-only"
    out.mkdir(parents=True, exist_ok=True)
    names = spec["names"][:n] + [f"客服{i}" for i in range(len(spec["names"]), n)]

    def put(wb, title, rows, name=None):
        ws = wb.create_sheet(title)
        if write_only:
            for r in rows:
                ws.append([name if (name is not None and v == "\x00NAME") else v for v in r])
        else:
            for i, r in enumerate(rows, 1):
                for j, v in enumerate(r, 1):
                    if v is not None:
                        ws.cell(i, j, name if (name is not None and v == "\x00NAME") else v)

    def book():
        wb = Workbook(write_only=write_only)
        if not write_only:
            wb.remove(wb.active)
        return wb

    t = time.perf_counter()
    cells = 0
    if spec["layout"] == "one-book":
        wb = book()
        for sh in spec["shared"]:
            put(wb, sh["title"], sh["rows"])
        for k, name in enumerate(names):
            for sh in spec["agent"]:
                put(wb, f"{k + 1}_{sh['title']}"[:31], sh["rows"], name)
        wb.save(out / "团队.xlsx")
    else:
        for k, name in enumerate(names):
            wb = book()
            for sh in spec["agent"]:
                put(wb, sh["title"], sh["rows"], name)
            wb.save(out / f"{k + 1:05d}.xlsx")
        if spec["shared"]:
            wb = book()
            for sh in spec["shared"]:
                put(wb, sh["title"], sh["rows"])
            wb.save(out / "汇总.xlsx")
    dt = time.perf_counter() - t
    cells = spec["agent_cells"] * n + spec["shared_cells"]
    return {"seconds": dt, "cells": cells}


def w_libreoffice(p: dict) -> dict:
    from cskpi_xl.workbook.libreoffice import recalculate_many

    files = p["files"]
    t = time.perf_counter()
    outs = recalculate_many(files, p["out_dir"], timeout=60 + 10 * len(files))
    dt = time.perf_counter() - t
    return {"seconds": dt, "files": len(outs)}


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


WORKERS = {"import": w_import, "score": w_score, "batch": w_batch, "floor": w_floor,
           "libreoffice": w_libreoffice, "udf": w_udf, "calc": w_calc}


def worker_main(name: str, params: str) -> int:
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
             "ms_per_agent": per_agent, "peak_mb": res.get("peak_mb"), "x_floor": floor, "lo_over": lo,
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
        per_agent: dict[int, float] = {}
        lo_measured: dict[int, float] = {}
        for n in sizes:
            d = data[n]["dir"]
            names = synth.agent_names(n)
            b = None
            if batch_ok:
                out = d / "batch"
                log(f"batch {n} agents")
                params = {"exports": [data[n]["export"]], "manual": data[n]["manual"], "scheme": args.scheme,
                          "month": synth.MONTH, "out_dir": str(out), "layout": args.layout, "jobs": args.jobs}
                reps = repeats if n <= 100 else 1
                res = {}
                for _ in range(reps):
                    shutil.rmtree(out, ignore_errors=True)
                    r1 = measure("batch", params)
                    if "error" in r1 or not res or r1["seconds"] < res["seconds"]:
                        res = r1 if "error" in r1 or not res else {**r1, "peak_mb": max(r1["peak_mb"], res["peak_mb"])}
                    if "error" in r1:
                        break
                b = row("batch (import→score→sheets→汇总)", f"{n:,} agents", res,
                        per_agent=res["seconds"] * 1000 / n if res.get("seconds") else None,
                        notes=f"{res.get('files', '?')} files, layout {args.layout}, jobs {args.jobs or 'default'}"
                              + (f", best of {reps}" if reps > 1 else ""))
                if res.get("seconds"):
                    per_agent[n] = res["seconds"] / n
                    spec = floor_spec(out, names, args.layout)
                else:
                    spec = default_spec(names)
            else:
                spec = default_spec(names)
            spec_file = d / "floor_spec.json"
            spec_file.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
            shape = "; ".join(f"{t} {r}×{c}" for t, r, c in spec["agent_shape"])
            cells_note = (f"{spec['agent_cells']} cells/agent ({shape}) + {spec['shared_cells']} shared"
                          + (" — ASSUMED shape, no batch yet" if spec.get("assumed") else ""))
            floors = {}
            for mode in ("write-only", "normal"):
                shutil.rmtree(d / f"floor-{mode}", ignore_errors=True)
                fres = best_of(repeats if n <= 100 else 1, "floor",
                               {"spec": str(spec_file), "n": n, "out_dir": str(d / f"floor-{mode}"), "mode": mode})
                floors[mode] = fres
                row(f"floor: openpyxl {mode}, values only", f"{n:,} agents", fres,
                    per_agent=fres["seconds"] * 1000 / n if fres.get("seconds") else None, notes=cells_note)
                shutil.rmtree(d / f"floor-{mode}", ignore_errors=True)
            if b is not None and b.get("seconds"):
                for mode, fres in floors.items():
                    if fres.get("seconds"):
                        b.setdefault("x_floor_all", {})[mode] = b["seconds"] / fres["seconds"]
                if floors["write-only"].get("seconds"):
                    b["x_floor"] = b["seconds"] / floors["write-only"]["seconds"]
            # LibreOffice
            if b is not None and b.get("seconds") and not args.no_libreoffice:
                files = sorted(str(f) for f in (d / "batch").rglob("*.xlsx"))
                if n <= args.lo_max:
                    log(f"LibreOffice recalculation of {len(files)} files")
                    lres = measure("libreoffice", {"files": files, "out_dir": str(d / "lo")})
                    shutil.rmtree(d / "lo", ignore_errors=True)
                    note = f"recalculate_many over {len(files)} batch outputs, one soffice run"
                    if lres.get("seconds"):
                        lo_measured[n] = lres["seconds"]
                else:
                    base = max((k for k in lo_measured), default=None)
                    if base is None:
                        lres, note = {"error": "no smaller measured size to extrapolate from"}, ""
                    else:
                        lres = {"seconds": lo_measured[base] * n / base, "peak_mb": None}
                        note = f"EXTRAPOLATED linearly from {base:,} agents (not run: > --lo-max {args.lo_max})"
                lr = row("LibreOffice headless recalculation", f"{n:,} agents", lres,
                         per_agent=lres["seconds"] * 1000 / n if lres.get("seconds") else None, notes=note)
                if lres.get("seconds"):
                    b["lo_over"] = lres["seconds"] / b["seconds"]
                    lr["lo_over"] = 1.0
            if batch_ok:
                shutil.rmtree(d / "batch", ignore_errors=True)

        # targets for the batch
        for r in rows:
            if not r["measurement"].startswith("batch") or not r.get("seconds"):
                continue
            if r.get("x_floor") is not None:
                results["targets"].append((f"batch within 2× the floor, {r['size']}", "≤ 2.0×",
                                           f"{r['x_floor']:.2f}× (normal-mode floor: "
                                           f"{r.get('x_floor_all', {}).get('normal', float('nan')):.2f}×)",
                                           r["x_floor"] <= 2.0))
            if r.get("lo_over") is not None:
                results["targets"].append((f"≥ 5× faster than LibreOffice, {r['size']}", "≥ 5.0×",
                                           f"{r['lo_over']:.1f}×", r["lo_over"] >= 5.0))
        if 1000 in sizes:
            r = next((r for r in rows if r["measurement"].startswith("batch") and r["size"] == "1,000 agents"), None)
            if r and r.get("peak_mb"):
                results["targets"].append(("peak memory at 1,000 agents", "< 500 MB", f"{r['peak_mb']:.0f} MB",
                                           r["peak_mb"] < 500))
        if len(per_agent) >= 2:
            lo_n, hi_n = min(per_agent), max(per_agent)
            growth = per_agent[hi_n] / per_agent[lo_n]
            results["linear"] = {str(k): v * 1000 for k, v in sorted(per_agent.items())}
            results["targets"].append((f"linear growth: per-agent time {hi_n:,} ÷ {lo_n:,}", "≤ 1.25",
                                       f"{growth:.2f} (" + ", ".join(f"{k:,}: {v * 1000:.2f} ms"
                                                                     for k, v in sorted(per_agent.items())) + ")",
                                       growth <= 1.25))
        if not batch_ok:
            results["targets"].append(("batch targets", "—", "not measured: cskpi_xl/workbook/batch.py missing", None))

        # ---- 3. UDF and cskpi calc
        udf_bench(args, work, repeats, row, results, log)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"kept {work}")
    return results


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
    if not have_module("cskpi_xl.xlcalc"):
        results["targets"].append(("cskpi calc", "report", "not measured: cskpi_xl/xlcalc.py missing", None))
        return
    wb = calc_workbook(args, work, log)
    if wb is None:
        results["targets"].append(("cskpi calc", "report", "not measured: no UDF workbook could be made", None))
        return
    res = best_of(1 if args.quick else 2, "calc", {"workbook": str(wb)})
    row("cskpi calc (compile once, evaluate many)", f"{args.calc_agents:,} agents", res,
        per_agent=res["seconds"] * 1000 / args.calc_agents if res.get("seconds") else None,
        notes=f"{wb.name}; child process, incl. interpreter start")
    if "seconds" in res:
        results["targets"].append((f"cskpi calc on a {args.calc_agents:,}-agent workbook", "report",
                                   f"{res['seconds']:.2f} s", None))


def calc_workbook(args, work: Path, log) -> Path | None:
    """A workbook with ``--calc-agents`` agents whose formulas call the UDFs (from the batch, if it can)."""
    import synth

    try:
        from cskpi_xl import xlcalc  # noqa: F401
    except ImportError:
        return None
    n = args.calc_agents
    d = work / f"calc{n}"
    if hasattr(xlcalc, "bench_workbook"):
        return Path(xlcalc.bench_workbook(d, n))
    if have_batch():
        from cskpi_xl.workbook.batch import run_batch

        export, manual = synth.monthly_export(d / "in", n), synth.manual_inputs(d / "in", n)
        try:
            run_batch([str(export)], args.scheme, synth.MONTH, str(d / "out"), manual=str(manual),
                      layout="one-book", progress=False)
        except Exception as exc:  # noqa: BLE001
            log(f"one-book batch for calc failed: {exc}")
            return None
        books = sorted((d / "out").rglob("*.xlsx"))
        return books[0] if books else None
    return None


# ----------------------------------------------------------------------------------------------
# report


def markdown(results: dict) -> str:
    m = results["machine"]
    out = [f"# cskpi_xl benchmarks — {results['date']}", "",
           f"Machine: {machine_line(m)}", "",
           "Each row is a fresh subprocess; peak MB is the process tree's peak RSS. "
           "× floor = time ÷ the openpyxl write-only floor at the same size; "
           "LO ÷ this = LibreOffice recalculation time ÷ this row's time.", "",
           "| " + " | ".join(TABLE_HEADER) + " |", "|" + "---|" * len(TABLE_HEADER)]
    for r in results["rows"]:
        out.append("| " + " | ".join([
            r["measurement"], r["size"], _fmt(r["seconds"], 3), _fmt(r["ms_per_agent"], 3), _fmt(r["peak_mb"], 0),
            _fmt(r["x_floor"]) + ("×" if r["x_floor"] is not None else ""),
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
