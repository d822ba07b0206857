"""Writing agents' workbooks (cskpi_xl/workbook/agentbook.py): the template copy each agent's file starts from."""

import io

from openpyxl import load_workbook

from cskpi_xl.core.schemefile import builtin
from cskpi_xl.workbook.agentbook import template_copy
from cskpi_xl.workbook.builder import template_bytes
from cskpi_xl.workbook.save import workbook_bytes


def test_template_copies_are_independent_and_save_like_a_fresh_load():
    tbytes = template_bytes(builtin("standard"))
    a, b = template_copy(tbytes), template_copy(tbytes)
    assert a is not b
    a["考核表"]["B2"] = "小美"
    assert b["考核表"]["B2"].value == "{{客服昵称}}"
    fresh = load_workbook(io.BytesIO(tbytes))
    assert workbook_bytes(b, reproducible=True) == workbook_bytes(fresh, reproducible=True)
