"""`Projection`, the base of the projections, and `AlignPostProj`: presynaptic spikes ->
connectivity -> synapse -> output current."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import jax.numpy as jnp

from .._dynsys import DynamicalSystem, state_shape
from ..others._delay import LengthDelay, delay_line
from ._sizes import check_fits, size_of

Syn = TypeVar("Syn", bound=DynamicalSystem)
"""The synapse's class: a projection's `syn` keeps it for type checkers (`proj.syn.g`)."""


class Projection(DynamicalSystem):
    """The base of the projections (BrainPy's `bp.Projection`): a `DynamicalSystem`
    whose `update` returns the current it causes in its postsynaptic population.

    ```python
    class Gap(eqbrain.dyn.Projection):
        g: float = 0.1

        def update(self, V_pre, V_post):
            return self.g * (V_pre - V_post)
    ```
    """


class AlignPostProj(Projection, Generic[Syn]):
    """A projection whose synapse lives at the postsynaptic side (BrainPy's align-post).

    One step: the connectivity `comm` turns the presynaptic spikes into the summed
    weight arriving at each postsynaptic neuron; the synapse `syn` (sized like the
    postsynaptic population) integrates it; the output `out` turns the synaptic state
    into a current at the postsynaptic potential `V`. A synapse with an `add_current`
    method (`Expon`, `DualExponV2`) receives the input before its step, as in BrainPy's
    align-post projections, so the numbers match BrainPy's: the step decays the weight
    that just arrived, once. Any other synapse gets the input as its update argument.
    The projection holds no reference to either population, so a network stays a tree
    (and a pytree): its `update` passes the spikes and the potential in.

    **Arguments:**

    - `comm`: the connectivity, e.g. `eqbrain.dyn.FixedProb(n_pre, n_post, 0.02, weight)`.
    - `syn`: the synapse, e.g. `eqbrain.dyn.Expon(n_post, tau=5.0)`, sized like the
      postsynaptic population (`comm.n_post` neurons: checked when it is built).
    - `out`: the output, e.g. `eqbrain.dyn.COBA(E=0.0)` or `eqbrain.dyn.CUBA()`.
    - `delay`: the synaptic delay in ms (a whole number of steps of the current `dt`):
      a spike emitted at the step of time `t` reaches the connectivity at the step of
      `t + delay`. The network passes in the previous step's spikes, so they wait
      `delay / dt - 1` steps in a `LengthDelay` ring buffer (state: it resets with the
      model and goes into checkpoints). `None`, `0` or `dt`: no buffer (one step).
    - `batch_size`: with a delay in a batched network, the batch size of the spikes.

    ```python
    proj = eqbrain.dyn.AlignPostProj(
        comm=eqbrain.dyn.FixedProb(3200, 4000, 0.02, weight=0.6),
        syn=eqbrain.dyn.Expon(4000, tau=5.0),
        out=eqbrain.dyn.COBA(E=0.0),
    )
    I = proj(spikes_of_E, V_of_post)
    ```
    """

    comm: DynamicalSystem
    syn: Syn
    out: DynamicalSystem
    delay: LengthDelay | None

    def __init__(
        self,
        comm: DynamicalSystem,
        syn: Syn,
        out: DynamicalSystem,
        *,
        delay: float | None = None,
        batch_size: int | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        check_fits(self, "synapse `syn`", comm, "n_post", syn, size_of(syn))
        self.comm, self.syn, self.out = comm, syn, out
        n_pre = getattr(comm, "n_pre", None)
        if delay and not isinstance(n_pre, int):
            raise ValueError(
                f"A delayed projection needs the number of presynaptic neurons, read "
                f"from `comm.n_pre`; {type(comm).__name__} has none. Delay the spikes "
                "yourself with an `eqbrain.LengthDelay` before this projection."
            )
        shape = state_shape(n_pre, batch_size, self) if isinstance(n_pre, int) else ()
        self.delay = delay_line(delay, jnp.zeros(shape, bool))

    def update(self, spike: Any, V: Any) -> Any:
        """The current this step's presynaptic `spike`s cause at potential `V` (after the
        delay, the spikes of `delay` ms ago)."""
        if self.delay is not None:
            spike = self.delay.push(spike)
        x = self.comm(spike)
        add_current = getattr(self.syn, "add_current", None)
        if add_current is None:
            return self.out(self.syn(x), V)
        add_current(x)
        return self.out(self.syn(), V)
