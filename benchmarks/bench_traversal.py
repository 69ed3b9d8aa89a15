"""Traversal cost: `vars()`, `nodes()`, `state_dict()` beside `jax.tree_util.tree_leaves`.

A 10-ary tree of modules (depth 4: 11,111 modules), two Variables each, and smaller
trees to show that every traversal is linear in the tree's size. BrainPy 2.x's
`vars()` on the same tree is measured too where BrainPy is installed.

    python benchmarks/bench_traversal.py [--depth 4] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import jax
import jax.numpy as jnp

import eqbrain


class Node(eqbrain.Module):
    v: eqbrain.Variable
    w: eqbrain.TrainVar
    children: Any

    def __init__(self, depth: int, fanout: int):
        super().__init__()
        self.v = eqbrain.Variable(jnp.zeros(2))
        self.w = eqbrain.TrainVar(jnp.ones(2))
        self.children = eqbrain.NodeList(
            [Node(depth - 1, fanout) for _ in range(fanout)] if depth else []
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


def median_time(fn, repeat: int) -> float:
    fn()  # warm caches
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(depth: int = 4, fanout: int = 10, repeat: int = 7) -> None:
    print(f"jax {jax.__version__}, eqbrain {eqbrain.__version__}; median of {repeat} runs\n")
    print(
        f"{'modules':>8} {'tree_leaves':>12} {'vars()':>10} {'nodes()':>10} "
        f"{'state_dict':>11} {'vars/leaves':>12} {'us/module (vars)':>17}"
    )
    results = {}
    for d in range(1, depth + 1):
        model = Node(d, fanout)
        n = sum(fanout**k for k in range(d + 1))
        assert len(model.nodes()) == n and len(model.vars()) == 2 * n
        t_leaves = median_time(lambda: jax.tree_util.tree_leaves(model), repeat)
        t_vars = median_time(model.vars, repeat)
        t_nodes = median_time(model.nodes, repeat)
        t_state = median_time(model.state_dict, repeat)
        results[d] = (n, t_leaves, t_vars)
        print(
            f"{n:>8} {t_leaves * 1e3:>10.2f}ms {t_vars * 1e3:>8.2f}ms {t_nodes * 1e3:>8.2f}ms "
            f"{t_state * 1e3:>9.2f}ms {t_vars / t_leaves:>11.2f}x {t_vars / n * 1e6:>16.2f}"
        )
        eqbrain.clear_name_cache()
    n, t_leaves, t_vars = results[depth]
    try:
        bp_model = brainpy_tree(depth, fanout)
    except Exception as e:  # noqa: BLE001 - a peer that is missing or broken is reported
        print(f"\nBrainPy: not installed ({type(e).__name__}: {e})")
    else:
        import brainpy

        assert len(bp_model.vars()) == 2 * n
        t_bp = median_time(bp_model.vars, repeat)
        print(
            f"\nBrainPy {brainpy.__version__} vars() on the same {n}-module tree: "
            f"{t_bp * 1e3:.2f}ms = {t_bp / t_leaves:.2f}x tree_leaves, "
            f"{t_bp / t_vars:.2f}x eqbrain vars()"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--fanout", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    main(args.depth, args.fanout, args.repeat)
