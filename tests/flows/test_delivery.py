"""Alert delivery through real channels: a webhook listener and an SMTP server on loopback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from standardwebhooks.webhooks import Webhook

from flows.channels import EmailChannel, JsonlChannel, WebhookChannel
from flows.dispatch import dispatch_pending
from flows.settings import ChannelConfig, DeliverySettings
from storage import outbox, tracks
from storage.db import make_engine, migrate, session_scope
from storage.models import Alert
from tests.storage.helpers import EVERY_TRANSITION, story
from tests.webhook_listener import WebhookListener

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
T0 = datetime(2025, 10, 29, 12, tzinfo=UTC)
FAST = DeliverySettings(max_attempts=3, backoff_base_s=0.0, backoff_max_s=0.0, timeout_s=2.0)


def _engine_with_transition(database_url: str, channel: str):
    engine = make_engine(database_url)
    migrate(engine)
    with session_scope(engine) as session:
        tracks.record_story(
            session,
            story("https://news.example/istanbul", "collapsed", T0),
            rules=EVERY_TRANSITION,
            channels=[channel],
            now=datetime.now(UTC),
        )
    return engine


def _states(engine) -> list[tuple[str, int]]:
    with session_scope(engine) as session:
        return [(a.state, a.attempts) for a in session.exec(select(Alert)).all()]


def test_webhook_payload_is_signed_and_verifies_with_the_secret(database_url: str) -> None:
    engine = _engine_with_transition(database_url, "hook")
    with WebhookListener() as listener:
        channel = WebhookChannel("hook", listener.url, SECRET, timeout_s=2)
        summary = dispatch_pending(engine, {"hook": channel}, FAST)
    assert summary.delivered == 1
    (delivery,) = listener.deliveries
    verified = Webhook(SECRET).verify(delivery.body, delivery.headers)
    assert verified["transition"] == {
        "id": 1,
        "from": None,
        "to": "collapsed",
        "at": T0.isoformat(),
        "confidence": 0.8,
        "correction": False,
    }
    assert verified["track"]["parties"] == ["Afghanistan", "Pakistan"]
    assert verified["evidence"][0]["sentence"] == "Talks collapsed, officials said."
    assert delivery.headers["webhook-id"] == verified["idempotency_key"]
    with pytest.raises(Exception, match="(?i)signature"):
        Webhook("whsec_" + "A" * 32).verify(delivery.body, delivery.headers)


def test_a_listener_failing_three_times_gets_the_alert_exactly_once(database_url: str) -> None:
    engine = _engine_with_transition(database_url, "hook")
    fast = DeliverySettings(max_attempts=5, backoff_base_s=0.0, backoff_max_s=0.0, timeout_s=2)
    with WebhookListener(status_for=lambda n: 500 if n <= 3 else 200) as listener:
        summary = dispatch_pending(
            engine, {"hook": WebhookChannel("hook", listener.url, SECRET, 2)}, fast
        )
        assert len(listener.deliveries) == 4
        assert len(listener.accepted()) == 1
    assert summary.failed == 3 and summary.delivered == 1
    assert _states(engine) == [("delivered", 4)]


def test_a_dead_listener_dead_letters_the_alert_and_retry_delivers_it(database_url: str) -> None:
    engine = _engine_with_transition(database_url, "hook")
    with WebhookListener(status_for=lambda n: 503) as down:
        dispatch_pending(engine, {"hook": WebhookChannel("hook", down.url, SECRET, 2)}, FAST)
        assert len(down.deliveries) == FAST.max_attempts
    assert _states(engine) == [("dead", FAST.max_attempts)]
    with WebhookListener() as back:
        channel = WebhookChannel("hook", back.url, SECRET, 2)
        assert dispatch_pending(engine, {"hook": channel}, FAST).delivered == 0  # dead stays dead
        with session_scope(engine) as session:
            (alert_id,) = session.exec(select(Alert.id)).all()
            outbox.retry(session, alert_id, now=datetime.now(UTC))
        assert dispatch_pending(engine, {"hook": channel}, FAST).delivered == 1
        assert len(back.deliveries) == 1
    assert _states(engine)[0][0] == "delivered"


def test_a_crashed_dispatchers_lease_expires_and_the_alert_is_delivered(database_url: str) -> None:
    engine = _engine_with_transition(database_url, "hook")
    with session_scope(engine) as session:  # a dispatcher claims, then dies before sending
        (claimed,) = outbox.claim(session, owner_lease_s=30, now=datetime.now(UTC))
    with WebhookListener() as listener:
        channel = {"hook": WebhookChannel("hook", listener.url, SECRET, 2)}
        assert dispatch_pending(engine, channel, FAST).delivered == 0  # still leased
        with session_scope(engine) as session:
            later = datetime.now(UTC) + timedelta(seconds=31)
            (again,) = outbox.claim(session, owner_lease_s=30, now=later)
        assert again.idempotency_key == claimed.idempotency_key


def test_an_email_reaches_a_real_smtp_server_with_track_and_evidence(tmp_path) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message) -> None:  # type: ignore[override]
            received.append(message)

    engine = _engine_with_transition(f"sqlite:///{tmp_path / 'p.db'}", "mail")
    port = _free_port()
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = ChannelConfig(
            name="mail",
            kind="email",
            smtp_host="127.0.0.1",
            smtp_port=port,
            security="none",
            sender="parley@example.org",
            recipients=["desk@example.org"],
        )
        summary = dispatch_pending(engine, {"mail": EmailChannel("mail", config, 5)}, FAST)
    finally:
        controller.stop()
    assert summary.delivered == 1, summary.errors
    (message,) = received
    from email.header import decode_header, make_header

    subject = str(make_header(decode_header(message["Subject"])))
    assert "Afghanistan–Pakistan" in subject and "new → collapsed" in subject
    plain = message.get_payload()[0].get_payload(decode=True).decode()
    assert "Talks collapsed, officials said." in plain
    assert "https://news.example/istanbul" in plain


def test_jsonl_channel_writes_a_retried_alert_once(tmp_path) -> None:
    path = tmp_path / "alerts.jsonl"
    channel = JsonlChannel("jsonl", path)
    alert = outbox.ClaimedAlert(1, "transition-1-jsonl", "transition", "jsonl", {"type": "x"}, 1)
    channel.send(alert)
    channel.send(alert)
    JsonlChannel("jsonl", path).send(alert)  # after a restart: known from the file
    assert len(path.read_text().splitlines()) == 1


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_apprise_url_delivers_to_a_real_listener(tmp_path) -> None:
    from flows.channels import AppriseChannel

    engine = _engine_with_transition(f"sqlite:///{tmp_path / 'p.db'}", "chat")
    with WebhookListener() as listener:
        url = listener.url.replace("http://", "json://")
        summary = dispatch_pending(engine, {"chat": AppriseChannel("chat", [url])}, FAST)
        (delivery,) = listener.deliveries
    assert summary.delivered == 1, summary.errors
    body = delivery.payload
    assert "Afghanistan–Pakistan" in body["title"] and "collapsed" in body["title"]
    assert "Talks collapsed, officials said." in body["message"]


def test_an_apprise_url_it_cannot_reach_is_retried_not_lost(tmp_path) -> None:
    from flows.channels import AppriseChannel

    engine = _engine_with_transition(f"sqlite:///{tmp_path / 'p.db'}", "chat")
    dead = f"json://127.0.0.1:{_free_port()}/hook"
    summary = dispatch_pending(engine, {"chat": AppriseChannel("chat", [dead])}, FAST)
    assert summary.delivered == 0 and summary.dead == 1
    assert _states(engine) == [("dead", FAST.max_attempts)]


def test_a_channel_that_crashes_costs_one_alert_a_retry_not_the_queue(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    migrate(engine)
    with session_scope(engine) as session:
        for url, status, day in (
            ("https://a.example/1", "ongoing", 0),
            ("https://a.example/2", "collapsed", 1),
        ):
            tracks.record_story(
                session,
                story(url, status, T0 + timedelta(days=day)),
                rules=EVERY_TRANSITION,
                channels=["flaky"],
                now=datetime.now(UTC),
            )

    class Flaky:
        name = "flaky"
        sent: list[str] = []

        def send(self, alert: outbox.ClaimedAlert) -> None:
            if alert.payload["transition"]["to"] == "ongoing":
                raise ValueError("a bug in a channel")
            self.sent.append(alert.idempotency_key)

    summary = dispatch_pending(engine, {"flaky": Flaky()}, FAST)
    assert summary.delivered == 1 and len(Flaky.sent) == 1
    assert any("ValueError" in e for e in summary.errors)
    assert sorted(_states(engine)) == [("dead", FAST.max_attempts), ("delivered", 1)]


def test_a_dispatcher_that_lost_its_lease_cannot_overwrite_the_outcome(database_url: str) -> None:
    engine = _engine_with_transition(database_url, "hook")
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        (slow,) = outbox.claim(session, owner_lease_s=30, now=now)
    with session_scope(engine) as session:  # the lease ran out; another dispatcher takes it
        (fast,) = outbox.claim(session, owner_lease_s=30, now=now + timedelta(seconds=31))
    with session_scope(engine) as session:
        assert outbox.mark_delivered(session, fast, now=now)
    with session_scope(engine) as session:
        state = outbox.mark_failed(
            session,
            slow,
            error="timeout",
            now=now,
            max_attempts=1,
            backoff_base_s=0,
            backoff_max_s=0,
        )
        assert not outbox.mark_delivered(session, slow, now=now)
    assert state == "delivered"
    assert _states(engine)[0][0] == "delivered"


def test_a_malformed_webhook_secret_is_a_settings_error() -> None:
    from flows.channels import build_channels
    from flows.settings import SettingsError

    config = ChannelConfig(name="hook", kind="webhook", url="https://h.example/", secret="whsec_a")
    with pytest.raises(SettingsError, match="Standard Webhooks secret"):
        build_channels([config], timeout_s=1)


def test_a_failing_webhook_does_not_leak_its_secret_url_into_errors(tmp_path) -> None:
    engine = _engine_with_transition(f"sqlite:///{tmp_path / 'p.db'}", "hook")
    with WebhookListener(status_for=lambda n: 500) as listener:
        secret_url = listener.url + "/T000/B000/XXXXsecretXXXX"
        channel = WebhookChannel("hook", secret_url, None, 2)
        summary = dispatch_pending(engine, {"hook": channel}, FAST)
    assert summary.errors and not any("XXXXsecretXXXX" in e for e in summary.errors)
    with session_scope(engine) as session:
        (alert,) = session.exec(select(Alert)).all()
    assert "XXXXsecretXXXX" not in (alert.last_error or "")
    assert "127.0.0.1" in (alert.last_error or "")


def _self_signed(tmp_path) -> tuple[str, str]:
    """A certificate for 127.0.0.1, its own CA, written to disk for both ends."""
    import ipaddress
    from datetime import timedelta as td

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "parley test relay")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - td(minutes=5))
        .not_valid_after(now + td(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_email_goes_over_verified_tls_to_a_real_smtp_server(tmp_path, security: str) -> None:
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message) -> None:  # type: ignore[override]
            received.append(message)

    cert, key = _self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    port = _free_port()
    if security == "starttls":
        controller = Controller(
            Collect(),
            hostname="127.0.0.1",
            port=port,
            tls_context=server_tls,
            require_starttls=True,
        )
    else:
        controller = Controller(Collect(), hostname="127.0.0.1", port=port, ssl_context=server_tls)
    engine = _engine_with_transition(f"sqlite:///{tmp_path / 'p.db'}", "mail")
    base = {
        "name": "mail",
        "kind": "email",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "security": security,
        "sender": "parley@example.org",
        "recipients": ["desk@example.org"],
    }
    controller.start()
    try:
        untrusted = EmailChannel("mail", ChannelConfig(**base), 5)
        refused = dispatch_pending(engine, {"mail": untrusted}, FAST)
        trusted = EmailChannel("mail", ChannelConfig(**base, ca_file=cert), 5)
        with session_scope(engine) as session:
            (alert_id,) = session.exec(select(Alert.id)).all()
            outbox.retry(session, alert_id, now=datetime.now(UTC))
        sent = dispatch_pending(engine, {"mail": trusted}, FAST)
    finally:
        controller.stop()
    assert refused.delivered == 0 and any("CERTIFICATE" in e.upper() for e in refused.errors)
    assert sent.delivered == 1, sent.errors
    assert len(received) == 1 and "collapsed" in str(received[0]["Subject"])
