"""The progress bar of loops and runs: `ProgressBar` (what to show) and `Bar` (one tqdm
bar on the host, fed from inside compiled loops through host callbacks).

Every loop that shows progress -- `for_loop`, `scan`, `DSRunner`/`run`, compiled or
stepped in Python -- reads its `progress_bar=` argument with `as_progress_bar` and
reports its steps to a `Bar`.
"""

from __future__ import annotations

import inspect
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, SupportsInt, TypeAlias, overload

import jax
import jax.numpy as jnp
from jax import lax

if TYPE_CHECKING:
    from tqdm.std import tqdm

_TYPE_MSG = """\
progress_bar takes True or False, a dict of tqdm options ({{"desc": "sim"}}), a \
ProgressBar (eqbrain.ProgressBar(freq=10, desc="sim")) or an int (update every that many \
steps); got {what}."""

_RESERVED = frozenset({"self", "iterable", "total", "kwargs", "gui"})


def _tqdm_options() -> frozenset[str]:
    from tqdm.std import tqdm

    return frozenset(inspect.signature(tqdm.__init__).parameters) - _RESERVED


class ProgressBar:
    """How a loop shows its progress: BrainPy's `brainpy.math.ProgressBar`.

    Pass one as `progress_bar=` to `eqbrain.for_loop`, `eqbrain.scan`, `eqbrain.run` or
    `eqbrain.DSRunner`. The bar is a `tqdm` bar, updated from inside the compiled loop
    through `jax.debug.callback`.

    **Arguments:**

    - `freq`: update every `freq` steps.
    - `count`: update `count` times in all (not together with `freq`). Without either,
      the bar is updated about a hundred times.
    - `desc`: the bar's description.
    - `**kwargs`: passed on to `tqdm` (`leave`, `unit`, `ncols`, `file`, ...); an
      unknown option raises `TypeError` here, not in the middle of a run.

    ```python
    eqbrain.for_loop(net.step, inputs, progress_bar=eqbrain.ProgressBar(desc="sim", freq=50))
    eqbrain.run(net, 100.0, progress_bar=eqbrain.ProgressBar(count=10))
    ```
    """

    def __init__(
        self, freq: int | None = None, count: int | None = None, desc: str | None = None, **kwargs
    ):
        if freq is not None and count is not None:
            raise ValueError("ProgressBar takes `freq` or `count`, not both.")
        for what, n in (("freq", freq), ("count", count)):
            if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
                raise ValueError(f"ProgressBar: `{what}` must be a positive int, got {n!r}.")
        unknown = sorted(set(kwargs) - _tqdm_options())
        if unknown:
            raise TypeError(
                f"ProgressBar: {unknown} are not tqdm options (tqdm takes "
                f"{sorted(_tqdm_options())}; the loop sets `total`)."
            )
        self.freq, self.count, self.desc = freq, count, desc
        self.kwargs = kwargs

    def __repr__(self) -> str:
        return f"ProgressBar(freq={self.freq}, count={self.count}, desc={self.desc!r})"

    @overload
    def every(self, total: int) -> int: ...
    @overload
    def every(self, total: jax.Array) -> int | jax.Array: ...
    def every(self, total: int | jax.Array) -> int | jax.Array:
        """How many steps apart the updates of a loop of `total` steps are (`total` may
        be traced, as in a runner whose run length is an input of the compiled loop)."""
        if self.freq is not None:
            return self.freq
        if isinstance(total, int):
            if self.count is not None:
                return max(1, -(-total // self.count))
            return max(1, total // 100)
        if self.count is not None:
            return jnp.maximum(1, -(-total // self.count))
        return jnp.maximum(1, total // 100)

    def settings(self) -> Hashable:
        """A hashable summary (the loop caches compile per setting)."""
        return (self.freq, self.count, self.desc, tuple(sorted(self.kwargs.items())))


ProgressBarLike: TypeAlias = "bool | int | dict[str, Any] | ProgressBar | None"
"""What `progress_bar=` takes (see `as_progress_bar`)."""


def as_progress_bar(progress_bar: object) -> ProgressBar | None:
    """`progress_bar=` as every loop and runner reads it: `False`/`None` (none), `True`
    (the default bar), a `ProgressBar`, a dict of tqdm options (with `freq`/`count`/
    `desc` if wanted), or an int (BrainPy's: update every that many steps). Anything else
    raises `TypeError` listing these forms."""
    if progress_bar is None or progress_bar is False:
        return None
    if progress_bar is True:
        return ProgressBar()
    if isinstance(progress_bar, ProgressBar):
        return progress_bar
    if isinstance(progress_bar, int):
        if progress_bar < 1:
            raise ValueError(
                f"progress_bar={progress_bar}: an int is the number of steps between "
                "updates and must be positive (or pass False for no bar)."
            )
        return ProgressBar(freq=progress_bar)
    if isinstance(progress_bar, dict):
        if not all(isinstance(k, str) for k in progress_bar):
            raise TypeError(_TYPE_MSG.format(what=f"a dict with keys {list(progress_bar)}"))
        kwargs = dict(progress_bar)
        return ProgressBar(kwargs.pop("freq", None), kwargs.pop("count", None), **kwargs)
    raise TypeError(_TYPE_MSG.format(what=f"{type(progress_bar).__name__} {progress_bar!r}"))


class Bar:
    """One tqdm bar on the host, brought forward by the steps a loop reports.

    Inside a compiled loop, `report(k, total)` sends step `k` (0-based) of `total` to the
    host through an ordered `jax.debug.callback` every `spec.every(total)` steps and at
    the last one; `k` and `total` may be traced, so a run of another length needs no new
    compilation. A loop stepped in Python calls `show(k, total)` directly. Step 0 opens
    a new bar (closing one left open); the last step closes it. A loop compiled for
    several devices (JAX orders callbacks on one device only) sets `ordered = False`:
    its reports come from one device, in step order, unordered only against other
    callbacks.
    """

    def __init__(self, spec: ProgressBar):
        self.spec, self.total = spec, 0
        self.bar: tqdm | None = None
        self.ordered = True

    def report(self, k: jax.Array, total: int | jax.Array) -> None:
        """From inside a compiled loop: step `k` of `total` is done."""
        every = self.spec.every(total)
        lax.cond(
            (k % every == 0) | (k == total - 1),
            lambda: jax.debug.callback(self, k, total, ordered=self.ordered),
            lambda: None,
        )

    def due(self, k: int, total: int) -> bool:
        """Whether a loop stepped in Python shows step `k` of `total`."""
        return k % self.spec.every(total) == 0 or k == total - 1

    def __call__(self, k: SupportsInt, total: SupportsInt) -> None:
        self.show(int(k), int(total))

    def show(self, k: int, total: int) -> None:
        """On the host: bring the bar to step `k` (0-based) of `total` done."""
        from tqdm.auto import tqdm

        if self.bar is None or k == 0 or total != self.total:
            self.close()
            kwargs = dict(self.spec.kwargs)
            if self.spec.desc is not None:
                kwargs["desc"] = self.spec.desc
            self.bar, self.total = tqdm(total=total, **kwargs), total
        if k + 1 > self.bar.n:
            self.bar.update(k + 1 - self.bar.n)
        if k + 1 >= total:
            self.close()

    def close(self) -> None:
        """Close the bar if one is open."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
