"""Keeping what parley learned: articles, tracks, their timelines, and the alert outbox.

Nothing here knows about HTML, spaCy or Prefect. Callers pass plain data (the dataclasses
of :mod:`storage.records`); query functions take a session, flush but never commit, so
the caller commits an article, its transitions and their outbox rows as one unit.
"""
