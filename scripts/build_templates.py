"""Build workbook_templates/<scheme_id>.xlsx for every built-in scheme (reproducible bytes).

Run from the repository root: ``python scripts/build_templates.py`` (same as ``cskpi templates``).
"""

from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cskpi_xl.workbook.builder import build_all  # noqa: E402

if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    for f in build_all(root / "workbook_templates"):
        print(f.relative_to(root))
