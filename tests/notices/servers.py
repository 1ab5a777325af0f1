"""Real servers on loopback for the message channels: an SMTP server (aiosmtpd) and an SMS
gateway (http.server). Other test packages may import these fixtures into their conftest."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """An SMTP server on 127.0.0.1 that keeps what it receives; stop() and start() it to
    play a mail server that is down."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def bodies(self, to: str) -> list[str]:
        return [m.get_content() for rcpt, m in self.received if to in rcpt]


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server, with Django's e-mail settings pointing at it."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    yield server
    server.stop()


class SmsGateway:
    """An HTTP SMS gateway on 127.0.0.1 that keeps the JSON it receives and answers `status`."""

    def __init__(self) -> None:
        self.received: list[tuple[dict, str | None]] = []
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append((json.loads(body), self.headers.get("Authorization")))
                self.send_response(gateway.status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms_gateway(settings):
    gateway = SmsGateway()
    settings.BUKVE_SMS_URL, settings.BUKVE_SMS_TOKEN = gateway.url, "s3cret"
    yield gateway
    gateway.close()
