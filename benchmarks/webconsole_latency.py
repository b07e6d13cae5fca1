"""How long the players' screen takes to follow a click on the facilitator's page (`exercise serve`).

    python benchmarks/webconsole_latency.py [--rounds N]

Serves sea_lane_crisis.yaml in this process (uvicorn in a thread), opens the facilitator's page and
the players' page in Debian's chromium (playwright, two browser contexts as on two machines) and,
for each round, records a decision on the facilitator's page and waits for the players' page to
show it. The time is taken on the browser's clock (``performance.timeOrigin + performance.now()``,
shared by both pages): from the click's event to the end of the players' page's redraw, so it
covers the request, the controller writing and fsync'ing the log record, the event stream and
the redraw. Needs the 'test' extra (starlette, uvicorn, playwright) and chromium.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "exercises" / "sea_lane_crisis.yaml"


def measure(rounds: int, chromium: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    from policyengine.webconsole.serve import Background, open_console

    with tempfile.TemporaryDirectory() as folder:
        console, opened = open_console(
            str(EXERCISE),
            rules_path=None,
            log_path=str(Path(folder) / "bench.jsonl"),
            resume_log=None,
            lang="en",
        )
        server = Background(console, opened.token)
        times: list[float] = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                f = browser.new_context().new_page()
                pl = browser.new_context().new_page()
                f.goto(server.facilitator)
                pl.goto(server.player)
                for page in (f, pl):
                    page.wait_for_selector("#pe-app[data-state=live]")
                f.evaluate(
                    "document.addEventListener('click', () => {"
                    " window.peClickAt = performance.timeOrigin + performance.now(); }, true)"
                )
                for i in range(rounds):
                    seq = console.seq
                    f.fill("#pe-action", f"decision {i + 1}")
                    f.click("#pe-record")
                    pl.wait_for_selector(f"#pe-app[data-seq='{seq + 1}']")
                    f.wait_for_selector(f"#pe-app[data-seq='{seq + 1}']")
                    times.append(pl.evaluate("window.peRendered.at") - f.evaluate("window.peClickAt"))
                browser.close()
        finally:
            server.stop()
            console.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install -y chromium)")
    times = sorted(measure(args.rounds, chromium))
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    print(
        f"click on the facilitator's page -> players' page redrawn, {len(times)} decisions: "
        f"median {statistics.median(times):.1f} ms, p90 {p90:.1f} ms, "
        f"min {times[0]:.1f} ms, max {times[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
