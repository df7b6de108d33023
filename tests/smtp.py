"""Real SMTP servers on loopback for the mail tests (aiosmtpd), and two bad ones."""

from __future__ import annotations

import asyncio
import email
import socket
import ssl
import subprocess
import threading
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping what it accepts; it can refuse or dawdle on demand."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse_rcpt = ""  # e.g. "451 4.3.0 try later" or "550 5.1.1 no such user"
        self.delay = 0.0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self._lock:
            return [m["Message-ID"] for m in self.messages]


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl), as (cert, key) files."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class SmtpServer:
    """aiosmtpd on 127.0.0.1. With `cert`: TLS (`tls="starttls"` or `"smtps"`) and,
    with `password`, AUTH required after it."""

    def __init__(self, *, user="", password="", cert=None, tls="starttls"):
        self.inbox = Inbox()
        self.port = free_port()
        kwargs = {}
        if cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*cert)
            if tls == "smtps":
                kwargs["ssl_context"] = context
            else:
                kwargs |= {"tls_context": context, "require_starttls": True}
        if password:
            kwargs |= {
                "authenticator": _Authenticator(user, password),
                "auth_required": True,
            }
        self.controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, **kwargs
        )

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def url(self, auth: str = "", *, scheme="smtp", query="") -> str:
        user = auth + "@" if auth else ""
        return f"{scheme}://{user}127.0.0.1:{self.port}{query}"


class _Authenticator:
    def __init__(self, user, password):
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login == self.user and auth_data.password == self.password
        )
        return AuthResult(success=ok, handled=False)


class SilentServer:
    """Accepts TCP connections and never says a word (a hung mail server)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]

    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.sock.close()
