"""A Redis server of the test run's own: a private `redis-server` on a free port.

The tests that count sign-ins across hosts need a real Redis and empty it between
tests. They never touch a Redis something else may use (the machine's on 6379, any
database number): they start their own, in memory, bound to 127.0.0.1, stopped at
the end of the run.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path


class RedisServer:
    def __init__(self, folder: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError(
                "redis-server is not installed (Debian: apt-get install redis-server)"
            )
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited ({self.process.returncode})")
            try:
                if self.command("PING") == b"+PONG\r\n":
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not answer within 10 s")

    def command(self, *words: str) -> bytes:
        """One inline command on a fresh connection; the raw reply line."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=3) as conn:
            conn.sendall((" ".join(words) + "\r\n").encode())
            return conn.recv(65536)

    def flush(self) -> None:
        """Empty this private server (never any other)."""
        assert self.command("FLUSHALL") == b"+OK\r\n"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
