"""Scheme files: one scheme model, two readers, one validator.

- :mod:`.toml` reads a scheme file (TOML) into the model (:mod:`cskpi_xl.core.scheme`);
- :mod:`.sheet` reads scheme parts typed in cells (a tier table handed to a UDF, the 规则 sheet) and writes them back as rows;
- :mod:`.validate` checks what both read (band coverage, rates, shares), with the same defaults: a missing
  含下限 / ``lower_inclusive`` means the lower bound belongs to the band, a missing 含上限 / ``upper_inclusive``
  means the upper bound does not.

Built-in schemes and scheme files are loaded from here:

>>> from cskpi_xl.core.schemefile import builtin, load_scheme
>>> builtin("standard").commission.commission(20000)
Decimal('250.00')
"""

from cskpi_xl.core.schemefile.toml import BUILTIN_IDS, SchemeError, builtin, load_scheme, parse_scheme

__all__ = ["BUILTIN_IDS", "SchemeError", "builtin", "load_scheme", "parse_scheme"]
