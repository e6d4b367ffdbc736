"""``moderation-serve``: start the service under gunicorn, training a model first if none.

It is what ``make serve`` and the Docker image run. Options not listed here go to
gunicorn unchanged (e.g. ``moderation-serve -- --workers 4``).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

from service.config import ConfigError, load_config

__all__ = ["ensure_dev_key", "main"]


def ensure_dev_key(path: Path) -> str:
    """A random client key stored in ``path`` (created 0600 on first use)."""
    if path.is_file():
        return path.read_text(encoding="utf-8").strip().splitlines()[0]
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    return key


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    p = argparse.ArgumentParser(prog="moderation-serve", description=__doc__.split("\n")[0])
    p.add_argument("--bind", default=os.environ.get("GUNICORN_BIND", "127.0.0.1:8000"),
                   help="address:port to listen on (default 127.0.0.1:8000)")
    p.add_argument("--no-train", action="store_true",
                   help="do not train a model when none is built")
    p.add_argument("--dev-key-file", type=Path,
                   help="create (once) a random API key in this file and accept it")
    p.add_argument("gunicorn_args", nargs=argparse.REMAINDER,
                   help="extra arguments for gunicorn, after --")
    args = p.parse_args(argv)
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.no_train:
        from training.train import main as train_main

        status = train_main(["--models-dir", config["MODEL_DIR"], "--if-missing"])
        if status:
            return status
    if args.dev_key_file:
        key = ensure_dev_key(args.dev_key_file)
        keys = [k for k in os.environ.get("MODERATION_API_KEYS", "").split(",") if k]
        os.environ["MODERATION_API_KEYS"] = ",".join([*keys, key])
        print(f"API key for this service: in {args.dev_key_file}", file=sys.stderr)
    conf = Path(__file__).with_name("gunicorn_conf.py")
    extra = [a for a in args.gunicorn_args if a != "--"]
    argv_g = ["gunicorn", "-c", str(conf), "--bind", args.bind, *extra]
    os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", *argv_g[1:]])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
