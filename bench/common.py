"""Measuring helpers the benchmarks share: CPU time and peak memory of a run."""

from __future__ import annotations

import resource
from pathlib import Path

__all__ = ["cpu_seconds", "maxrss_mb", "peak_mb", "reset_peak"]


def reset_peak() -> bool:
    """Reset this process's peak RSS (Linux >= 4.0); False where that is not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_mb(reset: bool) -> float:
    """This process's peak RSS since `reset_peak` (when it worked), else since start."""
    if reset:
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
    return maxrss_mb(resource.RUSAGE_SELF)


def maxrss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime
