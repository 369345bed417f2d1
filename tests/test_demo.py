"""`backstory demo` as a user runs it: a real process serving real HTTP on 127.0.0.1."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import httpx

BACKSTORY = [sys.executable, "-m", "backstory"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_loads_once_and_serves_the_stories(db_path: str) -> None:
    db = db_path
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [*BACKSTORY, "--db", str(db), "demo", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
    )
    try:
        home = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                home = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        assert home is not None, f"the demo never served: {server.stdout and server.stdout.read()}"
        assert home.status_code == 200
        assert len(set(re.findall(r'href="/stories/(s[0-9a-f]+)"', home.text))) >= 6
    finally:
        server.terminate()
        server.wait(timeout=20)
    again = subprocess.run([*BACKSTORY, "--db", str(db), "demo", "--no-serve"],
                           capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 0
    assert "already loaded" in again.stderr
