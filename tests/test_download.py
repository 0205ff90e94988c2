"""Release downloader and `b12plan fdc download`, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from fdc_server import LocalServer, Reply, range_handler

from planner.cli import main
from planner.download import DownloadError, download_release, release_file_name
from planner.errors import InputError

NAME = "FoodData_Central_foundation_food_csv_2025-04-24.zip"
PATH = f"/fdc-datasets/{NAME}"


def make_zip() -> bytes:
    """A real zip, stored uncompressed so the payload is large enough to cut in the middle."""
    rng = random.Random(20250424)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("food.csv", "fdc_id,data_type,description\n" * 2000)
        archive.writestr("food_nutrient.csv", rng.randbytes(300_000))
    return buffer.getvalue()


ZIP = make_zip()


@pytest.fixture
def server():
    with LocalServer() as srv:
        yield srv


def test_full_download_then_no_second_download(server, tmp_path):
    server.route(PATH, handler=range_handler(ZIP))
    path = download_release(server.url + PATH, tmp_path / "raw", progress=True)
    assert path == tmp_path / "raw" / NAME
    assert path.read_bytes() == ZIP
    assert not (tmp_path / "raw" / f"{NAME}.part").exists()
    assert "range" not in server.requests[0].headers

    assert download_release(server.url + PATH, tmp_path / "raw") == path
    assert len(server.requests) == 1  # already complete: not fetched again


def test_interrupted_download_resumes_with_range(server, tmp_path):
    server.route(PATH, handler=range_handler(ZIP, cut_first_at=120_000))
    with pytest.raises(DownloadError, match="interrupted.*run the same command again"):
        download_release(server.url + PATH, tmp_path, progress=False)
    part = tmp_path / f"{NAME}.part"
    kept = part.stat().st_size
    assert 0 < kept < len(ZIP) and not (tmp_path / NAME).exists()

    path = download_release(server.url + PATH, tmp_path, progress=False)
    assert path.read_bytes() == ZIP and not part.exists()
    assert server.requests[1].headers["range"] == f"bytes={kept}-"


def test_retries_within_one_call_resume(server, tmp_path):
    server.route(PATH, handler=range_handler(ZIP, cut_first_at=150_000))
    path = download_release(server.url + PATH, tmp_path, progress=False, attempts=2)
    assert path.read_bytes() == ZIP
    first, second = (r.headers.get("range") for r in server.requests)
    assert first is None
    assert 0 < int(second.removeprefix("bytes=").removesuffix("-")) <= 150_000


def test_server_ignoring_range_restarts_cleanly(server, tmp_path):
    server.route(PATH, handler=range_handler(ZIP, supports_range=False, cut_first_at=80_000))
    with pytest.raises(DownloadError):
        download_release(server.url + PATH, tmp_path, progress=False)
    kept = (tmp_path / f"{NAME}.part").stat().st_size
    assert kept > 0
    path = download_release(server.url + PATH, tmp_path, progress=False)
    assert server.requests[1].headers["range"] == f"bytes={kept}-"  # asked, got 200 instead
    assert path.read_bytes() == ZIP  # truncated and rewritten, not appended


def test_part_file_already_complete_or_too_long(server, tmp_path):
    server.route(PATH, handler=range_handler(ZIP))
    part = tmp_path / f"{NAME}.part"
    part.write_bytes(ZIP)
    assert download_release(server.url + PATH, tmp_path, progress=False).read_bytes() == ZIP
    assert server.requests[0].headers["range"] == f"bytes={len(ZIP)}-"  # answered 416

    other = tmp_path / "other"
    other.mkdir()
    (other / f"{NAME}.part").write_bytes(b"x" * (len(ZIP) + 10))  # longer than the file
    assert download_release(server.url + PATH, other, progress=False).read_bytes() == ZIP


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"<html><body>Service unavailable</body></html>", "not a zip file"),
        (ZIP[: len(ZIP) // 2], "not a zip file"),  # a truncated file served as if whole
        (ZIP.replace(b"fdc_id,data_type", b"fdc_id,DATA_TYPE", 1), "damaged \\(CRC mismatch\\)"),
    ],
)
def test_payload_that_is_not_a_valid_zip(server, tmp_path, payload, message):
    server.route(PATH, Reply(200, payload, {"Content-Type": "application/zip"}))
    with pytest.raises(DownloadError, match=message):
        download_release(server.url + PATH, tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []  # nothing under the final name, no stale .part


def test_404_and_bad_inputs(server, tmp_path):
    with pytest.raises(DownloadError, match="HTTP 404"):
        download_release(server.url + "/fdc-datasets/missing.zip", tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError, match="not an http"):
        download_release("ftp://example.org/x.zip", tmp_path)
    with pytest.raises(InputError, match="file name"):
        release_file_name("https://fdc.nal.usda.gov/")
    (tmp_path / NAME).write_bytes(b"not a zip")
    with pytest.raises(DownloadError, match="already exists.*delete it"):
        download_release(server.url + PATH, tmp_path)
    assert server.requests_to(PATH) == []


def test_cli_download(server, tmp_path, capsys):
    server.route(PATH, handler=range_handler(ZIP))
    out_dir = tmp_path / "releases"
    assert main(["fdc", "download", server.url + PATH, "--out", str(out_dir), "--no-progress"]) == 0
    assert capsys.readouterr().out.strip() == str(out_dir / NAME)
    assert (out_dir / NAME).read_bytes() == ZIP

    assert main(["fdc", "download", server.url + "/nope.zip", "--out", str(out_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("b12plan: error: no file at") and err.count("\n") == 1
