"""The README's examples are true: its console block and its formula examples."""

import re
import subprocess
import sys
from pathlib import Path

from cskpi_xl import udfs

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    assert blocks[0].strip() == "python -m pip install -e . && cskpi batch --demo --out out/demo"
    assert blocks[1].strip() == "bash scripts/ci_setup.sh && python -m pytest -q"
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/ci_setup.sh" in ci and "python -m pytest -q" in ci


def test_check_standard_console_block():
    block = re.search(r"```console\n\$ cskpi check standard\n(.*?)```", README, re.S).group(1)
    out = subprocess.run([sys.executable, "-m", "cskpi_xl.cli", "check", "standard"], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, env={"CSKPI_LANG": "zh", "PATH": ""}, check=True).stdout
    assert out.strip() == block.strip()


def test_formula_examples():
    assert udfs.KPI_SCORE("咨询转化率", 0.36, "duoyi") == 30
    assert udfs.COMMISSION_TIER(22000) == 330
    assert udfs.GRADE(94.6) == "优秀"
