"""planner.files: atomic writes that leave nothing half-written and the usual permissions."""

from __future__ import annotations

import os

import pytest

from planner.files import atomic_write_bytes


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_new_file_gets_0666_less_the_umask(tmp_path, umask_022):
    """Was 0600 (tempfile.mkstemp), so exports were unreadable to anyone but their writer."""
    target = tmp_path / "list.md"
    atomic_write_bytes(target, b"- [ ] 2 cups soy milk\n")
    assert target.read_bytes() == b"- [ ] 2 cups soy milk\n"
    assert target.stat().st_mode & 0o777 == 0o644


def test_existing_file_keeps_its_mode(tmp_path, umask_022):
    target = tmp_path / "plan.json"
    target.write_text("{}")
    target.chmod(0o600)  # someone kept a client's plan private
    atomic_write_bytes(target, b'{"days": []}')
    assert target.read_bytes() == b'{"days": []}'
    assert target.stat().st_mode & 0o777 == 0o600


def test_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "plan.json"
    target.write_text("old")

    class Boom(Exception):
        pass

    from planner.files import atomic_path

    with pytest.raises(Boom), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise Boom
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]
