"""A throwaway PostgreSQL server for the storage tests, and the fixtures that use it.

`B12PLAN_TEST_PG_URL` (e.g. postgresql+psycopg://user:pw@host/db) points the tests at an
existing server. Otherwise one server is started per test session: initdb into a temporary
folder, listening on 127.0.0.1 at a free port with its socket in that folder, removed at the end.
initdb refuses to run as root, so as root the server runs as the `postgres` user (or `nobody`).
Every test gets its own schema (search_path), dropped afterwards, so tests never see each other.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.schema import CreateSchema, DropSchema

ENV_TEST_PG_URL = "B12PLAN_TEST_PG_URL"
DATABASE = "b12test"


class PgUnavailable(RuntimeError):
    """No PostgreSQL server could be started here; the message says why."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_pg_bin() -> Path:
    """The newest /usr/lib/postgresql/*/bin with initdb, else initdb on PATH."""

    def major(path: str) -> int:
        try:
            return int(Path(path).parts[-3])
        except ValueError:
            return 0

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=major, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(on_path)
    for initdb in candidates:
        if os.access(initdb, os.X_OK) and os.access(Path(initdb).with_name("pg_ctl"), os.X_OK):
            return Path(initdb).parent
    raise PgUnavailable(
        "no initdb/pg_ctl found under /usr/lib/postgresql/*/bin or on PATH "
        "(apt-get install postgresql, or set B12PLAN_TEST_PG_URL)"
    )


class PgServer:
    """`PgServer.start()` gives a running server with an empty database at `url`."""

    def __init__(self, bin_dir: Path, root: Path, run_as: str | None) -> None:
        self.bin_dir, self.root, self.run_as = bin_dir, root, run_as
        self.data = root / "data"
        self.port = 0
        self.url = ""

    @classmethod
    def start(cls) -> PgServer:
        bin_dir = find_pg_bin()
        run_as = None
        if os.geteuid() == 0:
            run_as = next((u for u in ("postgres", "nobody") if _user_exists(u)), None)
            if run_as is None:
                raise PgUnavailable("running as root and neither 'postgres' nor 'nobody' exists")
        # As root the server user must reach the folder, so keep it out of root-only TMPDIRs.
        root = Path(tempfile.mkdtemp(prefix="b12-pg-", dir="/tmp" if run_as else None))
        server = cls(bin_dir, root, run_as)
        try:
            if run_as:
                entry = pwd.getpwnam(run_as)
                os.chown(root, entry.pw_uid, entry.pw_gid)
            os.chmod(root, 0o700)
            server._initdb()
            server._start_on_free_port()
            server._create_database()
        except BaseException:
            server.stop()
            raise
        return server

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as:
            if shutil.which("runuser"):
                command = ["runuser", "-u", self.run_as, "--", *command]
            else:
                command = ["su", self.run_as, "-s", "/bin/sh", "-c", shlex.join(command)]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, cwd=self.root
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise PgUnavailable(f"{args[0]} failed to run: {err}") from err
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise PgUnavailable(f"{args[0]} exited {done.returncode}: {' | '.join(tail)}")
        return done

    def _initdb(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )

    def _start_on_free_port(self) -> None:
        last: PgUnavailable | None = None
        for _attempt in range(3):  # another process may grab the port between probe and bind
            self.port = free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                f"-c unix_socket_directories={self.root} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            try:
                self._run(
                    "pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"),
                    "-o", options, "-w", "-t", "30", "start",
                )  # fmt: skip
                return
            except PgUnavailable as err:
                last = err
        log = self.root / "log"
        detail = log.read_text(errors="replace")[-500:] if log.exists() else ""
        raise PgUnavailable(f"{last}; server log: {detail}")

    def _create_database(self) -> None:
        import psycopg

        admin = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")  # a constant name, not user input
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(PgUnavailable):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Fixtures: a test module imports db_url from here (marked as used for the linter)
# --------------------------------------------------------------------------------------------

# One server per test session, however many modules import the fixtures.
_SESSION: dict[str, object] = {}


def session_pg_url(config: pytest.Config) -> str:
    """The session's PostgreSQL URL; raises PgUnavailable (once, then remembered)."""
    if "url" in _SESSION:
        return str(_SESSION["url"])
    if "error" in _SESSION:
        raise PgUnavailable(str(_SESSION["error"]))
    url = os.environ.get(ENV_TEST_PG_URL, "").strip()
    if not url:
        try:
            server = PgServer.start()
        except PgUnavailable as err:
            _SESSION["error"] = str(err)
            raise
        config.add_cleanup(server.stop)
        url = server.url
    admin = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    config.add_cleanup(admin.dispose)
    _SESSION["url"], _SESSION["admin"] = url, admin
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    try:
        base = session_pg_url(request.config)
    except PgUnavailable as err:
        pytest.skip(f"PostgreSQL half skipped: no server could be started ({err})")
    admin: Engine = _SESSION["admin"]  # type: ignore[assignment]
    name = f"t_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.execute(CreateSchema(name))
    url = make_url(base).set(drivername="postgresql+psycopg")
    yield url.update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(
        hide_password=False
    )
    with admin.connect() as conn:
        conn.execute(DropSchema(name, cascade=True))


@pytest.fixture
def store(db_url: str) -> Iterator[object]:
    """An opened planner.storage.Store on a fresh database, closed afterwards."""
    from planner.storage import Store

    opened = Store(db_url)
    yield opened
    opened.close()
