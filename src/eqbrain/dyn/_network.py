"""`Network` (also `DynSysGroup`): a group of dynamical systems, with its clock."""

from __future__ import annotations

from typing import Any

import equinox as eqx

from .._core import entries
from ._clock import Clock
from ._dynsys import DynamicalSystem


class Network(DynamicalSystem):
    """A group of dynamical systems (BrainPy's `DynSysGroup`/`Network`).

    Declare the parts as fields. The default `update(*args)` updates every direct child
    `DynamicalSystem` in field order, passing the same arguments; override it to wire
    the parts together.

    A network holds its `clock` (an `eqbrain.dyn.Clock`: the step index and time, in
    Variables), which the runner advances: saved with the network, its time goes on
    where it stopped when the checkpoint is loaded into a fresh network and runner
    (BrainPy's networks leave the time to the runner, so it starts at 0 again there).

    ```python
    class EI(eqbrain.Network):
        E: eqbrain.dyn.LIF
        I: eqbrain.dyn.LIF

        def __init__(self):
            super().__init__()
            self.E = eqbrain.dyn.LIF(80, V_rest=-60.0, V_th=-50.0, V_initializer=-60.0)
            self.I = eqbrain.dyn.LIF(20, V_rest=-60.0, V_th=-50.0, V_initializer=-60.0)

    net = EI()
    eqbrain.run(net, 100.0, inputs=jnp.full((1000,), 12.0), monitors=["E.spike"])
    net.clock.t                  # 100.0 (ms)
    ```
    """

    # Made for every network, whichever way its `__init__` goes (`__check_init__` runs
    # before the Variables are named, so the clock's are named as the network's).
    clock: Clock = eqx.field(default=None, init=False, repr=False)

    def __check_init__(self) -> None:
        if self.__dict__.get("clock") is None:
            object.__setattr__(self, "clock", Clock())

    def update(self, *args: Any, **kwargs: Any) -> object:
        """Update every direct child `DynamicalSystem` with the same arguments; returns
        `None` (a subclass's `update` may return its output)."""
        children: list = []
        entries(self, children, [])
        for _, child in children:
            if isinstance(child, DynamicalSystem) and not isinstance(child, Clock):
                child.update(*args, **kwargs)


DynSysGroup = Network
