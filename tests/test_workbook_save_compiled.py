"""The compiled writer (issue 19) writes every agent's workbook byte for byte as the ordinary path writes it.

The ordinary path is openpyxl: a template copy, ``apply_plan``, ``save_workbook``
(:func:`cskpi_xl.pipeline.write_book`). The clock is frozen for both, so whole
files (timestamps included) compare equal.
"""

import datetime
import io
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cskpi_xl import pipeline
from cskpi_xl.core.schemefile import BUILTIN_IDS
from cskpi_xl.workbook.save import Durable, compiled, parts as fastsave
from cskpi_xl.workbook.builder import template_bytes
from cskpi_xl.workbook.template import CellWrite, FillPlan, read_template

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EXPORTS = sorted(p for p in (SAMPLES / "exports").iterdir() if p.is_file())
MANUAL = SAMPLES / "manual" / "手工录入.xlsx"
ALIASES = SAMPLES / "manual" / "别名表.csv"


class _Frozen(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime.datetime(2026, 11, 1, 8, 30, 15, tzinfo=tz)


@pytest.fixture
def frozen(monkeypatch):
    """One clock for both writers: core.xml's modified time and the zip entries' time."""
    fake = type("dt", (), {"datetime": _Frozen, "timezone": datetime.timezone})
    monkeypatch.setattr(fastsave, "datetime", fake)
    monkeypatch.setattr(compiled, "datetime", fake)
    clock = time.localtime(1793522415)
    monkeypatch.setattr(time, "localtime", lambda *a: clock)


def month_of(scheme_id: str, exports=EXPORTS):
    scheme, _ = pipeline.load(scheme_id)
    tb = template_bytes(scheme)
    tcells = read_template(load_workbook(io.BytesIO(tb)))
    m, _ = pipeline.score_month(scheme, exports, manual=MANUAL, aliases=ALIASES)
    return tb, tcells, m


def ordinary(tb: bytes, plan, path: Path, agent: str, month: str) -> bytes:
    pipeline.write_book(load_workbook(io.BytesIO(tb)), plan, path, agent=agent, month=month)
    return path.read_bytes()


def copier(tb: bytes):
    return lambda: load_workbook(io.BytesIO(tb))


def first_written(scheme_id: str, tmp_path):
    """The scheme's demo month, its first agent's plan, and a compiled writer that has written that agent."""
    tb, tcells, m = month_of(scheme_id)
    res = m.team.agents[0]
    plan = pipeline.plan_agent(tcells, m, res, file=f"{scheme_id}.xlsx")
    w = compiled.Writer(copier(tb))
    w.write(plan, tmp_path / "first.xlsx", res.agent, m.month)
    return tb, tcells, m, res, plan, w


@pytest.mark.parametrize("scheme_id", BUILTIN_IDS)
def test_every_agent_of_every_scheme_byte_for_byte(scheme_id, tmp_path, frozen):
    tb, tcells, m = month_of(scheme_id)
    w = compiled.Writer(copier(tb))
    for res in m.team.agents:
        plan = pipeline.plan_agent(tcells, m, res, file=f"{scheme_id}.xlsx")
        a, b = tmp_path / f"a_{res.agent}.xlsx", tmp_path / f"b_{res.agent}.xlsx"
        way = w.write(plan, b, res.agent, m.month)
        assert b.read_bytes() == ordinary(tb, plan, a, res.agent, m.month), (res.agent, way)
    assert w.counts["ordinary"] + w.counts["compiled"] == len(m.team.agents)
    assert not w.off


def test_agents_of_one_shape_are_compiled(tmp_path, frozen):
    """The samples' agents differ in shape (a missing figure is a value, not a formula): a copy of one agent
    under other names and other values has one shape — written once the ordinary way, then compiled."""
    tb, tcells, m = month_of("duoyi")
    res = m.team.agents[0]
    base = pipeline.plan_agent(tcells, m, res, file="duoyi.xlsx")
    w = compiled.Writer(copier(tb))
    names = ["小王", "=1+1", " 前后有空格 ", "<&\"'>", "制表\t符", "长" * 40]
    for i, name in enumerate(names):
        plan = FillPlan([_renamed(c, res.agent, name, i) for c in base], base.inserts, [], base.agent_sheets)
        a, b = tmp_path / f"a{i}.xlsx", tmp_path / f"b{i}.xlsx"
        w.write(plan, b, name, m.month)
        assert b.read_bytes() == ordinary(tb, plan, a, name, m.month), name
    assert w.counts == {"compiled": len(names) - 2, "ordinary": 2, "checked": 1}  # "=1+1" gets a quote prefix
    assert len(w.books) == 2  # the quote-prefixed name is a shape of its own


def _renamed(c: CellWrite, old: str, new: str, i: int) -> CellWrite:
    v = c.value
    if isinstance(v, str) and old in v:
        v = v.replace(old, new)
    elif isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) and not c.formula:
        v = v + i
    return CellWrite(**{**c.__dict__, "value": v})


def test_a_cell_the_compiled_path_does_not_write_goes_the_ordinary_way(tmp_path, frozen):
    tb, tcells, m, res, base, w = first_written("standard", tmp_path)
    # a date where a number was: openpyxl gives the cell a date format, another shape
    i = next(k for k, c in enumerate(base) if isinstance(c.value, (int, Decimal)) and not c.formula and not c.text)
    odd = FillPlan(list(base), base.inserts, [], base.agent_sheets)
    odd[i] = CellWrite(**{**base[i].__dict__, "value": datetime.datetime(2026, 10, 31)})
    assert w.write(odd, tmp_path / "b.xlsx", res.agent, m.month) == "ordinary"
    assert (tmp_path / "b.xlsx").read_bytes() == ordinary(tb, odd, tmp_path / "a.xlsx", res.agent, m.month)
    # the same cell written twice: the ordinary way too
    twice = FillPlan(list(base) + [base[i]], base.inserts, [], base.agent_sheets)
    assert w.write(twice, tmp_path / "c.xlsx", res.agent, m.month) == "ordinary"
    assert (tmp_path / "c.xlsx").read_bytes() == ordinary(tb, twice, tmp_path / "d.xlsx", res.agent, m.month)


def test_a_compiled_book_that_disagrees_is_dropped_for_the_batch(tmp_path, frozen):
    """The first agent of a compiled shape is written both ways: any difference turns the compiled path off."""
    tb, tcells, m, res, plan, w = first_written("duoyi", tmp_path)
    (book,) = w.books.values()
    name = next(iter(book.fixed))
    book.fixed[name] = compiled.deflate(name, b"<broken/>")  # as if a shared part had been cut wrong
    assert w.write(plan, tmp_path / "b.xlsx", res.agent, m.month) == "ordinary"
    assert w.off and not w.books
    assert (tmp_path / "b.xlsx").read_bytes() == ordinary(tb, plan, tmp_path / "a.xlsx", res.agent, m.month)
    assert w.write(plan, tmp_path / "c.xlsx", res.agent, m.month) == "ordinary"


def test_the_output_opens_with_the_agents_values(tmp_path):
    """Not only equal bytes: the compiled file is a workbook holding this agent's values and cached results."""
    tb, tcells, m = month_of("duoyi")
    w = compiled.Writer(copier(tb))
    plans = {}
    for res in m.team.agents:
        plans[res.agent] = pipeline.plan_agent(tcells, m, res, file="duoyi.xlsx")
        w.write(plans[res.agent], tmp_path / f"{res.agent}.xlsx", res.agent, m.month)
    assert w.counts["compiled"] >= 2
    for agent, plan in plans.items():
        with zipfile.ZipFile(tmp_path / f"{agent}.xlsx") as z:
            assert z.testzip() is None
        values = load_workbook(tmp_path / f"{agent}.xlsx", data_only=True)
        for c in plan:
            if c.sheet == "考核表" and isinstance(c.value, str) and c.value:
                assert values[c.sheet][c.cell].value == c.value, (agent, c.cell)


def test_durable_writes_every_file_whole_and_reports_the_first_error(tmp_path):
    import os
    import stat

    keep = tmp_path / "kept.xlsx"
    keep.write_bytes(b"old")
    os.chmod(keep, 0o640)
    d = Durable(threads=4)
    for i in range(40):
        d(tmp_path / f"f{i}.xlsx", bytes([i]) * 1000)
    d(keep, b"new")
    d.wait()
    assert all((tmp_path / f"f{i}.xlsx").read_bytes() == bytes([i]) * 1000 for i in range(40))
    assert keep.read_bytes() == b"new" and stat.S_IMODE(keep.stat().st_mode) == 0o640  # its permission bits stay
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "f0.xlsx").stat().st_mode) == 0o666 & ~umask  # threads never leave umask 0
    assert os.umask(umask) == umask
    d(tmp_path / "没有这个文件夹" / "x.xlsx", b"x")
    d(tmp_path / "after.xlsx", b"y")
    with pytest.raises(OSError) as err:
        d.close()
    assert "没有这个文件夹" in str(err.value)
    assert (tmp_path / "after.xlsx").read_bytes() == b"y"  # the others are written all the same
    assert not list(tmp_path.glob(".*.tmp"))  # no temp file left behind


def test_durable_flushes_each_folder_once_when_waited_for(tmp_path, monkeypatch):
    """Each file is flushed before it is moved into place; the folders are flushed by wait(), once each."""
    import os

    from cskpi_xl.files import atomic
    from cskpi_xl.workbook import save

    flushed_files, flushed_folders = [], []
    real_fsync = os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (flushed_files.append(fd), real_fsync(fd)))
    monkeypatch.setattr(atomic, "_fsync_dir", lambda folder: flushed_folders.append(("per file", folder)))
    monkeypatch.setattr(save, "fsync_folder", lambda folder: flushed_folders.append(("once", folder)))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    d = Durable(threads=3)
    for i in range(10):
        d(tmp_path / ("a" if i % 2 else "b") / f"{i}.xlsx", b"x" * i)
    assert not [f for f in flushed_folders if f[0] == "once"]  # not before wait()
    d.close()
    assert len(flushed_files) == 10
    assert sorted(flushed_folders) == [("once", tmp_path / "a"), ("once", tmp_path / "b")]
    assert (tmp_path / "a" / "9.xlsx").read_bytes() == b"x" * 9
    save.save_bytes(tmp_path / "c.xlsx", b"c")  # one file alone: its folder at once, as before
    assert flushed_folders[-1] == ("per file", tmp_path)


def _batch(out, scheme_id, *, compiled_on, monkeypatch, layout="per-agent", jobs=1, exports=EXPORTS, samples=True):
    from cskpi_xl.workbook import agentbook
    from cskpi_xl.workbook.batch import run_batch

    monkeypatch.setattr(agentbook, "COMPILED", compiled_on)
    report, problems = run_batch(exports, scheme_id, "2026-10", out, manual=MANUAL if samples else None,
                                 aliases=ALIASES if samples else None, layout=layout, jobs=jobs, progress=False)
    files = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.xlsx")) if not p.name.startswith("汇总")}
    return report, [p.format().replace(str(out), "OUT") for p in problems], files


@pytest.mark.parametrize("scheme_id", BUILTIN_IDS)
def test_the_batch_writes_the_same_files_compiled_or_not(scheme_id, tmp_path, frozen, monkeypatch):
    """``cskpi batch`` on the samples: every agent's file the same bytes with the compiled writer as without."""
    rep_a, probs_a, a = _batch(tmp_path / "a", scheme_id, compiled_on=False, monkeypatch=monkeypatch)
    rep_b, probs_b, b = _batch(tmp_path / "b", scheme_id, compiled_on=True, monkeypatch=monkeypatch)
    assert probs_a == probs_b
    assert len(a) == len(rep_a["agents"]) > 1 and sorted(a) == sorted(b)
    for name in a:
        assert a[name] == b[name], name
    assert rep_a["compiled"] == 0 and rep_b["compiled"] >= 1


def test_many_agents_in_worker_processes_compiled(tmp_path, frozen, monkeypatch):
    """A team of one shape (a generated export), written by forked workers with the compiled writer."""
    from tests.hostile import batchrun
    from cskpi_xl.workbook.batch import PARALLEL_FROM

    export = batchrun.export(tmp_path / "e_2026-10.csv", PARALLEL_FROM + 8)
    rep_a, probs_a, a = _batch(tmp_path / "a", "duoyi", compiled_on=False, monkeypatch=monkeypatch, exports=[export],
                               samples=False)
    rep_b, probs_b, b = _batch(tmp_path / "b", "duoyi", compiled_on=True, monkeypatch=monkeypatch, exports=[export],
                               samples=False, jobs=2)
    assert probs_a == probs_b and len(a) == PARALLEL_FROM + 8 and a == b
    assert rep_b["compiled"] >= PARALLEL_FROM  # each worker writes its first agent of a shape the ordinary way


def test_one_book_layout_is_untouched(tmp_path, frozen, monkeypatch):
    _, probs_a, a = _batch(tmp_path / "a", "standard", compiled_on=False, monkeypatch=monkeypatch, layout="one-book")
    _, probs_b, b = _batch(tmp_path / "b", "standard", compiled_on=True, monkeypatch=monkeypatch, layout="one-book")
    assert probs_a == probs_b and len(a) == 1 and a == b


def test_an_error_in_the_compiled_path_falls_back_to_openpyxl(tmp_path, frozen, monkeypatch):
    tb, tcells, m, res, plan, w = first_written("duoyi", tmp_path)

    def broken(*a, **k):
        raise TypeError("a bug in the compiled path")

    monkeypatch.setattr(compiled.CompiledBook, "render", broken)
    assert w.write(plan, tmp_path / "b.xlsx", res.agent, m.month) == "ordinary"
    assert (tmp_path / "b.xlsx").read_bytes() == ordinary(tb, plan, tmp_path / "a.xlsx", res.agent, m.month)


def _openpyxl_bind(value, *, text=False, formula=None):
    """What apply_plan leaves in an openpyxl cell: (data type, value, quote prefix)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell

    from cskpi_xl.workbook.apply import write_text_cell

    c = Cell(Workbook().active)
    if formula:
        c.value = formula
    elif text:
        write_text_cell(c, value)
    else:
        c.value = value
    return c.data_type, c._value, bool(c.has_style and c.quotePrefix)


_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["=1+1", "=", "#N/A", "#DIV/0!", " 前后 ", "\t=1", "＋1", "@SUM(A1)", "", "a\x01b", "x" * 40000])
_values = st.none() | st.booleans() | st.integers() | st.floats() | st.decimals(allow_nan=False) | _texts


@settings(max_examples=300, deadline=None)
@given(_values, st.booleans(), st.none() | _texts)
def test_values_are_bound_as_openpyxl_binds_them(value, text, formula):
    """The compiled path's own binding of a value (type, value, quote prefix) is openpyxl's, or it raises as openpyxl does."""
    try:
        want = _openpyxl_bind(value, text=text, formula=formula)
    except Exception as exc:  # noqa: BLE001 - e.g. an illegal character: the compiled path must raise too
        with pytest.raises(type(exc)):
            compiled._bind(value, text=text, formula=formula)
        return
    got = compiled._bind(value, text=text, formula=formula)
    assert (got[0], got[2]) == (want[0], want[2])
    assert got[1] == want[1] or (got[1] != got[1] and want[1] != want[1])  # NaN


@settings(max_examples=300, deadline=None)
@given(_values)
def test_registry_values_are_bound_as_record_binds_them(value):
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell

    c = Cell(Workbook().active)
    try:
        c.value = value
        if isinstance(value, str):
            c.data_type = "s"
    except Exception as exc:  # noqa: BLE001
        with pytest.raises(type(exc)):
            compiled._bind_registry(value)
        return
    dt, v = compiled._bind_registry(value)
    assert dt == c.data_type and (v == c._value or (v != v and c._value != c._value))


# ---- the per-hole bodies and the registry rows (issue 19, session 5) ------------------------------------------

_specials = st.sampled_from(["", " ", "  前后  ", "a&b", "<t>", "x > y", '"引号"', "'", "\t制表", "换\n行", "回\r车",
                             "=1+1", "=", "#N/A", "@SUM(A1)", "a\x01b", "\x0b", "</f><v />", "</t></is>", "💡",
                             "x" * 40000])
_cell_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20) | _specials
_numbers = (st.integers() | st.integers(-2 ** 70, 2 ** 70) | st.floats() | st.sampled_from(
    [0.0, -0.0, 1e300, -1e300, 5e-324, float("nan"), float("inf"), float("-inf"), 1.0, 0.1 + 0.2, 2 ** 53 + 1,
                      10 ** 400, -(10 ** 400)])
    | st.decimals() | st.sampled_from([Decimal("1.0"), Decimal("-0"), Decimal("NaN"), Decimal("1E+400")]))
_cached = (st.none() | st.booleans() | _numbers | _cell_texts
           | st.just(datetime.date(2026, 10, 31)) | st.just(compiled._NO))
_formulas = _cell_texts.map(lambda t: "=" + t) | st.sampled_from(
    ["=A1&\"<>\"", "=IF(A1>0,\"是\",\"否\")", "=" + "B1+" * 300 + "1"])
_BODIES = compiled._Bodies()  # one for every example: its memo must never give one value's bytes to another


def _kinds():
    return st.one_of(
        st.tuples(st.just("s"), _cell_texts, _cached),
        st.tuples(st.just("n"), st.none() | _numbers | st.booleans(), _cached),
        st.tuples(st.just("b"), st.booleans(), _cached),
        st.tuples(st.just("f"), _formulas, _cached),
        st.tuples(st.sampled_from(["e", "s", "n", "b", "f"]), _cached, _cached),  # mismatched kinds
    )


@settings(max_examples=1500, deadline=None)
@given(_kinds(), st.sampled_from(["A1", "B2", "AA100", "XFD1048576"]), st.none() | st.integers(0, 300))
def test_a_body_is_what_parts_cell_and_with_values_write(kind, ref, style):
    """head + body is exactly parts._cell (+ cached._with_values for a cached value), for every kind it takes."""
    dt, value, cached = kind
    try:
        want = compiled._slow_cell(ref, style, dt, value, cached)
    except Exception as exc:  # noqa: BLE001 - e.g. a number too large for a float
        try:
            got = _BODIES.body(dt, value, cached)
        except type(exc):
            return
        assert got is None  # the caller goes the general way, and raises there as before
        return
    got = _BODIES.body(dt, value, cached)
    if got is None:  # a kind left to the general way
        assert type(value) not in (str, int, float, bool, type(None)) or dt not in ("s", "n", "b", "f") or (
            dt == "s" and type(value) is not str) or (dt == "f" and (type(value) is not str or value == "")) or (
            dt == "n" and type(value) not in (int, float, type(None))) or (dt == "b" and type(value) is not bool)
        return
    assert compiled._head(ref, style) + got == want
    assert _BODIES.body(dt, value, cached) == got  # from the memo, the same


@pytest.mark.parametrize("value, cached, body", [
    (0, compiled._NO, b' t="n"><v>0</v></c>'),
    (-0.0, compiled._NO, b' t="n"><v>-0</v></c>'),
    (1e300, compiled._NO, b' t="n"><v>1e+300</v></c>'),
    (float("nan"), compiled._NO, b' t="n"><v /></c>'),
    (2 ** 53 + 1, compiled._NO, b' t="n"><v>9007199254740992</v></c>'),
])
def test_numbers_are_written_as_openpyxl_writes_them(value, cached, body):
    """Worked out by hand from openpyxl's safe_string ("%.16g"; NaN and infinities an empty <v />)."""
    assert compiled._Bodies().body("n", value, cached) == body


@pytest.mark.parametrize("cached, tail", [
    (True, b' t="b"><f>A1</f><v>1</v></c>'), (1, b"><f>A1</f><v>1</v></c>"), (1.0, b"><f>A1</f><v>1.0</v></c>"),
    (0.0, b"><f>A1</f><v>0.0</v></c>"), (-0.0, b"><f>A1</f><v>-0.0</v></c>"), (None, b' t="str"><f>A1</f><v></v></c>'),
    ("a<b", b' t="str"><f>A1</f><v>a&lt;b</v></c>'), (float("inf"), b"><f>A1</f><v /></c>"),
    (Decimal("2.50"), b' t="str"><f>A1</f><v>2.50</v></c>'),
])
def test_cached_values_that_are_equal_keep_their_own_bytes(cached, tail):
    """True, 1 and 1.0 (or 0.0 and -0.0) are equal in Python, written differently: one memo serves them all."""
    bodies = compiled._Bodies()
    for other in (True, 1, 1.0, 0.0, -0.0, None, "a<b"):
        bodies.body("f", "=A1", other)
    assert bodies.body("f", "=A1", cached) == tail


_REG_SCHEME = "employee_form"
_REG_BOOK: dict = {}


def _reg_book():
    """employee_form (inputs in item rows, so registry rows with row labels), its probe with every input filled."""
    if not _REG_BOOK:
        tb, tcells, m = month_of(_REG_SCHEME)
        res = m.team.agents[0]
        base = pipeline.plan_agent(tcells, m, res, file="x.xlsx")
        probe = FillPlan([CellWrite(**{**c.__dict__, "value": 5}) if c.key and not c.formula and c.value is None
                          else c for c in base], base.inserts, [], base.agent_sheets)
        assert any(c.item for c in probe if c.key)
        w = compiled.Writer(copier(tb))
        book, _ = compiled.compile_book(w.template_copy(), probe, agent=res.agent, month=m.month)
        assert book is not None
        _REG_BOOK.update(tb=tb, base=probe, agent=res.agent, month=m.month, book=book, writer=w)
    return _REG_BOOK


_entry = st.one_of(
    st.tuples(st.just("typed"),
              st.integers(0, 10) | st.floats(0, 10) | st.sampled_from(["七", " 8 ", "<&>", "#DIV/0!"])),
    st.tuples(st.just("cleared"), st.none()),
    st.tuples(st.just("na"), st.sampled_from(["#N/A", float("nan"), None, ""])),
    st.tuples(st.just("generated"), st.integers(0, 10)),
)
_agents = st.sampled_from(["小王", "长" * 300, "名" * 40000, " 空 格 ", "<&\"'>", "=1+1", "客服0001"]) | st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(st.lists(_entry, min_size=1, max_size=60), _agents)
def test_registry_rows_of_typed_emptied_and_na_entries_are_written_as_apply_plan_writes_them(entries, agent):
    """Inputs a person typed (来源 手填), emptied (清空, no value), NA values and long or odd names: the
    compiled registry and agent sheet are byte for byte what apply_plan + workbook_parts write."""
    from cskpi_xl.workbook.registry import Source

    ctx = _reg_book()
    base, book, w = ctx["base"], ctx["book"], ctx["writer"]
    inputs = [k for k, c in enumerate(base) if c.key and not c.formula]
    plan = FillPlan(list(base), base.inserts, [], base.agent_sheets)
    for k, (kind, v) in zip(inputs, entries):
        source = {"typed": Source.TYPED, "cleared": Source.CLEARED, "na": None, "generated": None}[kind]
        plan[k] = CellWrite(**{**base[k].__dict__, "value": v, "source": source})
    for k, c in enumerate(plan):
        if c.anchor == "agent":
            plan[k] = CellWrite(**{**c.__dict__, "value": agent})
    got = book.render(plan, agent, ctx["month"])
    try:
        want = w.ordinary_parts(plan, agent, ctx["month"])
    except Exception:  # noqa: BLE001 - openpyxl refuses the value: so must the compiled path
        assert got is None
        return
    try:
        same_shape = compiled.plan_cells(plan)[2] == book.shape
    except compiled._NotCompiled:  # "=1+1" typed into a number's cell would be a formula: not compiled
        same_shape = False
    if not same_shape:  # e.g. a name like "=1+1" gets a quote prefix: another shape, written the ordinary way
        assert got is None
        return
    assert got is not None
    for part, body in got.items():
        assert body == want[part], part


def test_registry_rows_are_rendered_by_rows_with_the_agents_values():
    """Worked out by hand for one row: 客服 and 写入的值 are the agent's; a typed entry's 来源 is 手填."""
    from cskpi_xl.workbook.registry import Source

    ctx = _reg_book()
    base, book = ctx["base"], ctx["book"]
    k = next(k for k, c in enumerate(base) if c.key and not c.formula and c.item)
    plan = FillPlan(list(base), base.inserts, [], base.agent_sheets)
    plan[k] = CellWrite(**{**base[k].__dict__, "value": 7, "source": Source.TYPED})
    xml = book.render(plan, "小&王", ctx["month"])["xl/worksheets/sheet5.xml"]
    row = next(r for r in xml.split(b"<row ")[2:] if f'<t>{base[k].key}</t>'.encode() in r)
    n = row.split(b'"')[1].decode()
    assert row.startswith(f'r="{n}"><c r="A{n}" t="inlineStr"><is><t>小&amp;王</t></is></c>'.encode())
    assert f'<c r="F{n}" t="n"><v>7</v></c><c r="G{n}" t="inlineStr"><is><t>手填</t></is></c>'.encode() in row
    assert f'<c r="I{n}" t="inlineStr"><is><t>{base[k].item}</t></is></c>'.encode() in row


def test_a_row_label_found_elsewhere_is_another_shape():
    """An input's row label is the first cell of its row holding the item's name: that cell is checked per agent."""
    ctx = _reg_book()
    base, book = ctx["base"], ctx["book"]
    cells, raw, _ = compiled.plan_cells(base)
    i, (label_cell, _) = book.label_rows[0]
    row = label_cell[1:]
    item = base[book.row_spec[i][0]].item
    assert book.plan_rows(base, raw, ctx["agent"], ctx["month"])[i].label_cell == label_cell
    for moved in ({label_cell: "别的项目"}, {f"A{row}": item}):  # the name gone; the name in an earlier cell
        held = {**raw, "考核表": {**raw["考核表"], **moved}}
        assert book.plan_rows(base, held, ctx["agent"], ctx["month"]) is None, moved
    held = {**raw, "考核表": {**raw["考核表"], label_cell: f"  {item} "}}  # the same text, stripped
    assert book.plan_rows(base, held, ctx["agent"], ctx["month"])[i].label_cell == label_cell


def test_a_formula_left_empty_is_another_shape(tmp_path, frozen):
    """A write whose formula is "" is a value with no registry row: not the shape of a formula there."""
    tb, tcells, m, res, base, w = first_written("duoyi", tmp_path)
    k = next(k for k, c in enumerate(base) if c.formula and c.sheet == "考核表")
    odd = FillPlan(list(base), base.inserts, [], base.agent_sheets)
    odd[k] = CellWrite(**{**base[k].__dict__, "formula": ""})
    assert compiled.plan_cells(odd)[2] != compiled.plan_cells(base)[2]
    w.write(odd, tmp_path / "b.xlsx", res.agent, m.month)
    assert (tmp_path / "b.xlsx").read_bytes() == ordinary(tb, odd, tmp_path / "a.xlsx", res.agent, m.month)
