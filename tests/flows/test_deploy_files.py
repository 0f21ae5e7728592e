"""Deployments are data: every entrypoint imports and is a flow; compose names its services."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml
from prefect import Flow

from flows.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"


def _load_entrypoint(entrypoint: str) -> object:
    path, name = entrypoint.split(":")
    spec = importlib.util.spec_from_file_location(f"_entry_{Path(path).stem}", PROJECT_ROOT / path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def test_every_deployment_entrypoint_imports_and_is_a_flow() -> None:
    config = yaml.safe_load((DEPLOY / "prefect.yaml").read_text())
    deployments = config["deployments"]
    assert {d["name"] for d in deployments} == {"parley-monitor", "parley-dispatch"}
    for deployment in deployments:
        assert isinstance(_load_entrypoint(deployment["entrypoint"]), Flow), deployment["name"]
        assert deployment["work_pool"]["name"] == "parley-pool"
        assert deployment["schedules"], deployment["name"]


def test_the_example_automation_reacts_to_transition_events() -> None:
    config = yaml.safe_load((DEPLOY / "prefect.yaml").read_text())
    triggers = [t for d in config["deployments"] for t in d.get("triggers", [])]
    assert any("parley.track.status-changed" in t["expect"] for t in triggers)


def test_the_compose_file_parses_and_names_the_services_the_readme_describes() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = set(compose["services"])
    assert services == {"postgres", "prefect-server", "parley-deploy", "parley-worker"}
    readme = (PROJECT_ROOT / "README.md").read_text()
    for service in services:
        assert f"`{service}`" in readme, service
    worker_env = compose["services"]["parley-worker"]["environment"]
    assert worker_env["PARLEY_DATABASE_URL"].startswith("postgresql://")
    assert worker_env["PREFECT_API_URL"] == "http://prefect-server:4200/api"


def test_stages_retry_only_when_the_database_connection_failed() -> None:
    from prefect.states import Failed
    from sqlalchemy.exc import OperationalError

    from flows.prefect_flows import (
        dispatch_alerts_task,
        fetch_articles_task,
        poll_feeds_task,
        retry_if_transient,
        store_articles_task,
    )

    dropped = Failed(data=OperationalError("select 1", {}, Exception("server closed")))
    assert retry_if_transient(None, None, dropped)
    assert not retry_if_transient(None, None, Failed(data=ValueError("bad input")))
    for stage in (poll_feeds_task, fetch_articles_task, store_articles_task, dispatch_alerts_task):
        assert stage.retries == 2 and stage.timeout_seconds
        assert stage.retry_condition_fn is retry_if_transient
