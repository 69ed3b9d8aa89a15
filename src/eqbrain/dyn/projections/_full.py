"""Projections that hold their pre- and postsynaptic populations (BrainPy's
`FullProjAlignPost*`, `FullProjAlignPreSD*` and `FullProjAlignPreDS*`)."""

from __future__ import annotations

from typing import Any, ClassVar, Generic

import jax.numpy as jnp

from .._dynsys import DynamicalSystem
from ..others._delay import LengthDelay, delay_line
from ._align_post import AlignPostProj, Projection, Syn
from ._sizes import check_fits, check_same, size_of


def _spikes_and_potential(pre: Any, post: Any) -> None:
    for role, pop, attr in (("pre", pre, "spike"), ("post", post, "V")):
        if not hasattr(pop, attr):
            raise TypeError(
                f"The {role}synaptic population must have a `{attr}` Variable, got "
                f"{type(pop).__name__}."
            )


def _check_sizes(proj: Any, pre: Any, comm: Any, post: Any) -> None:
    check_fits(proj, "presynaptic population `pre`", comm, "n_pre", pre, size_of(pre, "spike"))
    check_fits(proj, "postsynaptic population `post`", comm, "n_post", post, size_of(post, "V"))


class FullProjAlignPost(Projection, Generic[Syn]):
    """A projection from `pre` to `post` whose synapse lives at the postsynaptic side
    (BrainPy's `FullProjAlignPost`/`FullProjAlignPostMg`): it reads `pre.spike` and
    `post.V` itself.

    `proj()` returns the current for `post`; the network adds the currents of its
    projections and passes them to `post` (BrainPy adds them inside `post.update`). The
    populations are the same objects as the network's own (`net.E.pre is net.N`), so
    in-place runs share them. Under Equinox's functional transforms a model is
    flattened into leaves, and a population held twice comes back as two copies: use
    the in-place transforms (`eqbrain.jit`, `DSRunner`) for networks built this way.

    **Arguments:**

    - `pre`: the presynaptic population (has `spike`).
    - `comm`, `syn`, `out`: as for `AlignPostProj`.
    - `post`: the postsynaptic population (has `V`).
    - `delay`: the synaptic delay in ms (whole steps of `dt`); `None` for none.

    ```python
    E2I = eqbrain.dyn.FullProjAlignPost(
        pre=E, comm=eqbrain.dyn.FixedProb(3200, 800, 0.02, 0.6),
        syn=eqbrain.dyn.Expon(800, tau=5.0), out=eqbrain.dyn.COBA(E=0.0), post=I,
    )
    I_current = E2I()
    ```
    """

    pre: DynamicalSystem
    post: DynamicalSystem
    proj: AlignPostProj[Syn]

    def __init__(
        self,
        pre: DynamicalSystem,
        comm: DynamicalSystem,
        syn: Syn,
        out: DynamicalSystem,
        post: DynamicalSystem,
        *,
        delay: float | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        _spikes_and_potential(pre, post)
        _check_sizes(self, pre, comm, post)
        check_fits(self, "synapse `syn`", comm, "n_post", syn, size_of(syn))
        self.pre, self.post = pre, post
        self.proj = AlignPostProj(comm, syn, out, delay=delay)

    def update(self) -> Any:
        """The current the presynaptic spikes cause in `post` at its potential."""
        return self.proj(self.pre.spike.value, self.post.V.value)  # type: ignore[attr-defined]


class FullProjAlignPre(Projection, Generic[Syn]):
    """A projection whose synapse lives at the presynaptic side (BrainPy's
    `FullProjAlignPre*`): the synapse `syn` (sized like `pre`) filters the presynaptic
    spikes, the (delayed) synaptic state goes through the connectivity `comm`, and the
    output `out` makes it a current at `post.V`.

    One synapse per presynaptic neuron instead of one per postsynaptic neuron: cheaper
    when `pre` is smaller than `post`. The synapse steps, then takes the spikes (as
    BrainPy's `FullProjAlignPreSD*`), while align-post adds the arriving weight before
    its synapse steps: for a linear synapse (`Expon`) and linear connectivity the two
    give the same current when this one's weight carries one step's decay,
    `exp(-dt / tau)`. The note on shared populations of `FullProjAlignPost` applies.
    `FullProjAlignPreDS` delays the spikes instead of the synaptic state.

    **Arguments:** `pre`, `syn` (sized like `pre`), `comm`, `out`, `post`, `delay` (ms:
    the synapse's state waits this long before the connectivity).

    ```python
    E2I = eqbrain.dyn.FullProjAlignPre(
        pre=E, syn=eqbrain.dyn.Expon(3200, tau=5.0),
        comm=eqbrain.dyn.FixedProb(3200, 800, 0.02, 0.6), out=eqbrain.dyn.COBA(E=0.0), post=I,
    )
    ```
    """

    pre: DynamicalSystem
    syn: Syn
    comm: DynamicalSystem
    out: DynamicalSystem
    post: DynamicalSystem
    delay: LengthDelay | None
    DELAY_SPIKES: ClassVar[bool] = False  # True: the delay holds spikes, before `syn`

    def __init__(
        self,
        pre: DynamicalSystem,
        syn: Syn,
        comm: DynamicalSystem,
        out: DynamicalSystem,
        post: DynamicalSystem,
        *,
        delay: float | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        _spikes_and_potential(pre, post)
        _check_sizes(self, pre, comm, post)
        pre_size = size_of(pre, "spike")
        check_same(
            self, "synapse `syn`", syn, size_of(syn), "presynaptic population `pre`", pre, pre_size
        )
        self.pre, self.syn, self.comm, self.out, self.post = pre, syn, comm, out, post
        spike = pre.spike.value  # type: ignore[attr-defined]
        waiting = jnp.zeros_like(spike) if self.DELAY_SPIKES else jnp.zeros(spike.shape)
        self.delay = delay_line(delay, waiting)

    def update(self) -> Any:
        """The current the presynaptic synapses' state causes in `post`."""
        x = self.pre.spike.value  # type: ignore[attr-defined]
        if self.DELAY_SPIKES and self.delay is not None:
            x = self.delay.push(x)
        g = self.syn(x)
        if not self.DELAY_SPIKES and self.delay is not None:
            g = self.delay.push(g)
        return self.out(self.comm(g), self.post.V.value)  # type: ignore[attr-defined]


class FullProjAlignPreDS(FullProjAlignPre[Syn]):
    """`FullProjAlignPre` with the delay before the synapse (BrainPy's
    `FullProjAlignPreDS*`): the presynaptic spikes wait `delay` ms in a boolean ring
    buffer, then the synapse (sized like `pre`) filters them and the connectivity
    projects its state. The buffer holds spikes, not synaptic states: for a linear
    synapse the same current as `FullProjAlignPre`, from a smaller buffer.

    **Arguments:** as for `FullProjAlignPre`.

    ```python
    E2I = eqbrain.dyn.FullProjAlignPreDS(
        pre=E, syn=eqbrain.dyn.Expon(3200, tau=5.0),
        comm=eqbrain.dyn.FixedProb(3200, 800, 0.02, 0.6), out=eqbrain.dyn.COBA(E=0.0), post=I,
        delay=1.5,
    )
    ```
    """

    DELAY_SPIKES = True

    def __init__(
        self,
        pre: DynamicalSystem,
        syn: Syn,
        comm: DynamicalSystem,
        out: DynamicalSystem,
        post: DynamicalSystem,
        *,
        delay: float | None = None,
        name: str | None = None,
    ):
        # FullProjAlignPre's, spelled out: type checkers would build one from the fields
        super().__init__(pre, syn, comm, out, post, delay=delay, name=name)
