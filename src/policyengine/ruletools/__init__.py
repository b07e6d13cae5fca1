"""Tools over rule packs: listing and showing rules, linting them, and the paper's coverage.

:mod:`~policyengine.ruletools.catalog` (``rules list``, ``rules show``),
:mod:`~policyengine.ruletools.lint` (``rules lint``) and
:mod:`~policyengine.ruletools.coverage` (``rules coverage``). Renderers are in
:mod:`policyengine.render.rules`.
"""
