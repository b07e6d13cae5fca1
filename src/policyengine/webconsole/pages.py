"""The HTML of the two pages: a shell the script fills from the live state.

The shell holds the page's sentences in both languages (from the catalog, area ``web``) as JSON
data, and nothing of the session: every text of the exercise, the rules and the players reaches
the page through the event stream and is put in the DOM as text (``textContent``), never parsed
as markup. Script and style come from ``/static/``; no other URL is referred to.
"""

from __future__ import annotations

import json

from policyengine.render.common import esc
from policyengine.text import LANGS, t, table


def _script_json(data: object) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>``, no ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def page(role: str, lang: str) -> str:
    """The page of ``role`` (``player`` or ``facilitator``), first shown in ``lang``."""
    ui = {code: table("web", code) for code in LANGS}
    title = t(f"web.page_{role}", lang)
    boot = _script_json({"role": role, "lang": lang})
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        '<link rel="stylesheet" href="/static/console.css">\n'
        "</head>\n"
        f'<body class="role-{esc(role)}">\n'
        f'<script type="application/json" id="pe-ui">{_script_json(ui)}</script>\n'
        f'<script type="application/json" id="pe-boot">{boot}</script>\n'
        f"<noscript><p>{esc(t('web.noscript', lang))}</p></noscript>\n"
        '<div id="pe-app" data-state="loading"></div>\n'
        '<script src="/static/console.js"></script>\n'
        "</body>\n</html>\n"
    )
