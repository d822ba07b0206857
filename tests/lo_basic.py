"""A throw-away LibreOffice profile holding one Basic module, for tests that drive Calc with a macro.

The pip Python cannot import LibreOffice's ``uno``, so the tests that edit or inspect a workbook in
LibreOffice (:mod:`lo_edit`, :mod:`lo_vba_probe`) write their Basic code into the
``Standard`` library of a fresh profile and start ``soffice --headless`` with a ``macro:///`` URL::

    with basic_profile(module_xml) as (run, scratch):
        run('macro:///Standard.Module1.Edit("/path/book.xlsx")')

``run`` starts soffice in its own process group (killed whole on a time-out: a Basic error dialog would
wait for ever); ``scratch`` is a folder removed with the profile.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator
from xml.sax.saxutils import escape

from cskpi_xl.workbook import libreoffice

_XLB = '''<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">{element}</library:library>
'''

_XLC = '''<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
 <library:library library:name="Standard" xlink:href="$(USER)/basic/Standard/{kind}.xlb/" xlink:type="simple" library:link="false"/>
</library:libraries>
'''


def module_xml(code: str) -> str:
    """Basic source as the ``Module1.xba`` file of a library."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
            '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
            f'script:language="StarBasic">{escape(code)}</script:module>\n')


@contextlib.contextmanager
def basic_profile(module: str, timeout: float = 180) -> Iterator[tuple[Callable[[str], object], Path]]:
    """A profile whose ``Standard.Module1`` is ``module`` (the .xba text); yields ``(run, scratch)``."""
    soffice = libreoffice.find_soffice()
    assert soffice, "LibreOffice not installed"
    tmp = Path(tempfile.mkdtemp(prefix="cskpi-lo-basic-"))
    try:
        profile = tmp / "profile"
        base = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo"]
        # a fresh profile's first start lays out user/basic from LibreOffice's presets, over anything
        # already there: start it once first, then put the module in
        libreoffice._run_soffice(base + ["--terminate_after_init"], timeout)
        basic = profile / "user" / "basic"
        std = basic / "Standard"
        std.mkdir(parents=True, exist_ok=True)
        (std / "Module1.xba").write_text(module, encoding="utf-8")
        (std / "script.xlb").write_text(_XLB.format(element='\n <library:element library:name="Module1"/>\n'),
                                        encoding="utf-8")
        (std / "dialog.xlb").write_text(_XLB.format(element=""), encoding="utf-8")
        for kind in ("script", "dialog"):
            (basic / f"{kind}.xlc").write_text(_XLC.format(kind=kind), encoding="utf-8")
        scratch = tmp / "scratch"
        scratch.mkdir()
        yield (lambda url: libreoffice._run_soffice(base + ["--nodefault", url], timeout)), scratch
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
