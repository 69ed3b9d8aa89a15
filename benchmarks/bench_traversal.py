"""Traversal cost: `vars()`, `nodes()`, `train_vars()`, `state_dict()` beside
`jax.tree_util.tree_leaves`, with Python's garbage collector on, as users run them.

Trees of modules, two Variables each (a `Variable` and a `TrainVar`): 10-ary trees of
11, 111, 1,111 and 11,111 modules, and 100,000 modules (a root over nine 11,111-module
trees). For each size it prints the median time of every call (the calls take turns, so that a
changing load on a shared machine weighs on all alike), the microseconds per module,
the ratio to `tree_leaves` on the same model, and how many garbage collections (any
generation; full ones in brackets) ran per call. The collector is left as Python
sets it; each model is built, then `gc.collect()` runs once so that every size starts
from a collected heap. BrainPy 2.x's `vars()` on the 11,111-module tree is measured too
where BrainPy is installed.

    python benchmarks/bench_traversal.py [--repeat 7] [--big-repeat 3] [--no-big]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from typing import Any

import jax
import jax.numpy as jnp

import eqbrain

# Every Variable starts from these two arrays (values are immutable): building the 100,000
# modules then costs seconds, not minutes of array creation, and the traversals do not
# look at values.
ZEROS = jnp.zeros(2)
ONES = jnp.ones(2)


class Node(eqbrain.Module):
    v: eqbrain.Variable
    w: eqbrain.TrainVar
    children: Any

    def __init__(self, depth: int, fanout: int, root_fanout: int | None = None):
        super().__init__()
        self.v = eqbrain.Variable(ZEROS)
        self.w = eqbrain.TrainVar(ONES)
        n = fanout if root_fanout is None else root_fanout
        self.children = eqbrain.NodeList(
            [Node(depth - 1, fanout) for _ in range(n)] if depth else []
        )


def brainpy_tree(depth: int, fanout: int):
    import brainpy as bp
    import brainpy.math as bm

    class BNode(bp.BrainPyObject):
        def __init__(self, depth):
            super().__init__()
            self.v = bm.Variable(bm.zeros(2))
            self.w = bm.TrainVar(bm.ones(2))
            self.children = bm.NodeList([BNode(depth - 1) for _ in range(fanout)] if depth else [])

    return BNode(depth)


def timed(calls: list, repeat: int) -> list[tuple[float, float, float]]:
    """Per call: the median seconds, and garbage collections (all, full) per run. The
    calls take turns (one round runs each once), so a load that changes on a shared
    machine weighs on all of them alike."""
    for fn in calls:
        fn()  # warm caches
    times: list[list[float]] = [[] for _ in calls]
    collections = [[0, 0] for _ in calls]
    for _ in range(repeat):
        for i, fn in enumerate(calls):
            before = gc.get_stats()
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
            runs = [a["collections"] - b["collections"] for a, b in zip(gc.get_stats(), before)]
            collections[i][0] += sum(runs)
            collections[i][1] += runs[2]
    return [
        (statistics.median(t), c[0] / repeat, c[1] / repeat) for t, c in zip(times, collections)
    ]


# (modules, depth, children of the root; every other node has 10)
SIZES = [(11, 1, 10), (111, 2, 10), (1111, 3, 10), (11111, 4, 10), (100000, 5, 9)]


def measure(model: Node, n: int, repeat: int) -> float:
    """Print one row per call on `model` (`n` modules); return tree_leaves' time."""
    calls = {
        "tree_leaves": lambda: jax.tree_util.tree_leaves(model),
        "vars()": model.vars,
        "nodes()": model.nodes,
        "train_vars()": model.train_vars,
        "state_dict()": model.state_dict,
    }
    results = timed(list(calls.values()), repeat)
    t_leaves = results[0][0]
    for label, (t, per_call, full) in zip(calls, results):
        print(
            f"{n:>8}  {label:<13}{t * 1e3:>9.2f}{t / n * 1e6:>11.2f}"
            f"{t / t_leaves:>9.2f}x  {per_call:.1f} [{full:.1f}]"
        )
    return t_leaves


def main(repeat: int = 7, big_repeat: int = 3, big: bool = True) -> None:
    print(
        f"jax {jax.__version__}, eqbrain {eqbrain.__version__}; median of {repeat} runs "
        f"({big_repeat} at 100,000 modules); garbage collector on "
        f"(thresholds {gc.get_threshold()})\n"
    )
    print(f"{'modules':>8}  {'call':<13}{'ms':>9}{'us/module':>11}{'x leaves':>10}  gc/call")
    t_leaves_11k = 0.0
    for n, depth, root_fanout in SIZES if big else SIZES[:-1]:
        model = Node(depth, 10, root_fanout)
        assert len(model.nodes()) == n and len(model.vars()) == 2 * n
        gc.collect()
        t_leaves = measure(model, n, big_repeat if n >= 100000 else repeat)
        if n == 11111:
            t_leaves_11k = t_leaves
        del model
        eqbrain.clear_name_cache()
    try:
        bp_model = brainpy_tree(4, 10)
    except Exception as e:  # noqa: BLE001 - a peer that is missing or broken is reported
        print(f"\nBrainPy: not installed ({type(e).__name__}: {e})")
    else:
        import brainpy

        assert len(bp_model.vars()) == 2 * 11111
        t_bp = timed([bp_model.vars], repeat)[0][0]
        print(
            f"\nBrainPy {brainpy.__version__} vars() on an equal 11,111-module tree: "
            f"{t_bp * 1e3:.2f}ms = {t_bp / t_leaves_11k:.2f}x eqbrain's tree_leaves above"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--big-repeat", type=int, default=3)
    parser.add_argument("--no-big", action="store_true", help="skip the 100,000-module tree")
    args = parser.parse_args()
    main(args.repeat, args.big_repeat, not args.no_big)
