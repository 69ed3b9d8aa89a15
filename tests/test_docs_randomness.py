"""docs/randomness.md: its examples run as written and do what the page says."""

from __future__ import annotations

import pathlib
import re

import numpy as np

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "randomness.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)


def test_the_examples_run_and_do_what_the_page_says():
    scope: dict = {}
    for block in BLOCKS:
        exec(block, scope)  # noqa: S102 - the documentation's own code
    same = np.array_equal
    # What a seed fixes: two projections differ; the seed rebuilds the first.
    assert not same(scope["E2E"].to_dense(), scope["E2I"].to_dense())
    assert same(scope["again"].to_dense(), scope["E2E"].to_dense())
    # In place: the two calls drew different numbers.
    assert not same(scope["a"], scope["b"])
    # Functional: the returned model carried the advanced key.
    assert not same(scope["x1"], scope["x2"])
    # Threads: a generator per thread gives its own reproducible stream.
    first, second = scope["worker"](1), scope["worker"](1)
    assert all(same(u, v) for u, v in zip(first, second))
    # Ensembles: one draw per member, all different.
    x = np.asarray(scope["x"])
    assert x.shape == (8, 3) and len({tuple(row) for row in x.tolist()}) == 8
