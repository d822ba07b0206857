"""Edit a workbook the way a person does in LibreOffice Calc, for the tests: a Basic macro over UNO.

``lo_edit(path, ops)`` opens ``path`` in a headless LibreOffice, runs ``ops``
(one per line, fields separated by a tab) through the sheet API — the same
calls Calc's menus make — and saves it back as .xlsx:

``delrows  sheet  row  count``      Delete rows (1-based ``row``)
``insrows  sheet  row  count``      Insert empty rows before ``row``
``delcols  sheet  col  count``      Delete columns (1-based ``col``)
``inscols  sheet  col  count``      Insert empty columns before ``col``
``sort     sheet  range  col``      Sort ``range`` (e.g. ``A5:J12``) by its ``col``-th column (1-based), descending
``rename   sheet  new``             Rename a sheet
``move     sheet  pos``             Move a sheet to position ``pos`` (0-based)
``set      sheet  cell  value``     Type a number (or text, when it is not a number) into a cell
``settext  sheet  cell  value``     Type text into a cell

``sheet`` is a sheet name. Every sheet is unprotected first (the outputs are
protected without a password, as a person would click 取消保护). No Python
UNO bridge is needed: the macro lives in the throw-away profile's Standard
library and runs through a ``macro:///`` URL.
"""

from __future__ import annotations

import os
from pathlib import Path

from lo_basic import basic_profile

MACRO = r'''<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Edit(path As String, opsPath As String)
  On Error GoTo Failed
  ' recalculate on load without asking (a question would wait forever, headless)
  Dim cp As Object : cp = createUnoService("com.sun.star.configuration.ConfigurationProvider")
  Dim np(0) As New com.sun.star.beans.PropertyValue
  np(0).Name = "nodepath" : np(0).Value = "/org.openoffice.Office.Calc/Formula/Load"
  Dim ua As Object : ua = cp.createInstanceWithArguments("com.sun.star.configuration.ConfigurationUpdateAccess", np())
  ua.OOXMLRecalcMode = 0
  ua.ODFRecalcMode = 0
  ua.commitChanges()
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden" : args(0).Value = True
  Dim url As String : url = ConvertToURL(path)
  Dim doc As Object : doc = StarDesktop.loadComponentFromURL(url, "_blank", 0, args())
  If IsNull(doc) Then Error 1
  Dim sfa As Object : sfa = createUnoService("com.sun.star.ucb.SimpleFileAccess")
  Dim tis As Object : tis = createUnoService("com.sun.star.io.TextInputStream")
  tis.setInputStream(sfa.openFileRead(ConvertToURL(opsPath)))
  tis.setEncoding("UTF-8")
  Dim i As Integer
  For i = 0 To doc.Sheets.Count - 1
    If doc.Sheets.getByIndex(i).isProtected() Then doc.Sheets.getByIndex(i).unprotect("")
  Next i
  Do While Not tis.isEOF()
    Dim line As String : line = Replace(Replace(tis.readLine(), Chr(13), ""), Chr(10), "")
    If Len(line) > 0 Then
      Dim f : f = Split(line, Chr(9))
      If UBound(f) &lt; 1 Then GoTo NextLine
      Dim sh As Object : sh = doc.Sheets.getByName(f(1))
      Select Case f(0)
        Case "delrows" : sh.Rows.removeByIndex(CLng(f(2)) - 1, CLng(f(3)))
        Case "insrows" : sh.Rows.insertByIndex(CLng(f(2)) - 1, CLng(f(3)))
        Case "delcols" : sh.Columns.removeByIndex(CLng(f(2)) - 1, CLng(f(3)))
        Case "inscols" : sh.Columns.insertByIndex(CLng(f(2)) - 1, CLng(f(3)))
        Case "rename" : sh.Name = f(2)
        Case "move" : doc.Sheets.moveByName(f(1), CInt(f(2)))
        Case "set"
          If IsNumeric(f(3)) Then
            sh.getCellRangeByName(f(2)).Value = CDbl(f(3))
          Else
            sh.getCellRangeByName(f(2)).String = f(3)
          End If
        Case "settext" : sh.getCellRangeByName(f(2)).String = f(3)
        Case "sort"
          Dim rng As Object : rng = sh.getCellRangeByName(f(2))
          Dim fields(0) As New com.sun.star.table.TableSortField
          fields(0).Field = CLng(f(3)) - 1
          fields(0).IsAscending = False
          Dim desc(1) As New com.sun.star.beans.PropertyValue
          desc(0).Name = "SortFields" : desc(0).Value = fields()
          desc(1).Name = "ContainsHeader" : desc(1).Value = False
          rng.sort(desc())
      End Select
    End If
NextLine:
  Loop
  tis.closeInput()
  Dim sargs(1) As New com.sun.star.beans.PropertyValue
  sargs(0).Name = "FilterName" : sargs(0).Value = "Calc MS Excel 2007 XML"
  sargs(1).Name = "Overwrite" : sargs(1).Value = True
  doc.storeToURL(url, sargs())
  doc.close(True)
  StarDesktop.terminate()
  Exit Sub
Failed:
  ' no dialog (it would wait forever, headless): the error goes to a file next to the ops
  Dim n As Integer : n = FreeFile
  Open opsPath &amp; ".err" For Output As #n
  Print #n, "line " &amp; Erl &amp; ": " &amp; Error$
  Close #n
  StarDesktop.terminate()
End Sub
</script:module>
'''

def lo_edit(path: str | os.PathLike, ops: list[tuple], timeout: float = 120) -> None:
    """Apply ``ops`` (tuples, see the module docstring) to ``path`` in LibreOffice and save it in place."""
    with basic_profile(MACRO, timeout) as (run, scratch):
        opsfile = scratch / "ops.txt"
        opsfile.write_text("\n".join("\t".join(str(x) for x in op) for op in ops) + "\n", encoding="utf-8")
        src = Path(path).resolve()
        before = src.stat().st_mtime_ns
        r = run(f'macro:///Standard.Module1.Edit("{src}","{opsfile}")')
        err = opsfile.with_name(opsfile.name + ".err")
        assert not err.exists(), f"LibreOffice macro failed on {src}: {err.read_text(errors='replace')}"
        assert src.stat().st_mtime_ns != before, f"LibreOffice did not save {src}: {r.stderr.decode(errors='replace')}"
