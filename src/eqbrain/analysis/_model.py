"""What an analyser analyses: the model's state variables, parameters and equations.

BrainPy's `model=`: an integrator made by `eqbrain.odeint`, a derivative function
`f(x, t, *args)`, a list of them (or a dict, by variable), or a `DynamicalSystem` whose
fields hold integrators. Each equation integrates the state variables before its `t`;
the names after `t` are the other variables it reads and its parameters.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping
from typing import Any

import equinox as eqx
import jax.numpy as jnp

from .._errors import AnalyzerError
from ..dyn import DynamicalSystem
from ..dyn.integrators import BoundIntegrator, ODEIntegrator, odeint

REQUIRED: Any = inspect.Parameter.empty

_MODEL_MSG = """\
model must be an integrator made by eqbrain.odeint, a derivative function \
f(x, t, *args), a JointEq, a list of these (or a dict of them by variable), or a \
DynamicalSystem whose fields hold integrators; got {got}."""

_NO_INTEGRATOR_MSG = """\
model {model} holds no integrator in its fields. Pass its integrators \
(`model=[m.int_V, m.int_w]`) or derivative functions instead, or store them in fields \
(`self.int_V = eqbrain.odeint(dV)`)."""

_TWICE_MSG = """\
The state variable {var!r} is integrated by two equations of model ({first} and \
{second}); each variable must have exactly one equation."""


@dataclasses.dataclass(frozen=True)
class Equation:
    """One integrator: the variables it integrates, the names after its `t`, and the
    defaults of its derivative's parameters."""

    integral: Any
    variables: tuple[str, ...]
    arguments: tuple[str, ...]
    defaults: Mapping[str, Any]


class Equations(eqx.Module):
    """The equations of `names` as a pytree, with everything else they read held in
    `constants`: the vector field and one step of it as functions of the values of
    `names` (`x`) and of `par_names` (`p`).

    Its static part is the derivative functions and the names, so compiled functions
    taking it are shared by every analyser of the same equations and names (with other
    values of the constants)."""

    integrals: tuple
    variables: tuple[tuple[str, ...], ...] = eqx.field(static=True)
    arguments: tuple[tuple[str, ...], ...] = eqx.field(static=True)
    names: tuple[str, ...] = eqx.field(static=True)
    par_names: tuple[str, ...] = eqx.field(static=True)
    constants: dict[str, Any]

    def _values(self, x: Any, p: Any) -> dict[str, Any]:
        values: dict[str, Any] = dict(self.constants)
        values.update(zip(self.par_names, p))
        values.update(zip(self.names, x))
        return values

    def _collect(self, call: Any) -> Any:
        out: dict[str, Any] = {}
        for integral, variables, arguments in zip(self.integrals, self.variables, self.arguments):
            result = call(integral, variables, arguments)
            result = (result,) if len(variables) == 1 else tuple(result)
            out.update(zip(variables, result))
        return jnp.stack([_scalar(out[n], n) for n in self.names])

    def field(self, x: Any, p: Any) -> Any:
        """`d name/dt` of each of `names` (a vector) at `x`, parameters `p`."""
        values = self._values(x, p)

        def call(integral: Any, variables: tuple, arguments: tuple) -> Any:
            kw = {a: values[a] for a in arguments if a in values}
            return integral.f(*(values[v] for v in variables), 0.0, **kw)

        return self._collect(call)

    def step(self, x: Any, p: Any, t: Any, dt: Any) -> Any:
        """`names` one step `dt` later, by the model's own integrators."""
        values = self._values(x, p)

        def call(integral: Any, variables: tuple, arguments: tuple) -> Any:
            kw = {a: values[a] for a in arguments if a in values}
            return integral(*(values[v] for v in variables), t, dt=dt, **kw)

        return self._collect(call)


def _defaults(integral: Any) -> dict[str, Any]:
    try:
        params = inspect.signature(integral.f).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {p.name: p.default for p in params if p.default is not inspect.Parameter.empty}


def _as_integral(item: Any) -> Any:
    if isinstance(item, ODEIntegrator | BoundIntegrator):
        return item
    if callable(item) and not isinstance(item, DynamicalSystem):
        return odeint(item, method="rk4")
    raise TypeError(_MODEL_MSG.format(got=f"{item!r} of type {type(item).__name__}"))


def _integrals_of(model: DynamicalSystem) -> list[Any]:
    found: list[Any] = []
    seen: set[int] = set()
    for node in [model, *model.nodes(method="relative").values()]:
        if not dataclasses.is_dataclass(node):
            continue
        for field in dataclasses.fields(node):
            value = getattr(node, field.name, None)
            if isinstance(value, ODEIntegrator | BoundIntegrator):
                key = id(value.integrator if isinstance(value, BoundIntegrator) else value)
                if key not in seen:
                    seen.add(key)
                    found.append(value)
    if not found:
        raise AnalyzerError(_NO_INTEGRATOR_MSG.format(model=type(model).__name__))
    return found


class System:
    """The equations of `model`, with every state variable and parameter by name."""

    def __init__(self, model: Any):
        if isinstance(model, DynamicalSystem):
            integrals = _integrals_of(model)
        elif isinstance(model, list | tuple | Mapping):
            if not model:
                raise TypeError(_MODEL_MSG.format(got=f"an empty {type(model).__name__}"))
            items = model.values() if isinstance(model, Mapping) else model
            integrals = [_as_integral(m) for m in items]
        else:
            integrals = [_as_integral(model)]
        self.model = model
        self.equations: list[Equation] = []
        owner: dict[str, Equation] = {}
        for integral in integrals:
            eq = Equation(
                integral, tuple(integral.variables), tuple(integral.arguments), _defaults(integral)
            )
            for v in eq.variables:
                if v in owner:
                    raise AnalyzerError(
                        _TWICE_MSG.format(var=v, first=owner[v].integral, second=integral)
                    )
                owner[v] = eq
            self.equations.append(eq)
        self.owner = owner
        self.variables: tuple[str, ...] = tuple(owner)
        parameters: dict[str, Any] = {}
        for eq in self.equations:
            for a in eq.arguments:
                if a not in owner:
                    default = eq.defaults.get(a, REQUIRED)
                    if parameters.get(a, REQUIRED) is REQUIRED:
                        parameters[a] = default
        self.parameters = parameters

    def describe(self) -> str:
        """The model in a message: its variables and parameters."""
        return f"variables {list(self.variables)} and parameters {list(self.parameters)}"

    def equations_of(self, names: tuple[str, ...]) -> list[Equation]:
        """The equations integrating any of `names`, in the model's order."""
        return [eq for eq in self.equations if any(v in names for v in eq.variables)]

    def as_pytree(
        self, names: tuple[str, ...], par_names: tuple[str, ...], constants: Mapping[str, Any]
    ) -> Equations:
        """The equations of `names` as a pytree (see `Equations`)."""
        eqs = self.equations_of(names)
        dtype = jnp.zeros(()).dtype
        return Equations(
            integrals=tuple(eq.integral for eq in eqs),
            variables=tuple(eq.variables for eq in eqs),
            arguments=tuple(eq.arguments for eq in eqs),
            names=names,
            par_names=par_names,
            constants={k: jnp.asarray(v, dtype) for k, v in sorted(constants.items())},
        )


def _scalar(x: Any, name: str) -> Any:
    x = jnp.asarray(x)
    if x.size != 1:
        raise AnalyzerError(
            f"The equation of {name!r} returned shape {x.shape}; the low-dimensional "
            "analysers analyse one number per variable. Write the derivative for a single "
            "element (scalars in, a scalar out), or use SlowPointFinder for populations."
        )
    return x.reshape(())
