"""`CondNeuGroup`: a conductance-based neuron made of ion channels and ions."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import InitVar
from typing import Any

import jax.numpy as jnp

from ..._core import NodeDict, Variable
from .._dynsys import DynamicalSystem
from .._population import Init, Population, built, declared, initial, integral, param
from .._share import share
from ..channels import IonChaDyn
from ..channels._base import check_placement, check_size, child, split_channels
from ..integrators._integrator import EXPONENTIAL
from ..integrators._steps import exp_euler_linear
from ..ions import Ion, MixIons
from ._hh import uniform_V


def membrane(V, t, I, C, currents):
    """`C dV/dt = I + sum of the channels' currents at V`."""
    return currents(V, I) / C


class CondNeuGroup(Population):
    r"""A conductance-based neuron built from ion channels (BrainPy's `bp.dyn.CondNeuGroup`):

    $$C \frac{dV}{dt} = \sum_j g_j (E_j - V) + I_{ext} \cdot \frac{10^{-3}}{A},$$

    each channel's conductance following its gates. Channels and ions are given by
    keyword (`CondNeuGroup(n, INa=INa_HH1952(n), ...)`) or as fields of a subclass
    (BrainPy's `self.INa = INa_HH1952(size)` after `super().__init__(size)`, with the
    field annotated). A channel that reads an ion sits in that ion
    (`CalciumDetailed(n, ICa=ICaT_HM1992(n))`), one that reads several in `MixIons`.

    Each step integrates `V` with the channels' state at the step's start, then steps
    every channel and ion at the starting `V`; a spike is an upward crossing of `V_th`.
    Once built, every channel starts at its resting state for the initial `V` (BrainPy
    sets it in `reset_state()`; the channels of its subclass form start at 0 until then).

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `C`: membrane capacitance (µF/cm²); `A`: membrane area (cm²), which turns the
      external current `x` (µA... as BrainPy: `x * 1e-3 / A`) into a density.
    - `V_th`: the spike detection threshold (mV).
    - `V_initializer`: the initial `V` (default uniform in [-70, -60) mV, from `key`).
    - `key`, `batch_size`, `method` (`'exp_euler'`, BrainPy's `exp_auto`), `mode`, `name`.
    - `**channels`: channels and ions by keyword; each has the group's size and batch size.

    Variables: `V` (mV), `spike` (bool), and each channel's.

    ```python
    n = 3
    hh = eqbrain.dyn.CondNeuGroup(
        n, V_initializer=-65.0,
        INa=eqbrain.dyn.INa_HH1952(n), IK=eqbrain.dyn.IK_HH1952(n, E=-77.0, g_max=36.0),
        IL=eqbrain.dyn.IL(n, E=-54.387, g_max=0.03))
    out = eqbrain.run(hh, 50.0, inputs=jnp.full((500, n), 10.0), monitors=["V", "INa.p"])
    ```
    """

    V: Variable = built()
    spike: Variable = built()
    children: NodeDict = built()
    C: Any = param(default=1.0, positive=True)
    A: Any = param(default=1e-3, positive=True)
    V_th: Any = param(default=0.0)
    V_initializer: InitVar[Init] = initial(default=uniform_V)

    def __init__(self, size: Any, *args: Any, name: str | None = None, **kwargs: Any):
        channels, rest = split_channels(
            type(self).__name__, kwargs, {p.keyword for p in declared(CondNeuGroup)}
        )
        for key, channel in channels.items():
            check_placement(type(self).__name__, key, channel, None)
        super().__init__(size, *args, name=name, **rest)
        self.children = NodeDict(channels)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        super()._build(key, args)
        self.spike = self._variable(False, bool)

    def __getattr__(self, item: str) -> Any:
        return child(self, item)

    def members(self) -> list[tuple[str, IonChaDyn]]:
        """`(key, channel or ion)` for what the neuron holds: keyword ones, then fields."""
        out: list[tuple[str, IonChaDyn]] = list(self.children.items())
        for f in dataclasses.fields(self):
            value = self.__dict__.get(f.name)
            if isinstance(value, IonChaDyn):
                out.append((f.name, value))
        return out

    def _after_init(self, own: list) -> None:
        members = self.members()
        for key, member in members:
            check_placement(self.name, key, member, None)
            check_size(self.name, key, member, self)
        V = self.V.value
        for _, member in members:
            member.init_state(V)
        for node in self.nodes(method="relative", include_self=False).unique().values():
            if isinstance(node, DynamicalSystem):
                node._remember_state()
        super()._after_init(own)

    def _external(self, ion: Ion, members: list[tuple[str, IonChaDyn]]) -> Any:
        fs = [m.external(ion) for _, m in members if isinstance(m, MixIons)]
        fs = [f for f in fs if f is not None]
        if not fs:
            return None

        def external(V: Any, C: Any, E: Any) -> Any:
            out: Any = 0.0
            for f in fs:
                out = out + f(V, C, E)
            return out

        return external

    @staticmethod
    def _conductance(members: list[tuple[str, IonChaDyn]]) -> Any:
        out: Any = 0.0
        for _, member in members:
            g = member.conductance()
            if g is None:
                return None
            out = out + g
        return out

    def update(self, x: Any = None) -> Any:
        """One step with external current `x` (default 0); returns the spikes."""
        members = self.members()
        I = (0.0 if x is None else x) * (1e-3 / self.A)

        def currents(V: Any, init: Any) -> Any:
            for _, member in members:
                init = init + member.current(V)
            return init

        V_old, t, dt = self.V.value, share.load("t", 0.0), share.load("dt")
        G = self._conductance(members) if self.method in EXPONENTIAL else None
        if G is not None:  # every current is g (E - V): the linear part is -G / C
            dV = membrane(V_old, t, I, self.C, currents)
            V = exp_euler_linear(V_old, dV, -G / self.C, dt)
        else:
            V = integral(membrane, self.method)(V_old, t, I, self.C, currents, dt=dt)
        for _, member in members:
            if isinstance(member, Ion):
                member.update(V_old, external=self._external(member, members))
            else:
                member.update(V_old)
        self.spike.value = jnp.logical_and(V >= self.V_th, V_old < self.V_th)
        self.V.value = V
        return self.spike.value
