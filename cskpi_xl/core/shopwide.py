"""Shop-wide figures given for a month: targets, team values and the public sales total.

HR gives them to ``score``, ``batch`` and ``fill`` as ``--team 名称=数值`` (repeatable):

- a scheme parameter — a target such as 询单转化率目标 or 转化率标准 — replaces the scheme's value
  for the month (the 规则 sheet and the live formulas show the given one);
- a team value (团队客单价 …) replaces the one computed from the agents (e.g. a set 客单价 baseline);
- 公共销售额 is the public sales total (the same as ``--public-sales``).

Numbers may be typed as ``0.3``, ``30%``, ``３０％``, ``12万``. A share (a parameter whose scheme
value is at most 1, or a share team value) given above 1 is refused: ``询单转化率目标=35`` meant 35%.

>>> from cskpi_xl.core.schemefile import builtin
>>> s, team, public, problems = apply_shop_figures(builtin("standard"), {"询单转化率目标": "30%", "公共销售额": "30万"})
>>> s.params["询单转化率目标"], public, problems
(Decimal('0.3'), Decimal('300000'), [])
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any, Mapping

from cskpi_xl.core import names as N
from cskpi_xl.core.numbers import FIGURE_RANGE_TEXT, number_text, plausible, to_decimal
from cskpi_xl.core.problems import Problem
from cskpi_xl.core.scheme import Scheme

PUBLIC_SALES = "公共销售额"
_TEAM = {n.name: n for n in N.TEAM_VALUES}


def parse_assignments(texts: list[str] | None) -> tuple[dict[str, str], list[Problem]]:
    """``["询单转化率目标=30%", …]`` → ``{"询单转化率目标": "30%"}``; a text without ``=`` is a problem.

    >>> parse_assignments(["询单转化率目标=30%", "坏"])[0], parse_assignments(["坏"])[1][0].message
    ({'询单转化率目标': '30%'}, '应写成 名称=数值（例如 询单转化率目标=30%）：坏')
    """
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for t in texts or ():
        name, sep, value = str(t).replace("＝", "=").partition("=")
        if not sep or not name.strip() or not value.strip():
            problems.append(Problem(f"应写成 名称=数值（例如 询单转化率目标=30%）：{t}", f"write NAME=VALUE: {t}", value=t))
            continue
        out[name.strip()] = value.strip()
    return out, problems


def apply_shop_figures(scheme: Scheme, given: Mapping[str, Any] | None) -> tuple[Scheme, dict[str, Decimal], Decimal | None,
                                                                             list[Problem]]:
    """``(scheme with the given parameters, team values to use, public sales total or None, problems)``.

    Unknown names and unusable numbers are problems (errors) and are not used.
    """
    params = dict(scheme.params)
    team: dict[str, Decimal] = {}
    public: Decimal | None = None
    problems: list[Problem] = []
    for name, raw in (given or {}).items():
        try:
            v = number_text(raw) if isinstance(raw, str) else to_decimal(raw)
        except ValueError:
            problems.append(Problem(f"「{name}」不是数字：{raw!r}", f"{name} is not a number: {raw!r}", column=name, value=str(raw)))
            continue
        share = (name in params and params[name] <= 1) or (name in _TEAM and _TEAM[name].kind == "ratio")
        if share and v > 1:
            problems.append(Problem(f"「{name}」是比率（0.3 表示 30%），{raw} 大于 100%：是不是想写 {v}%？",
                                    f"{name} is a fraction (0.3 means 30%); {raw} is above 100%", column=name, value=str(raw)))
            continue
        if v < 0:
            problems.append(Problem(f"「{name}」不能为负数：{raw}", f"{name} cannot be negative", column=name, value=str(raw)))
            continue
        if not plausible(v):
            problems.append(Problem(f"「{name}」数值超出合理范围（{FIGURE_RANGE_TEXT[0]}）：{raw}",
                                    f"{name} is out of range ({FIGURE_RANGE_TEXT[1]})", column=name, value=str(raw)))
            continue
        if name == PUBLIC_SALES:
            public = v
        elif name in params:
            params[name] = v
        elif name in _TEAM:
            team[name] = v
        else:
            known = "、".join(list(scheme.params) + [PUBLIC_SALES] + [n for n in _TEAM if n != PUBLIC_SALES])
            problems.append(Problem(f"「{name}」不是本方案的参数或团队数值；可以指定：{known}",
                                    f"{name} is not a parameter or team value of this scheme", column=name, value=str(raw)))
    if params != scheme.params:
        scheme = dataclasses.replace(scheme, params=params)
    return scheme, team, public, problems
