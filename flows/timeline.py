"""The shapes behind the track page, computed as plain data so templates only draw them.

Geometry lives here rather than in Jinja because it is arithmetic worth testing on its own,
and because the SVG must be drawn by the template: only then does autoescaping cover every
article sentence that ends up in a ``<title>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

STATUS_COLOURS: dict[str, str] = {
    "scheduled": "#64748b",
    "ongoing": "#2563eb",
    "progress": "#7c3aed",
    "agreement": "#15803d",
    "ceasefire": "#0e7490",
    "ceasefire_broken": "#ea580c",
    "deadlock": "#a16207",
    "collapsed": "#b91c1c",
}
UNKNOWN_COLOUR = "#9ca3af"

WIDTH = 960
LEFT = 110  # room for the lane labels
RIGHT = 24
BAND_Y, BAND_H = 16, 30
CURRENT_Y = 78
BACKGROUND_Y = 116
AXIS_Y = 142
HEIGHT = 168
MARKER_GAP = 13  # horizontal spacing of markers that share a moment


def colour(status: str | None) -> str:
    return STATUS_COLOURS.get(status or "", UNKNOWN_COLOUR)


def parse_time(value: str | None) -> datetime | None:
    """Views hand out ISO strings; SQLite drops the zone, so naive times are read as UTC."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    status: str | None
    colour: str
    label: str
    label_inside: bool  # a narrow band gets its label just below it instead
    title: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    kind: str
    current: bool
    colour: str
    title: str
    anchor: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class TransitionLine:
    x: float
    to: str | None
    colour: str
    title: str


@dataclass(frozen=True)
class Timeline:
    width: int = WIDTH
    height: int = HEIGHT
    bands: list[Band] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    transitions: list[TransitionLine] = field(default_factory=list)
    lanes: dict[str, float] = field(default_factory=dict)


def timeline(track: dict, *, anchor_prefix: str) -> Timeline:
    """Status bands between transitions, one marker per event, current and background apart.

    The time axis spans the reports themselves, not up to today: a track last reported a
    year ago would otherwise shrink its whole history into a sliver at the left.
    """
    transitions = [(parse_time(t["at"]), t) for t in track["transitions"]]
    events = [(parse_time(e["at"]), e) for e in track["events"]]
    moments = [m for m, _ in transitions + events if m is not None]
    if not moments:
        return Timeline(lanes=_lanes())
    start, end = min(moments), max(moments)
    span = end - start
    pad = span * 0.08 if span else timedelta(days=1)
    start, end = start - pad, end + pad
    usable = WIDTH - LEFT - RIGHT

    def x_of(moment: datetime | None) -> float:
        moment = moment or end
        return round(LEFT + usable * (moment - start) / (end - start), 1)

    bands: list[Band] = []
    lines: list[TransitionLine] = []
    for i, (moment, t) in enumerate(transitions):
        x0 = x_of(moment)
        x1 = x_of(transitions[i + 1][0]) if i + 1 < len(transitions) else LEFT + usable
        status = t["to"]
        bands.append(
            Band(
                x=x0,
                width=max(x1 - x0, 1.0),
                status=status,
                colour=colour(status),
                label=_label(status),
                label_inside=x1 - x0 > 7 * len(_label(status)) + 12,
                title=f"{_label(status)} from {(t['at'] or '')[:10]}",
            )
        )
        lines.append(
            TransitionLine(
                x=x0,
                to=status,
                colour=colour(status),
                title=f"{_label(t['from'])} → {_label(status)} on {(t['at'] or '')[:10]}: "
                f"{t['sentence']}",
            )
        )

    markers: list[Marker] = []
    for current, y in ((True, CURRENT_Y), (False, BACKGROUND_Y)):
        lane = [(i, m, e) for i, (m, e) in enumerate(events) if bool(e["current"]) == current]
        by_x: dict[float, list[tuple[int, dict]]] = {}
        for i, moment, event in lane:
            by_x.setdefault(x_of(moment), []).append((i, event))
        for x, group in by_x.items():
            for j, (i, event) in enumerate(group):
                markers.append(
                    Marker(
                        x=round(x + (j - (len(group) - 1) / 2) * MARKER_GAP, 1),
                        y=y,
                        kind=event["kind"],
                        current=current,
                        colour=colour(event["kind"]),
                        title=f"{_label(event['kind'])}, {(event['at'] or '')[:10]}"
                        f"{'' if current else ' (background)'}: {event['sentence']}",
                        anchor=f"{anchor_prefix}{i}",
                    )
                )
    return Timeline(
        bands=bands,
        markers=markers,
        ticks=_ticks(start, end, x_of),
        transitions=lines,
        lanes=_lanes(),
    )


def _lanes() -> dict[str, float]:
    return {"status": BAND_Y + BAND_H / 2, "current": CURRENT_Y, "background": BACKGROUND_Y}


def _label(status: str | None) -> str:
    return status.replace("_", " ") if status else "none"


def _ticks(start: datetime, end: datetime, x_of: Callable[[datetime | None], float]) -> list[Tick]:
    count = 5
    step = (end - start) / count
    ticks = []
    for i in range(1, count):
        moment = start + step * i
        label = moment.strftime("%Y-%m-%d" if step >= timedelta(days=1) else "%m-%d %H:%M")
        ticks.append(Tick(x=x_of(moment), label=label))
    return ticks


@dataclass(frozen=True)
class ConditionReport:
    """One party's conditions as one article reported them, against its previous report."""

    round: str | None
    at: str | None
    story_id: int
    source: str | None
    title: str | None
    conditions: list[dict]
    added: list[dict]
    dropped: list[dict]
    first: bool


def condition_reports(conditions: list[dict], stories: list[dict]) -> dict[str, list]:
    """Per party, each article's conditions and what changed since the party's previous one.

    Compared article by article, not round by round: rounds are often missing from a
    report, and a demand dropped between two articles of the same round is still news.
    Texts are compared case- and space-insensitively, as the alert payload does.
    """
    by_story = {s["id"]: s for s in stories}
    parties: dict[str, list[ConditionReport]] = {}
    grouped: dict[tuple[str, int], list[dict]] = {}
    order: list[tuple[str, int]] = []
    for c in conditions:
        key = (c["party"], c["story_id"])
        if key not in grouped:
            grouped[key] = []
            order.append(key)
        grouped[key].append(c)
    previous: dict[str, dict[str, dict]] = {}
    for party, story_id in order:
        items = grouped[(party, story_id)]
        now = {_norm(c["text"]): c for c in items}
        before = previous.get(party)
        story = by_story.get(story_id, {})
        parties.setdefault(party, []).append(
            ConditionReport(
                round=next((c["round"] for c in items if c["round"]), None),
                at=items[0]["at"],
                story_id=story_id,
                source=story.get("url"),
                title=story.get("title"),
                conditions=items,
                added=[c for k, c in now.items() if before is not None and k not in before],
                dropped=[c for k, c in (before or {}).items() if k not in now],
                first=before is None,
            )
        )
        previous[party] = now
    return parties


def _norm(text: str) -> str:
    return " ".join(text.lower().split())
