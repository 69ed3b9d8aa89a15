"""`STDP_Song2000`: a projection whose weights learn by spike-timing-dependent
plasticity (Song, Miller & Abbott 2000), with BrainPy's constructor."""

from __future__ import annotations

import math
from typing import Any, Generic, TypeVar

import equinox as eqx
import jax.numpy as jnp
import numpy as np

from ..._core import Variable
from .._dynsys import Describer, DynamicalSystem
from .._share import get_dt
from ..others._delay import LengthDelay, delay_steps
from ..synapses import Expon
from ._align_post import Projection
from ._sizes import size_of

Comm = TypeVar("Comm", bound=DynamicalSystem)
"""The connection layer's class: `proj.comm` keeps it for type checkers (`proj.comm.weight`)."""

_COMMS = (
    "eqbrain.dnn.AllToAll, Dense, OneToOne, MaskedLinear, CSRLinear or EventCSRLinear, "
    "with one weight per synapse"
)


class _PostCurrent(DynamicalSystem):
    """The current a projection delivers to its postsynaptic population: `out(g, V)` for
    the conductance `g` the projection wrote this step (BrainPy's bound output)."""

    out: DynamicalSystem
    g: Variable

    def __init__(self, out: DynamicalSystem, g: Any):
        super().__init__()
        self.out, self.g = out, Variable(g)

    def update(self, V: Any) -> Any:
        return self.out(self.g.value, V)


def _built(part: Any, role: str) -> DynamicalSystem:
    """A synapse or output given as an instance or as `Model.desc(...)`."""
    if isinstance(part, Describer):
        part = part()
    if not isinstance(part, DynamicalSystem):
        raise TypeError(
            f"STDP_Song2000: {role} must be an eqbrain model or its `.desc(...)` (e.g. "
            f"`eqbrain.dyn.Expon.desc(n, tau=5.0)`), got {type(part).__name__}."
        )
    return part


def _positive(name: str, value: Any) -> Any:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or not np.all(arr > 0):
        raise ValueError(
            f"STDP_Song2000: {name} is a time constant in ms and must be > 0, got {value!r}."
        )
    return value


def _bounds(W_min: Any, W_max: Any) -> tuple[float | None, float | None]:
    lo = None if W_min is None else float(W_min)
    hi = None if W_max is None else float(W_max)
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(
            f"STDP_Song2000: W_min={lo:g} is above W_max={hi:g}; the weights are clipped to "
            "[W_min, W_max], so give W_min <= W_max (or None for an open side)."
        )
    return lo, hi


def _check_parts(pre: Any, comm: Any, post: Any) -> tuple[int, int]:
    """The sizes of `pre` and `post`, after checking that the three fit together."""
    for role, pop in (("pre", pre), ("post", post)):
        spike = getattr(pop, "spike", None)
        if not isinstance(spike, Variable):
            raise TypeError(
                f"STDP_Song2000: {role} must be a population with a `spike` Variable (a "
                f"neuron model, PoissonGroup, SpikeTimeGroup), got {type(pop).__name__}."
            )
        if spike.batch_axis is not None:
            raise ValueError(
                f"STDP_Song2000: {role} {pop.name} is batched; the projection learns one "
                "weight matrix from one trial: build the populations without batch_size."
            )
    if not callable(getattr(post, "add_inp_fun", None)):
        raise TypeError(
            f"STDP_Song2000: post must be an eqbrain.dyn neuron population (it receives the "
            f"current through `add_inp_fun`), got {type(post).__name__}."
        )
    if not callable(getattr(comm, "stdp_update", None)):
        raise TypeError(
            f"STDP_Song2000: comm {type(comm).__name__} has no weight to learn (no "
            f"`stdp_update` method). Use {_COMMS}."
        )
    n_pre = math.prod(size_of(pre, "spike") or ())
    n_post = math.prod(size_of(post, "spike") or ())
    shape: Any = getattr(comm, "stdp_shape", None)
    if shape is not None:
        c_pre, c_post = shape()  # raises for a layer with one weight for all
        if (c_pre, c_post) != (n_pre, n_post):
            raise ValueError(
                f"STDP_Song2000: comm {comm.name} ({type(comm).__name__}) connects {c_pre} "
                f"inputs to {c_post} outputs, but pre {pre.name} has {n_pre} neurons and "
                f"post {post.name} has {n_post}; build comm for ({n_pre}, {n_post})."
            )
    return n_pre, n_post


class STDP_Song2000(Projection, Generic[Comm]):
    r"""A projection whose weights learn by spike-timing-dependent plasticity (Song,
    Miller & Abbott 2000; BrainPy's `bp.dyn.STDP_Song2000`).

    Each presynaptic neuron keeps a trace $A_{pre}$ and each postsynaptic neuron a trace
    $A_{post}$ (`Expon` synapses: they decay with `tau_s` and `tau_t` and grow by 1 at a
    spike). A presynaptic spike depresses its weights by `A2` times the postsynaptic
    trace, a postsynaptic spike potentiates its weights by `A1` times the presynaptic
    trace, each clipped to `[W_min, W_max]`:

    $$\Delta w_{ij} = -A_2 A_{post,j}\,\delta_{pre,i} + A_1 A_{pre,i}\,\delta_{post,j}.$$

    The weights are those of `comm` (its `TrainVar`: saved in checkpoints, listed by
    `vars()` and `train_vars()`, and, as BrainPy's, kept by `reset_state()`), so a
    learnt network is saved and loaded like any model. The spikes go through `comm`
    into the synapse `syn` and the output `out`, whose current `post` adds to its input
    at each step (the projection registers it with `post.add_inp_fun`): the network's
    `update` calls `pre()`, `proj()`, then `post()`, as in BrainPy.

    The projection holds `pre` and `post`, and `post` holds the projection's current
    source: run networks built this way with the in-place transforms (`eqbrain.jit`,
    `for_loop`, `DSRunner`), as for `FullProjAlignPost` (Equinox's functional
    transforms copy a part held in two places into two).

    A synapse with `add_current` (`Expon`, `DualExponV2`) sits at the postsynaptic side
    (align-post, sized like `post`); any other (`DualExpon`, `AMPA`, ...) filters the
    presynaptic spikes (align-pre, sized like `pre`) before `comm`.

    **Arguments:**

    - `pre`, `post`: the populations (each with a `spike` Variable; `post` a neuron model).
    - `delay`: the presynaptic delay (ms, whole steps of `dt`; `None` for none): a spike
      of the step at time `t` acts at `t + delay` (BrainPy's one step earlier).
    - `syn`, `out`: the synapse and the output, as instances or `Model.desc(...)`.
    - `comm`: a connection layer with one weight per synapse (`eqbrain.dnn.AllToAll`,
      `Dense`, `OneToOne`, `MaskedLinear`, `CSRLinear`, `EventCSRLinear`).
    - `tau_s`, `tau_t`: the time constants (ms) of the pre- and postsynaptic traces.
    - `A1`, `A2`: the potentiation and depression per unit of trace.
    - `W_max`, `W_min`: the bounds of the weights (`None`: open).
    - `out_label`: BrainPy's input label of the current on `post`; `name`: the model's
      name; `mode`: taken for BrainPy's signature (the populations must not be batched:
      one weight matrix learns from one trial).

    ```python
    pre = eqbrain.dyn.PoissonGroup(100, freqs=15.0)
    post = eqbrain.dyn.Lif(1, V_rest=-74.0, V_reset=-60.0, V_th=-54.0, tau=10.0)
    comm = eqbrain.dnn.AllToAll(100, 1, eqbrain.init.Uniform(0.0, 0.01))
    proj = eqbrain.dyn.STDP_Song2000(
        pre, None, eqbrain.dyn.Expon.desc(1, tau=5.0), comm, eqbrain.dyn.COBA.desc(E=0.0),
        post, tau_s=20.0, tau_t=20.0, A1=1e-4, A2=1.05e-4, W_max=0.01, W_min=0.0,
    )
    ```
    """

    pre: DynamicalSystem
    post: DynamicalSystem
    comm: Comm
    syn: DynamicalSystem
    current: _PostCurrent
    pre_trace: Expon
    post_trace: Expon
    delay: LengthDelay | None
    A1: Any
    A2: Any
    W_max: float | None = eqx.field(static=True)
    W_min: float | None = eqx.field(static=True)
    align_post: bool = eqx.field(static=True)

    def __init__(
        self,
        pre: DynamicalSystem,
        delay: float | None,
        syn: DynamicalSystem | Describer,
        comm: Comm,
        out: DynamicalSystem | Describer,
        post: DynamicalSystem,
        tau_s: Any = 16.8,
        tau_t: Any = 33.7,
        A1: Any = 0.96,
        A2: Any = 0.53,
        W_max: float | None = None,
        W_min: float | None = None,
        out_label: str | None = None,
        name: str | None = None,
        mode: Any = None,
    ):
        super().__init__(name=name)
        tau_s, tau_t = _positive("tau_s", tau_s), _positive("tau_t", tau_t)
        self.W_min, self.W_max = _bounds(W_min, W_max)
        n_pre, n_post = _check_parts(pre, comm, post)
        steps = 0 if delay is None else delay_steps(delay)
        syn, out = _built(syn, "syn"), _built(out, "out")
        self.align_post = callable(getattr(syn, "add_current", None))
        side, n = ("post", n_post) if self.align_post else ("pre", n_pre)
        size = size_of(syn)
        if size is not None and math.prod(size) != n:
            kind = "has `add_current` (align-post)" if self.align_post else "filters spikes"
            raise ValueError(
                f"STDP_Song2000: the synapse syn {syn.name} ({type(syn).__name__}) {kind}, so "
                f"it must be sized like {side} ({n} neurons), got shape {size}."
            )
        self.pre, self.post, self.comm, self.syn = pre, post, comm, syn
        self.A1, self.A2 = A1, A2
        self.pre_trace = Expon(pre.spike.shape, tau=tau_s)  # type: ignore[attr-defined]
        self.post_trace = Expon(post.spike.shape, tau=tau_t)  # type: ignore[attr-defined]
        spike = pre.spike.value  # type: ignore[attr-defined]
        self.delay = None if steps == 0 else LengthDelay(jnp.zeros_like(spike), steps, dt=get_dt())
        self.current = _PostCurrent(out, jnp.zeros(post.spike.shape))  # type: ignore[attr-defined]
        post.add_inp_fun(self.name, self.current, label=out_label)  # type: ignore[attr-defined]

    @property
    def out(self) -> DynamicalSystem:
        """The synaptic output (`COBA`, `CUBA`, `MgBlock`)."""
        return self.current.out

    @property
    def refs(self) -> dict[str, Any]:
        """BrainPy's `refs`: the parts by role (`pre`, `post`, `syn`, `out`, `comm`,
        `delay`, `pre_trace`, `post_trace`)."""
        return dict(
            pre=self.pre,
            post=self.post,
            syn=self.syn,
            out=self.out,
            comm=self.comm,
            delay=self.delay,
            pre_trace=self.pre_trace,
            post_trace=self.post_trace,
        )

    def update(self) -> Any:
        """One step: the traces, the weight changes, then the conductance `post` reads
        at its next step; returns `comm`'s output (as BrainPy's)."""
        spike = self.pre.spike.value  # type: ignore[attr-defined]
        if self.delay is not None:
            spike = self.delay.push(spike)
        post_spike = self.post.spike.value  # type: ignore[attr-defined]
        A_pre = self.pre_trace(spike)
        A_post = self.post_trace(post_spike)
        learn: Any = self.comm.stdp_update  # type: ignore[attr-defined]
        learn(
            on_pre={"spike": spike, "trace": -A_post * self.A2}, w_min=self.W_min, w_max=self.W_max
        )
        learn(
            on_post={"spike": post_spike, "trace": A_pre * self.A1},
            w_min=self.W_min,
            w_max=self.W_max,
        )
        if self.align_post:
            x = self.comm(spike)
            self.syn.add_current(x)  # type: ignore[attr-defined]
            g = self.syn()
        else:
            x = g = self.comm(self.syn(spike))
        self.current.g.value = jnp.broadcast_to(g, self.current.g.shape).astype(
            self.current.g.dtype
        )
        return x
