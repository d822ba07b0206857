"""Load xlwings' real classic (Windows) UDF decorators on any platform.

``xlwings.udfs`` imports pywin32 (``pythoncom``, ``pywintypes``,
``win32com.client``). These stand-ins go into ``sys.modules`` just long
enough for the import; nothing of them is called by the decorators or by
``generate_vba_wrapper``. Then ``xlwings.func/arg/ret/sub`` are pointed at the
real ``xlfunc/xlarg/xlret/xlsub`` and ``cskpi_xl.udfs`` is imported fresh,
so every UDF carries the ``__xlfunc__`` metadata Excel would see.

Use :func:`load` (it restores everything it touched) or run it in a
subprocess.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import types

STANDIN_MODULES = ("pythoncom", "pywintypes", "win32com", "win32com.client")


class _ComError(Exception):
    pass


def _standins() -> dict[str, types.ModuleType]:
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None
    pythoncom.IID_IDispatch = object()
    pythoncom.CoMarshalInterThreadInterfaceInStream = lambda *a: None
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = _ComError
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *a, **k: None
    win32com.client = client
    return {"pythoncom": pythoncom, "pywintypes": pywintypes, "win32com": win32com, "win32com.client": client}


@contextlib.contextmanager
def real_decorators():
    """Inside: ``import xlwings.udfs`` works and ``xlwings.func/arg/ret/sub`` are the real ones."""
    import xlwings

    saved_modules = {n: sys.modules.get(n) for n in STANDIN_MODULES + ("xlwings.udfs", "cskpi_xl.udfs")}
    saved_attrs = {n: getattr(xlwings, n) for n in ("func", "arg", "ret", "sub")}
    try:
        for name, mod in _standins().items():
            if sys.modules.get(name) is None:
                sys.modules[name] = mod
        sys.modules.pop("xlwings.udfs", None)
        udfs = importlib.import_module("xlwings.udfs")
        xlwings.func, xlwings.arg, xlwings.ret, xlwings.sub = udfs.xlfunc, udfs.xlarg, udfs.xlret, udfs.xlsub
        yield udfs
    finally:
        for n, v in saved_attrs.items():
            setattr(xlwings, n, v)
        for n, m in saved_modules.items():
            if m is None:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = m


def load():
    """``(xlwings.udfs, cskpi_xl.udfs)`` with the real decorators applied; sys.modules is restored afterwards.

    The returned ``cskpi_xl.udfs`` is a fresh module object, separate from the
    one other tests import.
    """
    with real_decorators() as xlu:
        sys.modules.pop("cskpi_xl.udfs", None)
        mod = importlib.import_module("cskpi_xl.udfs")
    return xlu, mod
