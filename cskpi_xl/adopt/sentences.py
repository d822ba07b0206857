"""Reading an item's rule sentences into the scheme file's rule kinds.

:func:`read_item` takes an item's name, its full marks and the texts of its
criteria cells, and returns a :class:`Reading`: rules in the shape of the
scheme file (``{"kind": "linear", ...}``), the item's floor and base, the
decisions taken where the text was ambiguous (by the conventions each decision
states: "每10元" counts whole steps, "每点" is continuous, …) and the
clauses it could not read. It never guesses: a clause that gives points but
cannot be read fully is returned in ``unread`` and the caller makes the item
supervisor-scored.

>>> r = read_item("咨询转化率", 20, ["1、高于34%,每点加5分; 2、低于34%,每个点扣5分。"])
>>> r.rules
[{'kind': 'linear', 'metric': '询单转化率', 'baseline': Decimal('0.34'), 'unit': Decimal('0.01'), 'above': Decimal('5'), 'below': Decimal('-5')}]
>>> read_item("日常记录", 20, ["迟到早退每次1分,超过4次每次3分"]).rules[0]["then"]
Decimal('-3')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from cskpi_xl.adopt.text import fmt, norm, norm_spaced, numbered_lines, to_dec
from cskpi_xl.adopt.vocab import BONUS_COUNTS, count_in, metric_in, metric_kind, team_value_in

D = Decimal
NUM = r"\d+(?:\.\d+)?"

_UP = "高于|超过|超出|大于|多于|高出|以上"
_DOWN = "低于|少于|小于|不足|不到|未达到|未达|以下"
_TEAM = r"团队平均客单价|团队客单价|平均客单价|平均单价|人均咨询占比|人均百分比|人均占比|人均水平|团队平均水平"
_THRESH = re.compile(rf"(?<!不)(?P<dir>{_UP}|{_DOWN})(?:基准)?(?:(?P<x>{NUM})(?P<xu>%|秒钟|秒|s|元|块)|(?P<team>{_TEAM}))")
_THRESH_POST = re.compile(rf"(?P<x>{NUM})(?P<xu>%|秒钟|秒|s|元|块)(?:\(含\))?(?P<dir>以上|以下)")
_LIN_PTS = re.compile(
    rf"^(?:的部分|的)?(?P<inv>反之)?,?(?P<d1>超过|超出|高出|高于|低于|少于|多出)?(?:的部分|的)?,?每(?P<man>满)?"
    rf"(?P<d2>高出|超过|超出|多出|高于|超|多|高|低于|低|少|减少|提高|增加|下降|降低)?(?P<n>{NUM})?(?:个)?"
    rf"(?P<nu>百分点|点|%|秒钟|秒|s|元|块)(?:,)?(?P<verb>加|扣除|扣|减|奖励|奖|罚)(?P<m>{NUM})分$")
# "以平均单价为基准,超过10元加1分": a step without 每, only after a baseline sentence
_LIN_BARE = re.compile(rf"^(?P<d2>超过|高出|超出|多出|高于|低于|少于)(?P<n>{NUM})(?P<nu>元|块|秒|%|点|个百分点)"
                       rf"(?:,)?(?P<verb>加|扣|减)(?P<m>{NUM})分$")
_BASE = re.compile(r"以(?P<what>[^,;]*?)为(?:基准线|基准|标准|基数|准)")
_Q = r"(?:每(?:发现|出现|有|被)?1?(?:次|笔|个|单|件|例|回|天)|(?:发现|出现|有|被)?1(?:次|笔|个|单|件|例|回|天))"
_VERB = r"(?P<verb>加|扣除|扣|减|奖励|奖|罚)"
_PC = re.compile(rf"^(?P<noun>.*?)(?:的)?,?(?P<q>{_Q})(?P<noun2>[^\d,]*?),?{_VERB}?(?:该项)?(?P<m>{NUM})分$")
_PC_FIRST = re.compile(rf"^(?P<noun>.*?)前(?P<k>\d+)次,?每次{_VERB}?(?P<m>{NUM})分$")
_PC_BARE = re.compile(rf"^(?P<noun>.+?)(?:的)?,?(?P<verb>奖励|加|扣除|扣|减)(?:该项)?(?P<m>{NUM})分$")
_ESC = (
    (re.compile(rf"^(?:超过|超出|多于|大于)(?P<k>\d+)次(?:后|以后|之后|的部分|以上)?,?(?:的)?(?:每次|每多1次|每超1次)?{_VERB}?(?P<m>{NUM})分$"), 0),
    (re.compile(rf"^(?P<k>\d+)次(?:以上|及以上|或以上)(?:的)?,?每次{_VERB}?(?P<m>{NUM})分$"), -1),
    (re.compile(rf"^(?P<k>\d+)次(?:以后|之后|后)(?:的)?,?每次{_VERB}?(?P<m>{NUM})分$"), 0),
    (re.compile(rf"^(?:从|自)?第(?P<k>\d+)次(?:起|开始|及以后|以后|之后)(?:的)?,?每次{_VERB}?(?P<m>{NUM})分$"), -1),
)
_ESC_THEN = re.compile(rf"^(?:之后|以后|此后|其后|超出部分|超过部分|其余)(?:的)?,?每次{_VERB}?(?P<m>{NUM})分$")
_MERGE = re.compile(r"^(?P<a>.*?)(?:超过)?(?P<k>\d+)分钟(?:以上|及以上)?(?:的|者)?,?(?:按|算|视为|视同|记为|计为)(?P<b>旷工|缺勤)(?:计算|计|处理|论处|1次)?$")
_ZERO = re.compile(r"扣除?该项全部分数?$|该项(?:分数)?全扣$|(?:该项|此项|本项)(?:得分|分数)?(?:为|得|记|计|按)?0分?(?:处理)?$|(?:该项|此项|本项)(?:不得分|清零|分数清零)$")
_COND_PTS = re.compile(rf"^(?P<tests>.+?)(?:者|的|时)?,?{_VERB}(?:该项)?(?P<m>{NUM})分$")
_TEST = re.compile(r"^(?P<noun>.*?)(?:次数)?(?P<op>超过|多于|大于|达到|满|不少于|不低于)?(?P<k>\d+)次(?P<post>以上|及以上|或以上|\(含\)以上)?(?:者|的)?$")
_NOFLOOR = re.compile(r"(?:扣分|加分|得分|该项|分数)?(?:不设下限|不设最低分|不封顶|上不封顶|不设上限|无上限|无下限|可扣至负分|可为负分|扣完为止不设下限)")
_FLOOR0 = re.compile(r"直至0分为止|扣到该项为0分为止|扣至0分为止|扣到0分为止|扣完为止|直到0分为止|最低(?:为)?0分|最低扣至0分|扣完该项为止|直至扣完")
_CAP_BONUS = re.compile(rf"^(?:该项)?(?:最多|最高|累计最多|累计最高)加(?P<n>{NUM})分$|^加分(?:最多|上限|不超过|最高)(?:为)?(?P<n2>{NUM})分$")
_CAP = re.compile(rf"^(?:该项)?(?:最多|最高)(?:得|为)?(?P<n>{NUM})分$|^(?:该项)?(?:得分)?封顶(?P<n2>{NUM})分$|^(?:该项)?(?:得分)?不超过(?P<n3>{NUM})分$")
_FULL = re.compile(r"得满分|为满分|记满分|计满分|给满分")
_RULEISH = re.compile(r"\d\s*分|[加扣减罚奖]\s*\d|该项.*0|按.*计|(?<![不免])[加扣减]分|酌情|适当[加扣减]")
_OPTION_PTS_FIRST = re.compile(rf"^(?P<p>{NUM})分?[:：](?P<t>.+)$")
_OPTION_LETTER = re.compile(rf"^(?P<l>[a-eA-E])[.、:：)](?P<t>.+?)[,:：]?(?P<p>{NUM})分?$")
_OPTION_TAIL = re.compile(rf"^(?P<t>.*?\D)[,:：]?(?P<p>{NUM})分?$")
_BAND_RANGE = re.compile(rf"^(?P<t>.*?\D)[,:：]?(?P<lo>{NUM})(?:-|~|至|到)(?P<hi>{NUM})分?$")
_BAND_BELOW = re.compile(rf"^(?P<t>.*?\D)[,:：]?(?P<x>{NUM})分?(?:以下|以内)(?:\(不含\))?$")


@dataclass
class Reading:
    """What an item's sentences say.

    Attributes:
      kind: ``rules`` (adjustment rules read), ``rubric``, ``bands`` (a score
        within described bands), ``supervisor`` (no rule read: a score 0–full).
      rules: rules in the scheme file's shape.
      floor_none: 不设下限 / 扣分不封顶.
      base: the starting points when not full marks (bonus-only items start at 0).
      metric: the figure the item shows.
      unread: ``(text index, clause)`` for every clause that gives points but was not read.
      decisions: ``(zh, en)`` choices made by the rulebook's conventions.
      said: ``(zh, en)`` other things understood (得满分, 最低 0 分, descriptions).
    """

    kind: str = "rules"
    rules: list[dict] = field(default_factory=list)
    floor_none: bool = False
    base: Decimal | None = None
    cap: Decimal | None = None
    metric: str | None = None
    unread: list[tuple[int, str]] = field(default_factory=list)
    decisions: list[tuple[str, str]] = field(default_factory=list)
    said: list[tuple[str, str]] = field(default_factory=list)


def _sign(verb: str | None, default: int) -> int:
    if verb is None:
        return default
    return 1 if verb in ("加", "奖励", "奖") else -1


def _unit(nu: str, n: Decimal | None) -> tuple[str, Decimal]:
    n = n if n is not None else D(1)
    if nu in ("百分点", "点", "%", "个百分点"):
        return "ratio", n / 100
    if nu in ("秒", "秒钟", "s"):
        return "seconds", n
    return "money", n


class _Item:
    def __init__(self, name: str, full: Decimal, texts: list[str]) -> None:
        self.name, self.full, self.texts = name, D(full), texts
        self.r = Reading()
        self.lines = [(i, num, line) for i, t in enumerate(texts) for num, line in numbered_lines(t)]
        self.alltext = norm(" ".join(texts))
        self.linear: list[dict] = []
        self.counts: list[dict] = []
        self.conditions: list[dict] = []
        self.merges: list[tuple[int, str, str]] = []
        self.definitions: list[str] = []
        self.no_floor_words: list[str] = []
        self.pending_after: dict | None = None
        self.seq: list[tuple[str, object]] = []
        self.bases: list[str] = []  # "以…为基准" clauses: they hold for the item's later sentences  # rules in the order the sentences give them

    def decide(self, zh: str, en: str) -> None:
        if (zh, en) not in self.r.decisions:
            self.r.decisions.append((zh, en))

    # -- rubric and bands --------------------------------------------------------------------------------------
    def options(self) -> bool:
        cand = [(i, line.strip()) for i, _, line in self.lines if re.search(r"\d", line)]
        if len(cand) < 2:
            return False
        opts, bands = [], []
        for _, line in cand:
            s = re.sub(r"\s+", "", line)
            if re.search(r"[加扣减罚奖]\d|每|超过|低于|高于|按.*计", s):
                return False
            m = _OPTION_PTS_FIRST.match(s) or _OPTION_LETTER.match(s)
            if m:
                opts.append((m.groupdict().get("l"), D(m.group("p")), m.group("t").strip(",:;。，：；")))
                continue
            m = _BAND_RANGE.match(s)
            if m:
                bands.append((D(m.group("lo")), D(m.group("hi")), True, m.group("t").strip(",:;。，：；")))
                continue
            m = _BAND_BELOW.match(s)
            if m:
                bands.append((D(0), D(m.group("x")), False, m.group("t").strip(",:;。，：；")))
                continue
            m = _OPTION_TAIL.match(s)
            if m and not _RULEISH.search(m.group("t")) and not re.search(r"[%秒元次]$", m.group("t")):
                p = D(m.group("p"))
                bands.append((p, p, True, m.group("t").strip(",:;。，：；")))
                opts.append((None, p, m.group("t").strip(",:;。，：；")))
                continue
            return False
        if len(opts) == len(cand) and len(cand) >= 2 and not any(b[0] != b[1] or not b[2] for b in bands):
            pts = [o[1] for o in opts]
            if len(set(pts)) != len(pts) and not all(o[0] for o in opts):
                return False
            out = []
            for label, p, t in opts:
                o = {"points": p, "text": t}
                if label:
                    o["label"] = label.lower()
                out.append(o)
            self.r.kind = "rubric"
            self.r.rules = [{"kind": "rubric", "options": out}]
            return True
        if len(bands) == len(cand):
            if any(b[1] > self.full for b in bands):
                return False
            bl = [{"low": lo, "high": hi, "high_inclusive": inc, "text": t} for lo, hi, inc, t in bands]
            self.r.kind = "bands"
            self.r.rules = [{"kind": "score", "low": D(0), "high": self.full, "bands": bl}]
            if any(not b[2] for b in bands):
                self.decide(f"{self.name}：「N以下」一档为 0 分到 N 分（不含 N）",
                            f"{self.name}: 'N以下' is the band from 0 up to (not including) N")
            return True
        return False

    # -- clauses ------------------------------------------------------------------------------------------------
    def parallel(self, idx: int, num: int | None) -> str:
        """The same-numbered line of the item's other cells (描述 1、 ↔ 规则 1、)."""
        if num is None:
            return ""
        return " ".join(line for i, n, line in self.lines if n == num and i != idx)

    def run(self) -> Reading:
        if self.options():
            return self.r
        for idx, num, line in self.lines:
            self.line(idx, num, line)
        self.finish()
        return self.r

    def line(self, idx: int, num: int | None, line: str) -> None:
        text = norm_spaced(line)
        clauses = [c for c in re.split(r"[,;。!]|\.(?!\d)", text) if c]
        ctx: list[str] = []
        for c in clauses:
            if _NOFLOOR.search(c):
                self.no_floor_words.append(_NOFLOOR.search(c).group(0))
                c = _NOFLOOR.sub("", c)
                if not c:
                    continue
            if _FLOOR0.search(c):
                self.r.said.append(("最低 0 分（默认）", "floor 0 (the default)"))
                c = _FLOOR0.sub("", c)
                if not c:
                    continue
            m = _CAP_BONUS.match(c) or _CAP.match(c)
            if m:
                n = D(next(v for v in m.groups() if v))
                self.r.cap = self.full + n if m.re is _CAP_BONUS else n
                self.r.said.append((f"「{c}」：该项最高 {fmt(self.r.cap)} 分（cap）", f"'{c}': at most {fmt(self.r.cap)} points (cap)"))
                continue
            if re.search(r"[/÷=]|\*100%|×100%", c):
                self.definitions.append(c)
                continue
            if _FULL.search(c):
                self.r.said.append(("「得满分」：该项从满分起算（默认）", "'full marks' is where the item starts (the default)"))
                ctx = []
                continue
            m = _BASE.search(c)
            if m:
                ctx.append(c[:m.end()])
                self.bases.append(c[:m.end()])
                c = c[m.end():]
                if not c:
                    continue
            if self.clause(c, ctx, idx, num):
                ctx = []
                continue
            if _RULEISH.search(c):
                self.r.unread.append((idx, c))
                ctx = []
                continue
            ctx.append(c)
        for c in ctx:
            if re.search(r"\d", c) and re.search(rf"{_UP}|{_DOWN}|次", c) and not _BASE.search(c):
                self.r.unread.append((idx, c))

    def clause(self, c: str, ctx: list[str], idx: int, num: int | None) -> bool:
        before = ",".join(ctx)
        full = f"{before},{c}" if before else c
        return (self.merge(c, full, idx) or self.escalation(c) or self.condition(c, full)
                or self.linear_clause(c, ctx, idx) or self.per_count(c, before, idx, num))

    def linear_clause(self, c: str, ctx: list[str], idx: int) -> bool:
        ctx = ctx + [b for b in self.bases if b not in ctx]
        m = None if _LIN_PTS.match(c) else (_THRESH.search(c) or _THRESH_POST.search(c))
        pre, rest, thresh, bare = "", c, None, False
        if m:
            pre, rest, thresh = c[:m.start()], c[m.end():], m
        pm = _LIN_PTS.match(rest)
        if pm is None:
            pm = _LIN_BARE.match(c)
            thresh = None
            if pm is not None:
                if not any(_BASE.search(x) for x in ctx):
                    return False
                bare = True
        if pm is None:
            return False
        g = pm.groupdict()
        inv = bool(g.get("inv"))
        kind, unit = _unit(g["nu"], to_dec(g["n"]) if g.get("n") else None)
        pts = D(g["m"]) * _sign(g["verb"], -1)
        hint = " ".join([pre] + ctx)
        if thresh is not None:
            t = thresh.groupdict()
            direction = "above" if re.fullmatch(_UP, t["dir"]) else "below"
            if t.get("team"):
                x: Decimal | str = team_value_in(t["team"]) or t["team"]
                self._team(t["team"], x)
            else:
                xk, _ = _unit(t["xu"], None)
                x = D(t["x"]) / 100 if t["xu"] == "%" else D(t["x"])
                if xk != kind:
                    return False
        elif inv:
            if not self.linear:
                return False
            prev = self.linear[-1]
            direction = "below" if prev["dir"] == "above" else "above"
            x = prev["x"]
            hint = hint or prev["hint"]
        else:
            base = next((_BASE.search(b) for b in reversed(ctx) if _BASE.search(b)), None)
            if base is None:
                prev = next((p for p in reversed(ctx) if _THRESH.search(p) or _THRESH_POST.search(p)), None)
                if prev is not None:
                    return self.linear_clause(prev + c, [], idx)
                word = (g.get("d1") or "") + (g.get("d2") or "")
                if not self.linear or not word:
                    return False
                # "…高于人均占比的每高5点加1分，低于的每低5点扣1分": the same threshold, the other side
                last = self.linear[-1]
                if metric_kind(last["metric"]) != kind:
                    return False
                direction = "below" if re.match(r"低|少|减|下降|降", word) else "above"
                self.linear_side(last, direction, g, kind, unit, pts, idx)
                return True
            what = base.group("what")
            x = team_value_in(what) if not re.search(r"\d", what) else None
            if x is not None:
                self._team(what, x)
            else:
                xm = re.search(rf"({NUM})(%|秒|元)?", what)
                if not xm:
                    return False
                x = D(xm.group(1)) / (100 if xm.group(2) == "%" else 1)
            d2 = g.get("d2") or ""
            direction = "below" if re.match(r"低|少|减|下降|降", d2) else "above"
            hint = what + " " + hint
            if bare:
                self.decide(f"{self.name}：「超过{g['n']}{g['nu']}加{g['m']}分」按每满 {g['n']}{g['nu']} 计（本程序的约定）",
                            f"{self.name}: '超过{g['n']}{g['nu']}…' counts each whole {g['n']} (this program's convention)")
        metric = metric_in(hint) if hint.strip() else None
        metric = metric or metric_in(self.name) or next((metric_in(d) for d in self.definitions if metric_in(d)), None) \
            or metric_in(self.alltext)
        if metric is None or metric_kind(metric) != kind:
            return False
        step = bool(g.get("man")) or unit != (D("0.01") if kind == "ratio" else D(1))
        if step and not g.get("man"):
            self.decide(f"{self.name}：「每{g.get('n') or ''}{g['nu']}」只算整单位（不满不计，本程序的约定）",
                        f"{self.name}: 'per {g.get('n') or ''}{g['nu']}' counts whole units only (this program's convention)")
        elif not step:
            self.decide(f"{self.name}：「每{g['nu']}」按连续计算（不足一单位按比例，本程序的约定）",
                        f"{self.name}: 'per {g['nu']}' is continuous (part units count in proportion; this program's convention)")
        self.seq.append(("lin", metric))
        self.linear.append({"metric": metric, "dir": direction, "x": x, "unit": unit, "step": step, "pts": pts,
                            "hint": hint, "idx": idx})
        return True

    def _team(self, said: str, name: str) -> None:
        what = {"团队客单价": "当月团队客单价（团队销售额 ÷ 团队销售人数）", "人均咨询占比": "人均占比（1 ÷ 团队人数）"}.get(name, name)
        self.decide(f"{self.name}：「{said}」按{what}计（本程序的约定）",
                    f"{self.name}: '{said}' is the team value {name} (this program's convention)")

    def linear_side(self, last: dict, direction: str, g: dict, kind: str, unit: Decimal, pts: Decimal, idx: int) -> None:
        step = bool(g.get("man")) or unit != (D("0.01") if kind == "ratio" else D(1))
        self.seq.append(("lin", last["metric"]))
        self.linear.append({"metric": last["metric"], "dir": direction, "x": last["x"], "unit": unit, "step": step,
                            "pts": pts, "hint": last["hint"], "idx": idx})

    def noun(self, *texts: str) -> str | None:
        for t in texts:
            if t:
                n = count_in(t, self.name)
                if n:
                    return n
        return None

    def per_count(self, c: str, before: str, idx: int, num: int | None) -> bool:
        m = _PC_FIRST.match(c)
        if m:
            name = self.noun(m.group("noun"), before, self.parallel(idx, num), self.name)
            if not name:
                return False
            sign = _sign(m.group("verb"), 1 if name in BONUS_COUNTS else -1)
            rule = {"kind": "per_count", "inputs": [name], "points": D(m.group("m")) * sign}
            self.counts.append(rule)
            self.seq.append(("rule", rule))
            self.pending_after = {"rule": rule, "k": int(m.group("k"))}
            self._no_verb(m.group("verb"), name)
            return True
        m = _PC.match(c)
        if m is None and before and re.match(rf"^{_VERB}(?:该项)?{NUM}分$", c):
            m = _PC.match(f"{before},{c}")
        bare = False
        if m is None:
            m = _PC_BARE.match(c)
            if m is None or re.search(r"\d", m.group("noun")) or not count_in(m.group("noun"), self.name):
                return False
            bare = True
        g = m.groupdict()
        name = self.noun((g.get("noun") or "") + (g.get("noun2") or ""), before, self.parallel(idx, num), self.name)
        if not name:
            return False
        sign = _sign(g["verb"], 1 if name in BONUS_COUNTS else -1)
        self.counts.append({"kind": "per_count", "inputs": [name], "points": D(g["m"]) * sign})
        self.seq.append(("rule", self.counts[-1]))
        self._no_verb(g["verb"], name)
        if bare:
            self.decide(f"{self.name}：「{c}」没有写「每次」，按每次计",
                        f"{self.name}: '{c}' does not say 'each time'; counted per occurrence")
        return True

    def _no_verb(self, verb: str | None, name: str) -> None:
        if verb is None:
            word = "加分" if name in BONUS_COUNTS else "扣分"
            self.decide(f"{self.name}：「每次N分」没有写加还是扣，{name}按{word}计",
                        f"{self.name}: 'N points each' does not say add or deduct; {name} {'adds' if word == '加分' else 'deducts'}")

    def escalation(self, c: str) -> bool:
        if self.pending_after is not None:
            m = _ESC_THEN.match(c)
            if m:
                rule, k = self.pending_after["rule"], self.pending_after["k"]
                rule["after"] = k
                rule["then"] = D(m.group("m")) * _sign(m.group("verb"), 1 if rule["points"] > 0 else -1)
                self.pending_after = None
                return True
        for rx, shift in _ESC:
            m = rx.match(c)
            if m and self.counts:
                rule = self.counts[-1]
                if "after" in rule:
                    return False
                rule["after"] = int(m.group("k")) + shift
                rule["then"] = D(m.group("m")) * _sign(m.group("verb"), 1 if rule["points"] > 0 else -1)
                if shift:
                    self.decide(f"{self.name}：「{m.group('k')}次以上/第{m.group('k')}次起」含第 {m.group('k')} 次（以上含本数）",
                                f"{self.name}: 'from the {m.group('k')}th' includes the {m.group('k')}th")
                return True
        return False

    def merge(self, c: str, full: str, idx: int) -> bool:
        m = _MERGE.match(c) or _MERGE.match(full)
        if not m:
            return False
        if "迟到" not in m.group("a") or m.group("k") != "30":
            self.r.unread.append((idx, c))
            return True
        self.merges.append((idx, c, "迟到超30分钟次数"))
        return True

    def tests(self, text: str) -> list[dict] | None:
        out = []
        for part in re.split(r"或者|或|、|/|以及", text):
            part = re.sub(r"^(?:月度|当月|本月|每月|月)", "", part)
            m = _TEST.match(part)
            if m is None:
                m2 = re.match(r"^(?:有|出现|发生)(?P<noun>.+?)(?:者|的)?$", part)
                name = count_in(m2.group("noun"), self.name) if m2 else None
                if not name:
                    return None
                out.append({"input": name, "op": ">=", "value": D(1)})
                continue
            name = count_in(m.group("noun") or "", self.name)
            if not name:
                return None
            op = m.group("op")
            if op in ("超过", "多于", "大于"):
                o = ">"
            else:
                o = ">="
            out.append({"input": name, "op": o, "value": D(m.group("k"))})
        return out or None

    def condition(self, c: str, full: str) -> bool:
        z = _ZERO.search(c)
        if z:
            text = (full[: len(full) - len(c)] + c[: z.start()]).strip(",")
            tests = self.tests(re.sub(r"(?:者|的|时|,)+$", "", text))
            if not tests:
                return False
            self.conditions.append({"kind": "condition", "when": tests, "set_to": D(0), "text": text})
            self.seq.append(("rule", self.conditions[-1]))
            return True
        m = _COND_PTS.match(full)
        if not m or not re.search(r"超过\d+次|多于\d+次|大于\d+次|\d+次(?:以上|及以上)|或", m.group("tests")):
            return False
        tests = self.tests(m.group("tests"))
        if not tests:
            return False
        self.conditions.append({"kind": "condition", "when": tests, "points": D(m.group("m")) * _sign(m.group("verb"), -1),
                                "text": m.group("tests")})
        self.seq.append(("rule", self.conditions[-1]))
        if any(t["op"] == ">=" and t["value"] == 1 for t in tests):
            self.decide(f"{self.name}：条件中的「一次」按至少一次（≥1）计", f"{self.name}: 'once' in a condition means at least once (>= 1)")
        return True

    def finish(self) -> None:
        r = self.r
        # merges: 迟到30分钟以上按旷工计
        for idx, c, name in self.merges:
            target = next((x for x in self.counts if "旷工次数" in x["inputs"]), None)
            if target is None:
                r.unread.append((idx, c))
                continue
            target["inputs"].append(name)
            self.decide(f"{self.name}：迟到 30 分钟以上按旷工计（{name}与旷工次数一并计）",
                        f"{self.name}: late by more than 30 minutes counts as an absence")
        lin_rules: dict[str, list[dict]] = {}
        by_metric: dict[str, list[dict]] = {}
        for p in self.linear:
            by_metric.setdefault(p["metric"], []).append(p)
        for metric, parts in by_metric.items():
            ups = [p for p in parts if p["dir"] == "above"]
            downs = [p for p in parts if p["dir"] == "below"]
            if len(ups) == 1 and len(downs) == 1 and ups[0]["unit"] == downs[0]["unit"] and ups[0]["step"] == downs[0]["step"]:
                u, d = ups[0], downs[0]
                rule = {"kind": "linear", "metric": metric}
                if u["x"] == d["x"]:
                    rule["baseline"] = u["x"]
                elif isinstance(u["x"], Decimal) and isinstance(d["x"], Decimal) and u["x"] >= d["x"]:
                    rule["upper"], rule["lower"] = u["x"], d["x"]
                else:
                    r.unread.append((u["idx"], "高于/低于的基准互相矛盾"))
                    continue
                rule.update(unit=u["unit"], above=u["pts"], below=d["pts"])
                if u["step"]:
                    rule["step"] = True
                lin_rules.setdefault(metric, []).append(rule)
                continue
            for p in parts:
                rule = {"kind": "linear", "metric": metric, "baseline": p["x"], "unit": p["unit"],
                        ("above" if p["dir"] == "above" else "below"): p["pts"]}
                if p["step"]:
                    rule["step"] = True
                lin_rules.setdefault(metric, []).append(rule)
        rules: list[dict] = []
        seen: set[str] = set()
        for what, x in self.seq:
            if what == "lin":
                if x not in seen:
                    rules += lin_rules.get(x, [])
                    seen.add(x)
            else:
                rules.append(x)
        metrics = list(by_metric)
        r.metric = metrics[0] if len(metrics) == 1 else None
        r.rules = rules
        negative = any((x.get("points") or 0) < 0 or (x.get("then") or 0) < 0 or (x.get("above") or 0) < 0
                       or (x.get("below") or 0) < 0 for x in rules)
        if self.no_floor_words:
            if negative:
                r.floor_none = True
                r.said.append((f"「{self.no_floor_words[0]}」：不设下限（floor = \"none\"）",
                               f"'{self.no_floor_words[0]}': no floor (floor = \"none\")"))
            else:
                r.said.append((f"「{self.no_floor_words[0]}」：加分不封顶（默认）", f"'{self.no_floor_words[0]}': bonuses uncapped (the default)"))
        if rules and all(x["kind"] == "per_count" and x["points"] > 0 and (x.get("then") or 1) > 0 for x in rules):
            r.base = D(0)
            self.decide(f"{self.name}：只有加分的项目从 0 分起加", f"{self.name}: an item that only adds points starts at 0")
        if not rules:
            r.kind = "supervisor"


def read_item(name: str, full: Decimal | int, texts: list[str]) -> Reading:
    """Read one item's sentences (the texts of its criteria cells, in column order)."""
    return _Item(name, D(full), [t for t in texts]).run()


def describe_rule(rule: dict, lang: str = "zh") -> str:
    """One rule in the README's vocabulary (kind first), for the adoption report.

    >>> describe_rule({"kind": "per_count", "inputs": ["迟到早退次数"], "points": Decimal(-1), "after": 4, "then": Decimal(-3)})
    'per_count 迟到早退次数：每次 -1 分，超过 4 次后每次 -3 分'
    """
    k = rule["kind"]
    en = lang == "en"

    def thr(x) -> str:
        if isinstance(x, str):
            return x
        return fmt(x * 100) + "%" if kind == "ratio" else fmt(x)

    if k == "linear":
        kind = metric_kind(rule["metric"])
        u = rule["unit"]
        ut = (f"{fmt(u * 100)} 个百分点" if not en else f"{fmt(u * 100)} pt") if kind == "ratio" else \
            (f"{fmt(u)} 秒" if not en else f"{fmt(u)} s") if kind == "seconds" else (f"{fmt(u)} 元" if not en else f"{fmt(u)} yuan")
        parts = []
        if "baseline" in rule:
            parts.append(("基准 " if not en else "baseline ") + thr(rule["baseline"]))
        else:
            parts.append((f"上基准 {thr(rule['upper'])}、下基准 {thr(rule['lower'])}（之间不加不减）" if not en else
                          f"upper {thr(rule['upper'])}, lower {thr(rule['lower'])} (nothing in between)"))
        if rule.get("above"):
            parts.append((f"高于每 {ut} {fmt(rule['above'])} 分" if not en else f"{fmt(rule['above'])} per {ut} above"))
        if rule.get("below"):
            parts.append((f"低于每 {ut} {fmt(rule['below'])} 分" if not en else f"{fmt(rule['below'])} per {ut} below"))
        parts.append(("只算整单位" if rule.get("step") else "连续") if not en else ("whole steps" if rule.get("step") else "continuous"))
        return f"linear {rule['metric']}：" + "，".join(parts) if not en else f"linear {rule['metric']}: " + ", ".join(parts)
    if k == "per_count":
        names = "+".join(rule["inputs"])
        s = f"per_count {names}：每次 {fmt(rule['points'])} 分" if not en else f"per_count {names}: {fmt(rule['points'])} each"
        if "after" in rule:
            s += (f"，超过 {rule['after']} 次后每次 {fmt(rule['then'])} 分" if not en else
                  f", {fmt(rule['then'])} each after the first {rule['after']}")
        return s
    if k == "condition":
        ops = {">": ">", ">=": "≥"}
        cond = (" 或 " if not en else " or ").join(f"{t['input']} {ops.get(t['op'], t['op'])} {fmt(t['value'])}" for t in rule["when"])
        if "set_to" in rule:
            return f"condition {cond}：该项为 {fmt(rule['set_to'])} 分" if not en else f"condition {cond}: the item is {fmt(rule['set_to'])}"
        return f"condition {cond}：{fmt(rule['points'])} 分" if not en else f"condition {cond}: {fmt(rule['points'])} points"
    if k == "rubric":
        opts = "/".join(o.get("label", fmt(o["points"])) if o.get("label") else fmt(o["points"]) for o in rule["options"])
        return f"rubric 在 {opts} 中选" if not en else f"rubric: choose {opts}"
    if k == "score":
        n = len(rule.get("bands") or [])
        s = f"score 主管评分 {fmt(rule['low'])}–{fmt(rule['high'])}" if not en else f"score by the supervisor {fmt(rule['low'])}–{fmt(rule['high'])}"
        if n:
            s += f"（{n} 个描述档）" if not en else f" ({n} described bands)"
        return s
    return k
