"""Names of the sheets the program adds to a template beside the person's own, each written once here.

The template builder (:mod:`cskpi_xl.workbook.builder`), the macro workbook
(:mod:`cskpi_xl.excel.xlsm`), the template reader, the fill path and the Excel
buttons all find these sheets by these names. The 规则 sheet's name is
:data:`cskpi_xl.workbook.rulesheet.SHEET`, the registry's
:data:`cskpi_xl.workbook.registry.REGISTRY`.
"""

#: The settings sheet of a template: scheme, month, agent, exports … (the buttons read it).
SETTINGS = "设置"
#: The header row of the settings sheet.
SETTINGS_HEADER = (SETTINGS, "值", "说明")
#: xlwings' own settings sheet (hidden): it names the module the UDFs come from.
XLWINGS_CONF = "xlwings.conf"
#: The Python module Excel loads the UDFs from (``UDF Modules`` in :data:`XLWINGS_CONF`).
UDF_MODULE = "cskpi_xl.udfs"

__all__ = ["SETTINGS", "SETTINGS_HEADER", "XLWINGS_CONF", "UDF_MODULE"]
