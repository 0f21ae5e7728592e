"""The `parley` command as a user runs it: a subprocess in a clean working directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.settings import PROJECT_ROOT

PARLEY = str(Path(sys.executable).with_name("parley"))
SEEDS = PROJECT_ROOT / "seeds"


def _parley(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "PREFECT_API"))}
    env["PREFECT_HOME"] = str(cwd / ".prefect")
    return subprocess.run(
        [PARLEY, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.model
@pytest.mark.prefect
@pytest.mark.slow
def test_the_main_job_on_the_defaults_prints_the_deadlocked_track(tmp_path: Path) -> None:
    first = _parley("run", "--once", cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Afghanistan – Pakistan: status deadlock" in first.stdout
    assert "none → collapsed" in first.stdout and "collapsed → deadlock" in first.stdout
    assert "2 transition(s); 4 alert(s) delivered, 0 failed" in first.stdout

    again = _parley("run", "--once", cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 new entr(ies), 0 stored" in again.stdout and "0 transition(s)" in again.stdout

    alerts_file = tmp_path / "var" / "alerts.jsonl"
    assert len(alerts_file.read_text().splitlines()) == 2

    tracks = json.loads(_parley("tracks", "--json", cwd=tmp_path).stdout)
    assert [(t["parties"], t["status"]) for t in tracks] == [
        (["Afghanistan", "Pakistan"], "deadlock")
    ]
    transition_keys = {"from", "to", "at", "source", "sentence"}
    assert all(transition_keys <= set(t) for t in tracks[0]["transitions"])

    alerts = json.loads(_parley("alerts", "--json", cwd=tmp_path).stdout)
    assert {(a["channel"], a["state"]) for a in alerts} == {
        ("console", "delivered"),
        ("jsonl", "delivered"),
    }
    assert all({"track", "from", "to", "channel", "state", "attempts"} <= set(a) for a in alerts)


@pytest.mark.model
def test_extract_reports_an_unreadable_input_and_goes_on(tmp_path: Path) -> None:
    result = _parley(
        "extract",
        "--json",
        str(SEEDS / "002_6f7fb15939a1daa8.txt"),
        str(tmp_path / "nope.txt"),
        str(SEEDS / "000_3880bb5bf419d4b3.txt"),
        cwd=tmp_path,
    )
    assert result.returncode == 1
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["error"] is None for o in objects] == [True, False, True]
    assert "nope.txt" in objects[1]["error"]
    assert objects[0]["tracks"][0]["status"] == "collapsed"
    assert objects[2]["tracks"][0]["status"] == "deadlock"


def test_a_bad_config_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('database_url = 3\n[[feeds]]\nurl = "x"\nbogus = 1\n')
    result = _parley("tracks", "--config", str(tmp_path / "bad.toml"), cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "invalid settings in" in result.stderr and "bogus" in result.stderr


@pytest.mark.model
def test_extract_reads_file_urls_and_reports_malformed_urls(tmp_path: Path) -> None:
    folder = tmp_path / "with space"
    folder.mkdir()
    copy = folder / "seed 002.txt"
    copy.write_bytes((SEEDS / "002_6f7fb15939a1daa8.txt").read_bytes() + b"\x00")
    result = _parley("extract", "--json", copy.as_uri(), "http://[bad/x", cwd=tmp_path)
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["error"] is None and first["tracks"][0]["status"] == "collapsed"
    assert "not a valid path or URL" in second["error"]
    assert result.returncode == 1
