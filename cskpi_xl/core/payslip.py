"""A month's pay from its parts: each part rounded to the cent, the total their sum (the slip adds up).

This is how :func:`~cskpi_xl.core.engine.score_team` adds up an agent's
``pay`` into ``pay_total``, and what ``MONTH_PAY`` computes from the parts HR
types. It imports nothing of the engine, so the engine can call it too.

>>> payslip({"岗位工资": Decimal(1700), "个人提成": Decimal("330.005"), "罚款": Decimal(-30)})
({'岗位工资': Decimal('1700.00'), '个人提成': Decimal('330.01'), '罚款': Decimal('-30.00')}, Decimal('2000.01'))
"""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from cskpi_xl.core.numbers import round_money


def payslip(parts: Mapping[str, Decimal]) -> tuple[dict[str, Decimal], Decimal]:
    """Each part rounded half-up to the cent, and their sum; deductions are negative parts (罚款 = −fines)."""
    pay = {k: round_money(v) for k, v in parts.items()}
    return pay, round_money(sum(pay.values(), Decimal(0)))
