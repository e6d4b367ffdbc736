"""Facts about the machine and the run, recorded with every result."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["cpu_seconds", "machine", "peak_rss_mb", "rss_mb", "worker_pids"]

ROOT = Path(__file__).resolve().parent.parent


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, text=True,
                               capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def machine() -> dict:
    """Date, cores, CPU model, load, Python and commit."""
    return {"date": datetime.now(UTC).isoformat(timespec="seconds"),
            "cores": os.cpu_count(), "cpu_model": _cpu_model(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(), "commit": _git_commit()}


def _status(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb(pid: int) -> float:
    """Resident memory of a process now, in MiB."""
    return _status(pid, "VmRSS")


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of a process so far, in MiB."""
    return _status(pid, "VmHWM")


def worker_pids(master: int) -> list[int]:
    """The child processes of a gunicorn master (its workers)."""
    pids = []
    for task in Path(f"/proc/{master}/task").iterdir():
        text = (task / "children").read_text().split()
        pids.extend(int(p) for p in text)
    return sorted(pids)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
