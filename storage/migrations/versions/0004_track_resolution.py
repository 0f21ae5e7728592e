"""track aliases and names, so a report finds its track by party overlap

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 16:35:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_report_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.create_table(
        "trackalias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["track_id"], ["track.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("trackalias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trackalias_key"), ["key"], unique=True)
        batch_op.create_index(batch_op.f("ix_trackalias_track_id"), ["track_id"], unique=False)
    op.create_table(
        "trackname",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["track_id"], ["track.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("track_id", "role", "name", name="uq_track_name"),
    )
    with op.batch_alter_table("trackname", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trackname_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_trackname_track_id"), ["track_id"], unique=False)

    # Tracks stored before this revision: their own key is their first alias, their
    # parties, mediators and venue their first names.
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, key, parties, mediators, venue, status_at FROM track")
    ).fetchall()
    alias = sa.table("trackalias", sa.column("key"), sa.column("track_id"))
    name = sa.table("trackname", sa.column("track_id"), sa.column("role"), sa.column("name"))
    for track_id, key, parties, mediators, venue, status_at in rows:
        parties = json.loads(parties) if isinstance(parties, str) else parties or []
        mediators = json.loads(mediators) if isinstance(mediators, str) else mediators or []
        conn.execute(alias.insert().values(key=key, track_id=track_id))
        names = {("party", p) for p in parties} | {("mediator", m) for m in mediators}
        if venue:
            names.add(("venue", venue))
        for role, value in sorted(names):
            conn.execute(name.insert().values(track_id=track_id, role=role, name=value))
        if status_at is not None:
            conn.execute(
                sa.text("UPDATE track SET last_report_at = status_at WHERE id = :id"),
                {"id": track_id},
            )


def downgrade() -> None:
    with op.batch_alter_table("trackname", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trackname_track_id"))
        batch_op.drop_index(batch_op.f("ix_trackname_name"))
    op.drop_table("trackname")
    with op.batch_alter_table("trackalias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trackalias_track_id"))
        batch_op.drop_index(batch_op.f("ix_trackalias_key"))
    op.drop_table("trackalias")
    with op.batch_alter_table("track", schema=None) as batch_op:
        batch_op.drop_column("last_report_at")
