"""Where messages go: an SMTP server named by one URL, or .eml files in a folder.

INTAKE_MAIL_URL examples:
  smtp://user:secret@mail.example.com:587?starttls   STARTTLS, then AUTH
  smtps://user:secret@mail.example.com                TLS from the first byte (port 465)
  smtp://127.0.0.1:1025                               plain, no auth (a local relay)
  (empty)                                             .eml files in instance/outbox/
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

SCHEMES = {"smtp": 25, "smtps": 465}


class MailUrlError(ValueError):
    """INTAKE_MAIL_URL cannot be understood."""


class DeliveryError(Exception):
    """A message did not leave; `temporary` says whether trying again may help."""

    def __init__(self, detail: str, *, temporary: bool, unreachable: bool = False):
        super().__init__(detail)
        self.detail = detail[:500]
        self.temporary = temporary
        # no conversation with the server at all (refused, timed out, cut off): the
        # next message would meet the same, so the worker's pass stops
        self.unreachable = unreachable


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # "tls" (smtps), "starttls" or "none"
    username: str = ""
    password: str = ""

    def describe(self) -> str:
        """The server without its password, for logs and the workspace."""
        user = f"{self.username}@" if self.username else ""
        return f"{self.security} {user}{self.host}:{self.port}"


def parse_mail_url(url: str) -> SmtpServer | None:
    """The SMTP server of INTAKE_MAIL_URL; None when empty (files instead)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise MailUrlError(
            "INTAKE_MAIL_URL must look like smtp://user:password@host:587?starttls or "
            "smtps://user:password@host (or be empty to write .eml files)"
        )
    query = parse_qs(parts.query, keep_blank_values=True)
    if parts.scheme == "smtps":
        security = "tls"
    elif "starttls" in query:
        security = "starttls"
    else:
        security = "none"
    try:
        port = parts.port or (587 if security == "starttls" else SCHEMES[parts.scheme])
    except ValueError:
        raise MailUrlError("INTAKE_MAIL_URL has an invalid port") from None
    return SmtpServer(
        host=parts.hostname,
        port=port,
        security=security,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def send_smtp(
    server: SmtpServer, message: EmailMessage, *, timeout: float, helo: str
) -> None:
    """Hand the message to the server; raises DeliveryError saying whether to retry.

    `helo` names this host (smtplib would otherwise look its name up in DNS, slowly).
    """
    try:
        with _connect(server, timeout, helo) as smtp:
            if server.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if server.username:
                smtp.login(server.username, server.password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        raise _refused(code, text, "recipient refused") from None
    except smtplib.SMTPDataError as exc:
        raise _refused(exc.smtp_code, exc.smtp_error, "message refused") from None
    except smtplib.SMTPResponseException as exc:
        # sender or authentication refused: a setting to fix, then the retry goes out
        raise DeliveryError(
            f"server answered {exc.smtp_code}: {_text(exc.smtp_error)}", temporary=True
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(
            f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__,
            temporary=True,
            unreachable=isinstance(exc, OSError | smtplib.SMTPServerDisconnected),
        ) from None


def _connect(server: SmtpServer, timeout: float, helo: str) -> smtplib.SMTP:
    if server.security == "tls":
        return smtplib.SMTP_SSL(
            server.host,
            server.port,
            local_hostname=helo,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    return smtplib.SMTP(server.host, server.port, local_hostname=helo, timeout=timeout)


def _text(raw) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _refused(code: int, text, what: str) -> DeliveryError:
    # 4xx: try later; 5xx: the server will never take it
    return DeliveryError(
        f"{what}: {code} {_text(text)}", temporary=not 500 <= int(code) < 600
    )


def write_eml(directory: Path, name: str, message: EmailMessage) -> Path:
    """Write the message as NAME.eml, replacing an earlier copy (so never twice)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.eml"
    tmp = directory / f".{name}.{os.getpid()}.tmp"
    try:
        tmp.write_bytes(message.as_bytes())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise DeliveryError(
            f"cannot write {path}: {exc.strerror}", temporary=True, unreachable=True
        ) from None
    return path
