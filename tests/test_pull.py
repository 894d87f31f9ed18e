"""``data pull`` (pooch) against a local HTTP server on 127.0.0.1 serving ../shared/data: checksums,
resume with HTTP Range, corrupted and interrupted downloads, 404; the catalogue; ``data status``."""

from __future__ import annotations

import hashlib
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote

import pytest
from typer.testing import CliRunner

from bilateral import BilateralError
from bilateral.cli import app
from bilateral.data import catalog
from bilateral.data.paths import data_dir
from bilateral.data.pull import ChecksumError, pull, registry
from serving import RangeHost

VOTES = "unvotes/un_votes.rda"


class Mirror(RangeHost):
    """Serves a folder like a static file host that supports ``Range: bytes=N-``.

    ``corrupt`` paths get one byte flipped; ``cut`` paths announce the full length but send
    only half and drop the connection; every request is logged as (path, Range header).
    """

    root: Path
    corrupt: ClassVar[set[str]]
    cut: ClassVar[set[str]]
    log: ClassVar[list[tuple[str, str | None]]]

    def do_GET(self) -> None:
        rel = unquote(self.path.lstrip("/"))
        self.log.append((rel, self.headers.get("Range")))
        file = self.root / rel
        if not file.is_file():
            self.send_error(404, "not found")
            return
        body = file.read_bytes()
        if rel in self.corrupt:
            body = bytes([body[0] ^ 0xFF]) + body[1:]
        self.send_body(body, cut=rel in self.cut)


@pytest.fixture
def mirror(shared):
    handler = type("Handler", (Mirror,), {"root": shared / "data", "corrupt": set(), "cut": set(), "log": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield handler
    server.shutdown()
    server.server_close()
    thread.join()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_catalogue_matches_the_published_files(shared):
    datasets = catalog.datasets()
    assert set(datasets) == {"unvotes", "unga", "peacesciencer", "reign", "opinion", "gdelt-graph"}
    files = [f for ds in datasets.values() for f in ds.files]
    assert len(files) == 2210 and len(datasets["gdelt-graph"].files) == 2150
    for entry in files:
        path = shared / "data" / entry.path
        assert path.stat().st_size == entry.size, entry.path
        assert _sha(path) == entry.sha256, entry.path
        assert entry.url.startswith("https://github.com/") and entry.url.endswith(Path(entry.path).name)
    assert "/raw/7eb7034314ff79c49c9e0785fcd9d216fa04cf14/data/un_votes.rda" in \
        next(f.url for f in files if f.path == VOTES)
    references = catalog.references()
    for ds in datasets.values():
        assert ds.version and ds.licence and ds.carried_by
        assert set(ds.citation) <= set(references)
    assert catalog.bibtex(["voeten2009unvotes"]).startswith("@misc{voeten2009unvotes,")
    with pytest.raises(BilateralError, match="unknown citation key"):
        catalog.bibtex(["nobody2020"])


def test_pull_downloads_verifies_and_skips_what_is_present(mirror, tmp_path):
    results = pull(["unvotes", "opinion"], base_url=mirror.url, root=tmp_path, quiet=True)
    assert [r.status for r in results] == ["downloaded"] * 5
    for entry in catalog.dataset("unvotes").files + catalog.dataset("opinion").files:
        assert _sha(tmp_path / entry.path) == entry.sha256
    assert not list(tmp_path.rglob("*.part"))
    mirror.log.clear()
    again = pull(["unvotes", "opinion"], base_url=mirror.url, root=tmp_path, quiet=True)
    assert [r.status for r in again] == ["present"] * 5
    assert mirror.log == []  # verified locally, nothing fetched


def test_interrupted_download_resumes_with_a_range_request(mirror, tmp_path):
    mirror.cut.add(VOTES)
    with pytest.raises(BilateralError, match=r"stopped after \d+ of 262083 bytes.*kept — run the same pull"):
        pull(["unvotes"], base_url=mirror.url, root=tmp_path, quiet=True)
    part = tmp_path / (VOTES + ".part")
    assert not (tmp_path / VOTES).exists()
    kept = part.stat().st_size
    assert 0 < kept < 262083
    mirror.cut.clear()
    mirror.log.clear()
    results = pull(["unvotes"], base_url=mirror.url, root=tmp_path, quiet=True)
    status = {r.path: r.status for r in results}
    assert status[VOTES] == "resumed"
    assert (VOTES, f"bytes={kept}-") in mirror.log
    assert _sha(tmp_path / VOTES) == catalog.dataset("unvotes").files[2].sha256
    assert not part.exists()


def test_a_finished_partial_file_is_checked_and_moved_without_fetching(mirror, shared, tmp_path):
    part = tmp_path / (VOTES + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes((shared / "data" / VOTES).read_bytes())
    mirror.log.clear()
    results = {r.path: r.status for r in pull(["unvotes"], base_url=mirror.url, root=tmp_path, quiet=True)}
    assert results[VOTES] == "resumed" and not part.exists()
    assert VOTES not in [path for path, _ in mirror.log]


def test_corrupted_download_fails_and_leaves_nothing_behind(mirror, tmp_path):
    mirror.corrupt.add(VOTES)
    with pytest.raises(ChecksumError) as err:
        pull(["unvotes"], base_url=mirror.url, root=tmp_path, quiet=True)
    message = str(err.value)
    expected = next(f.sha256 for f in catalog.dataset("unvotes").files if f.path == VOTES)
    assert "unvotes/un_votes.rda: sha256 mismatch" in message and expected in message
    assert "corrupt download was deleted" in message
    assert not (tmp_path / VOTES).exists()
    assert not (tmp_path / (VOTES + ".part")).exists()
    # a good copy already in place is not replaced by a corrupt download
    mirror.corrupt.clear()
    pull(["unvotes"], base_url=mirror.url, root=tmp_path, quiet=True)
    (tmp_path / VOTES).write_bytes(b"damaged")
    mirror.corrupt.add(VOTES)
    with pytest.raises(ChecksumError):
        pull(["unvotes"], base_url=mirror.url, root=tmp_path, quiet=True)
    assert (tmp_path / VOTES).read_bytes() == b"damaged"  # left as it was, not half-replaced
    mirror.corrupt.clear()
    repaired = pull(["unvotes"], base_url=mirror.url, root=tmp_path, quiet=True)
    assert {r.path: r.status for r in repaired}[VOTES] == "downloaded"
    assert _sha(tmp_path / VOTES) == expected


def test_server_errors_and_unknown_names(mirror, tmp_path):
    with pytest.raises(BilateralError, match="unknown dataset 'votes' — known datasets: unvotes, unga"):
        pull(["votes"], base_url=mirror.url, root=tmp_path, quiet=True)
    with pytest.raises(BilateralError, match="HTTP 404"):
        pull(["unvotes"], base_url=mirror.url + "/nowhere", root=tmp_path, quiet=True)
    with pytest.raises(BilateralError, match=r"cannot reach http://127\.0\.0\.1:9/"):
        pull(["unvotes"], base_url="http://127.0.0.1:9", root=tmp_path, quiet=True)


def test_status_lists_presence_version_and_licence(mirror, shared, tmp_path):
    pull(["unga"], base_url=mirror.url, root=tmp_path, quiet=True)
    (tmp_path / "reign").mkdir()
    leaders = (shared / "data/reign/leaderlist_3_21.csv").read_bytes()
    (tmp_path / "reign/leaderlist_3_21.csv").write_bytes(leaders)
    frame = catalog.status(tmp_path).set_index("dataset")
    assert frame.loc["unga", "state"] == "complete" and frame.loc["unga", "present"] == 1
    assert frame.loc["reign", "state"] == "partial" and frame.loc["reign", "files"] == 3
    assert frame.loc["unvotes", "state"] == "missing"
    assert frame.loc["unga", "version"] == "IdealpointestimatesAll_Jun2024"
    assert "Harvard Dataverse" in frame.loc["unga", "licence"]
    target = tmp_path / "unga/IdealpointestimatesAll_Jun2024.csv"
    data = bytearray(target.read_bytes())
    data[100] ^= 1
    target.write_bytes(bytes(data))  # same size, different content
    assert catalog.status(tmp_path).set_index("dataset").loc["unga", "state"] == "complete"
    verified = catalog.status(tmp_path, verify=True).set_index("dataset")
    assert verified.loc["unga", "state"] == "corrupt" and verified.loc["unga", "corrupt"] == 1


def test_cli_pull_and_status(mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path))
    runner = CliRunner()
    result = runner.invoke(app, ["data", "pull", "opinion", "--base-url", mirror.url])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # rich wraps long lines
    assert "2 files in" in text and "2 downloaded, 0 resumed, 0 already present" in text
    assert (tmp_path / "opinion/trade_gdp.csv").is_file()
    listing = runner.invoke(app, ["data", "status", "--format", "csv"])
    assert listing.exit_code == 0
    rows = {line.split(",")[0]: line for line in listing.output.splitlines()[1:]}
    assert ",complete," in rows["opinion"] and ",missing," in rows["unvotes"]
    failed = runner.invoke(app, ["data", "pull", "nonsense", "--base-url", mirror.url])
    assert failed.exit_code == 2 and "unknown dataset 'nonsense'" in " ".join(failed.output.split())


def test_the_catalogue_is_a_pooch_registry(tmp_path):
    entries = catalog.dataset("unvotes").files
    fetcher = registry(entries, tmp_path, "http://127.0.0.1:8000/")
    assert fetcher.registry[VOTES] == "sha256:cf814a48bc536e8f87f8e027942ac515fe6aae9d63cd71dd88ed718b14887e87"
    assert fetcher.get_url(VOTES) == "http://127.0.0.1:8000/unvotes/un_votes.rda"
    assert registry(entries, tmp_path).get_url(VOTES) == next(f.url for f in entries if f.path == VOTES)


def test_data_directory_defaults_to_the_user_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("BILATERAL_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert data_dir() == tmp_path / "cache/bilateral/data"
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path / "mine"))
    assert data_dir() == tmp_path / "mine"
