"""`Module` (alias `BrainPyObject`): a frozen Equinox module whose Variables are cells."""

import dataclasses
import functools
import inspect
import weakref
from collections.abc import Mapping
from typing import Any

import equinox as eqx
import jax.tree_util as jtu

from .._errors import frozen_field_error
from . import _collect, _device, _naming, _owner, _state
from ._collector import ArrayCollector, Collector
from ._containers import NodeDict, NodeList
from ._methods import BoundMethod, Method, watch_call, watch_jitted_method
from ._state import StateLoadResult
from ._variable import TrainVar, Variable

_UNDECLARED_MSG = """\
Cannot set attribute {name!r} on {cls}: eqbrain modules are frozen dataclasses, so \
every attribute must be declared as an annotated field in the class body, e.g.

    class {cls}(eqbrain.Module):
        {name}: eqbrain.Variable          # or jax.Array, or
        # {name}: int = eqx.field(static=True)
"""

_TRACING_VARIABLE_MSG = """\
`tracing_variable` is not supported (BrainPy removed it in 3.0.0 too). Declare the \
Variable as an annotated field and create it in `__init__`:

    class Net(eqbrain.Module):
        v: eqbrain.Variable
        def __init__(self):
            super().__init__()
            self.v = eqbrain.Variable(jnp.zeros(3))

eqbrain.jit, eqbrain.grad and eqbrain.for_loop find the Variables a function touches \
by themselves."""

_METHOD_IN_INIT_MSG = """\
Cannot assign methods in __init__: `self.{name} = self.{method}` would make {cls} hold \
itself (a bound method holds its module), and a pytree cannot contain itself. Make it \
a property instead, so it is not stored in the tree:

    class {cls}(eqbrain.Module):
        @property
        def {name}(self):
            return self.{method}
"""

_LEAF = jtu.tree_structure(0)
_fields: weakref.WeakKeyDictionary[type, frozenset[str]] = weakref.WeakKeyDictionary()


def _field_set(cls: type) -> frozenset[str]:
    try:
        return _fields[cls]
    except KeyError:
        out = _fields[cls] = frozenset(f.name for f in dataclasses.fields(cls))
        return out


class _plain_method:
    """A method that stays a plain callable on access.

    Equinox turns `module.method` into a `BoundMethod` pytree, and building one flattens
    the whole model; collectors are called on big models and are never transformed.
    """

    def __init__(self, fn):
        self.fn = fn
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__
        self.__wrapped__ = fn

    def __get__(self, obj, cls=None):
        return self.fn if obj is None else functools.partial(self.fn, obj)


class _NameField:
    """The `name` field: an explicit name is stored in the instance (a static field, so
    it survives copies); without one, reading `name` gives the object's auto name, which
    is kept outside the instance and so outside the treedef (see `_naming`). An auto name
    given back (`dataclasses.replace` passes every field) stands for no name."""

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            return None  # the dataclass default
        return _naming.name_of(obj, obj.__dict__.get("name"))

    def __set__(self, obj: Any, value: str | None) -> None:
        obj.__dict__["name"] = None if isinstance(value, _naming.AutoName) else value


class Module(eqx.Module):
    """The base class of every eqbrain model: BrainPy's `BrainPyObject` as an Equinox module.

    A `Module` is a frozen dataclass and a pytree. Declare fields with annotations; the
    only mutable things in it are its `Variable`s. Assigning to a field that holds a
    Variable writes the Variable's value -- the Variable itself is never replaced.

    **Arguments:**

    - `name`: a unique identifier for this object; `None` gives `ClassName<k>`.

    ```python
    class MyObj(eqbrain.Module):
        a: eqbrain.Variable

        def __init__(self, name=None):
            super().__init__(name=name)
            self.a = eqbrain.Variable(jnp.ones(1))

    ob = MyObj()
    ob.a = jnp.asarray([10.0])   # same Variable, new value
    ob.a = 1.0                   # MathError: the shape of the original data is (1,) ...
    ```
    """

    name: _NameField = eqx.field(default=None, static=True, kw_only=True)

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        self = super().__new__(cls, *args, **kwargs)
        # The `name` field is set before any `__init__` runs, so a module whose
        # `__init__` never calls `super().__init__()` still holds every field.
        object.__getattribute__(self, "__dict__")["name"] = None
        return self

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Methods bind to eqbrain's BoundMethod: a pytree, as Equinox's, that refuses to
        # lose the writes of a method run by eqx.filter_jit/filter_vmap on a copy.
        for attr, value in list(vars(cls).items()):
            if attr == "__call__" and inspect.isfunction(value):
                setattr(cls, attr, watch_call(value))
            if attr.startswith("__") and attr.endswith("__"):
                continue
            if inspect.isfunction(value):
                setattr(cls, attr, Method(value))
            elif (watched := watch_jitted_method(value)) is not None:
                setattr(cls, attr, watched)

    def __check_init__(self) -> None:
        _fill_defaults(self)
        explicit = self.__dict__.get("name")
        if explicit is None:
            name = _naming.name_of(self, None)
        else:
            name = explicit
            _naming.register(name, self)
        # Name every Variable of the subtree by its path from here (`Net0.E.V`); a parent
        # built later renames them from its own name, so the outermost model wins.
        own: list = []
        for path, _, node_own in _collect.walk(self):
            prefix = f"{name}.{path}." if path else f"{name}."
            for key, var in node_own:
                var.label = prefix + key
            if not path:
                own = node_own
        type(self)._after_init(self, own)

    def _after_init(self, own: list[tuple[str, Variable]]) -> None:
        """Called once a new module is named and registered, with its own Variables as
        (key, Variable): a hook for subclasses (`DynamicalSystem` records initial state)."""

    def __setattr__(self, name: str, value: Any) -> None:
        current = self.__dict__.get(name)
        if isinstance(current, Variable):
            current.value = value  # never replaced: write the value
            return
        if value is self:
            raise ValueError(
                f"Cannot set {type(self).__name__}.{name} to the module itself: a pytree "
                "cannot contain itself. Use `self` where you need it instead of storing it."
            )
        if isinstance(value, BoundMethod) and value.__self__ is self:
            raise ValueError(
                _METHOD_IN_INIT_MSG.format(
                    name=name, method=value.__name__, cls=type(self).__name__
                )
            )
        if name not in _field_set(type(self)) and not (
            name.startswith("__") and name.endswith("__")
        ):
            raise dataclasses.FrozenInstanceError(
                _UNDECLARED_MSG.format(name=name, cls=type(self).__name__)
            )
        if isinstance(value, _owner.OwnerBound):  # e.g. odeint(self.derivative)
            value = _owner.attach(self, name, value)
        try:
            super().__setattr__(name, value)
        except dataclasses.FrozenInstanceError:  # built: say which field and what to do
            if name not in _field_set(type(self)):
                raise  # `__orig_class__` (`Net[int]()`): typing ignores Equinox's error
            static = type(self).__dataclass_fields__[name].metadata.get("static", False)
            raise frozen_field_error(self, name, static) from None

    # -- names ------------------------------------------------------------------------

    @_plain_method
    def unique_name(self, name: str | None = None, type_: str | None = None) -> str:
        """A unique name: `name` checked for uniqueness, or the next `type_<k>` auto name.

        **Arguments:**

        - `name`: the wanted name; `UniqueNameError` if invalid or held by another object.
        - `type_`: the prefix of an auto name (default: this class's name).
        """
        if name is None:
            return _naming.auto_name(type_ or type(self).__name__)
        return _naming.check_name(name, self)

    # -- collectors -------------------------------------------------------------------

    @_plain_method
    def nodes(
        self, method: str = "absolute", level: int = -1, include_self: bool = True
    ) -> Collector:
        """Every module reachable from this one, each once, keyed by name or by path.

        **Arguments:**

        - `method`: `'absolute'` keys by node name (`C0`), `'relative'` by path (`c1`).
        - `level`: `0` is this node, `1` adds its children, `-1` is unlimited.
        - `include_self`: whether this node is listed too.

        ```python
        b.nodes()                     # {'B0': b, 'C0': b.c1, ...}
        b.nodes(method="relative")    # {'': b, 'c1': b.c1, 'lst-0': ...}
        ```
        """
        return _collect.collect_nodes(self, method, level, include_self)

    @_plain_method
    def vars(
        self,
        method: str = "absolute",
        level: int = -1,
        include_self: bool = True,
        exclude_types: tuple[type, ...] | None = None,
    ) -> ArrayCollector:
        """Every Variable of this node and its descendants, keyed `node.attr` or `path.attr`.

        A Variable held under two keys appears under both; `.unique()` keeps one.

        **Arguments:** as `nodes()`, plus `exclude_types`, Variable classes to skip.

        ```python
        b.vars()                      # {'B0.x': ..., 'C0.v': ..., 'C0.w': ...}
        b.vars(method="relative")     # {'x': ..., 'c1.v': ..., 'c1.w': ...}
        ```
        """
        return _collect.collect_vars(self, method, level, include_self, exclude_types)

    @_plain_method
    def train_vars(
        self, method: str = "absolute", level: int = -1, include_self: bool = True
    ) -> ArrayCollector:
        """The trainable Variables (`TrainVar`), as `vars()` keys them."""
        return _collect.collect_vars(self, method, level, include_self, only=TrainVar)

    # -- state ------------------------------------------------------------------------

    @_plain_method
    def save_state(self, **kwargs) -> dict[str, Any]:
        """This node's own Variables (not its children's): `{'C0.v': value, ...}`."""
        return _state.save_state(self)

    @_plain_method
    def load_state(self, state_dict: Mapping[str, Any], **kwargs) -> StateLoadResult:
        """Load this node's own Variables from a `save_state()` dict (all-or-nothing)."""
        return _state.load_state(self, state_dict, **kwargs)

    @_plain_method
    def state_dict(self, **kwargs) -> dict[str, dict[str, Any]]:
        """The whole state: `{node_name: {var_key: value}}` for every node.

        ```python
        b.state_dict()   # {'B0': {'B0.x': ...}, 'C0': {'C0.v': ..., 'C0.w': ...}, ...}
        ```
        """
        return _state.state_dict(self)

    @_plain_method
    def load_state_dict(
        self,
        state_dict: Mapping[str, Any],
        warn: bool = True,
        compatible: str = "v2",
        **kwargs,
    ) -> StateLoadResult:
        """Copy a `state_dict()` into this module's Variables, all or nothing.

        Every shape and dtype (and with `strict=True`, every key) is checked before the
        first Variable is written, so a failing load leaves the module as it was.

        **Arguments:**

        - `state_dict`: `{node_name: {var_key: value}}`, or with `compatible='v1'` a
          flat `{var_key: value}`.
        - `warn`: warn about missing or unexpected keys.
        - `compatible`: `'v2'` (nested, the default) or `'v1'` (flat).
        - `strict`: raise `ValueError` if any key is missing or unexpected.

        **Returns:** a `StateLoadResult(missing_keys, unexpected_keys)` of full var keys.
        """
        return _state.load_state_dict(self, state_dict, warn, compatible, **kwargs)

    # -- devices ----------------------------------------------------------------------

    @_plain_method
    def to(self, device: Any):
        """Move every Variable onto `device` (a `jax.Device` or sharding); returns `self`."""
        _device.move(self, device)
        return self

    @_plain_method
    def cpu(self):
        """Move every Variable onto the first CPU device; returns `self`."""
        return self.to(_device.platform_device("cpu"))

    @_plain_method
    def cuda(self):
        """Move every Variable onto the first GPU; `RuntimeError` if there is none."""
        return self.to(_device.platform_device("gpu"))

    @_plain_method
    def tpu(self):
        """Move every Variable onto the first TPU; `RuntimeError` if there is none."""
        return self.to(_device.platform_device("tpu"))

    # -- pytree -----------------------------------------------------------------------

    @_plain_method
    def tree_flatten(self) -> tuple[tuple[Any, ...], Any]:
        """One level of flattening, as `jax.tree_util` does it: (field values, aux)."""
        children, treedef = jtu.tree_flatten(self, is_leaf=lambda x: x is not self)
        return tuple(children), treedef.node_data()[1]

    @classmethod
    def tree_unflatten(cls, aux: Any, dynamic_values: Any):
        """Rebuild a module from `tree_flatten()`'s output (no `__init__` is run)."""
        dynamic_values = list(dynamic_values)
        treedef = jtu.PyTreeDef.from_node_data_and_children(
            jtu.default_registry, (cls, aux), [_LEAF] * len(dynamic_values)
        )
        return jtu.tree_unflatten(treedef, dynamic_values)

    def tracing_variable(
        self,
        name,
        init,
        shape,
        batch_or_mode=None,
        batch_axis=0,
        axis_names=None,
        batch_axis_name="batch",
    ):
        """Not supported: always raises `NotImplementedError` (see the message)."""
        raise NotImplementedError(_TRACING_VARIABLE_MSG)


def _fill_defaults(module: Module) -> None:
    """Store in the instance the default of every field that `__init__` left unset, as
    the generated `__init__` would, so that the instance holds exactly its fields, as
    Equinox's flattening expects: a field missing from the instance makes every copy's
    `__name__`, `__doc__`, ... read `Missing`. A field whose class attribute is no longer
    its default (a subclass's class attribute, a property) is left to the class."""
    d = object.__getattribute__(module, "__dict__")
    cls = type(module)
    if len(d) >= len(_field_set(cls)):
        return
    for f in dataclasses.fields(cls):
        if f.name not in d and f.default is not dataclasses.MISSING:
            if inspect.getattr_static(cls, f.name, None) is f.default:
                d[f.name] = f.default


# `name` takes `str | None` and reads as `str` (the auto name when none was given): type
# checkers learn that from `_NameField`, and the constructor's signature says
# `name: str | None = None`. Subclasses' generated `__init__` follow the field's type.
Module.__dataclass_fields__["name"].type = str | None
Module.__init__.__annotations__["name"] = str | None
Module.name = _NameField()  # type: ignore[assignment]  # reads the auto name
BrainPyObject = Module
_collect.set_node_base(Module)
NodeList._item_type = Module
NodeDict._item_type = Module
