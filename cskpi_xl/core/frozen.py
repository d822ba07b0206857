"""A mapping that refuses change after it is built: :class:`FrozenDict`.

Results (an imported month, a scored team) hold mappings; a result is a value, so
its mappings must not change under a reader's feet. ``FrozenDict`` is a ``dict``
(JSON, ``isinstance`` and equality behave as before) whose changing methods raise
``TypeError``; it pickles (the batch hands results to its worker processes) and a
changed copy is built with ``dict(frozen) | {...}``.

>>> d = FrozenDict({"销售额": 1})
>>> d["销售额"], d == {"销售额": 1}
(1, True)
>>> d["销售额"] = 2
Traceback (most recent call last):
...
TypeError: FrozenDict cannot be changed: build a new one
"""

from __future__ import annotations

from typing import Any, NoReturn


class FrozenDict(dict):
    """A ``dict`` that cannot be changed after construction."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("FrozenDict cannot be changed: build a new one")

    __setitem__ = __delitem__ = __ior__ = _refuse  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        return (type(self), (dict(self),))

    def __copy__(self) -> "FrozenDict":
        return self

    def __deepcopy__(self, memo: dict) -> "FrozenDict":
        from copy import deepcopy
        return type(self)({deepcopy(k, memo): deepcopy(v, memo) for k, v in self.items()})


__all__ = ["FrozenDict"]
