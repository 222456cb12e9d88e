"""The container (second round, finding 12): everything it installs is pinned (the base image by
digest, each package by version and hash, from lock files that cannot drift from
pyproject.toml), it trusts no proxy unless told which, and a generated organiser key goes to a
file in the volume rather than into the log."""

from __future__ import annotations

import logging
import os
import re
import stat
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from app import keyfile

ROOT = Path(__file__).resolve().parents[2]


def _locked(name: str) -> dict[str, tuple[Version, list[str]]]:
    """``requirements.lock``-style file: name -> (pinned version, hashes)."""
    found: dict[str, tuple[Version, list[str]]] = {}
    text = (ROOT / name).read_text()
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        line = block.strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)", line)
        assert match, f"{name}: not pinned with ==: {line.splitlines()[0]}"
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
        found[canonicalize_name(match[1])] = (Version(match[2]), hashes)
    return found


def _pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_lock_pins_every_dependency_of_pyproject_within_its_range() -> None:
    """A dependency added to pyproject.toml, or a floor raised there, without compiling the lock
    again fails here (the commands are at the lock files' top)."""
    locked = _locked("requirements.lock")
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in requirements.lock"
        version, _ = locked[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {name} {version}, outside pyproject's {requirement.specifier}"
        )
        if "binary" in requirement.extras and name == "psycopg":
            assert "psycopg-binary" in locked


def test_every_locked_package_has_hashes() -> None:
    for name in ("requirements.lock", "requirements-build.lock"):
        for package, (_, hashes) in _locked(name).items():
            assert hashes, f"{name}: {package} has no --hash (pip --require-hashes refuses it)"


def test_the_build_lock_holds_the_build_backend() -> None:
    build = _pyproject()["build-system"]
    assert isinstance(build, dict)
    locked = _locked("requirements-build.lock")
    for line in build["requires"]:
        requirement = Requirement(line)
        version, _ = locked[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version)


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def test_the_image_installs_only_what_is_locked() -> None:
    dockerfile = _dockerfile()
    runs = re.findall(r"^RUN (.*)$", dockerfile, re.MULTILINE)
    installs = [run for run in runs if "pip install" in run or "pip wheel" in run]
    assert any("--require-hashes -r /tmp/requirements.lock" in run for run in installs)
    assert any("--require-hashes -r requirements-build.lock" in run for run in installs)
    for run in installs:
        assert "--require-hashes" in run or "--no-deps" in run, run
    assert any("--no-build-isolation" in run for run in installs if "pip wheel" in run)


def test_the_base_image_is_pinned_by_digest() -> None:
    """Every stage starts from PYTHON_IMAGE, whose default names a digest, so a build never pulls
    whatever the tag means that day."""
    dockerfile = _dockerfile()
    froms = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    assert froms and all(image == "${PYTHON_IMAGE}" for image in froms), froms
    (default,) = re.findall(r"^ARG PYTHON_IMAGE=(\S+)$", dockerfile, re.MULTILINE)
    assert re.fullmatch(r"python:3\.11-slim-bookworm@sha256:[0-9a-f]{64}", default), default


def test_the_image_trusts_no_proxy_by_default_and_keeps_the_key_out_of_the_log() -> None:
    dockerfile = _dockerfile()
    assert "FLOORKEEPER_ORGANISER_KEY_FILE=/data/organiser-key" in dockerfile
    (command,) = re.findall(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert "forwarded" not in command  # the server's default: 127.0.0.1, no proxy
    assert "FLOORKEEPER_FORWARDED_ALLOW_IPS" in dockerfile


def test_the_compose_example_trusts_its_proxy_and_only_it() -> None:
    compose = (ROOT / "docker-compose.example.yml").read_text()
    (trusted,) = re.findall(r"FLOORKEEPER_FORWARDED_ALLOW_IPS: (\S+)", compose)
    proxy = compose.split("\n  proxy:\n", 1)[1]
    assert f"ipv4_address: {trusted}" in proxy
    server = compose.split("\n  floorkeeper:\n", 1)[1].split("\n  proxy:\n", 1)[0]
    assert "ports:" not in server, "the server is reached through the proxy only"


# --- the organiser key's file -------------------------------------------------------------------


def test_a_generated_key_is_written_readable_by_its_user_only(tmp_path: Path) -> None:
    path = tmp_path / "organiser-key"
    previous = os.umask(0)  # the widest umask: the file must still be 0600
    try:
        kept = keyfile.keep("the-key", {keyfile.ENVIRONMENT: str(path)})
    finally:
        os.umask(previous)
    assert kept == path
    assert path.read_text() == "the-key\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["organiser-key"]  # no temporary left


def test_an_older_file_is_replaced_not_reused(tmp_path: Path) -> None:
    path = tmp_path / "organiser-key"
    path.write_text("old\n")
    path.chmod(0o644)
    assert keyfile.keep("new-key", {keyfile.ENVIRONMENT: str(path)}) == path
    assert path.read_text() == "new-key\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_a_file_the_key_is_not_kept(tmp_path: Path) -> None:
    assert keyfile.keep("the-key", {}) is None
    assert keyfile.keep("the-key", {keyfile.ENVIRONMENT: "  "}) is None


def test_a_file_that_cannot_be_written_leaves_the_key_to_be_shown(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "missing" / "organiser-key"
    with caplog.at_level(logging.WARNING, "floorkeeper.keyfile"):
        assert keyfile.keep("the-key", {keyfile.ENVIRONMENT: str(path)}) is None
    assert "could not write the organiser key" in caplog.text
    assert "the-key" not in caplog.text


def test_the_banner_says_where_the_key_is_not_what_it_is() -> None:
    line = keyfile.banner_line("/data/organiser-key")
    assert "/data/organiser-key" in line
