"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives; the `mail_server`
fixture (tests/conftest.py) points the app at it."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """The handler: every message the server accepted, parsed. It can be told to fail the way
    real servers fail: answer the content late (a content scanner: the message is stored, the
    250 comes after the client's timeout), refuse the content (`data_answer`, e.g. "451 …"
    or "554 …"), or answer QUIT with an error after a 250."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.answer_late = 0.0
        self.data_answer: str | None = None
        self.quit_answer = "221 Bye"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.data_answer is not None:
            return self.data_answer
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content,  # type: ignore[arg-type]
                                                    policy=policy.default))
        if self.answer_late:
            await asyncio.sleep(self.answer_late)
        return "250 OK"

    async def handle_QUIT(self, _server: Any, _session: Any, _envelope: Any) -> str:
        return self.quit_answer

    def ids(self) -> list[str]:
        with self.lock:
            return [str(m["X-Consortium-Notice"]) for m in self.messages]


class MailServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
