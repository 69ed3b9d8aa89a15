"""`Ion`: an ion species of a conductance-based neuron and the channels that read it;
`MixIons`: the channels that read several ions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..._core import NodeDict, Variable
from .._population import built, declared
from ..channels import IonChaDyn, IonChannel
from ..channels._base import check_placement, check_size, child, ion_args, split_channels


def _value(x: Any) -> Any:
    return x.value if isinstance(x, Variable) else x


def total_conductance(channels: list[IonChannel], args: list[tuple]) -> Any:
    """The sum of `channel.conductance(*a)`, or `None` if one is `None`."""
    out: Any = 0.0
    for channel, a in zip(channels, args):
        g = channel.conductance(*a)
        if g is None:
            return None
        out = out + g
    return out


class Ion(IonChaDyn):
    """An ion species (BrainPy's `bp.dyn.Ion`): its concentration `C` and reversal
    potential `E`, and the channels that read them, given by keyword (`Ca.ICa` reads
    the channel given as `ICa=`).

    `current(V)` is the sum of its channels' currents; `update(V)` steps them (and the
    concentration, in a dynamic ion); `init_state(V)` sets them to rest at `V`.
    `add_elem(**channels)` adds channels. A `CondNeuGroup` calls all three.
    """

    KIND = "Ion"
    children: NodeDict = built()

    def __init__(self, size: Any, *args: Any, name: str | None = None, **kwargs: Any):
        channels, rest = split_channels(
            type(self).__name__, kwargs, {p.keyword for p in declared(type(self))}
        )
        for key, channel in channels.items():
            check_placement(type(self).__name__, key, channel, (self.KIND,))
        super().__init__(size, *args, name=name, **rest)
        for key, channel in channels.items():
            check_size(type(self).__name__, key, channel, self)
        self.children = NodeDict(channels)

    def __getattr__(self, item: str) -> Any:
        return child(self, item)

    def pack_info(self, C: Any = None, E: Any = None) -> dict[str, Any]:
        """`{'C': ..., 'E': ...}`: the concentration and reversal potential (now, or given)."""
        return {
            "C": _value(self.C) if C is None else C,
            "E": _value(self.E) if E is None else E,
        }

    def _channels(self) -> list[IonChannel]:
        return [c for c in self.children.values() if isinstance(c, IonChannel)]

    def current(
        self, V: Any, C: Any = None, E: Any = None, external: Callable | None = None
    ) -> Any:
        """The current density of this ion's channels at `V` (with `C`, `E` if given),
        plus `external(V, C, E)`: the current of the `MixIons` channels that read it."""
        info = self.pack_info(C, E)
        out: Any = 0.0
        for channel in self._channels():
            out = out + channel.current(V, info["C"], info["E"])
        if external is not None:
            out = out + external(V, info["C"], info["E"])
        return out

    def conductance(self, *args: Any) -> Any:
        """The sum of its channels' conductances (`None` if one has none; see
        `IonChannel.conductance`)."""
        info = self.pack_info()
        return total_conductance(self._channels(), [(info["C"], info["E"])] * len(self.children))

    def update(self, V: Any, external: Callable | None = None) -> None:
        """Step the channels at `V` (a dynamic ion steps its concentration too)."""
        info = self.pack_info()
        for channel in self._channels():
            channel.update(V, info["C"], info["E"])

    def init_state(self, V: Any, *ions: Any) -> None:
        info = self.pack_info()
        for channel in self._channels():
            channel.init_state(V, info["C"], info["E"])

    def add_elem(self, **channels: Any) -> None:
        """Add channels by keyword (BrainPy's `add_elem`); checked before any is added."""
        for key, channel in channels.items():
            check_placement(self.name, key, channel, (self.KIND,))
            check_size(self.name, key, channel, self)
        for key, channel in channels.items():
            self.children[key] = channel


class MixIons(IonChaDyn):
    """The channels that read several ions (BrainPy's `bp.dyn.MixIons`): `MixIons(k, ca,
    ahp=IAHP_De1994v2(n))` gives `ahp` the potassium's and the calcium's state.

    The ions are the neuron's own (give it them as fields too); the neuron steps them,
    and a dynamic ion counts the current of the mix's channels that read it, as
    BrainPy does.

    ```python
    class Cell(eqbrain.dyn.CondNeuGroup):
        k: eqbrain.dyn.PotassiumFixed
        ca: eqbrain.dyn.CalciumFirstOrder
        kca: eqbrain.dyn.MixIons

        def __init__(self, n):
            super().__init__(n)
            self.k = eqbrain.dyn.PotassiumFixed(n)
            self.ca = eqbrain.dyn.CalciumFirstOrder(n)
            self.kca = eqbrain.dyn.MixIons(self.k, self.ca, ahp=eqbrain.dyn.IAHP_De1994v2(n))
    ```
    """

    ions: tuple[Any, ...] = built()
    children: NodeDict = built()

    def __init__(self, *ions: Any, name: str | None = None, **channels: Any):
        bad = [i for i in ions if not isinstance(i, Ion)]
        if len(ions) < 2 or bad:
            raise TypeError(
                f"MixIons takes two or more ions (eqbrain.dyn.Ion instances such as "
                f"PotassiumFixed(n), CalciumDetailed(n)) as positional arguments, got "
                f"{[type(i).__name__ for i in ions]}."
            )
        kinds = tuple(i.KIND for i in ions)
        for key, channel in channels.items():
            check_placement("MixIons", key, channel, kinds)
        first = ions[0]
        super().__init__(first.size, batch_size=first.batch_size, name=name)
        for key, channel in channels.items():
            check_size("MixIons", key, channel, self)
        self.ions = tuple(ions)
        self.children = NodeDict(channels)

    def __getattr__(self, item: str) -> Any:
        return child(self, item)

    def _ion(self, kind: str) -> Ion:
        return next(i for i in self.ions if i.KIND == kind)

    def _args(self, channel: IonChaDyn, ion: Any = None, info: Any = None) -> tuple:
        infos = [
            info if (ion is not None and self._ion(k) is ion) else self._ion(k).pack_info()
            for k in channel.ION
        ]
        return ion_args(channel, infos)

    def _channels(self) -> list[IonChannel]:
        return [c for c in self.children.values() if isinstance(c, IonChannel)]

    def current(self, V: Any) -> Any:
        """The current density of the mix's channels at `V`."""
        out: Any = 0.0
        for channel in self._channels():
            out = out + channel.current(V, *self._args(channel))
        return out

    def conductance(self, *args: Any) -> Any:
        """The sum of its channels' conductances (`None` if one has none)."""
        channels = self._channels()
        return total_conductance(channels, [self._args(c) for c in channels])

    def update(self, V: Any) -> None:
        for channel in self._channels():
            channel.update(V, *self._args(channel))

    def init_state(self, V: Any, *ions: Any) -> None:
        for channel in self._channels():
            channel.init_state(V, *self._args(channel))

    def external(self, ion: Ion) -> Callable | None:
        """`f(V, C, E)`: the current of the channels that read `ion`, at its `C`, `E`."""
        readers = [c for c in self._channels() if any(self._ion(k) is ion for k in c.ION)]
        if not readers or not any(i is ion for i in self.ions):
            return None

        def f(V: Any, C: Any, E: Any) -> Any:
            out: Any = 0.0
            for channel in readers:
                out = out + channel.current(V, *self._args(channel, ion, {"C": C, "E": E}))
            return out

        return f

    def add_elem(self, **channels: Any) -> None:
        """Add channels by keyword (BrainPy's `add_elem`); checked before any is added."""
        kinds = tuple(i.KIND for i in self.ions)
        for key, channel in channels.items():
            check_placement(self.name, key, channel, kinds)
            check_size(self.name, key, channel, self)
        for key, channel in channels.items():
            self.children[key] = channel


def mix_ions(*ions: Any) -> MixIons:
    """`MixIons(*ions)` (BrainPy's `bp.dyn.mix_ions`); add channels with `add_elem`.

    ```python
    kca = eqbrain.dyn.mix_ions(k, ca)
    kca.add_elem(ahp=eqbrain.dyn.IAHP_De1994v2(n))
    ```
    """
    return MixIons(*ions)
