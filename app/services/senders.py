"""How outbox messages leave: e-mail over SMTP, and SMS/Zalo through a pluggable sender.

``senders_from_config`` builds the senders the configuration asks for:

- ``MAIL_SERVER`` (with MAIL_PORT, MAIL_USE_TLS, MAIL_USERNAME, MAIL_PASSWORD,
  MAIL_FROM): e-mail over SMTP; without it, no e-mail is queued at all.
- ``SMS_SENDER``: "file" (default: one JSON line per message in
  ``instance/outbox/sms.jsonl``, for development and for offices that hand
  the file to their SMS gateway), "log" (the message goes to the log), "off",
  or "package.module:ClassName" — a class of your own, built with the app's
  config, whose ``send(message)`` talks to a Zalo OA or an SMS gateway.
"""

from __future__ import annotations

import importlib
import json
import logging
import smtplib
import threading
from collections.abc import Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from app.services.outbox import Channel, Sender
from models import OutboxMessage

log = logging.getLogger("motcua.outbox")


class SmtpSender:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self.host = config["MAIL_SERVER"]
        self.port = int(config.get("MAIL_PORT") or 587)
        self.use_tls = bool(config.get("MAIL_USE_TLS", True))
        self.username = config.get("MAIL_USERNAME") or ""
        self.password = config.get("MAIL_PASSWORD") or ""
        self.sender = config.get("MAIL_FROM") or f"motcua@{self.host}"
        self.timeout = float(config.get("MAIL_TIMEOUT") or 20)

    def send(self, message: OutboxMessage) -> None:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.address
        mail["Subject"] = message.subject
        mail.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(mail)


class FileSender:
    """Appends each message as a JSON line to a file (development; or a gateway that reads the file)."""

    _lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, message: OutboxMessage) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({
            "id": message.id, "channel": message.channel, "to": message.address, "kind": message.kind,
            "subject": message.subject, "body": message.body,
        }, ensure_ascii=False)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


class LogSender:
    def send(self, message: OutboxMessage) -> None:
        # The address is personal data: the log says which message, not to whom.
        log.info("outbox message %s (%s, %s) sent to the log", message.id, message.channel, message.kind)


def senders_from_config(config: Mapping[str, Any], instance_path: str) -> dict[Channel, Sender]:
    senders: dict[Channel, Sender] = {}
    if config.get("MAIL_SERVER"):
        senders[Channel.EMAIL] = SmtpSender(config)
    choice = (config.get("SMS_SENDER") or "file").strip()
    if choice == "file":
        senders[Channel.SMS] = FileSender(Path(instance_path) / "outbox" / "sms.jsonl")
    elif choice == "log":
        senders[Channel.SMS] = LogSender()
    elif choice != "off":
        module_name, _, class_name = choice.partition(":")
        if not class_name:
            raise ValueError("SMS_SENDER phải có dạng 'gói.mô_đun:TênLớp', 'file', 'log' hoặc 'off'.")
        senders[Channel.SMS] = getattr(importlib.import_module(module_name), class_name)(config)
    return senders
