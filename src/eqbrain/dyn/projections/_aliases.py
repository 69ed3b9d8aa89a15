"""BrainPy's merging projection names (`*Mg`), with BrainPy's argument order.

Each is an eqbrain projection with the same step order (the `*Mg` forms'): only the
order of the positional arguments is BrainPy's. The synapse is an instance, not a
`.desc(...)`, and each projection holds its own (BrainPy merges equal ones).
"""

from __future__ import annotations

from typing import Any

from .._dynsys import DynamicalSystem
from ._align_post import AlignPostProj, Projection
from ._full import FullProjAlignPost, FullProjAlignPre, FullProjAlignPreDS


class HalfProjAlignPostMg(Projection):
    """BrainPy's `HalfProjAlignPostMg(comm, syn, out, post)`: an `AlignPostProj` that
    holds its postsynaptic population and reads `post.V` itself.

    `proj(spikes)` returns the current the presynaptic `spikes` cause in `post` (BrainPy
    adds it inside `post.update`; the network passes it on).

    ```python
    proj = eqbrain.dyn.HalfProjAlignPostMg(
        comm=eqbrain.dyn.FixedProb(100, 80, 0.1, 0.5),
        syn=eqbrain.dyn.Expon(80, tau=5.0), out=eqbrain.dyn.COBA(E=0.0), post=I,
    )
    I_current = proj(E.spike.value)
    ```
    """

    post: DynamicalSystem
    proj: AlignPostProj

    def __init__(
        self,
        comm: DynamicalSystem,
        syn: DynamicalSystem,
        out: DynamicalSystem,
        post: DynamicalSystem,
        *,
        name: str | None = None,
    ):
        super().__init__(name=name)
        if not hasattr(post, "V"):
            raise TypeError(
                f"The postsynaptic population must have a `V` Variable, got {type(post).__name__}."
            )
        self.post = post
        self.proj = AlignPostProj(comm, syn, out)

    def update(self, spike: Any) -> Any:
        """The current this step's presynaptic `spike`s cause in `post` at its potential."""
        return self.proj(spike, self.post.V.value)  # type: ignore[attr-defined]


class FullProjAlignPostMg(FullProjAlignPost):
    """BrainPy's `FullProjAlignPostMg(pre, delay, comm, syn, out, post)`: a
    `FullProjAlignPost` with BrainPy's argument order.

    ```python
    E2I = eqbrain.dyn.FullProjAlignPostMg(
        E, 1.5, eqbrain.dyn.FixedProb(3200, 800, 0.02, 0.6),
        eqbrain.dyn.Expon(800, tau=5.0), eqbrain.dyn.COBA(E=0.0), I,
    )
    ```
    """

    def __init__(
        self,
        pre: DynamicalSystem,
        delay: float | None,
        comm: DynamicalSystem,
        syn: DynamicalSystem,
        out: DynamicalSystem,
        post: DynamicalSystem,
        *,
        name: str | None = None,
    ):
        super().__init__(pre, comm, syn, out, post, delay=delay, name=name)


class FullProjAlignPreSDMg(FullProjAlignPre):
    """BrainPy's `FullProjAlignPreSDMg(pre, syn, delay, comm, out, post)`: a
    `FullProjAlignPre` (synapse, then delay) with BrainPy's argument order.

    ```python
    E2I = eqbrain.dyn.FullProjAlignPreSDMg(
        E, eqbrain.dyn.Expon(3200, tau=5.0), 1.5,
        eqbrain.dyn.FixedProb(3200, 800, 0.02, 0.6), eqbrain.dyn.COBA(E=0.0), I,
    )
    ```
    """

    def __init__(
        self,
        pre: DynamicalSystem,
        syn: DynamicalSystem,
        delay: float | None,
        comm: DynamicalSystem,
        out: DynamicalSystem,
        post: DynamicalSystem,
        *,
        name: str | None = None,
    ):
        super().__init__(pre, syn, comm, out, post, delay=delay, name=name)


class FullProjAlignPreDSMg(FullProjAlignPreDS):
    """BrainPy's `FullProjAlignPreDSMg(pre, delay, syn, comm, out, post)`: a
    `FullProjAlignPreDS` (delay, then synapse) with BrainPy's argument order.

    ```python
    E2I = eqbrain.dyn.FullProjAlignPreDSMg(
        E, 1.5, eqbrain.dyn.Expon(3200, tau=5.0),
        eqbrain.dyn.FixedProb(3200, 800, 0.02, 0.6), eqbrain.dyn.COBA(E=0.0), I,
    )
    ```
    """

    def __init__(
        self,
        pre: DynamicalSystem,
        delay: float | None,
        syn: DynamicalSystem,
        comm: DynamicalSystem,
        out: DynamicalSystem,
        post: DynamicalSystem,
        *,
        name: str | None = None,
    ):
        # FullProjAlignPreDS is FullProjAlignPre with a class flag: the same __init__.
        FullProjAlignPre.__init__(self, pre, syn, comm, out, post, delay=delay, name=name)


ProjAlignPostMg1 = HalfProjAlignPostMg
ProjAlignPostMg2 = FullProjAlignPostMg
ProjAlignPreMg1 = FullProjAlignPreDSMg
ProjAlignPreMg2 = FullProjAlignPreSDMg
