"""Account names that are most likely one person's sub-accounts (``朵以旗舰店:小美``, ``阿杰_jd``, ``pdd_糖糖``).

Without an alias map each account is imported as a person of its own — the commonest mistake.
:func:`person_of` says whose an account most likely is (the part after the shop's ``主账号:``,
without platform or shift tags), :func:`likely_subaccounts` lists the accounts to map, so the
commands can suggest (and write) a draft 别名表.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

#: Parts of an account name that say the platform or the shift, not the person (``阿杰_jd``, ``大熊-飞鸽``).
TAGS = frozenset({
    "jd", "pdd", "tb", "tm", "dy", "ks", "taobao", "tmall", "douyin", "京东", "拼多多", "抖音", "飞鸽", "淘宝", "天猫",
    "千牛", "快手", "售前", "售后", "客服", "白班", "晚班", "夜班",
})
_SPLIT = re.compile(r"[_\-—–·.@＠\s]+")


def person_of(account: str) -> str:
    """The person an account name most likely belongs to: after the shop's ``主账号:``, without platform tags.

    >>> [person_of(a) for a in ("朵以旗舰店:小美", "阿杰_jd", "pdd_糖糖", "大熊-飞鸽", "小美", "Mary_Li")]
    ['小美', '阿杰', '糖糖', '大熊', '小美', 'Mary_Li']
    """
    name = re.split(r"[:：]", account.strip())[-1].strip() or account.strip()
    parts = [x for x in _SPLIT.split(name) if x]
    kept = [x for x in parts if x.lower() not in TAGS]
    if len(parts) > 1 and kept and len(kept) < len(parts):
        return "".join(kept)
    return name


def likely_subaccounts(names: Sequence[str], aliases: Mapping[str, str] | None = None) -> dict[str, str]:
    """Account names that are most likely a person's sub-account → that person (see :func:`person_of`).

    Every such account is listed — one imported apart from the person's other accounts is
    counted as a separate person, and a lone one puts the shop prefix on the person's sheet.
    Names already mapped by ``aliases`` are left out.

    >>> likely_subaccounts(["朵以旗舰店:小美", "小美", "阿杰_jd", "阿杰", "晓晓"])
    {'朵以旗舰店:小美': '小美', '阿杰_jd': '阿杰'}
    >>> likely_subaccounts(["朵以母婴店:晓晓", "pdd_晓晓", "朵以家居店:大熊"])
    {'朵以母婴店:晓晓': '晓晓', 'pdd_晓晓': '晓晓', '朵以家居店:大熊': '大熊'}
    >>> likely_subaccounts(["小美", "小王", "Mary_Li"])
    {}
    """
    aliases = aliases or {}
    return {n: person_of(n) for n in names if n not in aliases and person_of(n) != n}


def split_people(names: Sequence[str], found: Mapping[str, str]) -> int:
    """How many people ``found`` says were imported as two or more (accounts of one person, or the person's own name).

    >>> split_people(["朵以旗舰店:小美", "小美", "阿杰_jd"], {"朵以旗舰店:小美": "小美", "阿杰_jd": "阿杰"})
    1
    """
    counts: dict[str, int] = {}
    for n in names:
        person = found.get(n, n)
        counts[person] = counts.get(person, 0) + 1
    return sum(1 for c in counts.values() if c > 1)
