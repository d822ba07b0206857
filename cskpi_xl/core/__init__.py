"""The pure core: metrics, scoring rules, tiers, grades, pay.

Nothing in this package imports an Excel library (xlwings, openpyxl, formulas);
``tests/test_core_purity.py`` proves it.
"""
