"""A store that cannot be opened is explained by its cause (issue 11): a lock held by another
process, a file that is no DuckDB database, a read-only disk or folder; and the ``events`` and
``data pull`` commands refuse wrong arguments with exit 2 and no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilateral.cli import app
from bilateral.data.store import Store

GDELT_FILE = "data/events/gdelt2/20191024143000.export.CSV"


def _cli(*args: str) -> tuple[int, str]:
    out = CliRunner().invoke(app, list(args))
    assert "Traceback" not in out.output, out.output
    return out.exit_code, " ".join(out.output.split())


def test_a_lock_held_by_another_process_names_that_process(shared: Path, tmp_path: Path):
    path = tmp_path / "store.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from bilateral.data.store import Store; s = Store(sys.argv[1]); "
                               "print('open', flush=True); sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        for args in (["events", "ingest", str(shared / GDELT_FILE)], ["events", "stats"]):
            code, text = _cli(*args, "--store", str(path))
            assert code == 2, text
            assert f"process {holder.pid} (python" in text and "has the store open for writing" in text, text
            assert "not a DuckDB database" not in text and "read-only" not in text
    finally:
        holder.communicate("")
    assert _cli("events", "stats", "--store", str(path))[0] == 0  # released with the process


def test_a_file_that_is_no_duckdb_database(tmp_path: Path):
    notes = tmp_path / "notes.duckdb"
    notes.write_text("not a database at all, just notes\n")
    code, text = _cli("events", "stats", "--store", str(notes))
    assert code == 2 and "that file is not a DuckDB database (34 bytes" in text, text
    assert "process" not in text and "read-only" not in text
    assert notes.read_text() == "not a database at all, just notes\n"  # left as it was


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs unshare -rm (user and mount namespaces) to mount read-only")
def test_a_store_on_a_read_only_disk(shared: Path, tmp_path: Path):
    """The folder is bind-mounted read-only in a private mount namespace, so the store really sits on a
    read-only file system (root included)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    with Store(folder / "store.duckdb") as store:
        store.ingest(shared / GDELT_FILE)
    commands = [["events", "ingest", str(shared / GDELT_FILE), "--force", "--store", str(folder / "store.duckdb")],
                ["events", "ingest", str(shared / GDELT_FILE), "--store", str(folder / "new.duckdb")]]
    script = " && ".join([f"mount --bind {folder} {folder}", f"mount -o remount,bind,ro {folder}"]) + "".join(
        f"; {sys.executable} -m bilateral {' '.join(command)}; echo exit=$?" for command in commands)
    out = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "200"})
    text = " ".join((out.stdout + out.stderr).split())
    assert "Traceback" not in text
    assert text.count("exit=2") == 2, text
    assert text.count(f"the disk holding {folder} is mounted read-only") == 2, text
    assert "permissions" not in text


def test_a_folder_you_may_not_write(shared: Path, tmp_path: Path, monkeypatch):
    """Permissions: a real read-only folder when not root; as root (who may write anywhere) the
    permission check is made to answer as it would for another user."""
    folder = tmp_path / "theirs"
    folder.mkdir()
    if os.geteuid() == 0:
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == folder else real(p, mode))
        import duckdb

        def refused(*args: object, **kwargs: object) -> None:
            raise duckdb.IOException(f'IO Error: Cannot open file "{folder}/store.duckdb": Permission denied')

        monkeypatch.setattr(duckdb, "connect", refused)
    else:
        folder.chmod(0o500)
    try:
        code, text = _cli("events", "ingest", str(shared / GDELT_FILE), "--store", str(folder / "store.duckdb"))
    finally:
        folder.chmod(0o700)
    assert code == 2 and "you may not write its folder (permissions)" in text, text
    assert "read-only" not in text and "process" not in text


@pytest.mark.parametrize("args, says", [
    (["events", "ingest"], "nothing to ingest"),
    (["events", "ingest", "no/such/file.csv"], "no such file, folder or matching files"),
    (["events", "ingest", "{gdelt}", "--format", "bogus"], "unknown --format 'bogus'"),
    (["events", "ingest", "{gdelt}", "--dedup", "bogus"], "unknown dedup 'bogus'"),
    (["events", "ingest", "{gdelt}", "--format", "csv", "--map", "date"], "is not field=column"),
    (["events", "ingest", "{gdelt}", "--format", "csv", "--map", "date=a,source=b,target=c,cameo=d",
      "--date-format", "%Q"], "%Q is not supported"),
    (["events", "ingest", "{gdelt}", "--case", "no-such-case"], "no-such-case"),
    (["events", "remove", "no-such-dataset"], "no ingested file or dataset"),
    (["events", "quarantine", "--limit", "-1"], "--limit -1"),
    (["events", "stats", "--by", "bogus"], "unknown grouping"),
    (["events", "stats", "--store", "{tmp}/missing.duckdb"], "no event store at"),
    (["events", "bogus"], "No such command"),
    (["data", "pull", "bogus"], "bogus"),
    (["data", "pull", "gdelt2"], "say which events to pull"),
    (["data", "pull", "gdelt2", "--years", "2019:2018"], "2019:2018"),
    (["data", "pull", "icews", "--years", "abc"], "abc"),
    (["data", "pull", "gdelt2", "--from", "2019-13-01"], "2019-13-01"),
    (["data", "pull", "unvotes", "--delete-raw"], "--delete-raw"),
])
def test_wrong_arguments_exit_2_without_a_traceback(shared: Path, tmp_path: Path, monkeypatch, args, says):
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path / "data"))
    store = tmp_path / "store.duckdb"
    if args[:2] == ["events", "remove"]:
        with Store(store) as db:
            db.ingest(shared / GDELT_FILE)
    filled = [a.format(gdelt=shared / GDELT_FILE, tmp=tmp_path) for a in args]
    if "--store" not in filled and args[0] == "events" and args[1] in ("ingest", "remove", "quarantine", "stats"):
        filled += ["--store", str(store)]
    if args[:2] in (["events", "quarantine"], ["events", "stats"]) and "--store" not in args:
        Store(store).close()  # an empty store, so the argument is what is wrong
    code, text = _cli(*filled)
    assert code == 2, text
    assert says in text, text
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.part")), "nothing downloaded"
