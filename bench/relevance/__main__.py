"""`python -m bench.relevance`: the relevance part of `make bench` alone (bench/out/relevance.json)."""

import argparse
import json
import sys

from bench import generate
from bench.relevance import browser, inprocess


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=__doc__)
    parser.add_argument("--repetitions", type=int, default=inprocess.REPETITIONS)
    parser.add_argument("--changes", type=int, default=browser.CHANGES)
    args = parser.parse_args(argv)
    generate.setup_django(generate.database_url())
    print("Preparing the synthetic Family ...", flush=True)
    print(f"  {generate.describe(generate.prepare())}", flush=True)
    from bench import relevance

    print("Timing relevance on the server and in the browser ...", flush=True)
    try:
        results = relevance.measure(args.repetitions, args.changes)
    except RuntimeError as error:
        print(f"\nbench.relevance failed: {error}", file=sys.stderr)
        return 1
    print()
    print(relevance.note(results))
    path = generate.OUT_DIR / "relevance.json"
    path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\n(results: {path.relative_to(generate.PROJECT_DIR)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
