"""`DynamicalSystem`: a module that advances by one step; `Sequential`, a chain of them
(also written `a >> b`). `Network`, a group of them with its clock, is in `_network.py`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .._core import Module, NodeDict, Parameter, TrainVar, Variable, entries, write_all
from ._mode import Mode, check_mode, get_mode
from ._share import share

_NO_BATCH_MSG = """\
reset_state(batch_size={batch_size}) found no batched state to resize: no state \
Variable of {name} has a batch axis. Build the model with `batch_size=` (the building \
blocks take it) or create its Variables with `batch_axis=0`."""

_UPDATE_MSG = """\
{cls} does not define `update`. A DynamicalSystem advances by one step in `update`:

    class {cls}(eqbrain.DynamicalSystem):
        def update(self, x):
            dt = eqbrain.share.load("dt")
            ..."""


def is_state(var: Variable) -> bool:
    """Whether `reset_state` resets `var`: every Variable but trainable weights and Parameters."""
    return not isinstance(var, TrainVar | Parameter)


def _owner(owner: Any) -> str:
    return "" if owner is None else f"{type(owner).__name__}: "


def state_shape(
    size: int | tuple[int, ...], batch_size: int | None, owner: Any = None
) -> tuple[int, ...]:
    """The shape of a population's state: `size`, after a batch axis if batched.

    `TypeError` for a `size` or `batch_size` that is not an int (or a tuple of ints),
    `ValueError` for one that is not positive; the message names `owner`'s class.
    """
    parts: tuple[Any, ...] | None = None
    if isinstance(size, int | np.integer) and not isinstance(size, bool):
        parts = (size,)
    elif isinstance(size, tuple | list):
        parts = tuple(size)
    if parts is None or not all(
        isinstance(s, int | np.integer) and not isinstance(s, bool) for s in parts
    ):
        raise TypeError(
            f"{_owner(owner)}size must be a positive int (the number of neurons) or a tuple "
            f"of them (a shape), got {size!r}."
        )
    if not all(s > 0 for s in parts):
        raise ValueError(
            f"{_owner(owner)}size must be a positive int or a tuple of them, got {size!r}."
        )
    shape = tuple(int(s) for s in parts)
    if batch_size is not None:
        check_batch_size(batch_size, f"{_owner(owner)}")
        shape = (int(batch_size), *shape)
    return shape


def check_batch_size(batch_size: Any, where: str) -> None:
    """`batch_size` is a positive int or None (`TypeError`/`ValueError` after `where`)."""
    if batch_size is None:
        return
    if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
        raise TypeError(
            f"{where}batch_size must be a positive int (the number of trials) or None, "
            f"got {batch_size!r}."
        )
    if batch_size <= 0:
        raise ValueError(f"{where}batch_size must be a positive int or None, got {batch_size!r}.")


def _rebatch(initial: Any, var: Variable, batch_size: int | None) -> Any:
    axis = var.batch_axis
    if batch_size is None or axis is None or initial.shape[axis] == batch_size:
        return initial
    first = lax.slice_in_dim(initial, 0, 1, axis=axis)
    shape = (*initial.shape[:axis], batch_size, *initial.shape[axis + 1 :])
    return jnp.broadcast_to(first, shape)


class DynamicalSystem(Module):
    """A module that advances in time: BrainPy's `DynamicalSystem`.

    Subclasses define `update(*args)`, one step of the dynamics; calling the module
    calls `update`. Inside `update`, the current time, step index and step size are
    `eqbrain.share.load("t")`, `"i"` and `"dt"` (set by `eqbrain.run` for each step).

    `reset_state()` puts every state Variable of the subtree (all Variables but
    `TrainVar`s and `Parameter`s) back to the value it had when its module was built.

    ```python
    class Decay(eqbrain.DynamicalSystem):
        x: eqbrain.Variable
        tau: float = eqx.field(static=True)

        def __init__(self, n, tau=10.0, name=None):
            super().__init__(name=name)
            self.x = eqbrain.Variable(jnp.ones(n))
            self.tau = tau

        def update(self, inp=0.0):
            dt = eqbrain.share.load("dt")
            self.x.value = self.x.value * jnp.exp(-dt / self.tau) + inp
            return self.x.value

    d = Decay(3)
    out = eqbrain.run(d, 10.0, monitors=["x"])   # 100 steps of dt = 0.1
    d.reset_state()                              # x is ones again
    ```
    """

    # The value each own state Variable had when this module was built, by field key.
    # A dynamic field, so it lives and dies with the object, is carried by functional
    # copies and is batched by `eqx.filter_vmap` like the state itself; collectors,
    # state dicts and checkpoints skip it (`internal`).
    initial_state: dict[str, Any] = eqx.field(
        default=None, init=False, repr=False, metadata={"internal": True}
    )

    def _after_init(self, own: list[tuple[str, Variable]]) -> None:
        initial = {key: var.raw_value for key, var in own if is_state(var)}
        object.__setattr__(self, "initial_state", initial)

    def _remember_state(self) -> None:
        """Make the current values of this node's own state Variables its initial state
        (for a model whose parent sets its state once it is built)."""
        own: list = []
        entries(self, [], own)
        DynamicalSystem._after_init(self, own)

    def update(self, *args, **kwargs) -> Any:
        """One step of the dynamics. Subclasses override it."""
        raise NotImplementedError(_UPDATE_MSG.format(cls=type(self).__name__))

    def __call__(self, *args, **kwargs) -> Any:
        return self.update(*args, **kwargs)

    # NumPy arrays defer `array >> model` to `__rrshift__` instead of broadcasting.
    __array_ufunc__ = None

    def __rshift__(self, other: Any) -> Sequential:
        """`self >> other`: the `Sequential` that feeds this system's output to `other`
        (a system, a layer or a function)."""
        if not callable(other) or _is_array(other):
            return NotImplemented
        return Sequential(*_chain(self), *_chain(other))

    def __rrshift__(self, other: Any) -> Any:
        """`x >> self` calls `self(x)` (BrainPy's); `f >> self` for a function `f` is the
        `Sequential(f, self)`."""
        if callable(other) and not _is_array(other):
            return Sequential(other, self)
        return self(other)

    @classmethod
    def desc(cls, *args: Any, **kwargs: Any) -> Describer:
        """The arguments of a model, to build it later (BrainPy's `Model.desc(...)`):
        `Expon.desc(n, tau=5.0)()` is `Expon(n, tau=5.0)`. A projection that takes a
        synapse or an output (`STDP_Song2000`) takes an instance or its `desc`.

        ```python
        syn = eqbrain.dyn.Expon.desc(10, tau=5.0)
        syn.cls is eqbrain.dyn.Expon
        expon = syn()
        ```
        """
        return Describer(cls, args, kwargs)

    def step_run(self, i: Any, *args, **kwargs) -> Any:
        """Step `i`: `update(*args)` with `t = i * dt` and `i` set in `eqbrain.share`.

        BrainPy's `step_run`, for loops written by hand:
        `eqbrain.for_loop(net.step_run, jnp.arange(1000))`.
        """
        dt = share.dt
        with share.context(t=i * dt, i=i, dt=dt):
            return self.update(*args, **kwargs)

    def reset_state(self, batch_size: int | None = None) -> None:
        """Reset every state Variable of this subtree to its initial value.

        **Arguments:**

        - `batch_size`: resize the batch axis of every batched state Variable to this
          size (each trial starts from the first trial's initial value).
        """
        where = f"{self.name}.reset_state: "
        check_batch_size(batch_size, where)
        plan = [
            (var, initial)
            for node in self.nodes(method="relative").unique().values()
            if isinstance(node, DynamicalSystem)
            for var, initial in node._initial_state()
        ]
        if batch_size is not None and not any(v.batch_axis is not None for v, _ in plan):
            raise ValueError(_NO_BATCH_MSG.format(batch_size=batch_size, name=self.name))
        values = [_rebatch(initial, var, batch_size) for var, initial in plan]
        write_all([var for var, _ in plan], values)  # all or nothing

    def _initial_state(self) -> list[tuple[Variable, Any]]:
        """(Variable, initial value) for each of this node's own state Variables."""
        initial = self.initial_state or {}
        own: list = []
        entries(self, [], own)
        return [(var, initial[key]) for key, var in own if key in initial and is_state(var)]


class Describer:
    """A model's class and constructor arguments, built by calling it (BrainPy's
    `ParamDescriber`, what `Model.desc(...)` returns)."""

    __slots__ = ("cls", "args", "kwargs")

    def __init__(self, cls: type, args: tuple, kwargs: dict[str, Any]):
        self.cls, self.args, self.kwargs = cls, args, kwargs

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """A new instance: the described arguments, then these."""
        return self.cls(*self.args, *args, **{**self.kwargs, **kwargs})

    def __repr__(self) -> str:
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.cls.__name__}.desc({', '.join(parts)})"


def _is_array(x: Any) -> bool:
    return isinstance(x, jax.Array | np.ndarray | Variable)


class Function(DynamicalSystem):
    """A function or an Equinox module as a step of a `Sequential` (its output is the
    function of its input). A function is static (part of the structure, as in a
    compiled step); an Equinox module is a child, so its arrays stay leaves of the model."""

    module: Any
    fn: Callable | None = eqx.field(static=True)

    def __init__(self, fn: Callable, name: str | None = None):
        super().__init__(name=name)
        if isinstance(fn, eqx.Module):
            self.module, self.fn = fn, None
        else:
            self.module, self.fn = None, fn

    def update(self, *args, **kwargs) -> Any:
        return (self.fn or self.module)(*args, **kwargs)


def _chain(x: Any) -> tuple:
    """The parts `>>` chains: the steps of an unnamed `Sequential`, else `x` itself."""
    if type(x) is Sequential and all(k.isdigit() for k in x.children):
        return tuple(x.children.values())
    return (x,)


def _as_step(step: Any, where: str) -> DynamicalSystem:
    if isinstance(step, DynamicalSystem):
        return step
    if isinstance(step, Module) or not callable(step):
        raise TypeError(
            f"Sequential: the step at {where} must be a DynamicalSystem (a model or a "
            f"layer), an Equinox module or a function, got {type(step).__name__}: {step!r}."
        )
    return Function(step)


def _unwrap(step: DynamicalSystem) -> Any:
    return (step.fn or step.module) if isinstance(step, Function) else step


class Sequential(DynamicalSystem):
    """A chain of steps: the output of each is the input of the next (BrainPy's
    `bp.Sequential`; `a >> b >> c` builds one).

    The steps are dynamical systems (neurons, layers, networks), Equinox modules or
    functions; `update(*args)` calls the first with `args` and each next one with the
    output before it. Positional steps are keyed `'0'`, `'1'`, ...; named ones by their
    names. `seq[0]`, `seq['l1']` and `seq.l1` give a step; a slice or a list of keys
    gives a `Sequential` of the same steps (the same objects, so shared weights).

    **Arguments:**

    - `*modules`: the steps, in order (a list or tuple is its steps, a dict its named steps).
    - `name`: the name of this system.
    - `mode`: the computing mode, kept as `seq.mode` (the steps have their own).
    - `**named`: named steps, after the positional ones.

    ```python
    net = eqbrain.Sequential(eqbrain.dnn.Dense(100, 10), jax.nn.relu, eqbrain.dnn.Dense(10, 2))
    net = eqbrain.Sequential(l1=eqbrain.dnn.Dense(100, 10), l2=eqbrain.dnn.Dense(10, 2))
    net = eqbrain.dnn.Dense(100, 10) >> eqbrain.dyn.Lif(10)
    y = net(x)
    ```
    """

    children: NodeDict
    mode: Mode = eqx.field(static=True)

    def __init__(
        self, *modules: Any, name: str | None = None, mode: Mode | None = None, **named: Any
    ):
        super().__init__(name=name)
        self.mode = get_mode() if mode is None else check_mode(mode, "Sequential")
        steps: dict[str, DynamicalSystem] = {}

        def add(key: str, step: Any, where: str) -> None:
            if key in steps:
                raise ValueError(f"Sequential: two steps are named {key!r}; rename one.")
            steps[key] = _as_step(step, where)

        for step in modules:
            if isinstance(step, list | tuple):
                for s in step:
                    add(str(len(steps)), s, f"position {len(steps)}")
            elif isinstance(step, dict):
                for k, s in step.items():
                    add(str(k), s, repr(k))
            else:
                add(str(len(steps)), step, f"position {len(steps)}")
        for k, s in named.items():
            add(k, s, repr(k))
        self.children = NodeDict(steps)

    def update(self, *args, **kwargs) -> Any:
        """Run the steps in order; the first gets `args`, each next one the output before."""
        steps = list(self.children.values())
        if not steps:
            return args[0] if len(args) == 1 else args
        x = steps[0](*args, **kwargs)
        for step in steps[1:]:
            x = step(x)
        return x

    def __len__(self) -> int:
        return len(self.children)

    def __getitem__(self, key: int | str | slice | list | tuple) -> Any:
        items = list(self.children.items())
        if isinstance(key, str):
            if key not in self.children:
                raise KeyError(
                    f"Sequential has no step {key!r}; its steps: {list(self.children)}."
                )
            return _unwrap(self.children[key])
        if isinstance(key, int | np.integer) and not isinstance(key, bool):
            return _unwrap(items[key][1])
        if isinstance(key, slice):
            return Sequential({k: _unwrap(v) for k, v in items[key]}, mode=self.mode)
        if isinstance(key, list | tuple):
            picked = {k: self[k] for k in (items[i][0] if isinstance(i, int) else i for i in key)}
            return Sequential(picked, mode=self.mode)
        raise TypeError(f"Sequential indices are ints, step names, slices or lists, got {key!r}.")

    def __getattr__(self, item: str) -> Any:
        children = self.__dict__.get("children")
        if not item.startswith("_") and children is not None and item in children:
            return _unwrap(children[item])
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {item!r}")
