"""The README's Python examples run as written, in one fresh interpreter, from the repository root."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def python_blocks(text: str) -> list[str]:
    """The code of every fenced ```python block, in order."""
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_has_python_examples():
    blocks = python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 2 and "import bilateral" in blocks[0]


def test_readme_python_examples_run(shared, tmp_path):
    code = "\n".join(python_blocks((ROOT / "README.md").read_text(encoding="utf-8")))
    env = {**os.environ, "BILATERAL_HOME": str(tmp_path / "home"), "BILATERAL_DATA": str(shared / "data"),
           "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=False, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
