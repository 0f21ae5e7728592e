"""Several dispatchers on PostgreSQL, and one killed mid-run: every alert arrives, once.

Real processes (`parley dispatch`), a real listener, the local PostgreSQL. The figures are
printed for the issue's record; nothing here asserts a speed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from storage.db import make_engine, migrate
from storage.models import Alert
from tests.webhook_listener import WebhookListener

PARLEY = str(Path(sys.executable).with_name("parley"))


def _fill_outbox(database_url: str, count: int) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    now = datetime.now(UTC)
    with Session(engine) as session:
        for n in range(count):
            key = f"transition-{n}-hook"
            session.add(
                Alert(
                    idempotency_key=key,
                    kind="transition",
                    channel="hook",
                    payload={"type": "track.status_changed", "idempotency_key": key, "n": n},
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        session.commit()
    engine.dispose()


def _config(tmp_path: Path, database_url: str, hook_url: str, lease_s: float = 60) -> Path:
    config = tmp_path / "parley.toml"
    config.write_text(
        f'database_url = "{database_url}"\nfeeds = []\n'
        f'[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "{hook_url}"\n'
        f"[delivery]\nlease_s = {lease_s}\nbackoff_base_s = 0\nmax_attempts = 3\n"
    )
    return config


def _dispatcher(config: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    return subprocess.Popen(
        [PARLEY, "dispatch", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _states(database_url: str) -> Counter[str]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        states = Counter(a.state for a in session.exec(select(Alert)).all())
    engine.dispose()
    return states


@pytest.mark.postgres
@pytest.mark.slow
def test_four_dispatchers_deliver_a_thousand_alerts_exactly_once(
    tmp_path: Path, postgres_url: str
) -> None:
    _fill_outbox(postgres_url, 1000)
    with WebhookListener() as listener:
        config = _config(tmp_path, postgres_url, listener.url)
        started = time.perf_counter()
        workers = [_dispatcher(config) for _ in range(4)]
        outputs = [w.communicate(timeout=300) for w in workers]
        elapsed = time.perf_counter() - started
        keys = Counter(d.headers["webhook-id"] for d in listener.deliveries)
    assert all(w.returncode == 0 for w in workers), [err[-2000:] for _, err in outputs]
    assert len(keys) == 1000 and set(keys.values()) == {1}
    assert _states(postgres_url) == Counter({"delivered": 1000})
    split = [out.strip().splitlines()[-1] if out.strip() else "delivered 0" for out, _ in outputs]
    print(
        f"\n4 dispatchers, 1000 alerts on PostgreSQL: {sum(keys.values())} deliveries, "
        f"{len(keys)} distinct, {elapsed:.1f} s; per dispatcher: {split}"
    )


@pytest.mark.postgres
@pytest.mark.slow
def test_a_dispatcher_killed_mid_run_loses_nothing_and_repeats_at_most_one(
    tmp_path: Path, postgres_url: str
) -> None:
    total, lease_s = 200, 2.0
    _fill_outbox(postgres_url, total)
    with WebhookListener(delay_s=0.02) as listener:
        config = _config(tmp_path, postgres_url, listener.url, lease_s=lease_s)
        victim = _dispatcher(config)
        deadline = time.monotonic() + 60
        while len(listener.deliveries) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        before_restart = len(listener.deliveries)
        time.sleep(lease_s + 0.5)  # the dead dispatcher's leases run out
        survivor = _dispatcher(config)
        _, err = survivor.communicate(timeout=300)
        keys = Counter(d.headers["webhook-id"] for d in listener.deliveries)
    assert survivor.returncode == 0, err[-2000:]
    assert 0 < before_restart < total
    assert len(keys) == total
    repeated = [k for k, n in keys.items() if n > 1]
    assert len(repeated) <= 1 and all(keys[k] == 2 for k in repeated)
    assert _states(postgres_url) == Counter({"delivered": total})
    print(
        f"\nSIGKILL after {before_restart} deliveries; after restart all {total} arrived, "
        f"repeated: {repeated or 'none'}"
    )
