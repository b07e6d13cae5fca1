"""Rendering a :class:`~policyengine.expectations.CheckReport`: a CI-friendly text report or JSON.

The text names each broken expectation as ``FILE:LINE:COL`` (where it is written), what was
expected and found, the expectation's note, and why; passing expectations are counted, and
listed with ``verbose``.
"""

from __future__ import annotations

from policyengine.expectations import CheckReport, Finding
from policyengine.render.common import to_json, wrap_hanging

WHAT = {
    "recommended": "must be recommended",
    "not_recommended": "must not be recommended",
    "risks": "must be raised",
    "no_risks": "must not be raised",
    "exhaustive": "not expected (exhaustive)",
}


def _finding(f: Finding) -> list[str]:
    where = f"{f.location}: " if f.location else ""
    status = "ok  " if f.ok else "FAIL"
    lines = wrap_hanging(f"{status} {where}{f.id} {WHAT[f.expectation]}: {f.message}", "", "       ")
    if f.note and not f.ok:
        lines += wrap_hanging(f"note: {f.note}", "       ", "         ")
    for i, r in enumerate(f.reasons):
        # A reason indented by spaces is nested under the one before; a long one wraps deeper
        # than the reasons nested under it start.
        text = r.lstrip(" ")
        pad = " " * (len(r) - len(text))
        first = "       " + pad + "why: " if i == 0 else "            " + pad
        lines += wrap_hanging(text, first, "            " + pad + "    ")
    return lines


def render_text(r: CheckReport, *, verbose: bool = False) -> str:
    out = [
        f"check: {' <- '.join(r.scenario_files)} against {r.expectations_path}",
        f"  scenario: {r.scenario_id} (as of {r.as_of}), rule pack: {r.pack_id}",
        "",
    ]
    for f in r.findings:
        if verbose or not f.ok:
            out += _finding(f)
    if verbose or r.broken:
        out.append("")
    n = len(r.findings)
    if r.passed:
        out.append(f"ok: all {n} expectations hold")
    else:
        out.append(f"FAILED: {len(r.broken)} of {n} expectations broken")
    return "\n".join(out) + "\n"


def render(r: CheckReport, fmt: str, *, verbose: bool = False) -> str:
    if fmt == "json":
        return to_json(r.to_dict())
    return render_text(r, verbose=verbose)
