"""`Optimizer`: an optax `GradientTransformation` that updates Variables in place.

optax sees the parameters as a dict keyed like `train_vars`, so its state is too. The
state is flattened with `jax.tree_util`; each leaf is a Variable keyed by its path in the
optax state (e.g. `inner_state.0.mu.w`, `w` being the trained Variable's key: one slot
per trained Variable, found by its key, never by its position), so the optimizer is an
`eqbrain.Module` whose `vars()`, `state_dict()` and checkpoint files hold its whole
state, and a checkpoint loads into an optimizer whose `train_vars` were registered in
another order. The trained Variables are held too, but are not the optimizer's own:
`opt.vars()` does not list them. As in BrainPy, they can be given when the optimizer is
built or later, with `register_train_vars`.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import optax
from jax.core import Tracer

from .._core import ArrayCollector, Module, VarDict, Variable
from .._errors import MathError
from ._scheduler import Scheduler, as_scheduler

_TRAIN_VARS_MSG = """\
train_vars must be a dict of Variables, as in BrainPy: `model.train_vars()` (an \
ArrayCollector) or e.g. `{{'w': w, 'b': b}}`; got {what}."""

_NOT_A_VARIABLE_MSG = """\
train_vars[{key!r}] is a {what}, not an eqbrain Variable, so the optimizer cannot \
update it in place. Pass `model.train_vars()`, or hold the array in an eqbrain.TrainVar."""

_GRADS_MSG = """\
{name}.update takes gradients keyed like its train_vars, as \
`eqbrain.grad(loss, grad_vars=<the same train_vars>)` returns them; {what}. \
Nothing was updated."""

_LR_MSG = """\
lr= was given, but the optax state of tx has no injectable `learning_rate` \
hyperparameter. Build tx with optax.inject_hyperparams, e.g. \
`optax.inject_hyperparams(optax.adam)(learning_rate=1e-3)`, or use \
eqbrain.optim.Adam(lr=..., train_vars=...)."""

_ABSTRACT_MSG = """\
eqbrain.optim.Optimizer(lr) is abstract, as in BrainPy: it has no update rule. Use \
eqbrain.optim.Optimizer(tx, train_vars) with an optax GradientTransformation, one of \
SGD, Adam, ... , or a subclass that overrides `update(grads)`."""

_NO_TX_MSG = """\
{name} has no optax transformation, so it has no update rule: a subclass built with \
`super().__init__(lr, train_vars)` overrides `update(grads)`, as in BrainPy."""

_TX_MSG = """\
The first argument of Optimizer is an optax.GradientTransformation (e.g. \
optax.adam(1e-3)), or, BrainPy-style for a subclass with its own update rule, a \
learning rate (a number, Variable or Scheduler); got {what}."""


class _TrainVars:
    """The Variables an optimizer updates, in registration order, and the treedef of
    its optax state: a pytree whose children are the Variables (not collected by
    `vars()`: they belong to the model). `register_train_vars` extends it in place."""

    __slots__ = ("keys", "variables", "state_def")

    def __init__(self, keys: tuple, variables: tuple[Variable, ...], state_def: Any):
        self.keys = keys
        self.variables = variables
        self.state_def = state_def

    def __repr__(self) -> str:
        return f"TrainVars({list(self.keys)})"


jtu.register_pytree_with_keys(
    _TrainVars,
    lambda t: (
        [(jtu.DictKey(k), v) for k, v in zip(t.keys, t.variables)],
        (t.keys, t.state_def),
    ),
    lambda aux, children: _TrainVars(aux[0], tuple(children), aux[1]),
    lambda t: (t.variables, (t.keys, t.state_def)),
)


class _Calling(threading.local):
    def __init__(self) -> None:
        self.keys: tuple = ()


_calling = _Calling()


@contextlib.contextmanager
def _calling_tx(keys: tuple) -> Iterator[None]:
    outer, _calling.keys = _calling.keys, keys
    try:
        yield
    finally:
        _calling.keys = outer


def registration_order() -> tuple:
    """The train_vars keys, in registration order, of the optimizer whose optax
    transformation is running now (in this thread): what a mask given as one bool per
    train var is matched against (optax hands mask functions the updates, whose dict
    keys come sorted)."""
    return _calling.keys


def _as_array(x: Any) -> Any:
    if isinstance(x, jax.Array | Tracer):
        return x
    if isinstance(x, Variable) or not isinstance(x, np.ndarray | np.generic | float | complex):
        return None
    return jnp.asarray(x)


def _is_value(path: Any, value: Any) -> bool:
    # The injected value itself, not an optax schedule's state of the same name.
    return isinstance(value, jax.Array | Tracer | np.ndarray | float)


def _is_lr(x: Any) -> bool:
    return isinstance(x, Scheduler | Variable | int | float) and not isinstance(x, bool)


class Optimizer(Module):
    """An optax optimizer over a model's Variables, which it updates in place.

    `update(grads)` runs `tx.update` and `optax.apply_updates` and writes the new
    parameters into the trained Variables, and the new optax state into the optimizer's
    own Variables: eagerly, or inside `eqbrain.jit` (compiled once, then no retracing).
    optax sees the parameters (and gradients) as a dict keyed like `train_vars`, in
    registration order. The optax state is flattened to Variables keyed by their path in
    it (`count`, `inner_state.0.mu.w`, ...: each moment is found by its Variable's key,
    never by its position), so `opt.vars()`, `opt.state_dict()` and
    `eqbrain.save(path, opt)` hold all of it and training resumes exactly after
    `eqbrain.load`, even into an optimizer whose `train_vars` were registered in another
    order; a checkpoint made for other keys fails to load (strictly) naming the missing
    and unexpected ones. Keys made of automatic names (`net.train_vars()` gives `Net0.w`)
    change between two instances built in one process: for checkpoints that load into
    another instance, register relative keys, `net.train_vars(method='relative')` (and
    take gradients with the same). The trained Variables belong to the model: save and
    load the model too. An update checks every gradient first; a bad one raises and
    changes nothing.

    As in BrainPy, the Variables to train may be given later (`register_train_vars`),
    e.g. by a trainer that owns the model.

    **Arguments:**

    - `tx`: an `optax.GradientTransformation`, e.g. `optax.chain(optax.clip(1.0),
      optax.adam(1e-3))`. For a BrainPy-style subclass with its own `update`, the
      learning rate instead (`super().__init__(lr, train_vars)`).
    - `train_vars`: the Variables to train, a dict: `model.train_vars()` or
      `{'w': w, ...}`. Each must be a floating-point Variable and appear once.
    - `lr`: optional, a `Scheduler` (or a number, Variable or optax schedule) that sets
      the `learning_rate` hyperparameter of a `tx` built with `optax.inject_hyperparams`
      before each update; its `step_call()` is then called once per update. The
      convenience classes (`Adam`, `SGD`, ...) do this for you.
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.Optimizer(optax.adam(1e-3), train_vars=net.train_vars())
    grad = eqbrain.grad(net.loss, grad_vars=net.train_vars(), return_value=True)

    @eqbrain.jit
    def train_step(x, y):
        grads, loss = grad(x, y)
        opt.update(grads)             # net's Variables change in place
        return loss
    ```
    """

    lr: Scheduler | None
    state: VarDict
    tx: optax.GradientTransformation | None = eqx.field(static=True)
    _train: _TrainVars

    _repr_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        tx: Any = None,
        train_vars: Mapping[str, Variable] | None = None,
        *,
        lr: Any = None,
        name: str | None = None,
    ):
        if isinstance(tx, optax.GradientTransformation):
            transform = tx
        elif tx is None or _is_lr(tx):
            if tx is not None and lr is not None:
                raise TypeError(f"lr was given twice: as the first argument ({tx!r}) and as lr=.")
            lr, transform = (lr if tx is None else tx), None
            if type(self) is Optimizer:
                raise NotImplementedError(_ABSTRACT_MSG)
        else:
            raise TypeError(_TX_MSG.format(what=f"{type(tx).__name__}: {tx!r}"))
        super().__init__(name=name)
        self.tx = transform
        self.lr = None if lr is None else as_scheduler(lr)
        self.state = VarDict()
        self._train = _TrainVars((), (), None)
        self.register_train_vars(train_vars)
        if (
            transform is not None
            and self.lr is not None
            and optax.tree_utils.tree_get(self.opt_state, "learning_rate") is None
        ):
            raise ValueError(_LR_MSG)

    # -- the trained Variables -----------------------------------------------------------

    def register_train_vars(self, train_vars: Mapping[str, Variable] | None = None) -> None:
        """Add Variables to train (BrainPy's), keeping the state of those already added.

        The optax state is rebuilt for all of them: the moments of Variables already
        registered and the shared counters keep their values (their Variables are kept),
        the new Variables' moments start at optax's initial values.

        **Arguments:**

        - `train_vars`: a dict of floating-point Variables, e.g. `model.train_vars()`.
          A key already registered with the same Variable is skipped.

        **Raises:** `MathError` if `train_vars` is not a dict, `TypeError` for an entry
        that is not a floating-point Variable, `ValueError` for a key registered with
        another Variable or a Variable under two keys; nothing is registered then.
        """
        new = self._new_train_vars(train_vars)
        train = self._train
        if self.tx is not None and (new or train.state_def is None):
            keys = train.keys + tuple(k for k, _ in new)
            variables = list(train.variables) + [v for _, v in new]
            with _calling_tx(keys):
                opt_state = self.tx.init(dict(zip(keys, [v.value for v in variables])))
            leaves, state_def = jtu.tree_flatten_with_path(opt_state)
            merged = []
            for path, x in leaves:
                key = jtu.keystr(path, simple=True, separator=".")
                var = self.state.get(key)
                if var is None:
                    var = Variable(x)
                    var.label = f"{self.name}.state-{key}"
                elif var.shape != np.shape(x) or var.dtype != x.dtype:
                    raise RuntimeError(
                        f"The optax state entry {key!r} was {var.describe()} and is "
                        f"{x.dtype}{list(np.shape(x))} with the new Variables: this "
                        "transformation's state does not extend per Variable. Build a new "
                        "optimizer with all train_vars instead. Nothing was registered."
                    )
                merged.append((key, var))
            self.state.clear()  # a structure change: compiled steps look for Variables again
            for key, var in merged:
                dict.__setitem__(self.state, key, var)
            train.state_def = state_def
        if new:
            train.keys = train.keys + tuple(k for k, _ in new)
            train.variables = train.variables + tuple(v for _, v in new)

    def register_vars(self, train_vars: Mapping[str, Variable] | None = None) -> None:
        """Deprecated in BrainPy: use `register_train_vars` (warns, then does that)."""
        warnings.warn('Use "register_train_vars()" instead.', UserWarning, stacklevel=2)
        self.register_train_vars(train_vars)

    def _new_train_vars(self, train_vars: Any) -> list[tuple[Any, Variable]]:
        """Check `train_vars` against those registered; return the new (key, Variable)s."""
        if train_vars is None:
            return []
        if not isinstance(train_vars, Mapping):
            what = f"a {type(train_vars).__name__}"
            if isinstance(train_vars, Module):
                what += " (pass its `.train_vars()`)"
            elif isinstance(train_vars, list | tuple):
                what += " (give each Variable a key: a dict)"
            raise MathError(_TRAIN_VARS_MSG.format(what=what))
        known = dict(zip(self._train.keys, self._train.variables))
        owner = {id(v): k for k, v in known.items()}
        new = []
        for key, var in train_vars.items():
            if not isinstance(var, Variable):
                raise TypeError(_NOT_A_VARIABLE_MSG.format(key=key, what=type(var).__name__))
            if not jnp.issubdtype(var.dtype, jnp.inexact):
                raise TypeError(
                    f"train_vars[{key!r}] holds {var.dtype} values; only floating-point "
                    "(or complex) Variables can be trained by gradient descent."
                )
            if key in known:
                if known[key] is var:
                    continue
                raise ValueError(
                    f"train_vars[{key!r}] is already registered with another Variable "
                    f"({known[key].describe()}); give the new one another key."
                )
            if id(var) in owner:
                raise ValueError(
                    f"train_vars[{key!r}] and train_vars[{owner[id(var)]!r}] are the same "
                    "Variable (a shared, tied weight); it must be updated once. Pass "
                    "`model.train_vars().unique()`."
                )
            owner[id(var)] = key
            new.append((key, var))
        return new

    @property
    def vars_to_train(self) -> ArrayCollector:
        """The Variables this optimizer updates, keyed as registered (BrainPy's)."""
        return ArrayCollector(zip(self._train.keys, self._train.variables))

    # -- the optax state -----------------------------------------------------------------

    @property
    def opt_state(self) -> Any:
        """The current optax state, rebuilt from the state Variables."""
        if self._train.state_def is None:
            return None
        return self._train.state_def.unflatten([v.value for v in self.state.values()])

    @property
    def step(self) -> Variable:
        """The number of updates applied so far: the `int32` Variable of optax's count
        (BrainPy's `opt.step`)."""
        for key, var in self.state.items():
            if key == "count" or key.endswith(".count"):
                return var
        raise AttributeError(
            f"{type(self).__name__} keeps no update count: its optax state has no `count`. "
            "Wrap tx in optax.inject_hyperparams to get one."
        )

    # -- updating ------------------------------------------------------------------------

    def check_grads(self, grads: Any) -> list[Any]:
        """Check `grads` against the trained Variables (keys, shapes, dtypes) and return
        them as arrays in registration order (BrainPy's `check_grads`, stricter).

        **Raises:** `MathError` for a missing or unexpected key or a wrong shape,
        `TypeError` for a non-dict, a non-array or a wrong dtype.
        """
        keys, params = self._train.keys, self._train.variables
        name = type(self).__name__
        if not isinstance(grads, Mapping):
            what = f"grads must be a dict, not {type(grads).__name__}"
            raise TypeError(_GRADS_MSG.format(name=name, what=what))
        missing = [k for k in keys if k not in grads]
        known = set(keys)
        extra = [k for k in grads if k not in known]
        if missing or extra:
            what = ", ".join(
                part
                for part in (
                    f"missing keys {missing}" if missing else "",
                    f"unexpected keys {extra}" if extra else "",
                )
                if part
            )
            what = f"got {len(grads)} gradients for {len(keys)} train_vars: {what}"
            raise MathError(_GRADS_MSG.format(name=name, what=what))
        out = []
        for key, var in zip(keys, params):
            g = grads[key]
            arr = _as_array(g)
            if arr is None:
                what = f"grads[{key!r}] is a {type(g).__name__}, not an array"
                raise TypeError(_GRADS_MSG.format(name=name, what=what))
            if tuple(arr.shape) != var.shape:
                what = f"grads[{key!r}] has shape {tuple(arr.shape)}, its Variable {var.shape}"
                raise MathError(_GRADS_MSG.format(name=name, what=what))
            if arr.dtype != var.dtype:
                what = f"grads[{key!r}] has dtype {arr.dtype}, its Variable {var.dtype}"
                raise TypeError(_GRADS_MSG.format(name=name, what=what))
            out.append(arr)
        return out

    def update(self, grads: Mapping[str, Any]) -> None:
        """Apply one optimizer step: write new parameters and optimizer state in place.

        **Arguments:**

        - `grads`: the gradients, a dict keyed like `train_vars` (as `eqbrain.grad`
          returns them), each of its Variable's shape and dtype.

        **Raises:** see `check_grads`; nothing is changed then.
        """
        if self.tx is None:
            raise NotImplementedError(_NO_TX_MSG.format(name=type(self).__name__))
        checked = self.check_grads(grads)
        keys, variables = self._train.keys, list(self._train.variables)
        params = {k: v.value for k, v in zip(keys, variables)}  # in registration order
        state = self.opt_state
        if self.lr is not None:
            state = optax.tree_utils.tree_set(state, _is_value, learning_rate=self.lr())
        with _calling_tx(keys):
            updates, state = self.tx.update(dict(zip(keys, checked)), state, params)
        stepped: Any = optax.apply_updates(params, updates)
        params = [stepped[k] for k in keys]
        leaves, treedef = jtu.tree_flatten(state)
        if treedef != self._train.state_def:
            raise RuntimeError(
                f"tx.update returned an optax state of another structure than tx.init:\n"
                f"{treedef}\nvs\n{self._train.state_def}\nNothing was updated."
            )
        targets = variables + list(self.state.values())
        values = [v.check_value(x) for v, x in zip(targets, params + leaves)]  # all, then write
        for var, value in zip(targets, values):
            var.write_value(value)
        if self.lr is not None:
            self.lr.step_call()

    def __repr__(self) -> str:
        parts = [f"lr={self.lr!r}"] + [f"{k}={getattr(self, k)!r}" for k in self._repr_fields]
        return f"{type(self).__name__}({', '.join(parts)})"
