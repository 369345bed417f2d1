"""Score every part of the analysis against gold data, one table per data set.

    .venv/bin/python -m eval.analysis

Runs, in turn: the seed article's gold (`eval.seed`), PolNeAR dev attribution
(`eval.attribution`), TempEval-3 time values (`eval.tempeval`), CoNLL-2003 NER
(`eval.ner`) and Giveme5W1H who/where/when (`eval.fivew`). Each also runs on its own.
"""

from __future__ import annotations

import importlib
import sys
import time

from eval.common import console

PARTS = ("seed", "attribution", "tempeval", "ner", "fivew")


def main() -> int:
    for name in PARTS:
        console.rule(f"eval.{name}")
        started = time.perf_counter()
        module = importlib.import_module(f"eval.{name}")
        sys.argv = [f"eval.{name}"]  # each part reads its own options; use their defaults
        module.main()
        console.print(f"[dim]eval.{name}: {time.perf_counter() - started:.0f} s[/dim]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
