Attribute VB_Name = "cskpi_buttons"
' cskpi_xl template buttons. VBA names are ASCII so they work in every Excel locale;
' the captions are Chinese (decoded by CskpiU): FillThisSheet = fill this sheet,
' BatchAll = generate all. Needs the xlwings add-in (Tools > References > xlwings)
' or a standalone xlwings module for RunPython.

Sub FillThisSheet()
    RunPython "import cskpi_xl.xlbutton as b; b.fill_this()"
End Sub

Sub BatchAll()
    RunPython "import cskpi_xl.xlbutton as b; b.batch_all()"
End Sub

Sub AddCskpiButtons()
    ' Puts both buttons on the active sheet, to the right of the used range.
    Dim ws As Worksheet, b As Object, x As Double
    Set ws = ActiveSheet
    x = ws.UsedRange.Left + ws.UsedRange.Width + 12
    Set b = ws.Buttons.Add(x, 8, 120, 28)
    b.OnAction = "FillThisSheet"
    b.Caption = CskpiU("586B5145672C8868")
    Set b = ws.Buttons.Add(x, 44, 120, 28)
    b.OnAction = "BatchAll"
    b.Caption = CskpiU("627991CF751F6210516890E8")
End Sub

Private Function CskpiU(ByVal units As String) As String
    ' UTF-16 code units as hex (4 digits each) to a string: Chinese text in any code page.
    Dim i As Long, s As String
    For i = 1 To Len(units) Step 4
        s = s & ChrW(CLng("&H" & Mid$(units, i, 4)))
    Next i
    CskpiU = s
End Function
