"""Serving helpers: the repository's nginx configuration (deploy/nginx/) in front of a
local app, and clients that send a request slowly and never finish it.

For the real-server tests and bench/slow_clients.py: the main configuration written here
holds only what differs from production (ports, and pid, log and temporary paths inside
a scratch folder, so that it runs without root); the proxy settings are the very files
in deploy/nginx/ that production includes.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy" / "nginx"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()),
        None,
    )


def local_config(folder: Path, *, port: int, upstream_port: int) -> str:
    """A whole nginx.conf for a scratch folder, including deploy/nginx/'s pieces."""
    # as root the workers would run as `nobody`, who cannot write the scratch folder
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {DEPLOY}/intake-http.conf;
    upstream intake_app {{
        server 127.0.0.1:{upstream_port};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        access_log {folder}/access.log intake;
        include {DEPLOY}/intake-proxy.conf;
    }}
}}
"""


@dataclass
class Nginx:
    port: int
    folder: Path
    process: subprocess.Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def access_log(self) -> str:
        path = self.folder / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # fast shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_nginx(folder: Path, *, port: int, upstream_port: int) -> Nginx:
    """Start nginx in the foreground; raises RuntimeError when it does not come up."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx-light)")
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(local_config(folder, port=port, upstream_port=upstream_port))
    process = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    server = Nginx(port, folder, process)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited at start-up:\n{server.log()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"nginx did not listen on {port}:\n{server.log()}")


class SlowClients:
    """N sockets trickling a request that never ends, until closed."""

    def __init__(self, port: int, count: int, kind: str):
        self.port, self.count, self.kind = port, count, kind
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run) for _ in range(count)]

    def _run(self):
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        except OSError:
            return
        with sock:
            if self.kind == "headers":
                first = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                drip = (f"X-Slow-{n}: x\r\n".encode() for n in range(10_000))
            else:
                first = (
                    b"POST /start/step/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 100000\r\n\r\n"
                )
                drip = (b"a" for _ in range(100_000))
            try:
                sock.sendall(first)
                for piece in drip:
                    if self.stop.wait(0.5):
                        return
                    sock.sendall(piece)
            except OSError:
                return  # the server gave up on us: fine

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        time.sleep(1.0)  # let every slow socket be accepted first
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)
