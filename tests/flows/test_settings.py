from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings import SEEDS_FEED, SettingsError, load_settings


def test_defaults_poll_the_bundled_seeds_into_sqlite(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.database_url.startswith("sqlite:///")
    assert [f.url for f in settings.feeds] == [SEEDS_FEED.as_uri()]
    assert {c.kind for c in settings.channels} == {"console", "jsonl"}


def test_the_toml_file_and_env_combine_with_env_winning(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "p.toml"
    config.write_text(
        'database_url = "sqlite:///file.db"\n'
        "[fetch]\ntimeout_s = 7\n"
        '[[feeds]]\nurl = "https://example.org/rss"\ninterval_minutes = 30\n'
        '[[channels]]\nname = "ops"\nkind = "webhook"\nurl = "https://hooks.example/x"\n'
        '[[rules]]\nto = ["collapsed", "deadlock"]\nchannels = ["ops"]\nmin_sources = 2\n'
    )
    monkeypatch.setenv("PARLEY_DATABASE_URL", "postgresql://db/parley")
    monkeypatch.setenv("PARLEY_FETCH__MAX_BYTES", "1000")
    settings = load_settings(config)
    assert settings.database_url == "postgresql://db/parley"
    assert (settings.fetch.timeout_s, settings.fetch.max_bytes) == (7, 1000)
    assert settings.feeds[0].interval_minutes == 30
    assert settings.rules[0].to == ["collapsed", "deadlock"] and settings.rules[0].min_sources == 2


def test_a_rule_naming_an_unknown_channel_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "p.toml"
    config.write_text('[[rules]]\nchannels = ["pager"]\n')
    with pytest.raises(SettingsError, match="unknown channel"):
        load_settings(config)


def test_a_missing_config_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "absent.toml")
