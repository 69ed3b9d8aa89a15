"""`VarDelay`: a Variable's recent history, read by named entries (BrainPy's `VarDelay`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jax import Array
from jax.core import Tracer

from ..._core import Variable
from .._dynsys import DynamicalSystem
from .._share import get_dt
from ._delay import LengthDelay, delay_steps


class VarDelay(DynamicalSystem):
    """The recent values of a Variable, read back by named entries with their own delays
    (BrainPy's `bp.VarDelay`).

    Call it (or `update`) once per step after the target has been updated: it stores the
    target's value. `at(entry)` then gives the value of `delay` ms ago, counted as the
    projections count: a value stored at the step of time `t` is read at the step of
    `t + delay`; an entry of `None`, 0 or `dt` reads the latest value. The history is
    a `LengthDelay` (Variables: it resets with the model, runs under `eqbrain.jit` and
    `for_loop`, and is saved in checkpoints).

    The target is one cell with the model's own as long as the model is changed in
    place (eqbrain's transforms). A functional round trip (`eqx.filter_jit` returning
    the model, `eqx.tree_at`) copies it into a cell of its own, as it does any Variable
    held twice: in that style pass the value in, `delay(N.spike.value)`, and give
    every entry a delay of at least `dt` (an entry of no delay reads the target).

    **Arguments:**

    - `target`: the Variable to delay (held, not copied: the module that owns it sees
      the same cell).
    - `time`: the longest delay to keep (ms), if longer than every entry's.
    - `entries`: `{name: delay in ms or None}`. A frozen module cannot register entries
      later, so they are all given here (BrainPy's `register_entry` calls become this
      dict).
    - `init`: the history before the first update (default zeros), as
      `LengthDelay`'s `initial_delay_data`.

    ```python
    delay = eqbrain.VarDelay(N.spike, entries={"E": 1.5, "I": None})
    spikes_E = delay.at("E")    # in the network's update, before the neurons step
    N(current)
    delay()                     # store this step's spikes
    ```
    """

    target: Variable
    history: LengthDelay | None
    entries: dict[str, int] = eqx.field(static=True)

    def __init__(
        self,
        target: Variable,
        time: float | None = None,
        *,
        entries: Mapping[str, float | None] | None = None,
        init: Any = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        if not isinstance(target, Variable):
            raise TypeError(
                f"VarDelay delays a Variable (e.g. `N.spike`), got {type(target).__name__}."
            )
        self.target = target
        self.entries = {
            str(k): 0 if d is None else delay_steps(d) for k, d in dict(entries or {}).items()
        }
        longest = max([0 if time is None else delay_steps(time), *self.entries.values()])
        self.history = (
            LengthDelay(target.value, longest - 1, init, dt=get_dt()) if longest >= 1 else None
        )

    def register_entry(self, entry: str, delay_time: float | None) -> None:
        """Refused: the entries of a frozen module are fixed at construction."""
        raise TypeError(
            f"VarDelay entries are fixed when it is built; pass "
            f"`entries={{{entry!r}: {delay_time!r}, ...}}` to VarDelay(...) instead of "
            "calling register_entry."
        )

    def at(self, entry: str) -> Any:
        """The target's value `entries[entry]` ms ago (its latest value for no delay)."""
        if entry not in self.entries:
            raise KeyError(
                f"VarDelay has no entry {entry!r}; its entries are {sorted(self.entries)}. "
                "Give every entry when building it: VarDelay(target, entries={...})."
            )
        return self.retrieve(self.entries[entry])

    def retrieve(self, delay_step: Any) -> Any:
        """The value stored `delay_step` steps ago, counted as `at` counts: 0 is the
        target's current value, 1 the latest stored one. A step outside the range is
        refused as `LengthDelay.retrieve` refuses it (checked when the computation runs
        for a step traced inside a transform)."""
        longest = 0 if self.history is None else self.history.max_len + 1
        if isinstance(delay_step, Tracer) and self.history is not None:
            stored = self.history.retrieve(jnp.maximum(delay_step, 1) - 1)
            delay_step = eqx.error_if(
                delay_step,
                delay_step < 0,
                f"{self.name}.retrieve: a delay_step below 0 (its range is [0, {longest}]).",
            )
            return jnp.where(delay_step == 0, self.target.value, stored)
        if isinstance(delay_step, bool) or not isinstance(delay_step, int | np.integer | Array):
            raise TypeError(
                f"{self.name}.retrieve: delay_step counts steps, so it must be an int, "
                f"got {delay_step!r}."
            )
        if not 0 <= int(delay_step) <= longest:
            raise ValueError(
                f"{self.name}.retrieve: delay_step={delay_step!r} is outside this VarDelay's "
                f"range [0, {longest}]; give the longest delay as `time=` (ms) when building it."
            )
        if int(delay_step) == 0:
            return self.target.value
        assert self.history is not None
        return self.history.retrieve(int(delay_step) - 1)

    def update(self, latest: Any = None) -> None:
        """Store this step's value: `latest`, or the target's current value."""
        if self.history is not None:
            self.history.push(self.target.value if latest is None else latest)
