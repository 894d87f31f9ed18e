from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bilateral.case import builtin_cases

SHARED = Path(os.environ.get("BILATERAL_SHARED", Path(__file__).resolve().parents[2] / "shared"))


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory, monkeypatch) -> None:
    """Tests never read or write the user's own store or data directory."""
    monkeypatch.setenv("BILATERAL_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared folder beside the repository (real data and the seed papers)."""
    if not (SHARED / "data").is_dir():
        message = f"real data not found at {SHARED}/data (set BILATERAL_SHARED)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI always has ../shared beside the clone: a skip would hide a broken run
        pytest.skip(message)
    return SHARED


@pytest.fixture
def case_copy(tmp_path: Path) -> Path:
    """A writable copy of the built-in Russia–Japan case."""
    target = tmp_path / "case"
    shutil.copytree(builtin_cases()["russia-japan"], target)
    return target
