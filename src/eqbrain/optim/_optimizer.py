"""`Optimizer`: an optax `GradientTransformation` that updates TrainVars in place.

The optax state is flattened once with `jax.tree_util`; its treedef is a static field
and each leaf is a Variable (keyed by its path in the optax state, e.g.
`inner_state.0.mu.1`), so the optimizer is an `eqbrain.Module` whose `vars()`,
`state_dict()` and checkpoint files hold its whole state. The trained Variables are
held too, but are not the optimizer's own: `opt.vars()` does not list them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import optax
from jax.core import Tracer

from ..core import ArrayCollector, Module, TrainVar, VarDict, Variable
from ._scheduler import Scheduler, as_scheduler

_TRAIN_VARS_MSG = """\
`train_vars=` takes the trainable Variables to update: `model.train_vars()` (an \
ArrayCollector), or a dict or list of eqbrain.TrainVar; got {what}."""

_NOT_TRAINABLE_MSG = """\
train_vars[{key!r}] is {what}, not an eqbrain.TrainVar, so the optimizer will not \
update it. Pass `model.train_vars()` (which holds only TrainVars), drop {key!r}, or \
declare that field as an eqbrain.TrainVar."""

_GRADS_MSG = """\
{name}.update takes gradients keyed like its train_vars, as \
`eqbrain.grad(loss, grad_vars=<the same train_vars>)` returns them; {what}. \
Nothing was updated."""

_LR_MSG = """\
lr= was given, but the optax state of tx has no injectable `learning_rate` \
hyperparameter. Build tx with optax.inject_hyperparams, e.g. \
`optax.inject_hyperparams(optax.adam)(learning_rate=1e-3)`, or use \
eqbrain.optim.Adam(lr=..., train_vars=...)."""


class _TrainVars:
    """The Variables an optimizer updates, in order: a pytree, but not collected.

    `vars()`, `state_dict()` and checkpoints of the optimizer skip it (the Variables
    belong to the model); `jax.tree_util` sees them as the children of this node.
    """

    __slots__ = ("keys", "variables", "is_list")

    def __init__(self, keys: tuple, variables: tuple[Variable, ...], is_list: bool):
        self.keys = keys
        self.variables = variables
        self.is_list = is_list

    def __repr__(self) -> str:
        return f"TrainVars({list(self.keys)})"


jtu.register_pytree_with_keys(
    _TrainVars,
    lambda t: ([(jtu.DictKey(k), v) for k, v in zip(t.keys, t.variables)], (t.keys, t.is_list)),
    lambda aux, children: _TrainVars(aux[0], tuple(children), aux[1]),
    lambda t: (t.variables, (t.keys, t.is_list)),
)


def _train_vars(train_vars: Any) -> _TrainVars:
    """Check `train_vars=` and return its keys and TrainVars, in order."""
    if isinstance(train_vars, Mapping):
        items = list(train_vars.items())
    elif isinstance(train_vars, list | tuple):
        items = list(enumerate(train_vars))
    else:
        what = "None" if train_vars is None else f"a {type(train_vars).__name__}"
        if isinstance(train_vars, Module):
            what += " (pass its `.train_vars()`)"
        raise TypeError(_TRAIN_VARS_MSG.format(what=what))
    if not items:
        raise ValueError(
            "train_vars= is empty: there is nothing to train. Give the model's trainable "
            "Variables as eqbrain.TrainVar fields and pass `model.train_vars()`."
        )
    seen: dict[int, Any] = {}
    for key, var in items:
        if not isinstance(var, TrainVar):
            what = (
                f"a {type(var).__name__}"
                if isinstance(var, Variable)
                else f"a {type(var).__name__} (not a Variable at all)"
            )
            raise TypeError(_NOT_TRAINABLE_MSG.format(key=key, what=what))
        if not jnp.issubdtype(var.dtype, jnp.inexact):
            raise TypeError(
                f"train_vars[{key!r}] holds {var.dtype} values; only floating-point "
                "(or complex) TrainVars can be trained by gradient descent."
            )
        if id(var) in seen:
            raise ValueError(
                f"train_vars[{key!r}] and train_vars[{seen[id(var)]!r}] are the same "
                "Variable (a shared, tied weight); it must be updated once. Pass "
                "`model.train_vars().unique()`."
            )
        seen[id(var)] = key
    keys, variables = zip(*items)
    return _TrainVars(tuple(keys), tuple(variables), not isinstance(train_vars, Mapping))


def _as_array(x: Any) -> Any:
    if isinstance(x, jax.Array | Tracer):
        return x
    if isinstance(x, Variable) or not isinstance(x, np.ndarray | np.generic | float | complex):
        return None
    return jnp.asarray(x)


class Optimizer(Module):
    """An optax optimizer over a model's `TrainVar`s, which it updates in place.

    `update(grads)` runs `tx.update` and `optax.apply_updates` and writes the new
    parameters into the TrainVars, and the new optax state into the optimizer's own
    Variables: eagerly, or inside `eqbrain.jit` (compiled once, then no retracing). The
    optax state is flattened to Variables keyed by their path in it (`count`,
    `inner_state.0.mu.0`, ...), so `opt.vars()`, `opt.state_dict()` and
    `eqbrain.save(path, opt)` hold all of it and training resumes exactly after
    `eqbrain.load`. The trained Variables belong to the model: save and load the model
    too. An update checks every gradient first; a bad one raises and changes nothing.

    **Arguments:**

    - `tx`: an `optax.GradientTransformation`, e.g. `optax.chain(optax.clip(1.0),
      optax.adam(1e-3))`.
    - `train_vars`: the Variables to train: `model.train_vars()`, or a dict or list of
      `eqbrain.TrainVar`. Each must appear once.
    - `lr`: optional, a `Scheduler` (or a number or optax schedule) that sets the
      `learning_rate` hyperparameter of a `tx` built with `optax.inject_hyperparams`
      before each update; its `step_call()` is then called once per update. The
      convenience classes (`Adam`, `SGD`, ...) do this for you.
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.Optimizer(optax.adam(1e-3), train_vars=net.train_vars())
    grad = eqbrain.grad(net.loss, grad_vars=net.train_vars(), return_value=True)

    @eqbrain.jit
    def train_step(x, y):
        grads, loss = grad(x, y)
        opt.update(grads)             # net's TrainVars change in place
        return loss
    ```
    """

    lr: Scheduler | None
    state: VarDict
    tx: optax.GradientTransformation = eqx.field(static=True)
    _train: _TrainVars
    _state_def: jtu.PyTreeDef = eqx.field(static=True, repr=False)

    def __init__(
        self,
        tx: optax.GradientTransformation,
        train_vars: Any = None,
        *,
        lr: Any = None,
        name: str | None = None,
    ):
        if not isinstance(tx, optax.GradientTransformation):
            raise TypeError(
                "tx must be an optax.GradientTransformation (e.g. optax.adam(1e-3)), got "
                f"{type(tx).__name__}."
            )
        train = _train_vars(train_vars)
        super().__init__(name=name)
        self.tx = tx
        self._train = train
        self.lr = None if lr is None else as_scheduler(lr)
        opt_state = tx.init([v.value for v in train.variables])
        if self.lr is not None and optax.tree_utils.tree_get(opt_state, "learning_rate") is None:
            raise ValueError(_LR_MSG)
        leaves, self._state_def = jtu.tree_flatten_with_path(opt_state)
        self.state = VarDict(
            {jtu.keystr(path, simple=True, separator="."): Variable(x) for path, x in leaves}
        )

    @property
    def vars_to_train(self) -> ArrayCollector:
        """The Variables this optimizer updates, keyed as in `train_vars=` (BrainPy's)."""
        return ArrayCollector(zip(self._train.keys, self._train.variables))

    @property
    def opt_state(self) -> Any:
        """The current optax state, rebuilt from the state Variables."""
        return self._state_def.unflatten([v.value for v in self.state.values()])

    def _check_grads(self, grads: Any) -> list[Any]:
        keys, params = self._train.keys, self._train.variables
        name = type(self).__name__
        if self._train.is_list:
            if not isinstance(grads, list | tuple):
                what = f"train_vars is a list, so grads must be too, not {type(grads).__name__}"
                raise TypeError(_GRADS_MSG.format(name=name, what=what))
            if len(grads) != len(keys):
                what = f"got {len(grads)} gradients for {len(keys)} train_vars"
                raise ValueError(_GRADS_MSG.format(name=name, what=what))
            items = list(enumerate(grads))
        else:
            if not isinstance(grads, Mapping):
                what = f"grads must be a dict, not {type(grads).__name__}"
                raise TypeError(_GRADS_MSG.format(name=name, what=what))
            missing = [k for k in keys if k not in grads]
            extra = [k for k in grads if k not in set(keys)]
            if missing or extra:
                what = ", ".join(
                    part
                    for part in (
                        f"missing keys {missing}" if missing else "",
                        f"unexpected keys {extra}" if extra else "",
                    )
                    if part
                )
                raise ValueError(_GRADS_MSG.format(name=name, what=f"got {what}"))
            items = [(k, grads[k]) for k in keys]
        out = []
        for (key, g), var in zip(items, params):
            arr = _as_array(g)
            if arr is None:
                what = f"grads[{key!r}] is a {type(g).__name__}, not an array"
                raise TypeError(_GRADS_MSG.format(name=name, what=what))
            if tuple(arr.shape) != var.shape:
                what = f"grads[{key!r}] has shape {tuple(arr.shape)}, its Variable {var.shape}"
                raise ValueError(_GRADS_MSG.format(name=name, what=what))
            if arr.dtype != var.dtype:
                what = f"grads[{key!r}] has dtype {arr.dtype}, its Variable {var.dtype}"
                raise TypeError(_GRADS_MSG.format(name=name, what=what))
            out.append(arr)
        return out

    def update(self, grads: Any) -> None:
        """Apply one optimizer step: write new parameters and optimizer state in place.

        **Arguments:**

        - `grads`: the gradients, keyed like `train_vars` (a dict/`ArrayCollector`, or
          a list for a list of TrainVars), each of its Variable's shape and dtype.

        **Raises:** `ValueError` for missing or unexpected keys or a wrong shape,
        `TypeError` for a non-array or a wrong dtype; nothing is changed then.
        """
        grads = self._check_grads(grads)
        variables = list(self._train.variables)
        params = [v.value for v in variables]
        state = self.opt_state
        if self.lr is not None:
            state = optax.tree_utils.tree_set(state, _is_value, learning_rate=self.lr())
        updates, state = self.tx.update(grads, state, params)
        params = optax.apply_updates(params, updates)
        leaves, treedef = jtu.tree_flatten(state)
        if treedef != self._state_def:
            raise RuntimeError(
                f"tx.update returned an optax state of another structure than tx.init:\n"
                f"{treedef}\nvs\n{self._state_def}\nNothing was updated."
            )
        targets = variables + list(self.state.values())
        checked = [v.check_value(x) for v, x in zip(targets, params + leaves)]  # all, then write
        for var, value in zip(targets, checked):
            var.write_value(value)
        if self.lr is not None:
            self.lr.step_call()


def _is_value(path: Any, value: Any) -> bool:
    # The injected value itself, not an optax schedule's state of the same name.
    return isinstance(value, jax.Array | Tracer | np.ndarray | float)


def _injected(factory: Any, static: tuple[str, ...], sch: Scheduler, **kwargs: Any) -> Any:
    """`factory(learning_rate=sch(), **kwargs)`, its learning rate injectable, the rest static."""
    return optax.inject_hyperparams(factory, static_args=static)(learning_rate=sch(), **kwargs)


class SGD(Optimizer):
    """Stochastic gradient descent, `optax.sgd`: `w -= lr * g`.

    **Arguments:**

    - `lr`: the learning rate: a number `>= 0`, a `Scheduler` or an optax schedule
      (held as `opt.lr`, a `Scheduler`, advanced once per update).
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.SGD(lr=0.1, train_vars=net.train_vars())
    ```
    """

    def __init__(self, lr: Any, train_vars: Any = None, *, name: str | None = None):
        sch = as_scheduler(lr)
        super().__init__(_injected(optax.sgd, (), sch), train_vars, lr=sch, name=name)


class Momentum(Optimizer):
    """SGD with (heavy-ball or Nesterov) momentum, `optax.sgd(lr, momentum)`.

    **Arguments:**

    - `lr`: the learning rate: a number, a `Scheduler` or an optax schedule.
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `momentum`: the decay of the velocity, in `[0, 1)`.
    - `nesterov`: use Nesterov momentum.
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.Momentum(lr=0.01, train_vars=net.train_vars(), momentum=0.9)
    ```
    """

    def __init__(
        self,
        lr: Any,
        train_vars: Any = None,
        momentum: float = 0.9,
        nesterov: bool = False,
        *,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        tx = _injected(
            optax.sgd, ("momentum", "nesterov"), sch, momentum=momentum, nesterov=nesterov
        )
        super().__init__(tx, train_vars, lr=sch, name=name)


class Adam(Optimizer):
    """Adam, `optax.adam`.

    **Arguments:**

    - `lr`: the learning rate: a number, a `Scheduler` or an optax schedule.
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `b1`, `b2`: the decay rates of the first and second moment estimates.
    - `eps`, `eps_root`: added to the denominator outside and inside the square root.
    - `nesterov`: use Nesterov momentum (NAdam).
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.Adam(lr=1e-3, train_vars=net.train_vars())
    opt = eqbrain.optim.Adam(lr=eqbrain.optim.StepLR(1e-3, step_size=100),
                             train_vars=net.train_vars())
    ```
    """

    def __init__(
        self,
        lr: Any = 1e-3,
        train_vars: Any = None,
        b1: float = 0.9,
        b2: float = 0.999,
        eps: float = 1e-8,
        eps_root: float = 0.0,
        nesterov: bool = False,
        *,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        tx = _injected(
            optax.adam,
            ("b1", "b2", "eps", "eps_root", "nesterov"),
            sch,
            b1=b1,
            b2=b2,
            eps=eps,
            eps_root=eps_root,
            nesterov=nesterov,
        )
        super().__init__(tx, train_vars, lr=sch, name=name)


class AdamW(Optimizer):
    """Adam with decoupled weight decay, `optax.adamw`.

    **Arguments:**

    - `lr`: the learning rate: a number, a `Scheduler` or an optax schedule.
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `b1`, `b2`, `eps`, `eps_root`, `nesterov`: as for `Adam`.
    - `weight_decay`: the decay rate (multiplied by the learning rate).
    - `mask`: optax's mask: a list of bools (one per train var, in order) or a function
      of the parameter list saying which parameters decay.
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.AdamW(lr=1e-3, train_vars=net.train_vars(), weight_decay=1e-2)
    ```
    """

    def __init__(
        self,
        lr: Any = 1e-3,
        train_vars: Any = None,
        b1: float = 0.9,
        b2: float = 0.999,
        eps: float = 1e-8,
        eps_root: float = 0.0,
        weight_decay: float = 1e-4,
        mask: Any = None,
        nesterov: bool = False,
        *,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        tx = _injected(
            optax.adamw,
            ("b1", "b2", "eps", "eps_root", "weight_decay", "mask", "nesterov"),
            sch,
            b1=b1,
            b2=b2,
            eps=eps,
            eps_root=eps_root,
            weight_decay=weight_decay,
            mask=mask,
            nesterov=nesterov,
        )
        super().__init__(tx, train_vars, lr=sch, name=name)


class RMSProp(Optimizer):
    """RMSProp, `optax.rmsprop`.

    **Arguments:**

    - `lr`: the learning rate: a number, a `Scheduler` or an optax schedule.
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `decay`: the decay of the squared-gradient average.
    - `eps`: added to the denominator.
    - `initial_scale`: the initial squared-gradient average.
    - `centered`: divide by the variance rather than the second moment.
    - `momentum`: optional momentum; `nesterov`: Nesterov momentum.
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.RMSProp(lr=1e-3, train_vars=net.train_vars(), decay=0.9)
    ```
    """

    def __init__(
        self,
        lr: Any = 1e-3,
        train_vars: Any = None,
        decay: float = 0.9,
        eps: float = 1e-8,
        initial_scale: float = 0.0,
        centered: bool = False,
        momentum: float | None = None,
        nesterov: bool = False,
        *,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        tx = _injected(
            optax.rmsprop,
            ("decay", "eps", "initial_scale", "centered", "momentum", "nesterov"),
            sch,
            decay=decay,
            eps=eps,
            initial_scale=initial_scale,
            centered=centered,
            momentum=momentum,
            nesterov=nesterov,
        )
        super().__init__(tx, train_vars, lr=sch, name=name)
