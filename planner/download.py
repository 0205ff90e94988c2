"""Download a FoodData Central bulk release (a zip of CSVs, up to a few GB) safely.

Bytes stream into `<name>.part`; an interrupted download resumes from there with an HTTP Range
request; the file gets its final name only after `zipfile.testzip` has checked every member's
CRC, so a file under the final name is always a complete, valid zip. The CRC check also catches
a resume that stitched two different versions of the file together.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import requests
from tqdm import tqdm

from planner.errors import InputError, PlannerError

# Small enough that a dropped connection loses little (urllib3 drops the chunk being read).
CHUNK_BYTES = 1 << 16


class DownloadError(PlannerError):
    """The download failed or produced something that is not a valid release zip."""


def release_file_name(url: str) -> str:
    """The file name a URL points at ("FoodData_Central_csv_2025-04-24.zip")."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"not an http(s) URL: {url!r}; give the release zip's full address")
    name = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    if not name or name in (".", "..") or not re.fullmatch(r"[\w.\-() ]+", name):
        raise InputError(
            f"cannot tell the file name from {url!r}; the URL should end in the zip's name"
        )
    return name


def zip_problem(path: Path, *, full_check: bool = True) -> str | None:
    """Why `path` is not a valid zip (None if it is); full_check also verifies every CRC."""
    try:
        with zipfile.ZipFile(path) as archive:
            if full_check:
                bad = archive.testzip()
                if bad is not None:
                    return f"member {bad!r} is damaged (CRC mismatch)"
    except zipfile.BadZipFile as err:
        return f"not a zip file ({err})"
    except (OSError, EOFError, zipfile.LargeZipFile) as err:
        return f"cannot be read as a zip ({err})"
    return None


def download_release(
    url: str,
    dest_dir: str | Path,
    *,
    session: requests.Session | None = None,
    progress: bool = True,
    timeout: float = 60.0,
    attempts: int = 1,
) -> Path:
    """Download `url` into `dest_dir` and return the path of the verified zip.

    An existing complete file is returned without touching the network. Each of `attempts`
    tries resumes from the `.part` file left by the previous one; if all fail, the `.part` file
    stays so the next call resumes it.
    """
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
        raise InputError(f"attempts must be a whole number of at least 1, got {attempts!r}")
    name = release_file_name(url)
    dest = Path(dest_dir)
    if dest.exists() and not dest.is_dir():
        raise InputError(f"{dest} is a file, not a folder to download into")
    dest.mkdir(parents=True, exist_ok=True)
    final = dest / name
    part = dest / f"{name}.part"
    if final.exists():
        problem = zip_problem(final, full_check=False)
        if problem is None:
            return final
        raise DownloadError(
            f"{final} already exists but is {problem}; delete it and run the download again"
        )
    http = session or requests.Session()
    failure = ""
    for _ in range(attempts):
        try:
            _fetch(http, url, part, progress=progress, timeout=timeout)
        except requests.RequestException as err:
            have = part.stat().st_size if part.exists() else 0
            failure = f"download interrupted after {have:,} bytes ({type(err).__name__})"
            continue
        problem = zip_problem(part)
        if problem is not None:
            part.unlink(missing_ok=True)
            raise DownloadError(
                f"{url} did not give a valid zip: the downloaded file is {problem}; it was "
                "removed. Check that the URL is a FoodData Central release zip and try again"
            )
        os.replace(part, final)
        return final
    raise DownloadError(
        f"{failure}; the partial file {part} was kept: run the same command again to resume"
    )


def _fetch(http: requests.Session, url: str, part: Path, *, progress: bool, timeout: float) -> None:
    """Fill `part` with the whole file, resuming when the server honours Range."""
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    response = http.get(url, headers=headers, stream=True, timeout=timeout)
    with response:
        if response.status_code == 416 and have:
            # Nothing left to send: either .part is already complete or it is longer than the
            # file now on the server. Keep it if it is a valid zip, else start over.
            if zip_problem(part) is None:
                return
            part.unlink()
            _fetch(http, url, part, progress=progress, timeout=timeout)
            return
        if response.status_code == 404:
            raise DownloadError(
                f"no file at {url} (HTTP 404); check the release date and data type in the URL"
            )
        if response.status_code not in (200, 206):
            raise DownloadError(f"{url} answered HTTP {response.status_code}; try again later")
        if response.status_code == 206:
            start = _range_start(response.headers.get("Content-Range"))
            if start != have:
                raise DownloadError(
                    f"{url} resumed at byte {start} instead of {have}; delete {part} and retry"
                )
            mode, done = "ab", have
        else:
            mode, done = "wb", 0  # 200: the server ignored Range (or none was sent): restart
        length = response.headers.get("Content-Length")
        total = done + int(length) if length and length.isdigit() else None
        with (
            open(part, mode) as out,
            tqdm(
                total=total,
                initial=done,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=part.name.removesuffix(".part"),
                disable=not progress,
                leave=False,
            ) as bar,
        ):
            for chunk in response.iter_content(chunk_size=CHUNK_BYTES):
                out.write(chunk)
                bar.update(len(chunk))
                done += len(chunk)
        if total is not None and done < total:
            raise requests.ConnectionError(f"connection closed after {done} of {total} bytes")


def _range_start(content_range: str | None) -> int | None:
    match = re.match(r"bytes\s+(\d+)-\d+/(\d+|\*)", content_range or "")
    return int(match.group(1)) if match else None
