"""Alert channels: one small class per kind, each with one `send` method.

A channel raises `DeliveryError` when the alert did not get through; the dispatcher then
retries with backoff. Every message carries the alert's idempotency key so a receiver can
drop the repeats that at-least-once delivery allows.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from html import escape
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import httpx
from rich.markup import escape as escape_markup

from flows.settings import ChannelConfig, SettingsError
from storage.outbox import ClaimedAlert


class DeliveryError(Exception):
    """The channel could not deliver the alert; the message says why."""


class Channel(Protocol):
    name: str

    def send(self, alert: ClaimedAlert) -> None: ...


def redact(url: str) -> str:
    """Scheme and host only: for Slack-style webhooks the rest of the URL is the secret,
    and error messages end up in logs, `parley alerts` and the web page."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<unparseable URL>"
    return f"{parts.scheme}://{host}{port}/…" if parts.scheme else "<URL>"


def headline(payload: dict) -> str:
    """One line a person reads first: parties, the change, the corroboration."""
    if payload.get("type") == "feed_health":
        return (
            f"Feed failing: {payload['feed']} "
            f"({payload['consecutive_failures']} failures in a row: {payload['error']})"
        )
    track, transition = payload["track"], payload["transition"]
    parties = "–".join(track["parties"])
    change = f"{transition['from'] or 'new'} → {transition['to']}"
    prefix = "Correction: " if transition.get("correction") else ""
    count = payload.get("source_count", 1)
    return f"{prefix}{parties} talks: {change} (reported by {count} source{'s' * (count != 1)})"


def plain_body(payload: dict) -> str:
    lines = [headline(payload), ""]
    if payload.get("type") != "feed_health":
        for item in payload.get("evidence", []):
            lines += [f"Evidence: {item['sentence']}", f"Source: {item['source']}", ""]
        for cond in payload.get("conditions", []):
            lines.append(f"- {cond['party']} ({cond['kind']}): {cond['text']}")
    return "\n".join(lines).rstrip() + "\n"


@dataclass
class ConsoleChannel:
    name: str

    def send(self, alert: ClaimedAlert) -> None:
        from rich.console import Console

        console = Console(stderr=False, highlight=False)
        # Article text and URLs may contain "[...]", which Rich would read as markup.
        console.print(f"[bold yellow]ALERT[/bold yellow] {escape_markup(headline(alert.payload))}")
        for item in alert.payload.get("evidence", []):
            console.print(f"      evidence: {item['sentence']}", markup=False)
            console.print(f"      source:   {item['source']}", markup=False)


@dataclass
class JsonlChannel:
    """One JSON line per alert. A file has no idempotency of its own, so the keys already
    written are read once per channel and a retried alert is not written twice."""

    name: str
    path: Path
    _written: set[str] | None = None

    def send(self, alert: ClaimedAlert) -> None:
        line = json.dumps(
            {"id": alert.idempotency_key, "channel": self.name} | alert.payload, ensure_ascii=False
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._written is None:
                self._written = _keys_in(self.path)
            if alert.idempotency_key in self._written:
                return
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            self._written.add(alert.idempotency_key)
        except OSError as exc:
            raise DeliveryError(f"cannot write {self.path}: {exc}") from exc


def _keys_in(path: Path) -> set[str]:
    if not path.exists():
        return set()
    keys = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                keys.add(json.loads(line).get("id"))
            except (ValueError, AttributeError):
                continue  # a torn last line from a crash is not a key
    return keys


@dataclass
class WebhookChannel:
    """POST the payload, signed as the Standard Webhooks specification says."""

    name: str
    url: str
    secret: str | None
    timeout_s: float
    _client: httpx.Client | None = None

    def send(self, alert: ClaimedAlert) -> None:
        from datetime import UTC, datetime

        body = json.dumps(alert.payload, ensure_ascii=False)
        now = datetime.now(UTC)
        headers = {
            "content-type": "application/json",
            "webhook-id": alert.idempotency_key,
            "webhook-timestamp": str(int(now.timestamp())),
        }
        if self.secret:
            from standardwebhooks.webhooks import Webhook

            headers["webhook-signature"] = Webhook(self.secret).sign(
                alert.idempotency_key, now, body
            )
        if self._client is None:  # one connection pool per channel, not one per alert
            self._client = httpx.Client(timeout=self.timeout_s)
        try:
            response = self._client.post(self.url, content=body.encode(), headers=headers)
        except httpx.HTTPError as exc:
            reason = str(exc).replace(self.url, redact(self.url))
            raise DeliveryError(
                f"webhook {redact(self.url)}: {type(exc).__name__}: {reason}"
            ) from exc
        if response.status_code >= 300:
            raise DeliveryError(f"webhook {redact(self.url)} answered HTTP {response.status_code}")


@dataclass
class EmailChannel:
    name: str
    config: ChannelConfig
    timeout_s: float

    def _tls(self) -> ssl.SSLContext:
        return _tls_context(self.config.ca_file)

    def send(self, alert: ClaimedAlert) -> None:
        cfg = self.config
        message = EmailMessage()
        message["Subject"] = "[parley] " + headline(alert.payload)
        message["From"] = cfg.sender or "parley@localhost"
        message["To"] = ", ".join(cfg.recipients)
        message["Message-ID"] = f"<{alert.idempotency_key}@parley>"
        message["X-Parley-Idempotency-Key"] = alert.idempotency_key
        text = plain_body(alert.payload)
        message.set_content(text)
        message.add_alternative(_html_body(alert.payload), subtype="html")
        host, port = cfg.smtp_host or "127.0.0.1", cfg.smtp_port
        try:
            if cfg.security == "tls":
                server: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, port or 465, timeout=self.timeout_s, context=self._tls()
                )
            else:
                server = smtplib.SMTP(host, port or 587, timeout=self.timeout_s)
            with server:
                if cfg.security == "starttls":
                    server.starttls(context=self._tls())
                if cfg.username:
                    server.login(cfg.username, cfg.password or "")
                server.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"email via {host}:{port}: {type(exc).__name__}: {exc}") from exc


def _tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Certificates are always verified; `ca_file` adds a private CA (an internal relay)."""
    return ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()


def _html_body(payload: dict) -> str:
    parts = [f"<h2>{escape(headline(payload))}</h2>"]
    for item in payload.get("evidence", []):
        parts.append(
            f"<blockquote>{escape(item['sentence'])}</blockquote>"
            f'<p><a href="{escape(item["source"], quote=True)}">{escape(item["source"])}</a></p>'
        )
    conditions = payload.get("conditions", [])
    if conditions:
        parts.append("<ul>")
        parts += [
            f"<li><b>{escape(c['party'])}</b> ({escape(c['kind'])}): {escape(c['text'])}</li>"
            for c in conditions
        ]
        parts.append("</ul>")
    return "<html><body>" + "".join(parts) + "</body></html>"


@dataclass
class AppriseChannel:
    name: str
    urls: list[str]

    def send(self, alert: ClaimedAlert) -> None:
        import apprise

        notifier = apprise.Apprise()
        for url in self.urls:
            if not notifier.add(url):
                raise DeliveryError(f"apprise does not understand the URL {redact(url)}")
        if not notifier.notify(title=headline(alert.payload), body=plain_body(alert.payload)):
            raise DeliveryError(f"apprise could not notify {len(self.urls)} URL(s)")


def _check_webhook_secret(name: str, secret: str) -> None:
    from standardwebhooks.webhooks import Webhook

    try:
        Webhook(secret)
    except Exception as exc:  # binascii.Error and friends: say which setting is wrong
        raise SettingsError(
            f"channel {name!r}: `secret` must be a Standard Webhooks secret "
            f'("whsec_" followed by base64): {exc}'
        ) from exc


def build_channels(configs: list[ChannelConfig], *, timeout_s: float) -> dict[str, Channel]:
    channels: dict[str, Channel] = {}
    for cfg in configs:
        if cfg.kind == "console":
            channels[cfg.name] = ConsoleChannel(cfg.name)
        elif cfg.kind == "jsonl":
            channels[cfg.name] = JsonlChannel(cfg.name, Path(cfg.path or "var/alerts.jsonl"))
        elif cfg.kind == "webhook":
            if not cfg.url:
                raise SettingsError(f"channel {cfg.name!r}: a webhook needs `url`")
            if cfg.secret:
                _check_webhook_secret(cfg.name, cfg.secret)
            channels[cfg.name] = WebhookChannel(cfg.name, cfg.url, cfg.secret, timeout_s)
        elif cfg.kind == "email":
            if not cfg.recipients:
                raise SettingsError(f"channel {cfg.name!r}: email needs `recipients`")
            channels[cfg.name] = EmailChannel(cfg.name, cfg, timeout_s)
        elif cfg.kind == "apprise":
            if not cfg.urls:
                raise SettingsError(f"channel {cfg.name!r}: apprise needs `urls`")
            channels[cfg.name] = AppriseChannel(cfg.name, list(cfg.urls))
    return channels
