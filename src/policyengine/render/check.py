"""Rendering a :class:`~policyengine.checks.CheckReport`: a CI-friendly text report or JSON.

The text names each broken expectation as ``FILE:LINE:COL`` (where it is written), what was
expected and found, the expectation's note, and why; passing expectations are counted, and
listed with ``verbose``. ``ok``/``FAIL`` and the last line's ``ok:``/``FAILED:`` stay the same in
every language, for scripts that grep a CI log.
"""

from __future__ import annotations

from policyengine.checks import CheckReport, Finding
from policyengine.render.common import to_json, wrap_hanging
from policyengine.text import Labels

LABELS = Labels("check")


def _finding(f: Finding, L: dict[str, str]) -> list[str]:
    where = f"{f.location}: " if f.location else ""
    status = "ok  " if f.ok else "FAIL"
    head = L["finding"].format(status=status, where=where, id=f.id, what=L[f.expectation], message=f.message)
    lines = wrap_hanging(head, "", "       ")
    if f.note and not f.ok:
        lines += wrap_hanging(f"{L['note']}{f.note}", "       ", "         ")
    why = L["why"]
    for i, r in enumerate(f.reasons):
        # A reason indented by spaces is nested under the one before; a long one wraps deeper
        # than the reasons nested under it start.
        text = r.lstrip(" ")
        pad = " " * (len(r) - len(text))
        first = "       " + pad + why if i == 0 else "            " + pad
        lines += wrap_hanging(text, first, "            " + pad + "    ")
    return lines


def render_text(r: CheckReport, *, verbose: bool = False, lang: str = "en") -> str:
    L = LABELS["ja" if lang == "ja" else "en"]
    out = [
        L["header"].format(files=" <- ".join(r.scenario_files), expectations=r.expectations_path),
        L["scenario"].format(id=r.scenario_id, as_of=r.as_of, pack=r.pack_id),
        "",
    ]
    for f in r.findings:
        if verbose or not f.ok:
            out += _finding(f, L)
    if verbose or r.broken:
        out.append("")
    n = len(r.findings)
    if r.passed:
        out.append(L["passed"].format(n=n))
    else:
        out.append(L["failed"].format(broken=len(r.broken), n=n))
    return "\n".join(out) + "\n"


def render(r: CheckReport, fmt: str, *, verbose: bool = False, lang: str = "en") -> str:
    if fmt == "json":
        return to_json(r.to_dict())
    return render_text(r, verbose=verbose, lang=lang)
