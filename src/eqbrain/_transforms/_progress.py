"""`ProgressBar`: a tqdm bar updated from inside a compiled loop (`for_loop`, `scan`)."""

from __future__ import annotations

from typing import Any

import jax
from jax import lax

_TYPE_MSG = """\
progress_bar must be bool, int, or ProgressBar (a dict of tqdm keyword arguments is \
accepted too), got {what}. Use `progress_bar=True`, `progress_bar=10` (update every 10 \
steps) or `progress_bar=eqbrain.ProgressBar(desc=..., freq=..., count=...)`."""


class ProgressBar:
    """How a loop shows its progress: BrainPy's `brainpy.math.ProgressBar`.

    Pass one as `progress_bar=` to `eqbrain.for_loop`, `eqbrain.scan` or `eqbrain.run`.
    The bar is a `tqdm` bar, updated from inside the compiled loop through
    `jax.debug.callback`.

    **Arguments:**

    - `freq`: update every `freq` steps.
    - `count`: update `count` times in all (not together with `freq`). Without either,
      the bar is updated about a hundred times.
    - `desc`: the bar's description.
    - `**kwargs`: passed on to `tqdm` (`leave`, `unit`, `ncols`, ...).

    ```python
    eqbrain.for_loop(net.step, inputs, progress_bar=eqbrain.ProgressBar(desc="sim", freq=50))
    eqbrain.for_loop(net.step, inputs, progress_bar=10)    # the same as ProgressBar(freq=10)
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
        self.freq, self.count, self.desc = freq, count, desc
        self.kwargs = kwargs

    def __repr__(self) -> str:
        return f"ProgressBar(freq={self.freq}, count={self.count}, desc={self.desc!r})"

    def every(self, total: int) -> int:
        """How many steps apart the updates of a loop of `total` steps are."""
        if self.freq is not None:
            return self.freq
        if self.count is not None:
            return max(1, -(-total // self.count))
        return max(1, total // 100)

    def settings(self) -> Any:
        """A hashable summary (the loop caches compile per setting)."""
        return (self.freq, self.count, self.desc, tuple(sorted(self.kwargs.items())))


def as_progress_bar(progress_bar: Any) -> ProgressBar | None:
    """BrainPy's `progress_bar=`: `False`/`None` (none), `True` (default), an int (its
    `freq`), a `ProgressBar`, or (eqbrain) a dict of tqdm keyword arguments."""
    if progress_bar is None or progress_bar is False:
        return None
    if progress_bar is True:
        return ProgressBar()
    if isinstance(progress_bar, ProgressBar):
        return progress_bar
    if isinstance(progress_bar, int):
        return ProgressBar(freq=progress_bar)
    if isinstance(progress_bar, dict):
        kwargs = dict(progress_bar)
        return ProgressBar(kwargs.pop("freq", None), kwargs.pop("count", None), **kwargs)
    raise TypeError(_TYPE_MSG.format(what=type(progress_bar).__name__))


class Bar:
    """One loop's bar: reports from inside the compiled loop, draws on the host."""

    def __init__(self, total: int, spec: ProgressBar):
        self.total, self.spec, self.bar = total, spec, None

    def report(self, i: Any) -> None:
        """From inside the compiled loop, with the step number `i` (0-based)."""
        every = self.spec.every(self.total)
        lax.cond(
            (i % every == 0) | (i == self.total - 1),
            lambda: jax.debug.callback(self, i, ordered=True),
            lambda: None,
        )

    def __call__(self, i) -> None:
        i = int(i)
        self.show(i)

    def show(self, i: int) -> None:
        """On the host: bring the bar to step `i` (0-based) done."""
        from tqdm.auto import tqdm

        if self.bar is None or i == 0:
            if self.bar is not None:
                self.bar.close()
            kwargs = dict(self.spec.kwargs)
            if self.spec.desc is not None:
                kwargs["desc"] = self.spec.desc
            self.bar = tqdm(total=self.total, **kwargs)
        self.bar.update(i + 1 - self.bar.n)
        if i + 1 >= self.total:
            self.bar.close()
            self.bar = None
