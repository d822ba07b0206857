"""Edit a workbook in LibreOffice Calc the way HR does, for the tests: insert/delete rows, type into cells.

``edit(path, ops)`` opens ``path`` in a headless LibreOffice (a throw-away profile), runs ``ops`` through
the sheet API with a Basic macro (no Python UNO bridge needed) and saves it back as .xlsx. Each op is a
tuple of strings: ``("insrows", sheet, row, count)``, ``("delrows", sheet, row, count)`` (1-based rows),
``("set", sheet, cell, number)``, ``("text", sheet, cell, text)``. Rows inserted or deleted move the
cells below them, as in Calc.
"""

from __future__ import annotations

import os
from pathlib import Path

from lo_basic import basic_profile

_MODULE = r'''<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Ops(path As String, opsPath As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden" : args(0).Value = True
  Dim url As String : url = ConvertToURL(path)
  Dim doc As Object : doc = StarDesktop.loadComponentFromURL(url, "_blank", 0, args())
  Dim sfa As Object : sfa = createUnoService("com.sun.star.ucb.SimpleFileAccess")
  Dim tis As Object : tis = createUnoService("com.sun.star.io.TextInputStream")
  tis.setInputStream(sfa.openFileRead(ConvertToURL(opsPath)))
  tis.setEncoding("UTF-8")
  Dim i As Integer
  For i = 0 To doc.Sheets.Count - 1
    doc.Sheets.getByIndex(i).unprotect("")
  Next i
  Do While Not tis.isEOF()
    Dim line As String : line = tis.readLine()
    If Len(line) > 0 Then
      Dim f : f = Split(line, Chr(9))
      Dim sh As Object : sh = doc.Sheets.getByName(f(1))
      Select Case f(0)
        Case "insrows" : sh.Rows.insertByIndex(CLng(f(2)) - 1, CLng(f(3)))
        Case "delrows" : sh.Rows.removeByIndex(CLng(f(2)) - 1, CLng(f(3)))
        Case "set" : sh.getCellRangeByName(f(2)).Value = Val(f(3))
        Case "text" : sh.getCellRangeByName(f(2)).String = f(3)
      End Select
    End If
  Loop
  tis.closeInput()
  Dim sargs(1) As New com.sun.star.beans.PropertyValue
  sargs(0).Name = "FilterName" : sargs(0).Value = "Calc MS Excel 2007 XML"
  sargs(1).Name = "Overwrite" : sargs(1).Value = True
  doc.storeToURL(url, sargs())
  doc.close(True)
End Sub
</script:module>
'''

def edit(path: str | os.PathLike, ops: list[tuple], timeout: float = 180) -> None:
    """Apply ``ops`` to ``path`` in LibreOffice Calc and save it in place (see the module docstring)."""
    with basic_profile(_MODULE, timeout) as (run, scratch):
        ops_file = scratch / "ops.txt"
        ops_file.write_text("".join("\t".join(str(x) for x in op) + "\n" for op in ops), encoding="utf-8")
        src = Path(path).resolve()
        before = src.stat().st_mtime_ns
        r = run(f'macro:///Standard.Module1.Ops("{src}","{ops_file}")')
        assert src.stat().st_mtime_ns != before, f"LibreOffice did not save {src}: {r.stderr.decode(errors='replace')}"
