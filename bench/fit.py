"""One fit of the model pipeline on the training split scaled ``--factor`` times (in a
process of its own, so that its time and peak memory are its own): prints JSON."""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

from bench.synthetic import scale
from model.pipeline import build_pipeline
from training.data import load_examples, split


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.fit", description=__doc__.split("\n")[0])
    p.add_argument("--factor", type=int, default=1)
    args = p.parse_args(argv)
    train, _ = split(load_examples())
    examples = train if args.factor == 1 else scale(train, args.factor)
    start = time.perf_counter()
    build_pipeline().fit([e.text for e in examples], [e.label for e in examples])
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"factor": args.factor, "examples": len(examples),
                      "seconds": round(seconds, 2), "peak_rss_mb": round(peak, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
