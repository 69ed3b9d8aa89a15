"""eqbrain.optim.Optimizer: equal to plain optax, in place eagerly and under eqbrain.jit,
checkpointed with its state, and all-or-nothing on bad gradients."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import cast

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import given, settings, strategies as st

import eqbrain
from eqbrain import optim

from .helpers import assert_unchanged, snapshot


class Net(eqbrain.Module):
    w: eqbrain.TrainVar
    b: eqbrain.TrainVar
    h: eqbrain.Variable  # state, not trained
    scale: eqbrain.Parameter  # a parameter, not trained

    def __init__(self, seed: int = 0, name=None):
        super().__init__(name=name)
        k1, k2 = jax.random.split(jax.random.PRNGKey(seed))
        self.w = eqbrain.TrainVar(jax.random.normal(k1, (3, 2)))
        self.b = eqbrain.TrainVar(jax.random.normal(k2, (2,)))
        self.h = eqbrain.Variable(jnp.zeros((4, 2)))
        self.scale = eqbrain.Parameter(jnp.asarray(2.0))

    def loss(self, x, y):
        self.h.value = jnp.tanh(x @ self.w.value + self.b.value)
        return jnp.mean((self.scale.value * self.h.value - y) ** 2)


X = jnp.linspace(-1.0, 1.0, 12).reshape(4, 3)
Y = jnp.asarray([[0.5, -0.5]] * 4)


def fake_grads(step: int, shapes) -> list[jax.Array]:
    """Deterministic gradients of every sign and size, one list per step."""
    key = jax.random.fold_in(jax.random.PRNGKey(42), step)
    keys = jax.random.split(key, len(shapes))
    return [jax.random.normal(k, s) for k, s in zip(keys, shapes)]


def params_of(net: Net) -> list[np.ndarray]:
    return [np.asarray(net.w.value), np.asarray(net.b.value)]


# The eqbrain optimizer and the plain optax transform it must equal, bit for bit.
CASES = {
    "sgd": (lambda tv: optim.SGD(0.1, train_vars=tv), optax.sgd(0.1)),
    "sgd_weight_decay": (
        lambda tv: optim.SGD(0.1, train_vars=tv, weight_decay=0.01),
        optax.chain(optax.sgd(0.1), optax.add_decayed_weights(-0.01)),
    ),
    "momentum": (
        lambda tv: optim.Momentum(0.05, train_vars=tv, momentum=0.8),
        optax.chain(optax.scale_by_learning_rate(0.05), optax.trace(0.8)),
    ),
    "nesterov": (
        lambda tv: optim.MomentumNesterov(0.05, train_vars=tv, momentum=0.8, weight_decay=0.1),
        optax.chain(
            optax.scale_by_learning_rate(0.05),
            optax.trace(0.8, nesterov=True),
            optax.add_decayed_weights(-0.1),
        ),
    ),
    "adagrad": (
        lambda tv: optim.Adagrad(0.1, train_vars=tv),
        optax.adagrad(0.1, initial_accumulator_value=0.0, eps=1e-6),
    ),
    "adadelta": (
        lambda tv: optim.Adadelta(train_vars=tv),
        optax.adadelta(1.0, rho=0.95, eps=1e-6),
    ),
    "adam": (
        lambda tv: optim.Adam(1e-2, train_vars=tv, b1=0.8, b2=0.99),
        optax.adam(1e-2, b1=0.8, b2=0.99),
    ),
    "amsgrad": (
        lambda tv: optim.Adam(1e-2, train_vars=tv, beta1=0.8, amsgrad=True),
        optax.amsgrad(1e-2, b1=0.8),
    ),
    "adamw": (
        lambda tv: optim.AdamW(1e-2, train_vars=tv, weight_decay=0.1),
        optax.adamw(1e-2, weight_decay=0.1),
    ),
    "rmsprop": (
        lambda tv: optim.RMSProp(1e-2, train_vars=tv, decay=0.8, centered=True),
        optax.rmsprop(1e-2, decay=0.8, eps=1e-6, centered=True),
    ),
    "lars": (
        lambda tv: optim.LARS(0.1, train_vars=tv),
        optax.lars(0.1, weight_decay=1e-4, trust_coefficient=1e-3, eps=1e-5),
    ),
    "adan_no_prox": (
        lambda tv: optim.Adan(1e-2, train_vars=tv, no_prox=True),
        optax.adan(1e-2, 0.98, 0.92, 0.99, eps=1e-8, eps_root=0.0, weight_decay=0.02),
    ),
    "sm3": (
        lambda tv: optim.SM3(0.1, train_vars=tv, momentum=0.5),
        optax.chain(optax.scale_by_sm3(0.5, 1.0, 1e-30), optax.scale_by_learning_rate(0.1)),
    ),
    "chain": (
        lambda tv: optim.Optimizer(
            optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-2)), train_vars=tv
        ),
        optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-2)),
    ),
}


def run_optax(tx, params: list[jax.Array], n_steps) -> list[jax.Array]:
    shapes = [p.shape for p in params]
    state = tx.init(params)
    for i in range(n_steps):
        updates, state = tx.update(fake_grads(i, shapes), state, params)
        params = cast(list[jax.Array], optax.apply_updates(params, updates))
    return params


@pytest.mark.parametrize("case", sorted(CASES))
def test_update_equals_plain_optax(case):
    make, tx = CASES[case]
    net = Net()
    w, b = net.w, net.b
    expected = run_optax(tx, [net.w.value, net.b.value], 5)
    opt = make(net.train_vars())
    for i in range(5):
        g = fake_grads(i, [net.w.shape, net.b.shape])
        opt.update(dict(zip(opt.vars_to_train, g)))
    assert net.w is w and net.b is b  # updated in place, never replaced
    for got, want in zip(params_of(net), expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    assert not np.array_equal(params_of(net)[0], np.asarray(Net().w.value))


def test_scheduled_update_equals_optax_with_the_same_schedule():
    net = Net()
    schedule = optax.exponential_decay(0.1, transition_steps=2, decay_rate=0.5, staircase=True)
    expected = run_optax(optax.adam(schedule), [net.w.value, net.b.value], 6)
    sch = optim.StepLR(0.1, step_size=2, gamma=0.5, by="call")
    opt = optim.Adam(lr=sch, train_vars=net.train_vars())
    for i in range(6):
        opt.update(dict(zip(opt.vars_to_train, fake_grads(i, [(3, 2), (2,)]))))
    for got, want in zip(params_of(net), expected):
        np.testing.assert_array_equal(got, want)
    assert opt.lr is not None and int(opt.lr.last_call.value) == 5  # from -1, per update
    assert int(opt.step.value) == 6


def test_jitted_update_equals_eager_and_compiles_once():
    eager_net, jit_net = Net(), Net()
    eager = optim.Adam(1e-2, train_vars=eager_net.train_vars())
    opt = optim.Adam(1e-2, train_vars=jit_net.train_vars())
    traces = []

    @eqbrain.jit
    def step(g0, g1):
        traces.append(1)
        opt.update(dict(zip(opt.vars_to_train, [g0, g1])))

    for i in range(4):
        g = fake_grads(i, [(3, 2), (2,)])
        eager.update(dict(zip(eager.vars_to_train, g)))
        step(*g)
    assert len(traces) == 1  # eqbrain.jit traces once, then never again
    for got, want in zip(params_of(jit_net), params_of(eager_net)):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)  # XLA may fuse ops
    np.testing.assert_array_equal(opt.state["count"].value, 4)
    assert opt.state["count"].dtype == jnp.int32


def test_training_step_with_grad_inside_jit():
    net = Net()
    opt = optim.Adam(lr=optim.ExponentialDecayLR(0.2, 50, 0.5), train_vars=net.train_vars())
    grad = eqbrain.grad(net.loss, grad_vars=net.train_vars(), return_value=True)

    @eqbrain.jit
    def train(x, y):
        grads, loss = grad(x, y)
        opt.update(grads)
        return loss

    losses = [float(train(X, Y)) for _ in range(30)]
    assert losses[-1] < 0.5 * losses[0]
    assert opt.lr is not None and int(opt.lr.last_call.value) == 29
    assert len(train._cache) == 1
    assert net.h.value.shape == (4, 2)  # the forward pass's state write came back too


def test_value_and_grad_and_plain_variables():
    """BrainPy trains any Variable given in train_vars, not only TrainVars."""
    net = Net()
    opt = optim.SGD(0.1, train_vars={"w": net.w, "b": net.b, "h": net.h, "s": net.scale})
    vg = eqbrain.value_and_grad(net.loss, grad_vars={"w": net.w, "b": net.b, "s": net.scale})
    loss0, grads = vg(X, Y)
    scale = float(net.scale.value)
    opt.update({**grads, "h": jnp.zeros((4, 2))})
    assert float(net.loss(X, Y)) < float(loss0)
    assert float(net.scale.value) != scale  # a Parameter, trained because it was given
    assert list(opt.vars_to_train) == ["w", "b", "h", "s"]


def test_state_lives_in_the_optimizers_own_variables():
    eqbrain.clear_name_cache()
    net = Net()
    opt = optim.Adam(1e-3, train_vars=net.train_vars())
    assert isinstance(opt, eqbrain.Module)
    rel = opt.vars(method="relative")
    assert list(rel) == [
        "state-count",
        "state-hyperparams.learning_rate",
        "state-inner_state.0.count",
        "state-inner_state.0.mu.Net0.b",
        "state-inner_state.0.mu.Net0.w",
        "state-inner_state.0.nu.Net0.b",
        "state-inner_state.0.nu.Net0.w",
        "lr.lr",
        "lr.last_epoch",
        "lr.last_call",
    ]
    # The trained Variables belong to the model, not to the optimizer's state.
    assert not {id(v) for v in rel.values()} & {id(net.w), id(net.b)}
    for key in ("state-count", "state-inner_state.0.count", "lr.last_epoch", "lr.last_call"):
        assert rel[key].dtype == jnp.int32 and rel[key].shape == ()
    assert rel["state-inner_state.0.mu.Net0.w"].shape == (3, 2)
    assert set(opt.state_dict()) == {"Adam0", "Constant0"}
    assert list(opt.vars_to_train) == ["Net0.w", "Net0.b"]
    assert opt.step is rel["state-count"]
    assert jax.tree_util.tree_structure(opt.opt_state) == opt._train.state_def


def test_state_dict_round_trip_restores_training_exactly():
    net = Net()
    opt = optim.RMSProp(1e-2, train_vars=net.train_vars(), momentum=0.9)
    for i in range(2):
        opt.update(dict(zip(opt.vars_to_train, fake_grads(i, [(3, 2), (2,)]))))
    saved_net, saved_opt = net.state_dict(), opt.state_dict()
    for i in range(2, 5):
        opt.update(dict(zip(opt.vars_to_train, fake_grads(i, [(3, 2), (2,)]))))
    first = params_of(net)
    net.load_state_dict(saved_net)
    opt.load_state_dict(saved_opt)
    for i in range(2, 5):
        opt.update(dict(zip(opt.vars_to_train, fake_grads(i, [(3, 2), (2,)]))))
    for a, b in zip(params_of(net), first):
        np.testing.assert_array_equal(a, b)


class Trainer(eqbrain.Module):
    """A model and its optimizer in one checkpoint file."""

    net: Net
    opt: optim.Optimizer


MAKERS = {
    "adam_steplr": lambda tv: optim.Adam(optim.StepLR(0.05, step_size=2, gamma=0.5), tv),
    "adamw": lambda tv: optim.AdamW(1e-2, tv, weight_decay=0.05),
    "momentum_cosine": lambda tv: optim.Momentum(optim.CosineAnnealingLR(0.1, T_max=5), tv),
    "rmsprop": lambda tv: optim.RMSProp(1e-2, tv, centered=True, momentum=0.5),
}


@settings(max_examples=6, deadline=None)
@given(
    n=st.integers(0, 3),
    m=st.integers(1, 2),
    kind=st.sampled_from(sorted(MAKERS)),
    seed=st.integers(0, 2**16),
)
def test_checkpoint_resumes_training_exactly(n, m, kind, seed):
    """Train n steps, save model+optimizer, train m more; a fresh model and optimizer
    loaded from the file and trained m steps end with the same Variables, bit for bit."""

    def train(trainer: Trainer, steps: range) -> None:
        tv = trainer.net.train_vars(method="relative")
        grad = eqbrain.grad(trainer.net.loss, grad_vars=tv)
        for i in steps:
            x = X + 0.1 * jax.random.normal(jax.random.PRNGKey(seed + i), X.shape)
            trainer.opt.update(grad(x, Y))

    def fresh() -> Trainer:
        # Relative keys (`w`, `b`): the slots of the fresh instance have the same names.
        net = Net(seed=seed)
        return Trainer(net=net, opt=MAKERS[kind](net.train_vars(method="relative")))

    a = fresh()
    train(a, range(n))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trainer.safetensors"
        eqbrain.save(path, a, fsync=False)
        train(a, range(n, n + m))
        b = fresh()
        result = eqbrain.load(path, b, strict=True)
    assert result.missing_keys == [] and result.unexpected_keys == []
    train(b, range(n, n + m))
    va, vb = a.vars(method="relative"), b.vars(method="relative")
    assert list(va) == list(vb)
    for key in va:
        assert va[key].dtype == vb[key].dtype, key
        np.testing.assert_array_equal(va[key].value, vb[key].value, err_msg=key)
    assert int(b.opt.state["count"].value) == n + m


def test_optimizer_checkpoint_file_alone():
    net = Net()
    opt = optim.Adam(1e-2, net.train_vars(method="relative"))
    opt.update(dict(zip(opt.vars_to_train, fake_grads(0, [(3, 2), (2,)]))))
    with tempfile.TemporaryDirectory() as tmp:
        eqbrain.save(Path(tmp) / "opt.safetensors", opt, fsync=False)
        other = optim.Adam(1e-2, Net().train_vars(method="relative"))
        eqbrain.load(Path(tmp) / "opt.safetensors", other, strict=True)
    for key, var in opt.vars(method="relative").items():
        np.testing.assert_array_equal(other.vars(method="relative")[key].value, var.value)


class Pair(eqbrain.Module):
    """Two trained Variables of one shape: swapped moments would load without a word."""

    x: eqbrain.TrainVar
    y: eqbrain.TrainVar

    def __init__(self):
        super().__init__()
        self.x = eqbrain.TrainVar(jnp.linspace(-1.0, 1.0, 4))
        self.y = eqbrain.TrainVar(jnp.linspace(2.0, 0.0, 4))


def test_checkpoint_slots_follow_keys_not_registration_order():
    """Adam saved after some steps loads into an Adam whose train_vars were registered
    in another order, and training goes on exactly as the uninterrupted run: each
    moment is found by its Variable's key, not its position."""

    def grads(i):
        g = fake_grads(i, [(4,), (4,)])
        return {"x": g[0], "y": 10.0 * g[1]}

    pair = Pair()
    opt = optim.Adam(1e-1, {"x": pair.x, "y": pair.y})
    for i in range(3):
        opt.update(grads(i))
    with tempfile.TemporaryDirectory() as tmp:
        eqbrain.save(Path(tmp) / "pair.safetensors", pair, fsync=False)
        eqbrain.save(Path(tmp) / "opt.safetensors", opt, fsync=False)
        twin = Pair()
        reordered = optim.Adam(1e-1, {"y": twin.y, "x": twin.x})
        eqbrain.load(Path(tmp) / "pair.safetensors", twin, strict=True)
        eqbrain.load(Path(tmp) / "opt.safetensors", reordered, strict=True)
    for i in range(3, 6):
        opt.update(grads(i))
        reordered.update(grads(i))
    np.testing.assert_array_equal(twin.x.value, pair.x.value)
    np.testing.assert_array_equal(twin.y.value, pair.y.value)


def test_checkpoint_for_other_keys_fails_naming_them():
    net = Net()
    opt = optim.Adam(1e-2, {"w": net.w, "b": net.b})
    opt.update({"w": jnp.ones((3, 2)), "b": jnp.ones(2)})
    other_net = Net()
    other = optim.Adam(1e-2, {"w": other_net.w, "bias": other_net.b})
    before = snapshot(other)
    with tempfile.TemporaryDirectory() as tmp:
        eqbrain.save(Path(tmp) / "opt.safetensors", opt, fsync=False)
        with pytest.raises(Exception, match=r"mu\.b") as info:
            eqbrain.load(Path(tmp) / "opt.safetensors", other, strict=True)
    assert "mu.bias" in str(info.value)
    assert_unchanged(other, before)


# -- registering train_vars ---------------------------------------------------------------


def test_built_without_train_vars_then_registered():
    """BrainPy's trainers build the optimizer first and register the model's vars later."""
    net = Net()
    late = optim.Adam(1e-2)
    assert list(late.vars_to_train) == [] and int(late.step.value) == 0
    late.update({})  # nothing to train yet: only the count moves
    late.register_train_vars(net.train_vars())
    early_net = Net()
    early = optim.Adam(1e-2, train_vars=early_net.train_vars())
    for i in range(3):
        g = fake_grads(i, [(3, 2), (2,)])
        late.update(dict(zip(late.vars_to_train, g)))
        early.update(dict(zip(early.vars_to_train, g)))
    for a, b in zip(params_of(net), params_of(early_net)):
        # late's count started one update earlier: its bias correction is a step ahead
        assert not np.array_equal(a, b)
        np.testing.assert_allclose(a, b, rtol=0.05)
    assert int(late.step.value) == 4 and int(early.step.value) == 3


def test_register_more_keeps_the_moments_of_those_registered():
    net = Net()
    opt = optim.Adam(1e-2, train_vars={"w": net.w})
    opt.update({"w": jnp.ones((3, 2))})
    mu_w = opt.state["inner_state.0.mu.w"]
    before = np.asarray(mu_w.value)
    opt.register_train_vars({"w": net.w, "b": net.b})  # w again: skipped
    assert list(opt.vars_to_train) == ["w", "b"]
    assert opt.state["inner_state.0.mu.w"] is mu_w  # the same cell, value kept
    np.testing.assert_array_equal(mu_w.value, before)
    np.testing.assert_array_equal(opt.state["inner_state.0.mu.b"].value, np.zeros(2))
    assert int(opt.step.value) == 1
    assert opt.state["inner_state.0.mu.b"].label.endswith(".state-inner_state.0.mu.b")
    opt.update({"w": jnp.ones((3, 2)), "b": jnp.ones(2)})
    assert int(opt.step.value) == 2


REGISTER_MAKERS = {
    "adam": lambda: optim.Adam(1e-2),
    "sgd_wd": lambda: optim.SGD(0.1, weight_decay=0.01),
    "momentum": lambda: optim.Momentum(0.05),
    "adan": lambda: optim.Adan(1e-2),
    "sm3": lambda: optim.SM3(0.1, momentum=0.5),
    "lars": lambda: optim.LARS(0.1),
}


@settings(max_examples=8, deadline=None)
@given(
    cut=st.integers(0, 3),
    kind=st.sampled_from(sorted(REGISTER_MAKERS)),
    steps=st.integers(1, 2),
)
def test_registering_in_parts_equals_registering_at_once(cut, kind, steps):
    """Before any update, registering train_vars in two parts builds the same optimizer
    (state keys, values, dtypes) as registering them at once; training then agrees."""
    shapes = [(3, 2), (2,), ()]
    a = [eqbrain.Variable(jnp.full(s, 0.5 + i)) for i, s in enumerate(shapes)]
    b = [eqbrain.Variable(jnp.full(s, 0.5 + i)) for i, s in enumerate(shapes)]
    whole, parts = REGISTER_MAKERS[kind](), REGISTER_MAKERS[kind]()
    whole.register_train_vars(dict(zip("xyz", a)))
    parts.register_train_vars(dict(zip("xyz"[:cut], b[:cut])))
    parts.register_train_vars(dict(zip("xyz", b)))
    for i in range(steps):
        g = dict(zip("xyz", fake_grads(i, shapes)))
        whole.update(g)
        parts.update(g)
    sw, sp = whole.vars(method="relative"), parts.vars(method="relative")
    assert list(sw) == list(sp)
    for key in sw:
        assert sw[key].dtype == sp[key].dtype, key
        np.testing.assert_array_equal(sw[key].value, sp[key].value, err_msg=key)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.value, y.value)


def test_register_vars_is_deprecated():
    net = Net()
    opt = optim.SGD(0.1)
    with pytest.warns(UserWarning, match="register_train_vars"):
        opt.register_vars({"w": net.w})
    assert list(opt.vars_to_train) == ["w"]


def test_register_conflicts_change_nothing():
    net = Net()
    opt = optim.Adam(1e-2, train_vars={"w": net.w})
    before = list(opt.state.items())
    with pytest.raises(ValueError, match="already registered with another Variable"):
        opt.register_train_vars({"b": net.b, "w": net.b})
    with pytest.raises(ValueError, match=r"same Variable.*\.unique\(\)"):
        opt.register_train_vars({"w2": net.w})
    assert list(opt.vars_to_train) == ["w"] and list(opt.state.items()) == before


# -- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda n: {"w": n.w, "x": jnp.ones(2)}, TypeError, "train_vars['x'] is a ArrayImpl"),
        (
            lambda n: {"i": eqbrain.TrainVar(jnp.ones(2, jnp.int32))},
            TypeError,
            "train_vars['i'] holds int32 values",
        ),
        (lambda n: [n.w, n.b], eqbrain.MathError, "got a list (give each Variable a key"),
        (lambda n: (n.w,), eqbrain.MathError, "got a tuple"),
        (lambda n: n, eqbrain.MathError, "got a Net (pass its `.train_vars()`)"),
        (lambda n: 3, eqbrain.MathError, "must be a dict of Variables"),
    ],
)
def test_train_vars_of_the_wrong_kind(make, error, words):
    net = Net()
    with pytest.raises(error) as e:
        optim.Adam(1e-3, train_vars=make(net))
    assert words in str(e.value)


def test_train_vars_empty_or_shared():
    net = Net()
    assert list(optim.Adam(1e-3, train_vars={}).vars_to_train) == []
    with pytest.raises(ValueError, match=r"same Variable.*\.unique\(\)"):
        optim.Adam(1e-3, train_vars={"a": net.w, "b": net.b, "tied": net.w})


@pytest.mark.parametrize("lr", [-0.1, float("nan"), float("inf")])
def test_bad_learning_rate(lr):
    net = Net()
    with pytest.raises(ValueError, match=r"lr must be a finite number >= 0"):
        optim.Adam(lr, train_vars=net.train_vars())


def test_bad_lr_type_and_tx():
    net = Net()
    with pytest.raises(TypeError, match="lr must be a number, a scalar float Variable, an eq"):
        optim.SGD("fast", train_vars=net.train_vars())
    with pytest.raises(TypeError, match="first argument of Optimizer is an optax.Gradient"):
        optim.Optimizer(optax.adam, train_vars=net.train_vars())
    with pytest.raises(NotImplementedError, match=r"Optimizer\(lr\) is abstract"):
        optim.Optimizer(0.1, train_vars=net.train_vars())
    with pytest.raises(ValueError, match="no injectable `learning_rate`.*inject_hyperparams"):
        optim.Optimizer(optax.adam(1e-3), net.train_vars(), lr=optim.StepLR(0.1, 10))


def test_generic_optimizer_with_injected_lr_follows_scheduler():
    net = Net()
    sch = optim.MultiStepLR(0.1, milestones=[1, 3], gamma=0.1, by="call")
    tx = optax.inject_hyperparams(optax.sgd)(learning_rate=0.5)
    opt = optim.Optimizer(tx, net.train_vars(), lr=sch)
    for i in range(5):
        opt.update(dict(zip(opt.vars_to_train, fake_grads(i, [(3, 2), (2,)]))))
        seen = optax.tree_utils.tree_get(opt.opt_state, "learning_rate")
        # BrainPy's milestones: the rate drops once the count is past a milestone
        np.testing.assert_array_equal(
            seen, optax.piecewise_constant_schedule(0.1, {2: 0.1, 4: 0.1})(i)
        )


def good_grads(net):
    return {"Net0.w": jnp.ones((3, 2)), "Net0.b": jnp.ones(2)}


@pytest.mark.parametrize(
    "edit, error, words",
    [
        (lambda g: {"Net0.w": g["Net0.w"]}, eqbrain.MathError, "missing keys ['Net0.b']"),
        (
            lambda g: {**g, "Net0.h": jnp.ones(2)},
            eqbrain.MathError,
            "3 gradients for 2 train_vars: unexpected keys ['Net0.h']",
        ),
        (
            lambda g: {**g, "Net0.w": jnp.ones((2, 3))},
            eqbrain.MathError,
            "has shape (2, 3), its Variable (3, 2)",
        ),
        (lambda g: {**g, "Net0.b": jnp.ones(2, jnp.float16)}, TypeError, "has dtype float16"),
        (lambda g: {**g, "Net0.b": None}, TypeError, "is a NoneType, not an array"),
        (lambda g: list(g.values()), TypeError, "grads must be a dict, not list"),
    ],
)
def test_bad_grads_change_nothing(edit, error, words):
    eqbrain.clear_name_cache()
    net = Net()
    opt = optim.Adam(optim.StepLR(0.1, 2), train_vars=net.train_vars())
    opt.update(good_grads(net))  # some state to lose
    before_net, before_opt = snapshot(net), snapshot(opt)
    with pytest.raises(error) as e:
        opt.update(edit(good_grads(net)))
    msg = str(e.value)
    assert words in msg and "keyed like its train_vars" in msg and "Nothing was updated" in msg
    assert_unchanged(net, before_net)
    assert_unchanged(opt, before_opt)


def test_bad_grads_inside_jit_change_nothing():
    net = Net()
    opt = optim.Adam(1e-2, train_vars=net.train_vars())
    before_net, before_opt = snapshot(net), snapshot(opt)

    w_key, b_key = opt.vars_to_train

    @eqbrain.jit
    def step(g):
        opt.update({w_key: g})

    with pytest.raises(ValueError, match=rf"missing keys \['{b_key}'\]"):
        step(jnp.ones((3, 2)))
    assert_unchanged(net, before_net)
    assert_unchanged(opt, before_opt)


def test_subclass_with_its_own_update_rule():
    """BrainPy's `CustomizeOp`: subclass Optimizer, pass (lr, train_vars) up, write update."""

    class SignSGD(optim.Optimizer):
        def __init__(self, lr, train_vars=None):
            super().__init__(lr, train_vars)

        def update(self, grads):
            grads = self.check_grads(grads)
            assert self.lr is not None  # given to __init__
            for var, g in zip(self.vars_to_train.values(), grads):
                var.value = var.value - self.lr() * jnp.sign(g)
            self.lr.step_call()

    net = Net()
    opt = SignSGD(0.5, net.train_vars())
    w0 = np.asarray(net.w.value)
    grads = dict(zip(opt.vars_to_train, [-jnp.ones((3, 2)), jnp.zeros(2)]))
    opt.update(grads)
    np.testing.assert_allclose(net.w.value, w0 + 0.5)
    assert opt.state == {} and opt.tx is None
    assert opt.lr is not None and int(opt.lr.last_call.value) == 0
    with pytest.raises(NotImplementedError, match="overrides `update\\(grads\\)`"):
        optim.Optimizer.update(opt, grads)


def test_adamw_list_mask_means_registration_order():
    x, y = eqbrain.Variable(jnp.ones(2)), eqbrain.Variable(jnp.ones(2))
    # Registered y first: the mask's first entry is y's, whatever the keys' order.
    opt = optim.AdamW(0.1, {"y": y, "x": x}, weight_decay=0.5, mask=[False, True])
    opt.update({"x": jnp.zeros(2), "y": jnp.zeros(2)})
    np.testing.assert_allclose(x.value, 1.0 - 0.1 * 0.5)  # decayed
    np.testing.assert_array_equal(y.value, 1.0)  # masked out
    with pytest.raises(ValueError, match="mask has 2 entries for 3 train_vars"):
        opt.register_train_vars({"z": eqbrain.Variable(jnp.ones(2))})
