"""Writing an adopted scheme as a TOML file in the format of ``cskpi_xl/schemes/``.

>>> print(toml_value({"kind": "linear", "baseline": Decimal("0.34"), "step": True, "inputs": ["旷工次数"]}))
{ kind = "linear", baseline = 0.34, step = true, inputs = ["旷工次数"] }
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from cskpi_xl.adopt.text import fmt


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, Decimal)):
        s = fmt(v)
        return s
    if isinstance(v, float):
        return fmt(Decimal(str(v)))
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {v!r} as TOML")


def scheme_toml(s: dict) -> str:
    """The scheme dict (top keys, ``items``, ``review``, ``commission``, ``grades``) as TOML text."""
    out = [f"# {s['name']} — 由 cskpi adopt 从店铺自己的考核表读出（{s.get('source', '')}）。",
           "# 规则是数据：可以直接修改本文件，改完用 `cskpi check 本文件` 检查。"]
    for k in ("id", "name", "name_en", "source", "effective_from", "total", "full_marks"):
        if k in s:
            out.append(f"{k} = {toml_value(s[k])}")
    out.append("notes = [")
    for n in s.get("notes", []):
        out.append(f"  {toml_value(n)},")
    out.append("]")
    if s.get("review"):
        out += ["", "[review]"] + [f"{k} = {toml_value(v)}" for k, v in s["review"].items()]
    for it in s["items"]:
        out += ["", "[[items]]"]
        for k in ("name", "full", "metric", "base", "floor", "cap", "text"):
            if k in it and it[k] is not None:
                out.append(f"{k} = {toml_value(it[k])}")
        out.append("rules = [")
        for r in it["rules"]:
            out.append(f"  {toml_value(r)},")
        out.append("]")
    if s.get("commission"):
        c = s["commission"]
        out += ["", "[commission]", f"kind = {toml_value(c['kind'])}", f"basis = {toml_value(c['basis'])}", "tiers = ["]
        for t in c["tiers"]:
            out.append(f"  {toml_value(t)},")
        out.append("]")
    for g in s.get("grades", []):
        out += ["", "[[grades]]"] + [f"{k} = {toml_value(v)}" for k, v in g.items()]
    return "\n".join(out) + "\n"
