"""A database made before track resolution keeps finding its tracks after the upgrade."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlmodel import select

from storage.db import MIGRATIONS, make_engine, migrate, session_scope
from storage.models import Track, TrackAlias, TrackName


def _upgrade(engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_tracks_stored_before_0004_get_their_alias_and_names(database_url: str) -> None:
    engine = make_engine(database_url)
    _upgrade(engine, "0003")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    old_track = sa.table(
        "track",
        *(
            sa.column(c)
            for c in ("key", "venue", "status", "status_at", "created_at", "updated_at")
        ),
        sa.column("parties", sa.JSON),
        sa.column("mediators", sa.JSON),
    )
    with engine.begin() as connection:
        connection.execute(
            old_track.insert().values(
                key="Colombia | ELN",
                parties=["Colombia", "ELN"],
                mediators=["Cuba"],
                venue="Havana",
                status="ongoing",
                status_at=now,
                created_at=now,
                updated_at=now,
            )
        )
    migrate(engine)
    with session_scope(engine) as session:
        (track,) = session.exec(select(Track)).all()
        aliases = session.exec(select(TrackAlias.key, TrackAlias.track_id)).all()
        names = set(session.exec(select(TrackName.role, TrackName.name)).all())
    assert aliases == [("Colombia | ELN", track.id)]
    assert names == {
        ("party", "Colombia"),
        ("party", "ELN"),
        ("mediator", "Cuba"),
        ("venue", "Havana"),
    }
    assert track.last_report_at is not None
    # It starts from the time of the report behind the status (SQLite hands it back naive).
    assert track.last_report_at.replace(tzinfo=track.last_report_at.tzinfo or UTC) == now
