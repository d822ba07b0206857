"""One agent on its own: the engine's scoring for figures typed in one row.

:func:`~cskpi_xl.core.engine.score_team` scores a whole team and takes the
team's values (团队接待人数, 团队客单价, 人均咨询占比 …) from all the agents.
A cell formula (``AGENT_TOTAL``) has one agent's figures and
the team's values typed beside them instead. This module scores such a row
with the engine's own steps (:func:`~cskpi_xl.core.metrics.compute_metrics`,
:func:`~cskpi_xl.core.engine.score_item`, :func:`~cskpi_xl.core.engine.total_of`)
so a formula and the batch agree.

>>> from cskpi_xl.core.schemefile import builtin
>>> r = score_one(builtin("duoyi"), {"接待人数": 30, "团队接待人数": 100, "团队人数": 5})
>>> r.metrics["咨询占比"], r.metrics["人均咨询占比"], r.total
(Decimal('0.3'), Decimal('0.2'), Decimal('102.00'))
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from cskpi_xl.core.engine import AgentResult, score_item, total_of
from cskpi_xl.core.metrics import compute_metrics, per_capita_share
from cskpi_xl.core.numbers import to_decimal
from cskpi_xl.core.scheme import Scheme


def typed_team(figures: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Split one row into the agent's figures and the team values for :func:`compute_metrics`.

    The team is the typed ``团队接待人数`` (so that 咨询占比 = 接待人数 ÷
    团队接待人数, as for a whole team), or None when it is not typed or a
    ``咨询占比`` is typed (the typed share is used as typed). ``人均咨询占比``
    = 1 ÷ ``团队人数`` (as :func:`~cskpi_xl.core.metrics.team_values` has it)
    joins the figures when ``团队人数`` is typed and the share itself is not.

    >>> typed_team({"接待人数": 3, "团队接待人数": 12, "团队人数": Decimal(4)})
    ({'接待人数': 3, '团队接待人数': 12, '团队人数': Decimal('4'), '人均咨询占比': Decimal('0.25')}, {'团队接待人数': 12})
    >>> typed_team({"咨询占比": Decimal("0.3"), "团队接待人数": 12})[1] is None
    True
    """
    own = dict(figures)
    try:
        n = to_decimal(own.get("团队人数"))
    except ValueError:  # not typed, n/a or not a number: no per-capita share
        n = None
    if "人均咨询占比" not in own and n is not None and n > 0:
        own["人均咨询占比"] = per_capita_share(n)
    team = None
    if "团队接待人数" in own and "咨询占比" not in own:
        team = {"团队接待人数": own["团队接待人数"]}
    return own, team


def score_one(scheme: Scheme, figures: Mapping[str, Any]) -> AgentResult:
    """Every item's points and the total of one agent whose team values are typed among its figures.

    ``figures`` is keyed by canonical names (as ``score_team``'s agents are);
    the result's ``items`` carry each item's error, if any, and ``total`` is
    the engine's total (an NA naming the unscored items when any is missing).
    Grade, rank and pay are the team's business and are left empty.
    """
    own, team = typed_team(figures)
    metrics = compute_metrics(own, team)
    ctx = {**scheme.params, **metrics}
    items = [score_item(it, ctx, scheme.review) for it in scheme.items]
    total, sections = total_of(scheme, items)
    return AgentResult("", metrics, items, sections, total)
