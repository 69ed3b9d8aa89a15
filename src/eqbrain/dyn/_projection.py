"""`AlignPostProj`: presynaptic spikes -> connectivity -> synapse -> output current."""

from __future__ import annotations

from typing import Any

from ._dynsys import DynamicalSystem


class AlignPostProj(DynamicalSystem):
    """A projection whose synapse lives at the postsynaptic side (BrainPy's align-post).

    One step: the connectivity `comm` turns the presynaptic spikes into the summed
    weight arriving at each postsynaptic neuron; the synapse `syn` (sized like the
    postsynaptic population) integrates it; the output `out` turns the synaptic state
    into a current at the postsynaptic potential `V`. The projection holds no reference
    to either population, so a network stays a tree (and a pytree): its `update`
    passes the spikes and the potential in.

    **Arguments:**

    - `comm`: the connectivity, e.g. `eqbrain.FixedProb(n_pre, n_post, 0.02, weight)`.
    - `syn`: the synapse, e.g. `eqbrain.Expon(n_post, tau=5.0)`.
    - `out`: the output, e.g. `eqbrain.COBA(E=0.0)` or `eqbrain.CUBA()`.

    ```python
    proj = eqbrain.AlignPostProj(
        comm=eqbrain.FixedProb(3200, 4000, 0.02, weight=0.6),
        syn=eqbrain.Expon(4000, tau=5.0),
        out=eqbrain.COBA(E=0.0),
    )
    I = proj(spikes_of_E, V_of_post)
    ```
    """

    comm: DynamicalSystem
    syn: DynamicalSystem
    out: DynamicalSystem

    def __init__(
        self,
        comm: DynamicalSystem,
        syn: DynamicalSystem,
        out: DynamicalSystem,
        *,
        name: str | None = None,
    ):
        super().__init__(name=name)
        self.comm, self.syn, self.out = comm, syn, out

    def update(self, spike: Any, V: Any) -> Any:
        """The current this step's presynaptic `spike`s cause at potential `V`."""
        return self.out(self.syn(self.comm(spike)), V)
