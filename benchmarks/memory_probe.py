"""Evaluate one scenario many times in this process and print its resident memory as it goes.

    python -m benchmarks.memory_probe --evaluations 10000 --every 1000 [SCENARIO]

One JSON object per line: {"evaluations": k, "rss_kib": ...}. Run by the ``memory`` section in a
fresh process, so that nothing else this process did is counted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import rss_kib


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("scenario", nargs="?", default="scenarios/korea_new_gov.yaml")
    parser.add_argument("--evaluations", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1_000)
    args = parser.parse_args(argv)

    from policyengine import api
    from policyengine.render.evaluate import render_json

    loaded = api.load(args.scenario)
    pack = api.load_pack()
    first = render_json(api.evaluate(loaded, pack))
    print(json.dumps({"evaluations": 0, "rss_kib": rss_kib()}), flush=True)
    for i in range(1, args.evaluations + 1):
        result = api.evaluate(loaded, pack)
        if i % args.every == 0:
            if render_json(result) != first:
                raise AssertionError(f"evaluation {i} gave a different result")
            print(json.dumps({"evaluations": i, "rss_kib": rss_kib()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
