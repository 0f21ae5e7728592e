"""Reading the web: feeds, pages and the negotiations inside them.

Nothing here knows about the database or Prefect. Every public function takes plain
values and returns the plain data models of :mod:`extract.models`.
"""
