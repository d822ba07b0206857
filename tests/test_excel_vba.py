"""The UDFs under xlwings' real classic decorators, and the committed VBA in macros/."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import xlwings_standin  # noqa: E402

from cskpi_xl.excel import vba  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MACROS = ROOT / "macros"

EXPECTED = {
    "KPI_SCORE": ["item", "value", "scheme", "baseline"],
    "COMMISSION_TIER": ["sales", "scheme_or_table"],
    "GRADE": ["score", "scheme_or_table"],
    "GRADE_ATTR": ["score", "attr", "scheme_or_table"],
    "CONVERSION_RATE": ["paid", "inquiries"],
    "ORDER_SUCCESS_RATE": ["paid", "orders"],
    "AVG_ORDER_VALUE": ["sales", "buyers"],
    "REPLY_RATE": ["replied", "served"],
    "TARGET_COMPLETION": ["sales", "target"],
    "ANSWER_RATIO": ["agent_messages", "buyer_messages"],
    "AVG_RESPONSE": ["total_seconds", "responses"],
    "PUBLIC_COMMISSION": ["public_sales", "agents", "rate"],
    "MONTH_PAY": ["post_pay", "commission", "public_commission", "seniority", "bonus", "fines"],
    "AGENT_TOTAL": ["headers", "values", "scheme"],
    "SCHEME_ITEMS": ["scheme"],
    "COMMISSION_TABLE": ["scheme"],
    "GRADE_TABLE": ["scheme"],
    "CSKPI_ERROR": ["cell"],
}

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def loaded():
    return xlwings_standin.load()


def _funcs(mod):
    return {n: getattr(mod, n) for n in dir(mod) if hasattr(getattr(mod, n), "__xlfunc__")}


class TestMetadata:
    def test_every_function_is_registered(self, loaded):
        _, mod = loaded
        assert set(_funcs(mod)) == set(EXPECTED)

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_name_category_and_chinese_docs(self, loaded, name):
        _, mod = loaded
        xf = getattr(mod, name).__xlfunc__
        assert xf["name"] == name and xf["category"] == "客服绩效" and xf["sub"] is False
        doc = xf["ret"]["doc"]
        assert CJK.search(doc.splitlines()[0]) and len(doc) <= 255
        visible = [a for a in xf["args"] if not a["vba"]]
        assert [a["name"] for a in visible] == EXPECTED[name]
        for a in visible:
            assert CJK.search(a["doc"]), (name, a["name"], a["doc"])
            assert len(a["doc"]) <= 255

    def test_hidden_caller_address(self, loaded):
        _, mod = loaded
        for name, f in _funcs(mod).items():
            hidden = [a for a in f.__xlfunc__["args"] if a["vba"]]
            if name == "CSKPI_ERROR":
                assert hidden == []
            else:
                assert [(a["name"], a["vba"]) for a in hidden] == [("where", "Application.Caller.Address(External:=True)")]
                assert f.__xlfunc__["args"][-1]["name"] == "where"

    def test_columns_arrive_two_dimensional_with_errors_as_text(self, loaded):
        _, mod = loaded
        args = mod.COMMISSION_TIER.__xlfunc__["argmap"]
        assert args["sales"]["options"] == {"ndim": 2, "err_to_str": True}
        assert mod.KPI_SCORE.__xlfunc__["argmap"]["value"]["options"]["ndim"] == 2
        assert mod.CSKPI_ERROR.__xlfunc__["argmap"]["cell"]["options"]["convert"] is mod.CellRef

    def test_optional_defaults(self, loaded):
        _, mod = loaded
        a = mod.KPI_SCORE.__xlfunc__["argmap"]
        assert a["scheme"]["optional"] == "duoyi" and a["baseline"]["optional"] is None
        assert mod.PUBLIC_COMMISSION.__xlfunc__["argmap"]["rate"]["optional"] == 0.005

    def test_no_expand_no_volatile(self, loaded):
        _, mod = loaded
        for f in _funcs(mod).values():
            assert "expand" not in f.__xlfunc__["ret"]["options"]
            assert f.__xlfunc__["volatile"] is False

    def test_decorated_functions_still_compute(self, loaded):
        _, mod = loaded
        assert mod.KPI_SCORE([["咨询转化率"]], [[0.36]], "duoyi") == 30
        assert mod.COMMISSION_TIER([[22000], [14999], [15000]]) == [[330.0], [224.99], [150.0]]


class TestMacros:
    def test_generated_file_is_exactly_xlwings_output(self, loaded):
        xlu, mod = loaded
        buf = io.StringIO()
        xlu.generate_vba_wrapper("cskpi_xl.udfs", mod, buf, type("WB", (), {"Name": "cskpi_template.xlsm"})())
        want = vba.HEADER + buf.getvalue()
        assert (MACROS / "cskpi_udfs_generated.bas").read_bytes() == vba.file_bytes(want)

    def test_mapped_file_is_current(self, loaded):
        xlu, mod = loaded
        assert (MACROS / "cskpi_udfs.bas").read_bytes() == vba.file_bytes(vba.mapped_module(xlu, mod))

    def test_buttons_file_is_current(self):
        assert (MACROS / "cskpi_buttons.bas").read_bytes() == vba.file_bytes(vba.buttons_module())

    def test_transformation(self):
        raw = (MACROS / "cskpi_udfs_generated.bas").read_bytes().decode("ascii").replace("\r\n", "\n")
        mapped = (MACROS / "cskpi_udfs.bas").read_bytes().decode("ascii").replace("\r\n", "\n")
        calls = re.findall(r"^\s*(\w+) = XLPy\.CallUDF\(", raw, re.M)
        assert len(calls) == 2 * len(EXPECTED)  # the Excel branch and the #Else branch
        wrapped = re.findall(r"^\s*(\w+) = CskpiMarkErrors\(XLPy\.CallUDF\(.*\)\)$", mapped, re.M)
        assert wrapped == calls
        # removing the wrapping gives back the generated wrappers, line for line
        unwrapped = re.sub(r"CskpiMarkErrors\((XLPy\.CallUDF\(.*\))\)$", r"\1", mapped, flags=re.M)
        assert unwrapped.startswith(raw)
        for marker, number in {"#N/A": 2042, "#VALUE!": 2015, "#DIV/0!": 2007}.items():
            assert f'Case "{marker}": CskpiMarker = CVErr({number})' in mapped

    def test_continued_lines_are_closed_at_the_end(self):
        code = '    F = XLPy.CallUDF("m", "F", Array(a, _\nb))\n    Exit Function\n'
        assert vba.map_error_markers(code) == '    F = CskpiMarkErrors(XLPy.CallUDF("m", "F", Array(a, _\nb)))\n    Exit Function\n'

    def test_files_are_ascii_crlf(self):
        for p in MACROS.glob("*.bas"):
            data = p.read_bytes()
            data.decode("ascii")
            assert b"\n" not in data.replace(b"\r\n", b""), p
            assert max(len(line) for line in data.split(b"\r\n")) <= 1023

    def test_buttons_call_python(self):
        text = (MACROS / "cskpi_buttons.bas").read_bytes().decode("ascii")
        assert 'Sub FillThisSheet()\r\n    RunPython "import cskpi_xl.xlbutton as b; b.fill_this()"' in text
        assert 'Sub BatchAll()\r\n    RunPython "import cskpi_xl.xlbutton as b; b.batch_all()"' in text
        assert vba.vba_text("填充本表") in text and vba.vba_text("批量生成全部") in text

    def test_vba_text_decodes(self):
        expr = vba.vba_text("客服绩效 A")
        hexes = re.fullmatch(r'CskpiU\("([0-9A-F]+)"\)', expr).group(1)
        assert "".join(chr(int(hexes[i:i + 4], 16)) for i in range(0, len(hexes), 4)) == "客服绩效 A"
        assert vba.vba_text('a"b') == '"a""b"'

    def test_registration_covers_every_function(self, loaded):
        _, mod = loaded
        mapped = (MACROS / "cskpi_udfs.bas").read_bytes().decode("ascii")
        for name in EXPECTED:
            assert f"'!{name}\", Description:=" in mapped


def test_normal_import_has_no_metadata_and_works():
    """Off Windows the decorators are no-ops: the module imports and computes."""
    code = ("import cskpi_xl.udfs as u, sys; "
            "assert not hasattr(u.KPI_SCORE, '__xlfunc__'); "
            "assert 'pythoncom' not in sys.modules; "
            "print(u.KPI_SCORE('咨询转化率', 0.36, 'duoyi'))")
    if sys.platform.startswith("win"):
        pytest.skip("on Windows the real decorators apply")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "30.0"


def test_standin_restores_modules():
    import xlwings

    before = (xlwings.func, "cskpi_xl.udfs" in sys.modules and sys.modules["cskpi_xl.udfs"])
    xlwings_standin.load()
    assert (xlwings.func, "cskpi_xl.udfs" in sys.modules and sys.modules["cskpi_xl.udfs"]) == before
    assert "pythoncom" not in sys.modules or not sys.platform.startswith("linux") or sys.modules.get("pythoncom") is None


def test_cli_check_and_write(tmp_path, capsys):
    from cskpi_xl.cli import main

    assert main(["xl", "--check", "--out", str(MACROS)]) == 0
    assert main(["xl", "--check", "--out", str(tmp_path)]) == 1
    assert main(["xl", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "xlwings addin install" in out and "cskpi_xl.udfs" in out and "信任对 VBA 工程对象模型的访问" in out
    for name in ("cskpi_udfs.bas", "cskpi_udfs_generated.bas", "cskpi_buttons.bas"):
        assert (tmp_path / name).read_bytes() == (MACROS / name).read_bytes()
    assert main(["xl", "--check", "--out", str(tmp_path)]) == 0
