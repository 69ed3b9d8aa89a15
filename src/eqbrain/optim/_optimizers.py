"""BrainPy's optimizers, each one optax transformation (an optax chain at most).

Arguments take BrainPy's names, in BrainPy's order (`lr`, `train_vars`, then the
hyperparameters); optax's names (`b1`, `decay`, ...) are accepted as keywords beside
them. Defaults are BrainPy's. The learning rate is injected into the optax state
(`optax.inject_hyperparams`) from the optimizer's `Scheduler` before each update.
`weight_decay` is BrainPy's where BrainPy has it: `p <- (1 - weight_decay) * p + update`,
not scaled by the learning rate, except for `AdamW`, `LARS` and `Adan`, whose decay is
their own (scaled by the learning rate).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import equinox as eqx
import jax.numpy as jnp
import optax

from .._core import Variable
from . import _checks
from ._optimizer import Optimizer, registration_order
from ._scheduler import Scheduler, as_scheduler
from ._transforms import decayed, scalars_as_vectors

TrainVars = Mapping[str, Variable] | None


def _inject(factory: Callable[..., Any], sch: Scheduler, **static: Any) -> Any:
    """`factory(learning_rate=sch(), **static)`, its learning rate injectable."""
    return optax.inject_hyperparams(
        factory, static_args=tuple(static), hyperparam_dtype=jnp.result_type(float)
    )(learning_rate=sch(), **static)


# -- the optax transformations, as functions of the learning rate ----------------------


def _sgd(learning_rate: Any, weight_decay: float | None) -> Any:
    return decayed(optax.sgd(learning_rate), weight_decay)


def _momentum(
    learning_rate: Any, momentum: float, nesterov: bool, weight_decay: float | None
) -> Any:
    # BrainPy's velocity holds the learning rate: v <- momentum * v - lr * g; p <- p + v
    # (optax.sgd scales the trace instead; the two agree while the rate is constant).
    tx = optax.chain(
        optax.scale_by_learning_rate(learning_rate),
        optax.trace(decay=momentum, nesterov=nesterov),
    )
    return decayed(tx, weight_decay)


def _adagrad(
    learning_rate: Any, epsilon: float, initial_accumulator_value: float, weight_decay: Any
) -> Any:
    tx = optax.adagrad(learning_rate, initial_accumulator_value, eps=epsilon)
    return decayed(tx, weight_decay)


def _adadelta(learning_rate: Any, rho: float, epsilon: float, weight_decay: Any) -> Any:
    return decayed(optax.adadelta(learning_rate, rho=rho, eps=epsilon), weight_decay)


def _rmsprop(
    learning_rate: Any,
    rho: float,
    epsilon: float,
    initial_scale: float,
    centered: bool,
    momentum: float | None,
    nesterov: bool,
    weight_decay: Any,
) -> Any:
    tx = optax.rmsprop(
        learning_rate,
        decay=rho,
        eps=epsilon,
        initial_scale=initial_scale,
        eps_in_sqrt=True,
        centered=centered,
        momentum=momentum,
        nesterov=nesterov,
    )
    return decayed(tx, weight_decay)


def _adam(
    learning_rate: Any,
    b1: float,
    b2: float,
    eps: float,
    eps_root: float,
    amsgrad: bool,
    nesterov: bool,
    weight_decay: Any,
) -> Any:
    if amsgrad:
        tx = optax.amsgrad(learning_rate, b1, b2, eps, eps_root)
    else:
        tx = optax.adam(learning_rate, b1, b2, eps, eps_root, nesterov=nesterov)
    return decayed(tx, weight_decay)


def _by_position(mask: tuple[bool, ...]) -> Any:
    """A mask given as one bool per trained Variable (in registration order), as optax's
    mask function of the parameter dict."""

    def by_key(params: Any) -> dict:
        keys = registration_order()
        if len(keys) != len(mask) or set(keys) != set(params):
            raise ValueError(
                f"mask has {len(mask)} entries for {len(keys)} train_vars; give one bool "
                "per train var, in registration order, or a function of the parameters."
            )
        return dict(zip(keys, mask))

    return by_key


def _adamw(
    learning_rate: Any,
    b1: float,
    b2: float,
    eps: float,
    eps_root: float,
    amsgrad: bool,
    nesterov: bool,
    weight_decay: float,
    mask: Any,
) -> Any:
    mask = _by_position(mask) if isinstance(mask, tuple) else mask
    if not amsgrad:
        return optax.adamw(
            learning_rate, b1, b2, eps, eps_root, None, weight_decay, mask, nesterov=nesterov
        )
    return optax.chain(  # optax.adamw's chain, with AMSGrad's scaling
        optax.scale_by_amsgrad(b1, b2, eps, eps_root),
        optax.add_decayed_weights(weight_decay, mask),
        optax.scale_by_learning_rate(learning_rate),
    )


def _lars(
    learning_rate: Any,
    weight_decay: float,
    tc: float,
    eps: float,
    momentum: float,
    nesterov: bool,
) -> Any:
    return optax.lars(
        learning_rate,
        weight_decay=weight_decay,
        trust_coefficient=tc,
        eps=eps,
        momentum=momentum,
        nesterov=nesterov,
    )


def _adan(
    learning_rate: Any,
    betas: tuple[float, float, float],
    eps: float,
    weight_decay: float,
    no_prox: bool,
) -> Any:
    # BrainPy's (and the paper's) proximal step p <- (p - lr * u) / (1 + wd * lr) is
    # optax's decoupled step p <- p - lr' * (u + wd * p) at lr' = lr / (1 + wd * lr).
    if not no_prox:
        learning_rate = learning_rate / (1 + weight_decay * learning_rate)
    b1, b2, b3 = (1 - b for b in betas)  # BrainPy's betas are optax's 1 - b
    return optax.adan(learning_rate, b1, b2, b3, eps=eps, eps_root=0.0, weight_decay=weight_decay)


def _sm3(learning_rate: Any, beta: float, momentum: float, eps: float, weight_decay: Any) -> Any:
    # BrainPy's beta = 0 accumulates squared gradients (optax's b2 = 1).
    scale = optax.scale_by_sm3(b1=momentum, b2=beta if beta > 0 else 1.0, eps=eps)
    tx = optax.chain(scalars_as_vectors(scale), optax.scale_by_learning_rate(learning_rate))
    return decayed(tx, weight_decay)


# -- the optimizers --------------------------------------------------------------------


class SGD(Optimizer):
    """Stochastic gradient descent, `optax.sgd`: `p <- p - lr * g`.

    **Arguments:**

    - `lr`: the learning rate: a number `>= 0`, a Variable, a `Scheduler` or an optax
      schedule (held as `opt.lr`, a `Scheduler`, advanced once per update).
    - `train_vars`: the Variables to train, a dict such as `model.train_vars()`; or
      none now and `register_train_vars` later.
    - `weight_decay`: BrainPy's decay, `p <- (1 - weight_decay) * p - lr * g`, in
      `[0, 1]`; `None` for none.
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.SGD(lr=0.1, train_vars=net.train_vars())
    ```
    """

    weight_decay: float | None = eqx.field(static=True)
    _repr_fields = ("weight_decay",)

    def __init__(
        self,
        lr: Any,
        train_vars: TrainVars = None,
        weight_decay: float | None = None,
        *,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        self.weight_decay = _checks.weight_decay(weight_decay)
        tx = _inject(_sgd, sch, weight_decay=self.weight_decay)
        super().__init__(tx, train_vars, lr=sch, name=name)


class Momentum(Optimizer):
    """SGD with momentum, BrainPy's: `v <- momentum * v - lr * g; p <- p + v`.

    An optax chain of `scale_by_learning_rate` and `trace` (the velocity holds the
    learning rate, as BrainPy's does; `optax.sgd(lr, momentum)` is the same while the
    learning rate is constant).

    **Arguments:**

    - `lr`: the learning rate: a number, Variable, `Scheduler` or optax schedule.
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `momentum`: the decay of the velocity, in `[0, 1)`.
    - `weight_decay`: BrainPy's decay, `p <- (1 - weight_decay) * p + v`.
    - `nesterov`: step with the look-ahead velocity (see `MomentumNesterov`).
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.Momentum(lr=0.01, train_vars=net.train_vars(), momentum=0.9)
    ```
    """

    momentum: float = eqx.field(static=True)
    weight_decay: float | None = eqx.field(static=True)
    nesterov: bool = eqx.field(static=True)
    _repr_fields = ("momentum", "weight_decay", "nesterov")

    def __init__(
        self,
        lr: Any,
        train_vars: TrainVars = None,
        momentum: float = 0.9,
        weight_decay: float | None = None,
        *,
        nesterov: bool = False,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        self.momentum = _checks.decay("momentum", momentum)
        self.weight_decay = _checks.weight_decay(weight_decay)
        self.nesterov = bool(nesterov)
        tx = _inject(
            _momentum,
            sch,
            momentum=self.momentum,
            nesterov=self.nesterov,
            weight_decay=self.weight_decay,
        )
        super().__init__(tx, train_vars, lr=sch, name=name)


class MomentumNesterov(Momentum):
    """Nesterov momentum, BrainPy's: `v <- momentum * v - lr * g;
    p <- p + momentum * v - lr * g` (`optax.trace(..., nesterov=True)` after the
    learning rate).

    **Arguments:** as `Momentum`, in BrainPy's order `lr, train_vars, weight_decay,
    momentum`.

    ```python
    opt = eqbrain.optim.MomentumNesterov(lr=0.01, train_vars=net.train_vars())
    ```
    """

    def __init__(
        self,
        lr: Any,
        train_vars: TrainVars = None,
        weight_decay: float | None = None,
        momentum: float = 0.9,
        *,
        name: str | None = None,
    ):
        super().__init__(lr, train_vars, momentum, weight_decay, nesterov=True, name=name)


class Adagrad(Optimizer):
    """Adagrad, `optax.adagrad`: `c <- c + g**2; p <- p - lr * g / sqrt(c + epsilon)`.

    **Arguments:**

    - `lr`: the learning rate: a number, Variable, `Scheduler` or optax schedule.
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `weight_decay`: BrainPy's decay, `p <- (1 - weight_decay) * p - ...`.
    - `epsilon` (or optax's `eps`): added inside the square root.
    - `initial_accumulator_value`: the initial `c` (BrainPy's is 0; optax's default 0.1).
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.Adagrad(lr=0.01, train_vars=net.train_vars())
    ```
    """

    weight_decay: float | None = eqx.field(static=True)
    epsilon: float = eqx.field(static=True)
    initial_accumulator_value: float = eqx.field(static=True)
    _repr_fields = ("epsilon", "weight_decay", "initial_accumulator_value")

    def __init__(
        self,
        lr: Any,
        train_vars: TrainVars = None,
        weight_decay: float | None = None,
        epsilon: float = 1e-6,
        *,
        eps: float | None = None,
        initial_accumulator_value: float = 0.0,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        self.weight_decay = _checks.weight_decay(weight_decay)
        self.epsilon = _checks.real("epsilon", _checks.alias("epsilon", epsilon, 1e-6, "eps", eps))
        self.initial_accumulator_value = _checks.real(
            "initial_accumulator_value", initial_accumulator_value
        )
        tx = _inject(
            _adagrad,
            sch,
            epsilon=self.epsilon,
            initial_accumulator_value=self.initial_accumulator_value,
            weight_decay=self.weight_decay,
        )
        super().__init__(tx, train_vars, lr=sch, name=name)


class Adadelta(Optimizer):
    """Adadelta, `optax.adadelta`, with BrainPy's defaults (`lr=1`, `rho=0.95`).

    **Arguments:**

    - `lr`: the learning rate (the paper has none: `1.0`).
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `weight_decay`: BrainPy's decay, `p <- (1 - weight_decay) * p - ...`.
    - `epsilon` (or `eps`): added inside both square roots.
    - `rho`: the decay of both moving averages, in `[0, 1)`.
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.Adadelta(train_vars=net.train_vars())
    ```
    """

    weight_decay: float | None = eqx.field(static=True)
    epsilon: float = eqx.field(static=True)
    rho: float = eqx.field(static=True)
    _repr_fields = ("epsilon", "rho", "weight_decay")

    def __init__(
        self,
        lr: Any = 1.0,
        train_vars: TrainVars = None,
        weight_decay: float | None = None,
        epsilon: float = 1e-6,
        rho: float = 0.95,
        *,
        eps: float | None = None,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        self.weight_decay = _checks.weight_decay(weight_decay)
        self.epsilon = _checks.real("epsilon", _checks.alias("epsilon", epsilon, 1e-6, "eps", eps))
        self.rho = _checks.decay("rho", rho)
        tx = _inject(
            _adadelta, sch, rho=self.rho, epsilon=self.epsilon, weight_decay=self.weight_decay
        )
        super().__init__(tx, train_vars, lr=sch, name=name)


class RMSProp(Optimizer):
    """RMSProp, `optax.rmsprop`: `c <- rho * c + (1 - rho) * g**2;
    p <- p - lr * g / sqrt(c + epsilon)`.

    **Arguments:**

    - `lr`: the learning rate: a number, Variable, `Scheduler` or optax schedule.
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `weight_decay`: BrainPy's decay, `p <- (1 - weight_decay) * p - ...`.
    - `epsilon` (or `eps`): added inside the square root.
    - `rho` (or optax's `decay`): the decay of the squared-gradient average.
    - `initial_scale`, `centered`, `momentum`, `nesterov`: optax's options (not in
      BrainPy): the initial average; divide by the variance; momentum on the result.
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.RMSProp(lr=1e-3, train_vars=net.train_vars(), rho=0.9)
    ```
    """

    weight_decay: float | None = eqx.field(static=True)
    epsilon: float = eqx.field(static=True)
    rho: float = eqx.field(static=True)
    initial_scale: float = eqx.field(static=True)
    centered: bool = eqx.field(static=True)
    momentum: float | None = eqx.field(static=True)
    nesterov: bool = eqx.field(static=True)
    _repr_fields = ("epsilon", "rho", "weight_decay", "centered", "momentum")

    def __init__(
        self,
        lr: Any = 1e-3,
        train_vars: TrainVars = None,
        weight_decay: float | None = None,
        epsilon: float = 1e-6,
        rho: float = 0.9,
        *,
        eps: float | None = None,
        decay: float | None = None,
        initial_scale: float = 0.0,
        centered: bool = False,
        momentum: float | None = None,
        nesterov: bool = False,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        self.weight_decay = _checks.weight_decay(weight_decay)
        self.epsilon = _checks.real("epsilon", _checks.alias("epsilon", epsilon, 1e-6, "eps", eps))
        self.rho = _checks.decay("rho", _checks.alias("rho", rho, 0.9, "decay", decay))
        self.initial_scale = _checks.real("initial_scale", initial_scale)
        self.centered = bool(centered)
        self.momentum = None if momentum is None else _checks.decay("momentum", momentum)
        self.nesterov = bool(nesterov)
        tx = _inject(
            _rmsprop,
            sch,
            rho=self.rho,
            epsilon=self.epsilon,
            initial_scale=self.initial_scale,
            centered=self.centered,
            momentum=self.momentum,
            nesterov=self.nesterov,
            weight_decay=self.weight_decay,
        )
        super().__init__(tx, train_vars, lr=sch, name=name)


class Adam(Optimizer):
    """Adam, `optax.adam` (or `optax.amsgrad` with `amsgrad=True`).

    **Arguments:**

    - `lr`: the learning rate: a number, Variable, `Scheduler` or optax schedule.
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `beta1`, `beta2` (or optax's `b1`, `b2`): the decay rates of the first and second
      moment estimates, in `[0, 1)`.
    - `eps`: added to the denominator, `sqrt(v_hat) + eps` (optax's placement).
    - `weight_decay`: BrainPy's decay, `p <- (1 - weight_decay) * p - ...`.
    - `amsgrad`: divide by the running maximum of the second moment (`optax.amsgrad`).
    - `eps_root`, `nesterov`: optax's options (not in BrainPy).
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.Adam(lr=1e-3, train_vars=net.train_vars(), beta2=0.99)
    ```
    """

    beta1: float = eqx.field(static=True)
    beta2: float = eqx.field(static=True)
    eps: float = eqx.field(static=True)
    weight_decay: float | None = eqx.field(static=True)
    amsgrad: bool = eqx.field(static=True)
    eps_root: float = eqx.field(static=True)
    nesterov: bool = eqx.field(static=True)
    _repr_fields = ("beta1", "beta2", "eps", "weight_decay", "amsgrad")

    def __init__(
        self,
        lr: Any = 1e-3,
        train_vars: TrainVars = None,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float | None = None,
        amsgrad: bool = False,
        *,
        b1: float | None = None,
        b2: float | None = None,
        eps_root: float = 0.0,
        nesterov: bool = False,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        self.beta1 = _checks.decay("beta1", _checks.alias("beta1", beta1, 0.9, "b1", b1))
        self.beta2 = _checks.decay("beta2", _checks.alias("beta2", beta2, 0.999, "b2", b2))
        self.eps = _checks.real("eps", eps)
        self.weight_decay = _checks.weight_decay(weight_decay)
        self.amsgrad, self.nesterov = _no_amsgrad_nesterov(amsgrad, nesterov)
        self.eps_root = _checks.real("eps_root", eps_root)
        tx = _inject(
            _adam,
            sch,
            b1=self.beta1,
            b2=self.beta2,
            eps=self.eps,
            eps_root=self.eps_root,
            amsgrad=self.amsgrad,
            nesterov=self.nesterov,
            weight_decay=self.weight_decay,
        )
        super().__init__(tx, train_vars, lr=sch, name=name)


def _no_amsgrad_nesterov(amsgrad: Any, nesterov: Any) -> tuple[bool, bool]:
    if amsgrad and nesterov:
        raise ValueError(
            "amsgrad=True and nesterov=True cannot be combined: optax has AMSGrad and "
            "NAdam, not both at once. Choose one."
        )
    return bool(amsgrad), bool(nesterov)


class AdamW(Optimizer):
    """Adam with decoupled weight decay, `optax.adamw`:
    `p <- p - lr * (m_hat / (sqrt(v_hat) + eps) + weight_decay * p)`.

    **Arguments:**

    - `lr`: the learning rate: a number, Variable, `Scheduler` or optax schedule.
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `beta1`, `beta2` (or `b1`, `b2`), `eps`: as for `Adam`.
    - `weight_decay`: the decay rate, `>= 0`, multiplied by the learning rate.
    - `amsgrad`: use AMSGrad's running maximum of the second moment.
    - `eps_root`, `nesterov`: optax's options.
    - `mask`: which parameters decay: a list of bools (one per train var, in
      registration order), or optax's mask function of the parameters (a dict keyed
      like `train_vars`).
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.AdamW(lr=1e-3, train_vars=net.train_vars(), weight_decay=1e-2)
    ```
    """

    beta1: float = eqx.field(static=True)
    beta2: float = eqx.field(static=True)
    eps: float = eqx.field(static=True)
    weight_decay: float = eqx.field(static=True)
    amsgrad: bool = eqx.field(static=True)
    eps_root: float = eqx.field(static=True)
    nesterov: bool = eqx.field(static=True)
    mask: Any = eqx.field(static=True)
    _repr_fields = ("beta1", "beta2", "weight_decay", "eps", "amsgrad")

    def __init__(
        self,
        lr: Any = 1e-3,
        train_vars: TrainVars = None,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        b1: float | None = None,
        b2: float | None = None,
        eps_root: float = 0.0,
        mask: Any = None,
        nesterov: bool = False,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        self.beta1 = _checks.decay("beta1", _checks.alias("beta1", beta1, 0.9, "b1", b1))
        self.beta2 = _checks.decay("beta2", _checks.alias("beta2", beta2, 0.999, "b2", b2))
        self.eps = _checks.real("eps", eps)
        self.weight_decay = _checks.real("weight_decay", weight_decay)
        self.amsgrad, self.nesterov = _no_amsgrad_nesterov(amsgrad, nesterov)
        self.eps_root = _checks.real("eps_root", eps_root)
        self.mask = tuple(mask) if isinstance(mask, list) else mask
        tx = _inject(
            _adamw,
            sch,
            b1=self.beta1,
            b2=self.beta2,
            eps=self.eps,
            eps_root=self.eps_root,
            amsgrad=self.amsgrad,
            nesterov=self.nesterov,
            weight_decay=self.weight_decay,
            mask=self.mask,
        )
        super().__init__(tx, train_vars, lr=sch, name=name)


class LARS(Optimizer):
    """Layer-wise adaptive rate scaling, `optax.lars`.

    Each Variable's step is scaled by the trust ratio `tc * norm(p) / (norm(u) + eps)`
    with `u = g + weight_decay * p` (1 when a norm is 0), then momentum is applied:
    `m <- momentum * m - lr * ratio * u; p <- p + m`.

    **Arguments:**

    - `lr`: the learning rate: a number, Variable, `Scheduler` or optax schedule.
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `momentum`: the decay of the momentum, in `[0, 1)`.
    - `weight_decay`: the decay added to the gradient, `>= 0`.
    - `tc` (or optax's `trust_coefficient`): the trust coefficient.
    - `eps`: added to the norm in the trust ratio.
    - `nesterov`: Nesterov momentum (optax's option).
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.LARS(lr=0.1, train_vars=net.train_vars())
    ```
    """

    momentum: float = eqx.field(static=True)
    weight_decay: float = eqx.field(static=True)
    tc: float = eqx.field(static=True)
    eps: float = eqx.field(static=True)
    nesterov: bool = eqx.field(static=True)
    _repr_fields = ("momentum", "weight_decay", "tc", "eps")

    def __init__(
        self,
        lr: Any,
        train_vars: TrainVars = None,
        momentum: float = 0.9,
        weight_decay: float = 1e-4,
        tc: float = 1e-3,
        eps: float = 1e-5,
        *,
        trust_coefficient: float | None = None,
        nesterov: bool = False,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        self.momentum = _checks.decay("momentum", momentum)
        self.weight_decay = _checks.real("weight_decay", weight_decay)
        self.tc = _checks.real(
            "tc", _checks.alias("tc", tc, 1e-3, "trust_coefficient", trust_coefficient)
        )
        self.eps = _checks.real("eps", eps)
        self.nesterov = bool(nesterov)
        tx = _inject(
            _lars,
            sch,
            weight_decay=self.weight_decay,
            tc=self.tc,
            eps=self.eps,
            momentum=self.momentum,
            nesterov=self.nesterov,
        )
        super().__init__(tx, train_vars, lr=sch, name=name)


class Adan(Optimizer):
    """Adan, the adaptive Nesterov momentum algorithm, `optax.adan`.

    `betas` are BrainPy's (the paper's): each moving average is
    `x <- (1 - beta) * x + beta * new`, i.e. optax's `b = 1 - beta`. With
    `no_prox=False` (BrainPy's default) the weight decay is the paper's proximal step
    `p <- (p - lr * u) / (1 + weight_decay * lr)`, which is optax's decoupled decay at
    the learning rate `lr / (1 + weight_decay * lr)`; with `no_prox=True` it is optax's
    `p <- p - lr * (u + weight_decay * p)`.

    **Arguments:**

    - `lr`: the learning rate: a number, Variable, `Scheduler` or optax schedule.
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `betas`: three rates in `[0, 1)`, for the gradient, gradient-difference and
      squared-term averages.
    - `eps`: added to the denominator.
    - `weight_decay`: the decay rate, `>= 0`.
    - `no_prox`: decoupled decay instead of the proximal step.
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.Adan(lr=1e-3, train_vars=net.train_vars())
    ```
    """

    betas: tuple[float, float, float] = eqx.field(static=True)
    eps: float = eqx.field(static=True)
    weight_decay: float = eqx.field(static=True)
    no_prox: bool = eqx.field(static=True)
    _repr_fields = ("betas", "weight_decay", "no_prox", "eps")

    def __init__(
        self,
        lr: Any = 1e-3,
        train_vars: TrainVars = None,
        betas: tuple[float, float, float] = (0.02, 0.08, 0.01),
        eps: float = 1e-8,
        weight_decay: float = 0.02,
        no_prox: bool = False,
        *,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        if isinstance(betas, str) or not hasattr(betas, "__len__") or len(betas) != 3:
            raise ValueError(
                f"betas must be three rates (gradient, gradient difference, squared "
                f"term), e.g. (0.02, 0.08, 0.01); got {betas!r}."
            )
        b = tuple(_checks.decay(f"betas[{i}]", x) for i, x in enumerate(betas))
        self.betas = (b[0], b[1], b[2])
        self.eps = _checks.real("eps", eps)
        self.weight_decay = _checks.real("weight_decay", weight_decay)
        self.no_prox = bool(no_prox)
        tx = _inject(
            _adan,
            sch,
            betas=self.betas,
            eps=self.eps,
            weight_decay=self.weight_decay,
            no_prox=self.no_prox,
        )
        super().__init__(tx, train_vars, lr=sch, name=name)


class SM3(Optimizer):
    """SM3, memory-efficient Adagrad (`optax.scale_by_sm3`): one accumulator per axis
    of each Variable instead of one per entry.

    **Arguments:**

    - `lr`: the learning rate: a number, Variable, `Scheduler` or optax schedule.
    - `train_vars`: the Variables to train, e.g. `model.train_vars()`.
    - `beta`: `0` (BrainPy's default) accumulates squared gradients as Adagrad; in
      `(0, 1)` it is the decay of an exponential average instead.
    - `momentum`: the decay of an average of the scaled updates, in `[0, 1)`.
    - `eps`: added inside the square root.
    - `weight_decay`: BrainPy's decay, `p <- (1 - weight_decay) * p - ...`.
    - `name`: as for every `eqbrain.Module`.

    ```python
    opt = eqbrain.optim.SM3(lr=0.1, train_vars=net.train_vars())
    ```
    """

    beta: float = eqx.field(static=True)
    momentum: float = eqx.field(static=True)
    eps: float = eqx.field(static=True)
    weight_decay: float | None = eqx.field(static=True)
    _repr_fields = ("beta", "eps", "momentum", "weight_decay")

    def __init__(
        self,
        lr: Any,
        train_vars: TrainVars = None,
        beta: float = 0.0,
        momentum: float = 0.0,
        eps: float = 1e-30,
        weight_decay: float | None = None,
        *,
        name: str | None = None,
    ):
        sch = as_scheduler(lr)
        self.beta = _checks.decay("beta", beta)
        self.momentum = _checks.decay("momentum", momentum)
        self.eps = _checks.real("eps", eps)
        self.weight_decay = _checks.weight_decay(weight_decay)
        tx = _inject(
            _sm3,
            sch,
            beta=self.beta,
            momentum=self.momentum,
            eps=self.eps,
            weight_decay=self.weight_decay,
        )
        super().__init__(tx, train_vars, lr=sch, name=name)
