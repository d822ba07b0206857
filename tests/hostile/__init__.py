"""Helpers for the standing adversarial suite (tests/test_scenario_hostile*.py, test_scenario_faults.py, test_*_fuzz.py).

``files``   builders for hostile input files (bombs, encrypted, truncated, huge CSV)
``xlsxcheck`` looks inside written .xlsx files (literal text cells, sheet names, paths)
``proc``    runs a snippet in a subprocess and measures its peak memory and time
``measure`` the script behind docs/robustness.md (``python -m tests.hostile.measure``; not part of pytest)
"""

import os as _os

#: ``CSKPI_FUZZ_SCALE=10`` multiplies every fuzzer's example count (measure.py uses it; CI runs with 1).
FUZZ_SCALE = max(1, int(_os.environ.get("CSKPI_FUZZ_SCALE", "1") or 1))


def examples(n: int) -> int:
    return n * FUZZ_SCALE
