"""The benchmark's sandbox: its own process, filled with a synthetic account, then served over HTTP.

Run by ``bench/run.py``; prints one JSON line (``{"url": ..., "counts": ..., "seed_seconds": ...}``) once
it serves, then serves until stdin closes. A process of its own so that the sandbox's CPU and memory are
not counted as the sync's, and the sync reaches SageMaker over HTTP as it would in production.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time

from lineage_graph.sandbox.server import SandboxServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entities", type=int, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from moto.sagemaker.models import sagemaker_backends

    from bench.synthetic import generate
    from lineage_graph.sandbox.api import LISTINGS
    from lineage_graph.sandbox.faults import DEFAULT_ACCOUNT

    server = SandboxServer(port=0)
    url = server.start()
    started = time.monotonic()
    counts = generate(sagemaker_backends[DEFAULT_ACCOUNT]["us-east-1"], args.entities, args.seed)
    LISTINGS.changed()
    # The account is millions of objects that live as long as the process. Left to the cyclic collector,
    # every full collection walks all of them (0.35 s at 100k entities, seconds at 1M), over and over
    # while the sync lists them: that was the sandbox's time, not SageMaker's or the sync's.
    gc.freeze()
    print(json.dumps({"url": url, "counts": counts, "seed_seconds": round(time.monotonic() - started, 2)}), flush=True)
    sys.stdin.read()  # until the parent closes our stdin (or dies)
    server.stop()
    sys.stdout.flush()
    os._exit(0)  # skip freeing the account object by object: gigabytes at 1M entities, nothing to keep


if __name__ == "__main__":
    main()
