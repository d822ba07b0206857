"""Open a workbook in LibreOffice (headless) and report what LibreOffice sees in it.

LibreOffice imports an .xlsm's VBA project into the document's Basic
libraries (``BasicLibraries``, library ``VBAProject``) and its form-control
buttons into the sheets' draw pages. A Basic macro, placed in a throw-away
user profile's ``Standard`` library and started with a ``macro:///`` URL,
loads the workbook hidden with macro execution off (nothing in it runs) and
writes, as UTF-8 through UNO's TextOutputStream:

- ``LIB\\t<library>`` and ``MOD\\t<library>\\t<module>`` for every module, and
  each module's text into ``<library>.<module>.txt`` beside the report;
- ``SHEET\\t<name>`` for every sheet;
- ``CONTROL\\t<sheet>\\t<label>\\t<script>`` for every form control with the
  script its click runs.

No Python-UNO bridge is needed (the pip-installed Python cannot import
LibreOffice's ``uno``); only ``soffice``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from lo_basic import basic_profile, module_xml

BASIC = r"""
Function CskpiOut(sPath As String) As Object
    Dim oSfa As Object, oStream As Object, oText As Object
    oSfa = createUnoService("com.sun.star.ucb.SimpleFileAccess")
    If oSfa.exists(sPath) Then oSfa.kill(sPath)
    oStream = oSfa.openFileWrite(sPath)
    oText = createUnoService("com.sun.star.io.TextOutputStream")
    oText.setOutputStream(oStream)
    oText.setEncoding("UTF-8")
    CskpiOut = oText
End Function

Sub Probe(sUrl As String, sDirUrl As String)
    Dim args(1) As New com.sun.star.beans.PropertyValue
    Dim oDoc As Object, oOut As Object, oLibs As Object, oLib As Object, oMod As Object
    Dim sLib, sMod, i As Long, j As Long, k As Long, oSheet As Object, oDP As Object, oForm As Object
    Dim ev, e
    oOut = CskpiOut(sDirUrl & "/report.txt")
    On Error GoTo failed
    args(0).Name = "Hidden"
    args(0).Value = True
    args(1).Name = "MacroExecutionMode"
    args(1).Value = 0
    oDoc = StarDesktop.loadComponentFromURL(sUrl, "_blank", 0, args())
    If IsNull(oDoc) Then
        oOut.writeString("ERROR" & Chr(9) & "not loaded" & Chr(10))
        oOut.closeOutput()
        Exit Sub
    End If
    oLibs = oDoc.BasicLibraries
    For Each sLib In oLibs.ElementNames
        oOut.writeString("LIB" & Chr(9) & sLib & Chr(10))
        oLibs.loadLibrary(sLib)
        oLib = oLibs.getByName(sLib)
        For Each sMod In oLib.ElementNames
            oOut.writeString("MOD" & Chr(9) & sLib & Chr(9) & sMod & Chr(10))
            oMod = CskpiOut(sDirUrl & "/" & sLib & "." & sMod & ".txt")
            oMod.writeString(oLib.getByName(sMod))
            oMod.closeOutput()
        Next
    Next
    For i = 0 To oDoc.Sheets.Count - 1
        oSheet = oDoc.Sheets.getByIndex(i)
        oOut.writeString("SHEET" & Chr(9) & oSheet.Name & Chr(10))
        oDP = oSheet.DrawPage
        For k = 0 To oDP.Forms.Count - 1
            oForm = oDP.Forms.getByIndex(k)
            For j = 0 To oForm.Count - 1
                ev = oForm.getScriptEvents(j)
                e = ""
                If UBound(ev) >= 0 Then e = ev(0).ScriptCode
                oOut.writeString("CONTROL" & Chr(9) & oSheet.Name & Chr(9) & oForm.getByIndex(j).Label & Chr(9) & e & Chr(10))
            Next
        Next
    Next
    oOut.writeString("END" & Chr(10))
    oOut.closeOutput()
    oDoc.close(True)
    Exit Sub
failed:
    oOut.writeString("ERROR" & Chr(9) & Err & " " & Error$ & " line " & Erl & Chr(10))
    oOut.closeOutput()
    If Not IsNull(oDoc) Then oDoc.close(True)
End Sub
"""

def probe(workbook: Path, timeout: float = 180) -> dict:
    """``{"libs": {lib: {module: text}}, "sheets": [...], "controls": [(sheet, label, script)], "raw": report}``."""
    with basic_profile(module_xml(BASIC), timeout) as (run, tmp):
        out = tmp / "out"
        out.mkdir()
        src = tmp / "book.xlsm"
        shutil.copyfile(workbook, src)
        result = run(f"macro:///Standard.Module1.Probe(\"{src.as_uri()}\",\"{out.as_uri()}\")")
        report = out / "report.txt"
        if not report.is_file():
            raise RuntimeError(f"LibreOffice wrote no report (exit {result.returncode}): {result.stderr[-2000:].decode(errors='replace')}")
        raw = report.read_text(encoding="utf-8")
        libs: dict[str, dict[str, str]] = {}
        sheets, controls = [], []
        for line in raw.splitlines():
            kind, *rest = line.split("\t")
            if kind == "LIB":
                libs.setdefault(rest[0], {})
            elif kind == "MOD":
                libs.setdefault(rest[0], {})[rest[1]] = (out / f"{rest[0]}.{rest[1]}.txt").read_text(encoding="utf-8")
            elif kind == "SHEET":
                sheets.append(rest[0])
            elif kind == "CONTROL":
                controls.append(tuple(rest))
        return {"libs": libs, "sheets": sheets, "controls": controls, "raw": raw}
