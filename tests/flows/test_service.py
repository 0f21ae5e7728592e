"""parley as a service: a real Prefect server on loopback, scheduled runs, workers."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from storage.db import make_engine
from storage.models import Story, StorySource
from tests.flows.prefect_server import flow_runs, prefect_env, prefect_server
from tests.flows.test_monitor_flow import _serve_seeds
from tests.http_server import LocalHTTPServer
from tests.webhook_listener import WebhookListener

PARLEY = str(Path(sys.executable).with_name("parley"))
PREFECT = str(Path(sys.executable).with_name("prefect"))
REPO = Path(__file__).resolve().parents[2]


def _config(tmp_path: Path, feed_url: str, database_url: str, hook_url: str) -> Path:
    config = tmp_path / "parley.toml"
    config.write_text(
        f'database_url = "{database_url}"\n'
        f'report_path = "{tmp_path / "report.html"}"\n'
        f'[[feeds]]\nurl = "{feed_url}"\ninterval_minutes = 0.05\n'
        f'[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "{hook_url}"\n'
    )
    return config


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.mark.prefect
@pytest.mark.postgres
@pytest.mark.model
@pytest.mark.slow
def test_serve_runs_monitor_on_schedule_with_artifacts_and_events(
    tmp_path: Path, postgres_url: str
) -> None:
    database_url = f"sqlite:///{tmp_path / 'parley.db'}"
    with (
        prefect_server(tmp_path, postgres_url) as api,
        LocalHTTPServer() as feeds,
        WebhookListener() as hook,
    ):
        config = _config(tmp_path, _serve_seeds(feeds), database_url, hook.url)
        serve = subprocess.Popen(
            [PARLEY, "serve", "--every", "10", "--dispatch-every", "60", "--config", str(config)],
            cwd=tmp_path,
            env=prefect_env(tmp_path, api),
            stdout=(tmp_path / "serve.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        try:

            def two_completed() -> bool:
                runs = flow_runs(api, "monitor")
                return sum(r["state_type"] == "COMPLETED" for r in runs) >= 2

            _wait_for(two_completed, 240, "two completed monitor runs")
        finally:
            serve.terminate()
            serve.wait(timeout=30)

        runs = flow_runs(api, "monitor")
        completed = [r for r in runs if r["state_type"] == "COMPLETED"]
        assert all(r["deployment_id"] for r in completed)  # scheduled, not ad hoc
        artifacts = httpx.post(f"{api}/artifacts/filter", json={"limit": 50}, timeout=10).json()
        keys = Counter(a["key"] for a in artifacts)
        assert keys["monitor-summary"] >= 2 and keys["track-status"] >= 2
        assert keys["timeline-report"] >= 2
        summaries = [a["data"] for a in artifacts if a["key"] == "monitor-summary"]
        assert any("collapsed → **deadlock**" in s for s in summaries)
        events = httpx.post(
            f"{api}/events/filter",
            json={"filter": {"event": {"name": ["parley.track.status-changed"]}}, "limit": 50},
            timeout=10,
        ).json()["events"]
        assert {(e["payload"]["from"], e["payload"]["to"]) for e in events} == {
            (None, "collapsed"),
            ("collapsed", "deadlock"),
        }
        assert len(events) == 2
        assert {e["resource"]["prefect.resource.id"] for e in events} == {"parley.track.1"}
        deployments = httpx.post(f"{api}/deployments/filter", json={}, timeout=10).json()
        assert {d["name"] for d in deployments} >= {"parley-monitor", "parley-dispatch"}
        ui = httpx.get(
            api.removesuffix("/api") + "/",
            headers={"accept": "text/html"},
            follow_redirects=True,
            timeout=10,
        )
        assert ui.status_code == 200 and "<html" in ui.text.lower()
    print(f"\nserve: {len(completed)} scheduled monitor runs completed; events {len(events)}")


@pytest.mark.prefect
@pytest.mark.postgres
@pytest.mark.model
@pytest.mark.slow
def test_two_workers_with_overlapping_runs_store_each_article_and_alert_once(
    tmp_path: Path, postgres_url: str
) -> None:
    import uuid

    import psycopg

    from tests.conftest import POSTGRES_ADMIN_URL

    parley_db = f"parley_svc_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{parley_db}"')
    parley_url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + parley_db
    workers: list[subprocess.Popen[bytes]] = []
    try:
        with (
            prefect_server(tmp_path, postgres_url) as api,
            LocalHTTPServer() as feeds,
            WebhookListener() as hook,
        ):
            config = _config(tmp_path, _serve_seeds(feeds), parley_url, hook.url)
            env = prefect_env(tmp_path, api) | {"PARLEY_HOME": str(REPO)}
            subprocess.run(
                [PREFECT, "work-pool", "create", "parley-pool", "--type", "process"],
                env=env,
                check=True,
                capture_output=True,
                timeout=60,
            )
            subprocess.run(
                [
                    PREFECT,
                    "--no-prompt",
                    "deploy",
                    "--all",
                    "--prefect-file",
                    str(REPO / "deploy" / "prefect.yaml"),
                ],
                env=env,
                cwd=REPO,
                check=True,
                capture_output=True,
                timeout=120,
            )
            for name in ("w1", "w2"):
                workers.append(
                    subprocess.Popen(
                        [
                            PREFECT,
                            "worker",
                            "start",
                            "--pool",
                            "parley-pool",
                            "--name",
                            name,
                            "--limit",
                            "2",
                        ],
                        env=env,
                        cwd=REPO,
                        stdout=(tmp_path / f"{name}.log").open("w"),
                        stderr=subprocess.STDOUT,
                    )
                )
            for _ in range(4):  # overlapping runs over the same feed
                subprocess.run(
                    [
                        PREFECT,
                        "deployment",
                        "run",
                        "monitor/parley-monitor",
                        "--param",
                        f"config={config}",
                        "--param",
                        "only_due=false",
                    ],
                    env=env,
                    check=True,
                    capture_output=True,
                    timeout=60,
                )

            def four_finished() -> bool:
                runs = [r for r in flow_runs(api, "monitor") if r["parameters"].get("config")]
                return len(runs) >= 4 and all(
                    r["state_type"] in ("COMPLETED", "FAILED", "CRASHED") for r in runs
                )

            _wait_for(four_finished, 300, "four monitor runs to finish")
            runs = [r for r in flow_runs(api, "monitor") if r["parameters"].get("config")]
            subprocess.run([PARLEY, "dispatch", "--config", str(config)], env=env, timeout=120)
            deliveries = Counter(d.headers["webhook-id"] for d in hook.deliveries)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    engine = make_engine(parley_url)
    with Session(engine) as session:
        stories = session.exec(select(Story)).all()
        sources = session.exec(select(StorySource)).all()
    engine.dispose()
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parley_db}" WITH (FORCE)')
    assert [r["state_type"] for r in runs] == ["COMPLETED"] * 4
    assert len(stories) == 2 and len(sources) == 2
    assert len(deliveries) == 2 and set(deliveries.values()) == {1}
    print(
        f"\n2 workers, 4 overlapping runs: {len(stories)} stories, "
        f"{sum(deliveries.values())} webhook deliveries of {len(deliveries)} alerts"
    )
