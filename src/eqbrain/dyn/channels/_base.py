"""What every ion channel shares: `IonChaDyn`, `IonChannel`, the gated channel built
from its gates' rate functions, how a channel is called with its ions' state, and the
checks that put a channel where its ions are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import jax.numpy as jnp

from ..._core import NodeDict
from .._population import Population, integral
from .._share import share
from ..integrators._integrator import EXPONENTIAL
from ..integrators._steps import exp_euler_linear


def markov_gate(x, t, alpha, beta, phi):
    """`dx/dt = phi (alpha (1 - x) - beta x)`: a gate with opening and closing rates."""
    return phi * (alpha * (1.0 - x) - beta * x)


def relax_gate(x, t, inf, tau, phi):
    """`dx/dt = phi (inf - x) / tau`: a gate relaxing to its steady state."""
    return phi * (inf - x) / tau


class IonChaDyn(Population):
    """What ions and ion channels share (BrainPy's `bp.dyn.IonChaDyn`): a population
    that lives inside a conductance-based neuron (`CondNeuGroup`).

    `ION` names the ions a class reads: `()` for a channel that sits in the neuron
    itself, `('Calcium',)` for one that sits in a calcium ion, two names for one that
    sits in `MixIons`. An ion names its own kind in `KIND`.
    """

    ION: ClassVar[tuple[str, ...]] = ()
    KIND: ClassVar[str] = ""

    def current(self, V: Any, *args: Any, **kwargs: Any) -> Any:
        """The current density into the cell at `V`."""
        raise NotImplementedError(f"{type(self).__name__} does not define `current`.")

    def conductance(self, *args: Any) -> Any:
        """`g` where the current is `g (E - V)` with `g` independent of `V` (gates at
        their present values); `None` for a current of another form. The neuron's
        exponential Euler step takes `-sum(g) / C` as its linear part when every channel
        gives one, and differentiates the currents otherwise."""
        return None

    def update(self, V: Any, *args: Any, **kwargs: Any) -> None:
        """Step the state over `dt` at potential `V` (nothing to step here)."""

    def init_state(self, V: Any, *args: Any) -> None:
        """Set the state to its resting value at `V` (nothing to set here)."""


class IonChannel(IonChaDyn):
    """An ion channel (BrainPy's `bp.dyn.IonChannel`): a current through the membrane.

    A channel that reads no ion is called `current(V)`, `update(V)`, `init_state(V)`;
    one that reads one ion `current(V, C, E)` (the ion's concentration and reversal
    potential), and one that reads several ions `current(V, info1, info2)` with a dict
    `{'C': ..., 'E': ...}` per ion in `ION` order. `current` is the current density
    (µA/cm²) into the cell, `g (E - V)`; `update` steps the channel's state over `dt`
    at the step's starting potential; `init_state` sets it to its resting value at
    `V` (BrainPy's channel `reset_state(V, ...)`; a `CondNeuGroup` calls it once it is
    built, with its initial potential).
    """


class LeakyChannel(IonChannel):
    """A channel without gates, `g_max (E - V)` (BrainPy's `bp.dyn.LeakyChannel`)."""

    def conductance(self, *ions: Any) -> Any:
        return self.g_max  # type: ignore[attr-defined]

    def current(self, V: Any, *ions: Any) -> Any:
        return self.g_max * (self.E - V)  # type: ignore[attr-defined]


class GatedChannel(IonChannel):
    """A channel `g_max * p^a q^b ... * (E - V)` whose gates each follow a first-order
    equation, scaled by its temperature factor.

    A subclass lists its gates in `GATES` as `(name, power, kind, phi)`: `kind` is
    `'markov'` (the class defines `f_<name>_alpha(V)` and `f_<name>_beta(V)`, BrainPy's
    names) or `'relax'` (`f_<name>_inf(V)` and `f_<name>_tau(V)`), and `phi` names the
    field of its temperature factor. Each gate is a Variable, integrated by the
    channel's `method` (exponential Euler by default, exact for a gate at fixed `V`)
    and set to its steady state at the neuron's initial potential.
    """

    GATES: ClassVar[tuple[tuple[str, int, str, str], ...]] = ()

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        for gate, *_ in self.GATES:
            setattr(self, gate, self._variable(0.0, jnp.result_type(float)))

    def rates(self, gate: str, V: Any, *ions: Any) -> tuple[Any, Any]:
        """`(alpha, beta)` or `(inf, tau)` of `gate` at `V`."""
        kind = next(k for g, _, k, _ in self.GATES if g == gate)
        names = ("alpha", "beta") if kind == "markov" else ("inf", "tau")
        first, second = (getattr(self, f"f_{gate}_{n}")(V) for n in names)
        return first, second

    def update(self, V: Any, *ions: Any) -> None:
        t, dt = share.load("t", 0.0), share.load("dt")
        new = {}
        for gate, _, kind, phi_name in self.GATES:
            a, b = self.rates(gate, V, *ions)
            x, phi = getattr(self, gate).value, getattr(self, phi_name)
            if self.method in EXPONENTIAL:  # the linear part in closed form
                if kind == "markov":
                    d, linear = markov_gate(x, t, a, b, phi), phi * (-a - b)
                else:
                    d, linear = relax_gate(x, t, a, b, phi), phi * (-1.0 / b)
                new[gate] = exp_euler_linear(x, d, linear, dt)
            else:
                f = integral(markov_gate if kind == "markov" else relax_gate, self.method)
                new[gate] = f(x, t, a, b, phi, dt=dt)
        for gate, value in new.items():
            getattr(self, gate).value = value

    def init_state(self, V: Any, *ions: Any) -> None:
        for gate, _, kind, _ in self.GATES:
            a, b = self.rates(gate, V, *ions)
            getattr(self, gate).value = a / (a + b) if kind == "markov" else a

    def conductance(self, *ions: Any) -> Any:
        """`g_max` times each gate to its power."""
        g = self.g_max  # type: ignore[attr-defined]
        for gate, power, _, _ in self.GATES:
            x = getattr(self, gate).value
            g = g * (x if power == 1 else x**power)
        return g

    def reversal(self, *ions: Any) -> Any:
        """The reversal potential: the channel's `E`, or its ion's."""
        return self.E if not self.ION else ions[1]  # type: ignore[attr-defined]

    def current(self, V: Any, *ions: Any) -> Any:
        return self.conductance(*ions) * (self.reversal(*ions) - V)


# -- where a channel sits -----------------------------------------------------------------


def ion_args(channel: IonChaDyn, infos: Sequence[Mapping[str, Any]]) -> tuple:
    """The ion arguments of `channel`'s calls: `(C, E)` for one ion, the dicts for several."""
    if len(channel.ION) == 1:
        return (infos[0]["C"], infos[0]["E"])
    return tuple(infos)


def _an(kinds: Sequence[str]) -> str:
    return " and ".join(f"a {k}" for k in kinds) + (" ion" if len(kinds) == 1 else " ions")


_PLACE = """\
{where}: {key!r} ({cls}) reads {need}, which {have}. A channel goes where its ions \
are: one that reads no ion in the neuron (`CondNeuGroup(size, {key}=...)`), one that \
reads an ion in that ion (`eqbrain.dyn.{first}Fixed(size, {key}=...)` or a dynamic one \
such as `CalciumDetailed`), one that reads several in `eqbrain.dyn.MixIons(ion1, ion2, \
{key}=...)` of those ions."""

_SIZE = """\
{where}: {key!r} ({cls}) has size {size} and batch_size {batch}, but {owner} has size \
{osize} and batch_size {obatch}. Build it with the same size and batch_size: \
{cls}({osize_arg}{batch_arg})."""


def check_placement(where: str, key: str, channel: Any, kinds: Sequence[str] | None) -> None:
    """`TypeError` unless `channel` is an ion or channel that may sit where the ions of
    `kinds` are (`None`: in the neuron itself, which holds ions and the channels that
    read no ion)."""
    if not isinstance(channel, IonChaDyn):
        raise TypeError(
            f"{where}: {key}={channel!r} is not an ion channel or an ion; pass channels "
            "(`eqbrain.dyn.IonChannel` instances such as `INa_HH1952(size)`) and ions "
            "(`CalciumDetailed(size, ...)`) by keyword, or the parameters the class takes."
        )
    if channel.KIND:
        if kinds is None:
            return
        raise TypeError(
            f"{where}: {key!r} ({type(channel).__name__}) is an ion; an ion goes in the "
            f"neuron (`CondNeuGroup(size, {key}=...)`), not in another ion or in MixIons."
        )
    need = channel.ION
    ok = not need if kinds is None else bool(need) and set(need) <= set(kinds)
    if not ok:
        if kinds is None:
            have = "the neuron does not give (a channel in it reads no ion)"
        else:
            have = f"{_an(kinds)} here {'gives' if len(kinds) == 1 else 'give'}"
        raise TypeError(
            _PLACE.format(
                where=where,
                key=key,
                cls=type(channel).__name__,
                need=_an(need) if need else "no ion",
                have=have if need else f"does not fit in {_an(kinds or ())}",
                first=(need or ("Calcium",))[0],
            )
        )


def check_size(where: str, key: str, channel: Population, owner: Population) -> None:
    """`ValueError` unless `channel` has `owner`'s size and batch size."""
    if channel.size == owner.size and channel.batch_size == owner.batch_size:
        return
    osize = owner.size[0] if len(owner.size) == 1 else owner.size
    raise ValueError(
        _SIZE.format(
            where=where,
            key=key,
            cls=type(channel).__name__,
            size=channel.size,
            batch=channel.batch_size,
            owner=owner.name,
            osize=owner.size,
            obatch=owner.batch_size,
            osize_arg=osize,
            batch_arg="" if owner.batch_size is None else f", batch_size={owner.batch_size}",
        )
    )


def split_channels(owner: str, kwargs: dict[str, Any], known: set[str]) -> tuple[dict, dict]:
    """`(channels and ions, the other keywords)`: a keyword the class does not declare
    is a channel; a channel given under a parameter's keyword is refused (`TypeError`)."""
    for k, v in kwargs.items():
        if k in known and isinstance(v, IonChaDyn):
            raise TypeError(
                f"{owner}: {k!r} is one of its parameters, so the channel "
                f"{type(v).__name__} cannot be given under that keyword; give it another "
                f"name (e.g. I{k}=...). Its parameters: {', '.join(sorted(known))}."
            )
    channels = {k: v for k, v in kwargs.items() if k not in known}
    rest = {k: v for k, v in kwargs.items() if k in known}
    return channels, rest


def child(self: Any, item: str) -> Any:
    """`self.<item>`: an entry of `self.children` (BrainPy reads `model.Ca.ICa`)."""
    children = self.__dict__.get("children")
    if not item.startswith("_") and isinstance(children, NodeDict) and item in children:
        return children[item]
    raise AttributeError(f"{type(self).__name__!r} object has no attribute {item!r}")
