"""Analysis workers keep freed memory for their next batch instead of returning it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from backstory import memory

# Allocates and frees a 200 MB block, then prints how much of it the process still holds.
_PROBE = textwrap.dedent("""
    import importlib.util, os, sys
    spec = importlib.util.spec_from_file_location("memory", sys.argv[2])
    memory = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(memory)  # alone: importing the package would load spaCy
    if sys.argv[1] == "keep" and not memory.keep_freed_memory():
        print("unsupported"); raise SystemExit
    page = os.sysconf("SC_PAGE_SIZE")
    def resident():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * page
    before = resident()
    block = bytearray(200 << 20)
    del block
    print((resident() - before) >> 20)
""")


def _held_after_free(mode: str) -> str:
    done = subprocess.run([sys.executable, "-c", _PROBE, mode, memory.__file__],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_keeps_a_freed_block_that_the_default_returns() -> None:
    kept = _held_after_free("keep")
    if kept == "unsupported":
        pytest.skip("the C library has no mallopt (not glibc)")
    assert int(kept) >= 190  # still resident, ready for the next batch
    assert int(_held_after_free("default")) < 10  # glibc's default unmaps it on free
