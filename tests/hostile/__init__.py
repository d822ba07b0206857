"""Helpers for the standing adversarial suite (tests/test_hostile*.py, test_faults*.py, test_fuzz*.py).

``files``   builders for hostile input files (bombs, encrypted, truncated, huge CSV)
``xlsxcheck`` looks inside written .xlsx files (literal text cells, sheet names, paths)
``proc``    runs a snippet in a subprocess and measures its peak memory and time
``measure`` the script behind docs/robustness.md (``python -m tests.hostile.measure``; not part of pytest)
"""
