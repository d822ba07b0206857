"""Excel-facing code."""
