"""The web console of a live exercise (``policyengine exercise serve``).

Three layers, one job each:

- :mod:`~policyengine.webconsole.views`: what the facilitator and the players see, as plain data
  (no HTML, no web framework): the player view holds nothing players must not see.
- :mod:`~policyengine.webconsole.console`: one session behind a lock; every change is checked
  against the log's sequence number, goes through the session controller (the same records the
  terminal console writes) and wakes the pages that follow.
- :mod:`~policyengine.webconsole.app`: the Starlette application (token checks, pages, server-sent
  events); only this module and the CLI's ``serve`` command import Starlette or uvicorn.
"""
