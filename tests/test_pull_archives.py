"""``data pull`` of the event archives against loopback servers on 127.0.0.1 that speak Dataverse's
native API and GDELT's file lists and serve real bytes from ../shared/data/events: selection by
period, checksums, resume, corrupt downloads, published checksum mismatch, 404, server down,
HTTP 429 with Retry-After, pulling straight into the store."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import socket
import threading
import zipfile
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote

import pytest
from typer.testing import CliRunner

import bilateral.data.pull as puller
from bilateral import BilateralError
from bilateral.cli import app
from bilateral.data.archives import period, pull_archive
from bilateral.data.archives.base import Period
from bilateral.data.pull import MAX_TRIES, ChecksumError, retry_after
from bilateral.data.store import Store
from serving import RangeHost

DAILY = ["20181004-icews-events.tab.gz", "20181005-icews-events.tab.gz", "20181007-icews-events.tab.gz"]
WINTER = "20190121-icews-events.tab.gz"
ICEWS_2018 = "events.2018.20200427084805.tsv"  # the upload; Dataverse labels its ingested copy .tab
ICEWS_2019 = "events.2019.20200427085012.tab.zip"
GDELT2 = ["20180326044500.export.CSV", "20191024143000.export.CSV"]
POLECAT_HEADER = ["Event ID", "Event Date", "Event Type", "Event Mode", "Actor Name", "Actor Country",
                  "Primary Actor Sector", "Recipient Name", "Recipient Country", "Primary Recipient Sector"]


class Archive(RangeHost):
    """A static host for ``routes`` (request path and query → bytes) with ``Range: bytes=N-``.

    ``corrupt`` paths get one byte flipped; ``cut`` paths announce the full length, send half and
    drop the connection; ``busy`` paths answer 429 with the queued ``Retry-After`` values first;
    every request is logged as (path, Range header).
    """

    routes: ClassVar[dict[str, bytes]]
    corrupt: ClassVar[set[str]]
    cut: ClassVar[set[str]]
    busy: ClassVar[dict[str, list[str]]]
    log: ClassVar[list[tuple[str, str | None]]]

    def do_GET(self) -> None:
        key = unquote(self.path)
        self.log.append((key, self.headers.get("Range")))
        if self.busy.get(key):
            self.send_response(429, "Too Many Requests")
            self.send_header("Retry-After", self.busy[key].pop(0))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if key not in self.routes:
            self.send_error(404, "not found")
            return
        body = self.routes[key]
        if key in self.corrupt:
            body = body[:100] + bytes([body[100] ^ 0xFF]) + body[101:]
        self.send_body(body, cut=key in self.cut)


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def _rows(data: bytes) -> int:
    """Data rows of a tab file with a header, counted here from the bytes."""
    return data.count(b"\n") - 1 + (not data.endswith(b"\n"))


def _datafile(file_id: int, label: str, body: bytes, original: str | None = None) -> dict:
    data = {"id": file_id, "filename": label, "contentType": "application/octet-stream",
            "filesize": len(body), "md5": _md5(body), "checksum": {"type": "MD5", "value": _md5(body)}}
    if original:  # an ingested tabular file: the checksum and originalFileSize are the upload's
        data.update(contentType="text/tab-separated-values", filesize=len(body) + 17,
                    originalFileFormat="text/tab-separated-values", originalFormatLabel="Tab-Separated Values",
                    originalFileSize=len(body), originalFileName=original, UNF="UNF:6:x==")
    return {"label": label, "restricted": False, "version": 1, "dataFile": data}


def _dataset(doi: str, files: list[dict]) -> bytes:
    return json.dumps({"status": "OK", "data": {"id": 1, "persistentUrl": f"https://doi.org/{doi[4:]}",
                                                "latestVersion": {"versionNumber": 30, "files": files}}}).encode()


@pytest.fixture(scope="module")
def published(shared) -> dict:
    """What the archives publish, built from the real files of ../shared/data/events."""
    events = shared / "data/events"
    daily = {name: (events / "icews-daily" / name).read_bytes() for name in [*DAILY, WINTER]}
    plain = {name: gzip.decompress(body) for name, body in daily.items()}
    header = plain[DAILY[0]].split(b"\n", 1)[0] + b"\n"
    year_2018 = header + b"".join(plain[n].split(b"\n", 1)[1] for n in DAILY)  # real rows, one header
    year_2019 = _zip(ICEWS_2019.removesuffix(".zip"), plain[WINTER])
    gdelt = {name: (events / "gdelt2" / name).read_bytes() for name in GDELT2}
    polecat = ("\t".join(POLECAT_HEADER) + "\n"
               + "P1\t2018-11-14\tconsult\tvisit\tShinzo Abe\tJPN\tGOV\tVladimir Putin\tRUS\tGOV\n"
               + "P2\t2018-11-15\tAGREE\t\tVladimir Putin\tRUS\tGOV\tShinzo Abe\tJPN\tGOV\n").encode()
    routes: dict[str, bytes] = {}
    historic = [_datafile(11, ICEWS_2018.replace(".tsv", ".tab"), year_2018, original=ICEWS_2018),
                _datafile(12, ICEWS_2019, year_2019), _datafile(13, "events.2017.20200427083001.tab", header),
                _datafile(14, "ICEWS Codebook.pdf", b"%PDF")]
    routes["/api/access/datafile/11?format=original"] = year_2018
    routes["/api/access/datafile/11"] = b"archival copy with other bytes\n"
    routes["/api/access/datafile/12"] = year_2019
    routes["/api/access/datafile/13"] = header
    updates = [_datafile(20 + k, name, daily[name]) for k, name in enumerate(DAILY)]
    for k, name in enumerate(DAILY):
        routes[f"/api/access/datafile/{20 + k}"] = daily[name]
    routes["/api/datasets/:persistentId/?persistentId=doi:10.7910/DVN/28075"] = _dataset("doi:10.7910/DVN/28075",
                                                                                         historic)
    routes["/api/datasets/:persistentId/?persistentId=doi:10.7910/DVN/QI2T9A"] = _dataset("doi:10.7910/DVN/QI2T9A",
                                                                                         updates)
    polecat_zip = _zip("ngecEvents.DV.2018.txt", polecat)
    routes["/api/access/datafile/31"] = polecat_zip
    routes["/api/datasets/:persistentId/?persistentId=doi:10.7910/DVN/AJGVIT"] = _dataset(
        "doi:10.7910/DVN/AJGVIT", [_datafile(31, "ngecEvents.DV.2018.txt.zip", polecat_zip),
                                   _datafile(32, "POLECAT codebook.pdf", b"%PDF")])
    master = []
    for name, body in gdelt.items():
        packed = _zip(name, body)
        routes[f"/gdeltv2/{name}.zip"] = packed
        stamp = name.split(".")[0]
        master += [f"{len(packed)} {_md5(packed)} http://data.gdeltproject.org/gdeltv2/{name}.zip",
                   f"318084 bb27f78ba45f69a17ea6ed7755e9f8ff http://data.gdeltproject.org/gdeltv2/{stamp}.mentions.CSV.zip",
                   f"10768507 ea8dde0beb0ba98810a92db068c0ce99 http://data.gdeltproject.org/gdeltv2/{stamp}.gkg.csv.zip"]
    routes["/gdeltv2/masterfilelist.txt"] = ("\n".join(master) + "\n").encode()
    # GDELT 1.0 has no real sample here: its files are made from the real GDELT 2.0 rows in the 1.0
    # layouts (58 columns for daily files: no ADM2 codes; 57 for backfiles: no SOURCEURL either)
    lines = gdelt[GDELT2[0]].decode().splitlines()
    adm2 = {40, 48, 55}  # 0-based positions of Actor1/Actor2/ActionGeo_ADM2Code in the 61 columns

    def v1(width: int) -> bytes:
        rows = ["\t".join(f for i, f in enumerate(line.split("\t")) if i not in adm2) for line in lines]
        return ("\n".join("\t".join(r.split("\t")[:width]) for r in rows) + "\n").encode()

    v1_files = {"2005.zip": _zip("2005.csv", v1(57)), "200601.zip": _zip("200601.csv", v1(57)),
                "20180326.export.CSV.zip": _zip("20180326.export.CSV", v1(58))}
    routes.update({f"/events/{name}": body for name, body in v1_files.items()})
    routes["/events/md5sums"] = ("".join(f"{_md5(b)}  {n}\n" for n, b in v1_files.items())
                                 + "f6fcb7e955e35f93c9dae427c07b545d  GDELT.MASTERREDUCEDV2.1979-2013.zip\n").encode()
    routes["/events/filesizes"] = "".join(f"{len(b)} {n}\n" for n, b in v1_files.items()).encode()
    return {"routes": routes, "year_2018": year_2018, "year_2019": plain[WINTER], "daily": daily, "gdelt": gdelt,
            "v1": v1_files, "polecat": polecat}


@pytest.fixture
def server(published):
    handler = type("Handler", (Archive,), {"routes": dict(published["routes"]), "corrupt": set(), "cut": set(),
                                           "busy": {}, "log": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield handler
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """The waits between tries, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(puller, "_sleep", recorded.append)
    return recorded


def _fetched(server) -> list[str]:
    return [path for path, _ in server.log if path.startswith(("/api/access/", "/gdeltv2/2", "/events/2"))]


def test_periods():
    assert period("2018:2019") == Period(date(2018, 1, 1), date(2019, 12, 31))
    assert str(period("2018")) == "2018" and str(period("2018:2019")) == "2018–2019"
    assert period(start="2018-10-04") == Period(date(2018, 10, 4), date(2018, 10, 4))
    assert str(period(start="2018-10-04", end="2018-10-07")) == "2018-10-04 to 2018-10-07"
    for kwargs, message in [({"years": "2019:2018"}, "the last year comes before"),
                            ({"years": "18"}, "write one year"), ({}, "say which events"),
                            ({"start": "4.10.2018"}, "--from '4.10.2018' is not a date"),
                            ({"start": "2018-10-07", "end": "2018-10-04"}, "comes before --from"),
                            ({"years": "2018", "start": "2018-01-01"}, "not both")]:
        with pytest.raises(BilateralError, match=message):
            period(**kwargs)


def test_icews_years_download_verified_originals_only(server, published, tmp_path, waits):
    result = pull_archive("icews", period("2018:2019"), root=tmp_path, base=server.url, quiet=True)
    assert [(Path(f.path).name, f.status) for f in result.files] == [(ICEWS_2018, "downloaded"),
                                                                     (ICEWS_2019, "downloaded")]
    folder = tmp_path / "events/icews"
    assert (folder / ICEWS_2018).read_bytes() == published["year_2018"]  # the original, not the archival copy
    assert _fetched(server) == ["/api/access/datafile/11?format=original", "/api/access/datafile/12"]
    assert sorted(p.name for p in folder.iterdir()) == [ICEWS_2018, ICEWS_2019]  # no 2017, no codebook
    server.log.clear()
    again = pull_archive("icews", period("2018:2019"), root=tmp_path, base=server.url, quiet=True)
    assert [f.status for f in again.files] == ["present", "present"] and _fetched(server) == []
    assert waits == []


def test_pull_into_the_store_and_delete_the_raw_files(server, published, tmp_path):
    when = period(start="2018-10-04", end="2018-10-07")
    with Store(tmp_path / "store.duckdb") as store:
        result = pull_archive("icews-daily", when, root=tmp_path, base=server.url, store=store, delete_raw=True,
                              quiet=True)
        assert [f.status for f in result.files] == ["downloaded"] * 3 and all(f.deleted for f in result.files)
        assert not list((tmp_path / "events/icews-daily").iterdir())  # no raw file, no .part
        expected = [_rows(gzip.decompress(published["daily"][name])) for name in DAILY]
        assert [f.ingest.read for f in result.files] == expected
        assert [f.ingest.stored + f.ingest.duplicates for f in result.files] == expected
        total = store.con.execute("SELECT count(*) FROM events").fetchall()[0][0]
        assert total == sum(f.ingest.stored for f in result.files) > 0
        assert "3 raw files deleted after ingest" in str(result)
        server.log.clear()
        again = pull_archive("icews-daily", when, root=tmp_path, base=server.url, store=store, delete_raw=True,
                             quiet=True)
        assert [f.status for f in again.files] == ["in store"] * 3 and _fetched(server) == []
        assert store.con.execute("SELECT count(*) FROM events").fetchall()[0][0] == total
        with pytest.raises(BilateralError, match="add --into-store"):
            pull_archive("icews-daily", when, root=tmp_path, base=server.url, delete_raw=True, quiet=True)


def test_zipped_yearly_file_and_polecat_ingest(server, published, tmp_path):
    with Store(tmp_path / "store.duckdb") as store:
        icews = pull_archive("icews", period("2019"), root=tmp_path, base=server.url, store=store, quiet=True)
        assert [(Path(f.path).name, f.ingest.layout, f.ingest.read) for f in icews.files] == [
            (ICEWS_2019, "icews", _rows(published["year_2019"]))]
        polecat = pull_archive("polecat", period("2018"), root=tmp_path, base=server.url, store=store, quiet=True)
        assert [(Path(f.path).name, f.ingest.layout, f.ingest.stored) for f in polecat.files] == [
            ("ngecEvents.DV.2018.txt.zip", "polecat", 2)]
        rows = store.con.execute("SELECT source_iso3, target_iso3, plover FROM event_rows WHERE dataset = 'polecat' "
                                 "ORDER BY event_id").fetchall()
        assert rows == [("JPN", "RUS", "CONSULT"), ("RUS", "JPN", "AGREE")]


def test_gdelt2_by_date_from_the_master_file_list(server, published, tmp_path):
    with Store(tmp_path / "store.duckdb") as store:
        result = pull_archive("gdelt2", period(start="2018-03-26"), root=tmp_path, base=server.url, store=store,
                              quiet=True)
    assert [Path(f.path).name for f in result.files] == [GDELT2[0] + ".zip"]  # not the mentions or GKG files
    assert _fetched(server) == [f"/gdeltv2/{GDELT2[0]}.zip"]  # the list's host replaced by the mirror
    body = published["gdelt"][GDELT2[0]]
    assert result.files[0].ingest.layout == "gdelt2"
    assert result.files[0].ingest.read == body.count(b"\n") == 1540


def test_gdelt1_backfiles_and_daily_files(server, published, tmp_path):
    result = pull_archive("gdelt1", period("2005:2006"), root=tmp_path, base=server.url, quiet=True)
    assert [Path(f.path).name for f in result.files] == ["2005.zip", "200601.zip"]
    daily = pull_archive("gdelt1", period(start="2018-03-26"), root=tmp_path, base=server.url, quiet=True)
    assert [Path(f.path).name for f in daily.files] == ["20180326.export.CSV.zip"]
    with Store(tmp_path / "store.duckdb") as store:
        layouts = [store.ingest(tmp_path / f.path).layout for f in [*result.files, *daily.files]]
    assert layouts == ["gdelt1-historical", "gdelt1-historical", "gdelt1"]
    server.routes["/events/md5sums"] += b"not a checksum line\n"
    with pytest.raises(BilateralError, match=r"/events/md5sums:5: not '<md5>  <file>'"):
        pull_archive("gdelt1", period("2005"), root=tmp_path, base=server.url, quiet=True)
    server.routes["/events/md5sums"] = published["routes"]["/events/md5sums"]
    with pytest.raises(BilateralError, match=r"no event files of GDELT 1.0 .* cover 1990"):
        pull_archive("gdelt1", period("1990"), root=tmp_path, base=server.url, quiet=True)


def test_interrupted_download_resumes_with_a_range_request(server, published, tmp_path):
    path = "/api/access/datafile/11?format=original"
    server.cut.add(path)
    size = len(published["year_2018"])
    with pytest.raises(BilateralError, match=rf"stopped after \d+ of {size} bytes.*kept — run the same pull again"):
        pull_archive("icews", period("2018"), root=tmp_path, base=server.url, quiet=True)
    target = tmp_path / "events/icews" / ICEWS_2018
    part = target.with_name(target.name + ".part")
    assert not target.exists() and 0 < part.stat().st_size < size
    kept = part.stat().st_size
    server.cut.clear()
    server.log.clear()
    result = pull_archive("icews", period("2018"), root=tmp_path, base=server.url, quiet=True)
    assert [f.status for f in result.files] == ["resumed"]
    assert (path, f"bytes={kept}-") in server.log
    assert target.read_bytes() == published["year_2018"] and not part.exists()


def test_corrupt_download_and_published_checksum_mismatch_leave_nothing(server, published, tmp_path):
    server.corrupt.add("/api/access/datafile/12")
    with pytest.raises(ChecksumError, match=f"events/icews/{re.escape(ICEWS_2019)}: md5 mismatch — expected "
                                            f"{_md5(published['routes']['/api/access/datafile/12'])}"):
        pull_archive("icews", period("2019"), root=tmp_path, base=server.url, quiet=True)
    assert not list((tmp_path / "events/icews").iterdir())
    server.corrupt.clear()
    listing = "/api/datasets/:persistentId/?persistentId=doi:10.7910/DVN/QI2T9A"
    server.routes[listing] = server.routes[listing].replace(_md5(published["daily"][DAILY[0]]).encode(), b"0" * 32)
    with pytest.raises(ChecksumError, match=r"md5 mismatch — expected 0{32}, got .*corrupt download was deleted"):
        pull_archive("icews-daily", period(start="2018-10-04"), root=tmp_path, base=server.url, quiet=True)
    assert not list((tmp_path / "events/icews-daily").iterdir())


def test_missing_files_unknown_datasets_and_a_server_that_is_down(server, tmp_path):
    del server.routes["/api/access/datafile/12"]
    with pytest.raises(BilateralError, match="datafile/12: HTTP 404"):
        pull_archive("icews", period("2019"), root=tmp_path, base=server.url, quiet=True)
    assert not list((tmp_path / "events/icews").iterdir())
    with pytest.raises(BilateralError, match=r"HTTP 404 .* no dataset doi:10.7910/DVN/28075 there"):
        pull_archive("icews", period("2019"), root=tmp_path, base=server.url + "/elsewhere", quiet=True)
    with pytest.raises(BilateralError, match="GDELT's master file list is not there"):
        pull_archive("gdelt2", period("2018"), root=tmp_path, base=server.url + "/elsewhere", quiet=True)
    with pytest.raises(BilateralError, match=r"no event files of ICEWS .* cover 2030"):
        pull_archive("icews", period("2030"), root=tmp_path, base=server.url, quiet=True)
    with pytest.raises(BilateralError, match="unknown event archive 'acled' — known archives: icews, icews-daily"):
        pull_archive("acled", period("2019"), root=tmp_path, base=server.url, quiet=True)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with pytest.raises(BilateralError, match=rf"cannot reach http://127\.0\.0\.1:{closed}/api/datasets"):
        pull_archive("icews", period("2019"), root=tmp_path, base=f"http://127.0.0.1:{closed}", quiet=True)


def test_rate_limiting_honours_retry_after_and_gives_up(server, published, tmp_path, waits):
    path = "/api/access/datafile/12"
    server.busy[path] = ["1", "3"]
    server.busy["/gdeltv2/masterfilelist.txt"] = ["2"]
    result = pull_archive("icews", period("2019"), root=tmp_path, base=server.url, quiet=True)
    assert [f.status for f in result.files] == ["downloaded"] and waits == [1.0, 3.0]
    assert [p for p, _ in server.log].count(path) == 3
    pull_archive("gdelt2", period(start="2019-10-24"), root=tmp_path, base=server.url, quiet=True)
    assert waits == [1.0, 3.0, 2.0]
    waits.clear()
    server.busy["/api/access/datafile/20"] = ["1"] * 50
    with pytest.raises(BilateralError, match=f"HTTP 429 Too Many Requests after {MAX_TRIES} tries .* run the same"):
        pull_archive("icews-daily", period(start="2018-10-04"), root=tmp_path, base=server.url, quiet=True)
    assert waits == [1.0] * (MAX_TRIES - 1)  # bounded: the last refusal ends the pull
    assert not list((tmp_path / "events/icews-daily").iterdir())
    waits.clear()
    server.busy["/api/access/datafile/20"] = ["86400"]
    with pytest.raises(BilateralError, match=r"after 1 try .*asks to wait 86400 s"):
        pull_archive("icews-daily", period(start="2018-10-04"), root=tmp_path, base=server.url, quiet=True)
    assert waits == []


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after("7", 1) == 7.0
    assert retry_after(None, 3) == 8.0 and retry_after("soon", 1) == 2.0
    later = retry_after(format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True), 1)
    assert 100 < later <= 120


def test_cli_pull_archives_and_clean_errors(server, published, tmp_path, monkeypatch):
    monkeypatch.setenv("BILATERAL_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("BILATERAL_DATAVERSE_URL", server.url)  # the address from the environment
    runner = CliRunner()
    result = runner.invoke(app, ["data", "pull", "icews", "--years", "2018:2019", "--into-store",
                                 "--store", str(tmp_path / "store.duckdb")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "icews 2018–2019: 2 files in" in text and "2 downloaded, 0 resumed" in text
    rows = _rows(published["year_2018"]) + _rows(published["year_2019"])
    assert f"ingested 2 files (0 already stored): {rows:,} rows read" in text
    gdelt = runner.invoke(app, ["data", "pull", "gdelt2", "--from", "2019-10-24", "--base-url", server.url])
    assert gdelt.exit_code == 0 and (tmp_path / f"data/events/gdelt2/{GDELT2[1]}.zip").is_file()
    for args, message in [
        (["icews", "--years", "2019:2018"], "the last year comes before the first"),
        (["icews"], "say which events to pull"),
        (["icews", "--years", "2019", "--delete-raw"], "add --into-store"),
        (["unvotes", "--years", "2019"], "are for the event archives"),
        (["icews", "unvotes", "--years", "2019"], "separate commands"),
        (["acled", "--years", "2019"], "unknown dataset 'acled' — known datasets: unvotes"),
        (["icews", "--years", "2019", "--base-url", server.url + "/elsewhere"], "no dataset doi:10.7910/DVN/28075"),
    ]:
        failed = runner.invoke(app, ["data", "pull", *args])
        output = " ".join(failed.output.split())
        assert failed.exit_code == 2 and message in output, (args, failed.output)
        assert "Traceback" not in failed.output and isinstance(failed.exception, SystemExit)
