"""Tabletop exercises: injects, moves, decisions and the after-action report (docs/exercises.md).

``load`` reads and cross-checks exercise files; ``apply`` applies injects to a world; ``runner``
plays moves; ``changes`` compares moves; ``log`` and ``session`` record decisions in an
append-only log and read it back; ``interactive`` drives a live session; ``guide`` and ``report``
compute the facilitator guide and the after-action report.
"""
