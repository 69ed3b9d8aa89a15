"""`Population`: what every neuron, rate and synapse model shares, and the declared
parameters its constructor is made of.

A model declares each constructor argument once, as a field (Equinox style):

```python
class Lif(IntegrateAndFire):
    V_rest: Any = param(default=0.0)
    tau: Any = param(default=10.0, positive=True)
    V_initializer: InitVar[Init] = initial(default=0.0)   # the initial `V`
```

`Population.__init__` builds every model from its declarations: a parameter becomes a
float or a per-neuron array (an initializer is drawn with a key derived from the
parameter's name), an `<X>_initializer` becomes the Variable `X`; what a model computes
itself it builds in `_build`. Type checkers read the same fields (the metaclass is a
`dataclass_transform`), so `Lif(3, tau=5.0)` is checked against the declared keywords;
`inspect.signature(Lif)` and `help(Lif)` show them.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import math
import weakref
import zlib
from collections.abc import Callable, Mapping
from dataclasses import InitVar
from typing import Any, Literal, cast

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer
from typing_extensions import dataclass_transform

from .._core import Variable
from ..random import split_key
from ._dynsys import DynamicalSystem, state_shape
from ._mode import Mode, apply_mode
from .integrators import ODEIntegrator, odeint

Init = float | jax.Array | np.ndarray | Callable
"""An initial value or a parameter: a number, an array, or an initializer function."""

Size = int | tuple[int, ...]
"""A population's size: a number of neurons, or a shape."""

_ROLE = "eqbrain.dyn.role"  # the field metadata key of a declaration


# -- values from numbers, arrays and initializers ----------------------------------------


def float_dtype() -> Any:
    """JAX's default float (float32, or float64 with `jax_enable_x64`)."""
    return jnp.result_type(float)


def takes_key(init: Callable) -> bool:
    """Whether `init` is called `init(key, shape)` (JAX style) or `init(shape)` (BrainPy)."""
    try:
        params = inspect.signature(init).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    required = [p for p in params if p.kind in positional and p.default is p.empty]
    return len(required) != 1


def _draws_with_a_key(cls: type, values: Mapping[str, Any]) -> bool:
    """Whether a declared value of `cls` is a JAX-style initializer (`f(key, shape)`)."""
    return any(
        p.kind in ("param", "initial")
        and callable(values[p.keyword])
        and takes_key(values[p.keyword])
        for p in declared(cls)
    )


def name_key(key: Any, name: str) -> jax.Array:
    """The random key of the value called `name`: `key` (default `jax.random.key(0)`)
    folded with a stable hash of the name, so adding a parameter changes no other's key.

    ```python
    k = name_key(jax.random.key(3), "V")   # the key a model built with key=key(3) gives V
    ```
    """
    base = jax.random.key(0) if key is None else key
    return jax.random.fold_in(base, zlib.crc32(name.encode()) & 0x7FFFFFFF)


def init_array(init: Init, shape: tuple[int, ...], key: Any, what: str) -> jax.Array:
    """A float array of `shape` from a number, an array, or an initializer.

    An initializer is called `init(key, shape)` (as `jax.nn.initializers`) or, when it
    takes a single required argument, `init(shape)` (as BrainPy's `bp.init` objects);
    `key` is the key given to it (`None`: `name_key(None, what)`). `what` names the value
    in error messages.

    ```python
    V0 = init_array(jax.nn.initializers.normal(2.0), (4,), jax.random.key(0), "V")
    ```
    """
    if callable(init):
        if takes_key(init):
            value = init(name_key(None, what) if key is None else key, shape)
        else:
            value = init(shape)
        value = jnp.asarray(value)
        if value.shape != shape:
            raise ValueError(f"{what} gave an array of shape {value.shape}, expected {shape}.")
        return value.astype(float_dtype())
    value = jnp.asarray(init, float_dtype())
    try:
        return jnp.broadcast_to(value, shape)
    except ValueError:
        raise ValueError(
            f"{what} has shape {value.shape}, which does not broadcast to {shape}."
        ) from None


def init_param(
    value: Init,
    size: tuple[int, ...],
    key: Any,
    what: str,
    *,
    positive: bool = False,
    nonnegative: bool = False,
) -> float | jax.Array:
    """A parameter: a Python float, or an array broadcastable to the population's `size`.

    A callable is an initializer (see `init_array`), giving one value per neuron
    (heterogeneous parameters, as BrainPy's `init_param`). `positive`/`nonnegative`
    refuse values that are not `> 0`/`>= 0`.
    """
    if callable(value):
        param: float | jax.Array = init_array(value, size, key, what)
    elif np.ndim(value) == 0 and not isinstance(value, Tracer):
        try:
            param = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{what} must be a number or an array, got {value!r}.") from None
    else:
        param = jnp.asarray(value, float_dtype())
        try:
            np.broadcast_shapes(param.shape, size)
        except ValueError:
            raise ValueError(
                f"{what} has shape {param.shape}, which does not broadcast to the "
                f"population's size {size}."
            ) from None
    if not isinstance(param, Tracer):
        if positive and not np.all(np.asarray(param) > 0):
            raise ValueError(f"{what} must be positive, got {value!r}.")
        if nonnegative and not np.all(np.asarray(param) >= 0):
            raise ValueError(f"{what} must be >= 0, got {value!r}.")
    return param


@functools.cache
def integral(f: Callable, method: str) -> ODEIntegrator:
    """The integrator of a module-level derivative function, made once per method."""
    return odeint(f, method=method)


def _probe(y, t):
    return y


def _as_size(size: Size) -> tuple[int, ...]:
    """`size` as a shape (the field's converter; the constructor checks it)."""
    return (size,) if isinstance(size, int) else tuple(size)


# -- declarations ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Param:
    """One declared constructor argument of a model.

    `kind` is `'param'` (a parameter: `param`), `'initial'` (the initial value of the
    Variable `name`: an `<X>_initializer` `InitVar`), `'option'` (a setting kept as a
    field: `option`), or `'extra'` (another `InitVar`, which the model's `_build` reads).
    `keyword` is the constructor's keyword (BrainPy's), which may differ from `name`.
    """

    name: str
    keyword: str
    default: Any
    kind: str
    positive: bool = False
    nonnegative: bool = False
    positional: bool = False


@dataclasses.dataclass(frozen=True)
class _Declared:
    kind: str
    positive: bool = False
    nonnegative: bool = False
    alias: str | None = None
    positional: bool = False
    of: str | None = None


def param(
    *,
    default: Any,
    positive: bool = False,
    nonnegative: bool = False,
    alias: str | None = None,
    kw_only: bool = True,
) -> Any:
    """Declare a parameter: a number, an array broadcastable to the population's size,
    or an initializer (one value per neuron), stored as a float or an array.

    **Arguments:**

    - `default`: the default value; `None` makes the parameter optional (it stays
      `None` when not given, and the model's `_build` derives it).
    - `positive`, `nonnegative`: refuse values that are not `> 0` / `>= 0`.
    - `alias`: the constructor's keyword, when it is not the field's name (BrainPy's
      `T_dur` for `AMPA.T_duration`).
    - `kw_only`: `False` lets it be passed by position, after `size`.

    ```python
    tau: Any = param(default=10.0, positive=True)
    ```
    """
    spec = _Declared("param", positive, nonnegative, alias, not kw_only)
    return dataclasses.field(default=default, metadata={_ROLE: spec})


def initial(*, default: Any, of: str | None = None) -> Any:
    """Declare an `InitVar` that gives the initial value of a Variable field: a number, an
    array or an initializer (drawn at the population's state shape, batch axis included).

    `X_initializer` initialises `X`; `of` names another Variable (Gif's `Vth_initializer`
    gives `V_th`). `default=None` leaves the Variable to the model's `_build`.

    ```python
    V_initializer: InitVar[Init] = initial(default=uniform_V)
    ```
    """
    return dataclasses.field(default=default, metadata={_ROLE: _Declared("initial", of=of)})


def option(*, default: Any, static: bool = True) -> Any:
    """Declare a setting that is a constructor keyword and a (static) field as it is.

    ```python
    spk_reset: str = option(default="soft")
    ```
    """
    return eqx.field(default=default, static=static, metadata={_ROLE: _Declared("option")})


def built(
    *, default: Any = dataclasses.MISSING, static: bool = False, init: Literal[False] = False
) -> Any:
    """Declare a field the model builds itself (state Variables, derived values), or a
    fixed `default`: not a constructor keyword. (`init` is for type checkers: always
    `False`.)

    ```python
    spike: Variable = built()
    ```
    """
    del init
    meta = {_ROLE: _Declared("built")}
    return eqx.field(default=default, static=static, metadata=meta)


def _is_initvar(f: dataclasses.Field) -> bool:
    return f._field_type is dataclasses._FIELD_INITVAR  # type: ignore[attr-defined]


def _is_classvar(f: dataclasses.Field) -> bool:
    return f._field_type is dataclasses._FIELD_CLASSVAR  # type: ignore[attr-defined]


_SPECS: weakref.WeakKeyDictionary[type, tuple[tuple[Param, ...], tuple[str, ...]]] = (
    weakref.WeakKeyDictionary()
)

_UNDECLARED_MSG = """\
{cls}.{name} is a field without a declaration, so it is not clear whether the \
constructor takes it. Declare it with `param(default=...)` (a parameter), \
`option(default=...)` (a setting), or `built()` (set by the model in `_build`), or give \
{cls} an `__init__` of its own."""


def declared(cls: type) -> tuple[Param, ...]:
    """The constructor arguments `cls` declares (`size` and `name` aside), in order.

    ```python
    [p.keyword for p in declared(eqbrain.dyn.Lif)]   # ['batch_size', ..., 'V_initializer']
    ```
    """
    return _declarations(cls)[0]


def _declarations(cls: type) -> tuple[tuple[Param, ...], tuple[str, ...]]:
    """(the declared arguments, the fields with no declaration)."""
    try:
        return _SPECS[cls]
    except KeyError:
        pass
    out: list[Param] = []
    undeclared: list[str] = []
    for f in cls.__dataclass_fields__.values():
        spec = f.metadata.get(_ROLE)
        if _is_classvar(f) or f.name in ("size", "name") or (not f.init and spec is None):
            continue
        if _is_initvar(f):
            default = None if f.default is dataclasses.MISSING else f.default
            of = spec.of if spec is not None else None
            if of is None and f.name.endswith("_initializer"):
                of = f.name[: -len("_initializer")]
            kind = "extra" if of is None else "initial"
            out.append(Param(of or f.name, f.name, default, kind))
        elif spec is None:
            undeclared.append(f.name)
        elif spec.kind == "param":
            keyword = spec.alias or f.name
            out.append(
                Param(
                    f.name,
                    keyword,
                    f.default,
                    "param",
                    spec.positive,
                    spec.nonnegative,
                    spec.positional,
                )
            )
        elif spec.kind == "option":
            out.append(Param(f.name, f.name, f.default, "option"))
    _SPECS[cls] = result = (tuple(out), tuple(undeclared))
    return result


def _signature(cls: type) -> inspect.Signature:
    P = inspect.Parameter
    params = [P("size", P.POSITIONAL_OR_KEYWORD, annotation="Size")]
    decl = declared(cls)
    params += [
        P(p.keyword, P.POSITIONAL_OR_KEYWORD, default=p.default, annotation="Init")
        for p in decl
        if p.positional
    ]
    for p in decl:
        if not p.positional:
            annotation = "Init" if p.kind in ("param", "initial") else inspect.Parameter.empty
            params.append(P(p.keyword, P.KEYWORD_ONLY, default=p.default, annotation=annotation))
    params.append(P("name", P.KEYWORD_ONLY, default=None, annotation="str | None"))
    return inspect.Signature(params, return_annotation=None)


@dataclass_transform(
    kw_only_default=True,
    field_specifiers=(param, initial, option, built, eqx.field, dataclasses.field),
)
class _PopulationMeta(type(DynamicalSystem)):
    """Equinox's module metaclass, seen by type checkers as a `dataclass_transform` with
    `param`, `initial`, `option` and `built`: a model's constructor is its fields."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs):
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        if name != "Population" and cls.__init__ is Population.__init__:
            undeclared = _declarations(cls)[1]
            if undeclared:
                raise TypeError(_UNDECLARED_MSG.format(cls=name, name=undeclared[0]))
        return cls

    @property
    def __signature__(cls) -> inspect.Signature:
        if cls.__init__ is Population.__init__:
            return _signature(cls)
        sig = inspect.signature(cls.__init__)
        return sig.replace(parameters=list(sig.parameters.values())[1:])


def _bind(cls: type, args: tuple, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Keyword -> value for every declared argument, defaults filled in; a `TypeError`
    as Python's for a bad call."""
    decl = declared(cls)
    positional = [p.keyword for p in decl if p.positional]
    if len(args) > len(positional):
        raise TypeError(
            f"{cls.__name__}() takes {len(positional) + 1} positional arguments (size"
            f"{''.join(', ' + k for k in positional)}) but {len(args) + 1} were given; "
            "pass the others by keyword."
        )
    values = dict(zip(positional, args))
    known = {p.keyword for p in decl}
    for keyword, value in kwargs.items():
        if keyword not in known:
            raise TypeError(
                f"{cls.__name__}() got an unexpected keyword argument {keyword!r}; it takes "
                f"{', '.join(sorted(known | {'name'}))}."
            )
        if keyword in values:
            raise TypeError(f"{cls.__name__}() got multiple values for argument {keyword!r}.")
        values[keyword] = value
    for p in decl:
        values.setdefault(p.keyword, p.default)
    return values


def _apply_mode(cls: type, values: dict[str, Any]) -> None:
    """`batch_size` and `spk_fun` in `values` as the mode (given or chosen) sets them."""
    spiking = "spk_fun" in values
    batch_size, spk_fun = apply_mode(
        cls.__name__, values.get("mode"), values.get("batch_size"), values.get("spk_fun"), spiking
    )
    values["batch_size"] = batch_size
    if spiking:
        values["spk_fun"] = spk_fun


class Population(DynamicalSystem, metaclass=_PopulationMeta):
    """A population of neurons or synapses (BrainPy's `NeuDyn`/`SynDyn`): its size, batch
    axis and integration method, and the constructor every model here shares.

    A model declares its constructor arguments as fields: `param(default=...)` for a
    parameter (a number, an array broadcastable to `size`, or an initializer giving one
    value per neuron), an `InitVar` named `X_initializer` for the initial value of the
    Variable `X`, `option(default=...)` for a setting, and `built()` for what its
    `_build(key, args)` makes (e.g. zero-initialised state). Initializers draw from
    `name_key(key, name)`: a key derived from the value's name.

    **Arguments:**

    - `size`: the number of neurons (or a shape).
    - `batch_size`: give every state Variable a leading batch axis of this size.
    - `method`: the `eqbrain.odeint` method of the model's derivatives.
    - `key`: the random key of the initializers (default: a key split from
      `eqbrain.random`'s default generator, so `eqbrain.random.seed` fixes it).
    - `mode`: a computing mode (`eqbrain.training_mode`, `eqbrain.BatchingMode(n)`, ...),
      else the one chosen by `eqbrain.environment`/`set_mode`: it sets `batch_size`
      and, for spiking neurons, `spk_fun` (see `SpikingNeuron`).
    - `name`: the model's name.

    ```python
    class Decay(eqbrain.dyn.Population):
        tau: Any = param(default=10.0, positive=True)
        x_initializer: InitVar[Init] = initial(default=1.0)
        x: eqbrain.Variable = built()

        def update(self, inp=0.0):
            self.x.value = self.x.value * jnp.exp(-share.load("dt") / self.tau) + inp
            return self.x.value

    d = Decay(3, tau=5.0)
    ```
    """

    size: tuple[int, ...] = eqx.field(static=True, converter=_as_size, kw_only=False)
    batch_size: int | None = option(default=None)
    method: str = option(default="exp_euler")
    key: InitVar[jax.Array | None] = None
    mode: InitVar[Mode | None] = None
    # The current sources projections registered (`add_inp_fun`), by key; internal, so
    # collectors, state dicts and checkpoints list their Variables where they belong.
    current_inputs: dict[str, Any] | None = eqx.field(
        default=None, init=False, repr=False, metadata={"internal": True}
    )
    # The keys registered on this population and on every copy of it (a static field:
    # `eqx.tree_at` and `eqx.filter_jit` copies share it), to refuse a stale copy.
    registered: _Registered | None = eqx.field(
        default=None, init=False, repr=False, static=True, metadata={"internal": True}
    )

    def __init__(self, size: Size, *args: Any, name: str | None = None, **kwargs: Any):
        cls = type(self)
        values = _bind(cls, args, kwargs)
        _apply_mode(cls, values)
        super().__init__(name=name)
        object.__setattr__(self, "registered", _Registered())
        shape = state_shape(size, values.get("batch_size"), self)
        self.size = shape[1:] if values.get("batch_size") is not None else shape
        key = values.get("key")
        if key is None and _draws_with_a_key(cls, values):
            key = split_key()  # two such models differ; `eqbrain.random.seed` fixes them
        for p in declared(cls):
            value = values[p.keyword]
            if p.kind == "option":
                setattr(self, p.name, value)
            elif p.kind == "param" and value is None and p.default is None:
                setattr(self, p.name, None)  # an optional parameter the model derives
            elif p.kind == "param":
                k = name_key(key, p.name) if callable(value) else None
                setattr(
                    self,
                    p.name,
                    init_param(
                        cast(Init, value),
                        self.size,
                        k,
                        p.keyword,
                        positive=p.positive,
                        nonnegative=p.nonnegative,
                    ),
                )
        for f in dataclasses.fields(cls):  # the defaults of what is not a keyword
            if f.name not in self.__dict__ and f.default is not dataclasses.MISSING:
                setattr(self, f.name, f.default)
        for p in declared(cls):
            if p.kind == "initial" and values[p.keyword] is not None:
                value = values[p.keyword]
                k = name_key(key, p.name) if callable(value) else None
                initial_value = init_array(value, self.state_shape, k, p.name)
                setattr(self, p.name, self._variable(initial_value))
        self._build(key, values)

    def _build(self, key: Any, args: Mapping[str, Any]) -> None:
        """Make what the declarations do not: state, derived values, checks. `args` holds
        every constructor argument by keyword; `key` is the random key. An override calls
        `super()._build(key, args)` first."""
        if "method" in args:
            integral(_probe, self.method)  # refuse an unknown method now, with its message

    @property
    def num(self) -> int:
        """The number of neurons."""
        return math.prod(self.size)

    def add_inp_fun(self, key: str, fun: DynamicalSystem, label: str | None = None) -> None:
        """Register a current source (BrainPy's `add_inp_fun`): each later step, the
        neuron models add `fun(V)` (at the potential before the step) to their input.

        A projection that holds its postsynaptic population registers itself this way
        (`STDP_Song2000`), so the network calls `post()` with no current to pass.
        `fun` is a module (the model stays a pytree) and must not hold this population.

        **Arguments:** `key` (unique on this population), `fun`, `label` (BrainPy's
        input label: the key becomes `'label // key'`).
        """
        if not isinstance(fun, DynamicalSystem):
            raise TypeError(
                f"{self.name}.add_inp_fun: fun must be an eqbrain DynamicalSystem (a module "
                f"called with the potential V), got {type(fun).__name__}; wrap a function "
                "in a DynamicalSystem whose `update(V)` returns the current."
            )
        key = str(key) if label is None else f"{label} // {key}"
        inputs = dict(self.current_inputs or {})
        if key in inputs:
            raise ValueError(f"{self.name}.add_inp_fun: the key {key!r} is already registered.")
        inputs[key] = fun
        object.__setattr__(self, "current_inputs", inputs)
        if self.registered is not None:
            self.registered.keys.add(key)

    def sum_current_inputs(self, *args: Any, init: Any = 0.0, label: str | None = None) -> Any:
        """`init` plus the currents of the registered sources, each called with `args`
        (the potential `V`); only those of `label` if given (BrainPy's).

        Raises `RuntimeError` on a copy of the population (`eqx.tree_at`, a module
        returned by `eqx.filter_jit`) made before a source was registered on it or on
        another copy: the copy would run without that current.
        """
        missing = _stale_keys(self)
        if missing:
            raise RuntimeError(
                f"{self.name}.sum_current_inputs: this copy of {self.name} was made before "
                f"{missing} was registered with `add_inp_fun` (on it or on another copy), "
                "so it does not hold that current source and would run without it. Build "
                "the projections before copying the population (eqx.tree_at, "
                "eqx.filter_jit), or use the model they were registered on."
            )
        for key, fun in (self.current_inputs or {}).items():
            if label is None or key.startswith(f"{label} // "):
                init = init + fun(*args)
        return init

    @property
    def varshape(self) -> tuple[int, ...]:
        """The population's shape (without the batch axis), as BrainPy's `varshape`."""
        return self.size

    @property
    def state_shape(self) -> tuple[int, ...]:
        """The shape of each state Variable: `size`, after the batch axis if batched."""
        return self.size if self.batch_size is None else (self.batch_size, *self.size)

    def _variable(self, value: Any, dtype: Any = None) -> Variable:
        """A state Variable of the population's shape (batched if the population is)."""
        value = jnp.broadcast_to(jnp.asarray(value, dtype), self.state_shape)
        return Variable(value, batch_axis=None if self.batch_size is None else 0)


class _Registered:
    """The keys `add_inp_fun` registered on a population or any copy of it (copies share
    this object). Every instance compares equal, so that it does not split the pytree
    structures of equal populations (nor the caches keyed on them)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Registered)

    def __hash__(self) -> int:
        return hash(_Registered)


def _stale_keys(pop: Population) -> list[str]:
    """The keys registered on a copy of `pop` that `pop` does not hold, sorted."""
    if pop.registered is None or not pop.registered.keys:
        return []
    return sorted(pop.registered.keys - set(pop.current_inputs or {}))


NeuDyn = Population
"""BrainPy's neuron base `bp.dyn.NeuDyn`: `Population` (a size, a batch axis, a method)."""

SynDyn = Population
"""BrainPy's synapse base `bp.dyn.SynDyn`: `Population`, as `NeuDyn`."""
