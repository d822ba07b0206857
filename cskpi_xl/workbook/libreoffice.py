"""LibreOffice, headless: recalculate workbooks and render them to PDF.

Every call starts ``soffice --headless`` with a private, throw-away profile
(``-env:UserInstallation=file:///tmp/cskpi-lo-…``), so it neither waits for
nor hands its work to a LibreOffice the user already has open, and several
calls may run at once. The profile's ``registrymodifications.xcu`` sets
``/org.openoffice.Office.Calc/Formula/Load`` ``OOXMLRecalcMode`` and
``ODFRecalcMode`` to 0 ("always recalculate"): by default LibreOffice keeps
the cached value of every formula cell that has one, so a workbook whose
cached values are stale would come back unchanged.

Quirks worth knowing (LibreOffice 7.4):

* Formula cells without a cached value (openpyxl writes ``<v/>``) are
  calculated on load even under the default setting; cells *with* a cached
  value are not, unless the recalc mode is "always" as set here.
* Functions newer than Excel 2007 must be stored with their ``_xlfn.``
  prefix, as Excel itself stores them: openpyxl writes ``=IFS(...)`` as
  given, and LibreOffice (like Excel) then shows ``#NAME?``; write
  ``=_xlfn.IFS(...)`` (likewise ``_xlfn.XLOOKUP``, ``_xlfn.TEXTJOIN``,
  ``_xlfn.CONCAT``, ``_xlfn.MAXIFS``, ``_xlfn.MINIFS``, ``_xlfn.SWITCH``…).
* User-defined functions (xlwings UDFs, VBA) do not exist in LibreOffice
  and evaluate to ``#NAME?``.
* ``--convert-to`` exits with status 0 even when a file cannot be loaded;
  success is judged by the output file appearing.
* Conversion writes ``<stem>.<ext>`` into the output folder; here it goes to
  a private folder first and is then moved into place, so a failed run never
  leaves a stale file looking fresh, and a source is never overwritten.

>>> find_soffice() is None or find_soffice().endswith(("soffice", "soffice.exe", "libreoffice"))
True
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from cskpi_xl.core.problems import Problem
from cskpi_xl.i18n import tr

__all__ = [
    "LibreOfficeError",
    "LibreOfficeNotFound",
    "find_soffice",
    "cjk_font_available",
    "convert_many",
    "recalculate",
    "recalculate_many",
    "to_pdf",
    "to_pdf_many",
    "pdf_to_png",
]

FILTERS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "pdf": "pdf:calc_pdf_Export",
}

RECALC_ALWAYS_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""

INSTALL_HINT_ZH = "请安装 LibreOffice（Debian/Ubuntu：sudo apt-get install libreoffice-calc；Windows/macOS：https://zh-cn.libreoffice.org/），或用环境变量 CSKPI_SOFFICE 指定 soffice 的路径"
INSTALL_HINT_EN = "install LibreOffice (Debian/Ubuntu: sudo apt-get install libreoffice-calc; Windows/macOS: https://www.libreoffice.org/) or point CSKPI_SOFFICE at soffice"


class LibreOfficeError(RuntimeError):
    """LibreOffice could not do what was asked (the message says why, in the user's language)."""


class LibreOfficeNotFound(LibreOfficeError):
    """No ``soffice`` program was found."""


def find_soffice() -> str | None:
    """The path of LibreOffice's ``soffice`` program, or None.

    Looks at ``$CSKPI_SOFFICE``, then ``soffice``/``libreoffice`` on PATH,
    then the usual install places on Linux, macOS and Windows.
    """
    env = os.environ.get("CSKPI_SOFFICE")
    if env and Path(env).is_file():
        return env
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    candidates = [
        "/usr/bin/soffice",
        "/usr/lib/libreoffice/program/soffice",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    ]
    candidates += sorted(glob.glob("/opt/libreoffice*/program/soffice"), reverse=True)
    for c in candidates:
        if Path(c).is_file():
            return c
    return None


def cjk_font_available() -> bool | None:
    """Whether fontconfig knows a font for Chinese; None where there is no ``fc-list`` (Windows, macOS)."""
    fc = shutil.which("fc-list")
    if not fc:
        return None
    try:
        out = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return bool(out.stdout.strip())


def _require_soffice() -> str:
    soffice = find_soffice()
    if not soffice:
        raise LibreOfficeNotFound(tr(f"找不到 LibreOffice（soffice）：{INSTALL_HINT_ZH}", f"LibreOffice (soffice) not found: {INSTALL_HINT_EN}"))
    return soffice


def _make_profile() -> Path:
    profile = Path(tempfile.mkdtemp(prefix="cskpi-lo-profile-"))
    user = profile / "user"
    user.mkdir()
    (user / "registrymodifications.xcu").write_text(RECALC_ALWAYS_XCU, encoding="utf-8")
    return profile


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    if os.name == "posix":
        lang = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
        if "utf-8" not in lang.lower() and "utf8" not in lang.lower():
            # Non-ASCII (Chinese) file names need a UTF-8 locale in soffice.
            env["LC_ALL"] = "C.UTF-8"
    env.pop("PYTHONPATH", None)  # soffice bundles its own Python on some systems
    return env


def _run_soffice(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    popen_kw: dict = {}
    if os.name == "posix":
        popen_kw["start_new_session"] = True
    else:  # pragma: no cover - Windows
        popen_kw["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_child_env(), **popen_kw)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:  # pragma: no cover
            proc.kill()
        proc.communicate()
        raise LibreOfficeError(tr(
            f"LibreOffice 在 {timeout:.0f} 秒内没有完成，已终止（文件可能过大或已损坏）",
            f"LibreOffice did not finish within {timeout:.0f} s and was stopped (file too large or damaged?)",
        )) from None
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def convert_many(paths, out_dir, fmt: str = "xlsx", *, timeout: float | None = None) -> tuple[dict[Path, Path], list[Problem]]:
    """Convert ``paths`` to ``fmt`` (``"xlsx"`` or ``"pdf"``) with as few LibreOffice runs as practical.

    Every formula is recalculated on load. Returns ``({source: output}, problems)``:
    a file that could not be converted is a :class:`Problem`, not an
    exception. Outputs are ``out_dir/<stem>.<fmt>``; two sources with the same
    stem, or an output that would overwrite its source, are problems too.
    Raises :class:`LibreOfficeNotFound` without LibreOffice and
    :class:`LibreOfficeError` on a timeout (default: 60 s + 30 s per file of
    each run). Files go through in runs of :data:`CHUNK`; a file a run does not
    produce is tried once more before it is reported.
    """
    if fmt not in FILTERS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {sorted(FILTERS)}")
    out_dir = Path(out_dir)
    sources = [Path(p).resolve() for p in paths]
    problems: list[Problem] = []
    todo: list[Path] = []
    targets: dict[str, Path] = {}
    for src in sources:
        target = (out_dir / f"{src.stem}.{fmt}").resolve()
        if not src.is_file():
            problems.append(Problem("文件不存在", "file does not exist", file=str(src)))
        elif target == src:
            problems.append(Problem(
                "输出会覆盖源文件，请换一个输出文件夹",
                "the output would overwrite the source; choose another output folder",
                file=str(src),
            ))
        elif target.name.casefold() in targets:
            problems.append(Problem(
                f"与 {targets[target.name.casefold()]} 同名，输出会互相覆盖，已跳过",
                f"same name as {targets[target.name.casefold()]}: outputs would collide; skipped",
                file=str(src),
            ))
        else:
            targets[target.name.casefold()] = src
            todo.append(src)
    if not todo:
        return {}, problems
    soffice = _require_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs: dict[Path, Path] = {}
    details: dict[Path, str] = {}
    missing = todo
    # One soffice run per chunk: a single run over a thousand files was seen to drop files
    # part-way while still exiting 0. Files a run did not produce get one more try in a fresh run.
    for attempt in range(2):
        left: list[Path] = []
        for i in range(0, len(missing), CHUNK):
            chunk = missing[i:i + CHUNK]
            made, detail = _convert_chunk(soffice, chunk, out_dir, fmt,
                                          timeout if timeout is not None else 60 + 30 * len(chunk))
            outputs.update(made)
            for src in chunk:
                if src not in made:
                    left.append(src)
                    details[src] = detail
        missing = left
        if not missing:
            break
    for src in missing:
        problems.append(Problem(
            "LibreOffice 无法打开或转换此文件（可能已损坏、加密或不是表格）",
            "LibreOffice could not open or convert this file (damaged, encrypted or not a spreadsheet?)",
            file=str(src),
            value=details.get(src) or None,
        ))
    return {src: outputs[src] for src in todo if src in outputs}, problems


#: Files per soffice run in :func:`convert_many`.
CHUNK = 100


def _convert_chunk(soffice: str, todo: list[Path], out_dir: Path, fmt: str, timeout: float) -> tuple[dict[Path, Path], str]:
    """One soffice run over ``todo``: ``({source: output}, what soffice said about errors)``."""
    profile = _make_profile()
    staging = Path(tempfile.mkdtemp(prefix=".cskpi-lo-out-", dir=out_dir))
    try:
        args = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", FILTERS[fmt],
            "--outdir", str(staging),
            *[str(s) for s in todo],
        ]
        result = _run_soffice(args, timeout)
        detail = (result.stderr or b"").decode("utf-8", "replace") + (result.stdout or b"").decode("utf-8", "replace")
        # soffice reports a failed load as "Error: source file could not be loaded", naming no file.
        errors = sorted({line.strip() for line in detail.splitlines() if line.strip().lower().startswith("error")})
        detail = "; ".join(errors)[-500:] or f"exit status {result.returncode}"
        outputs: dict[Path, Path] = {}
        for src in todo:
            made = staging / f"{src.stem}.{fmt}"
            if made.is_file() and made.stat().st_size > 0:
                final = out_dir / made.name
                os.replace(made, final)
                outputs[src] = final
        return outputs, detail
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(profile, ignore_errors=True)


def _strict(paths, out_dir, fmt: str, timeout) -> list[Path]:
    outputs, problems = convert_many(paths, out_dir, fmt, timeout=timeout)
    if problems:
        raise LibreOfficeError("\n".join(p.format() for p in problems))
    return [outputs[Path(p).resolve()] for p in paths]


def recalculate(src, out_dir, *, timeout: float = 120) -> Path:
    """Recalculate every formula of ``src`` with LibreOffice; return the saved ``out_dir/<stem>.xlsx``.

    Cells that carry a (possibly stale) cached value are recalculated too.
    ``src`` is never modified: an ``out_dir`` that would overwrite it is refused.
    """
    return _strict([src], out_dir, "xlsx", timeout)[0]


def recalculate_many(paths, out_dir, *, timeout: float | None = None) -> list[Path]:
    """:func:`recalculate` for many files in one LibreOffice run (much faster than one run each).

    Returns the outputs in the order of ``paths``; raises :class:`LibreOfficeError`
    naming every file that failed. Use :func:`convert_many` to keep going past failures.
    """
    return _strict(list(paths), out_dir, "xlsx", timeout)


def to_pdf(src, out_dir, *, timeout: float = 120) -> Path:
    """Render ``src`` (formulas recalculated) to ``out_dir/<stem>.pdf``."""
    return _strict([src], out_dir, "pdf", timeout)[0]


def to_pdf_many(paths, out_dir, *, timeout: float | None = None) -> list[Path]:
    """:func:`to_pdf` for many files in one LibreOffice run."""
    return _strict(list(paths), out_dir, "pdf", timeout)


def pdf_to_png(pdf, out_png_prefix, dpi: int = 60, *, gray: bool = False, timeout: float = 120) -> list[Path]:
    """Render each page of ``pdf`` to ``<out_png_prefix>-<page>.png`` with poppler's ``pdftoppm``.

    Page numbers are zero-padded as ``pdftoppm`` does (``-01`` … for ten pages
    or more). With ``gray=True`` the pages are 8-bit grey PGM files
    (``.pgm``) instead, easy to inspect without an image library.
    Returns the files in page order.
    """
    tool = shutil.which("pdftoppm")
    if not tool:
        raise LibreOfficeError(tr(
            "找不到 pdftoppm：请安装 poppler-utils（sudo apt-get install poppler-utils）",
            "pdftoppm not found: install poppler-utils",
        ))
    prefix = Path(out_png_prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    ext = "pgm" if gray else "png"
    with tempfile.TemporaryDirectory(prefix=".cskpi-ppm-", dir=prefix.parent) as tmp:
        args = [tool, "-gray" if gray else "-png", "-r", str(int(dpi)), str(pdf), str(Path(tmp) / "p")]
        result = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
        pages = sorted(Path(tmp).glob(f"p-*.{ext}"), key=lambda p: int(re.findall(r"\d+", p.stem)[-1]))
        if result.returncode != 0 or not pages:
            raise LibreOfficeError(tr(
                f"PDF 转图片失败：{pdf}（{result.stderr.decode('utf-8', 'replace').strip()}）",
                f"could not render PDF to images: {pdf} ({result.stderr.decode('utf-8', 'replace').strip()})",
            ))
        outputs = []
        for page in pages:
            final = prefix.parent / f"{prefix.name}-{page.name[2:]}"
            os.replace(page, final)
            outputs.append(final)
    return outputs
