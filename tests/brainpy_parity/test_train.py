"""BrainPy 2.8.2 parity for the trainers (`bp.BPTT`, `bp.BPFF`, `bp.OnlineTrainer`,
`bp.ForceTrainer`).

Checks the behaviour that BrainPy's `brainpy/train/back_propagation_test.py` (27 cases)
and `brainpy/train/online_test.py` (18 cases) test, written anew for eqbrain; the
trainers are compiled once per configuration and shared between cases (module
fixtures). In scope: 44 of 45 (`test_is_brainpy_array_helper` checks BrainPy's array
type, which eqbrain does not have); 43 pass and one differs:
`test_indexed_monitor_in_online_fit_is_broken_defect` pins a BrainPy defect (an indexed
monitor raises in `OnlineTrainer.fit`), and eqbrain records indexed monitors (checked
here).
Where BrainPy raises `UnsupportedError`, `NoLongerSupportError` or `AssertionError`,
eqbrain raises `TypeError` or `ValueError` with a message saying what to pass.
`tests/test_trainers.py` checks the numbers against BrainPy's.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import algorithms, dnn, losses, optim
from eqbrain.train import BPTrainer

rng = np.random.default_rng(0)


def rand(*shape):
    return jnp.asarray(rng.random(shape), jnp.float32)


class TinyRNN(eqbrain.DynamicalSystem):
    wi: eqbrain.TrainVar
    wh: eqbrain.TrainVar
    wo: eqbrain.TrainVar
    h: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.wi, self.wh, self.wo = (
            eqbrain.TrainVar(rand(*s) * 0.1) for s in ((2, 4), (4, 4), (4, 1))
        )
        self.h = eqbrain.Variable(jnp.zeros((1, 4)), batch_axis=0)

    def update(self, x):
        self.h.value = jnp.tanh(x @ self.wi.value + self.h.value @ self.wh.value)
        return self.h.value @ self.wo.value


class TinyFF(eqbrain.DynamicalSystem):
    w: eqbrain.TrainVar
    b: eqbrain.TrainVar

    def __init__(self):
        super().__init__()
        self.w, self.b = eqbrain.TrainVar(rand(3, 2) * 0.1), eqbrain.TrainVar(jnp.zeros(2))

    def update(self, x):
        return x @ self.w.value + self.b.value


def mse(p, t):
    return losses.mean_squared_error(p, t)


X, Y = rand(3, 5, 2), rand(3, 5, 1)


@pytest.fixture(scope="module")
def rnn():
    model = TinyRNN()
    return model, eqbrain.BPTT(model, loss_fun=mse, optimizer=optim.Adam(lr=0.02))


# -- back_propagation_test.py ---------------------------------------------------------------


def test_default_optimizer_repr_string_loss_bad_loss_old_options_and_jit_phases():
    trainer = eqbrain.BPTT(TinyRNN(), loss_fun="mean_squared_error")
    assert isinstance(trainer.optimizer, optim.Adam) and len(trainer.optimizer.vars_to_train) == 3
    assert "BPTT" in repr(trainer) and "optimizer" in repr(trainer)
    assert trainer._loss_func is losses.mean_squared_error
    with pytest.raises(TypeError, match="loss_fun"):
        eqbrain.BPTT(TinyRNN(), loss_fun=123)  # pyright: ignore[reportArgumentType]
    for old in ({"shuffle_data": True}, {"seed": 1}):
        with pytest.raises(TypeError, match="shuffle your dataset"):
            eqbrain.BPTT(TinyRNN(), loss_fun=mse, **old)
    trainer = eqbrain.BPTT(
        TinyRNN(), loss_fun=mse, jit={"predict": True, "fit": False, "loss": True}
    )
    assert trainer.jit == {"predict": True, "loss": True, "fit": False}


def test_history_is_none_until_recorded():
    trainer = eqbrain.BPTT(TinyRNN(), loss_fun=mse)
    for phase, which in (
        ("train", "report"),
        ("predict", "report"),
        ("fit", "detailed"),
        ("test", "detailed"),
    ):
        assert trainer.get_hist_metric(phase=phase, which=which) is None
    assert trainer.train_losses is None and trainer.test_losses is None


def test_fit_on_callables_iterables_generators_and_lists_with_reports(rnn, capsys):
    model, trainer = rnn

    def data():
        yield X, Y

    trainer.fit(data, num_epoch=2)  # a function returning the epoch's batches
    assert len(trainer.train_losses) == 2
    assert len(trainer.get_hist_metric("fit", which="detailed")) == 2
    trainer.progress_bar = True
    try:
        reports = []
        after = lambda i, metrics, phase: reports.append((phase, sorted(metrics)))  # noqa: E731
        trainer.fit([(X, Y)], test_data=[(X, Y)], num_epoch=1, fun_after_report=after)
        assert [p for p, _ in reports] == ["fit", "test"]  # per epoch, on the bar
        reports.clear()

        def two():
            yield X, Y
            yield X, Y

        trainer.fit(two, test_data=two, num_epoch=1, num_report=1, fun_after_report=after)
        assert {p for p, _ in reports} == {"fit", "test"} and len(reports) == 4
        trainer.fit([(X, Y)] * 3, test_data=[(X, Y)] * 3, num_epoch=1, num_report=1)
        trainer.fit([(X, Y), (X, Y)], num_epoch=1)  # two batches, not one (X, Y) pair
        trainer.fit(two, test_data=two, num_epoch=1)  # unsized: the report is printed
        assert "Train 0 epoch" in capsys.readouterr().out
    finally:
        trainer.progress_bar = False
    assert trainer.test_losses is not None


def test_fit_with_monitors_and_aux_metrics_reports_them_for_both_phases():
    model = TinyRNN()

    def loss_aux(predicts, targets):
        outs, mons = predicts  # with monitors: (outputs, monitors)
        assert mons["h"].shape == (3, 5, 4)
        value = losses.mean_squared_error(outs, targets)
        return value, {"mse": value}

    trainer = eqbrain.BPTT(
        model,
        loss_fun=loss_aux,
        optimizer=optim.Adam(lr=0.02),
        loss_has_aux=True,
        monitors={"h": model.h},
    )
    seen = []
    trainer.fit(
        [(X, Y)] * 2,
        test_data=[(X, Y)] * 2,
        num_epoch=1,
        num_report=1,
        fun_after_report=lambda i, m, p: seen.append((p, sorted(m))),
    )
    assert trainer.get_hist_metric("fit", metric="mse") is not None
    assert trainer.test_losses is not None
    assert {p for p, _ in seen} == {"fit", "test"} and all("mse" in k for _, k in seen)


def test_time_first_data():
    trainer = eqbrain.BPTT(
        TinyRNN(), loss_fun=mse, optimizer=optim.Adam(lr=0.02), data_first_axis="T"
    )
    trainer.fit([(rand(5, 3, 2), rand(5, 3, 1))], num_epoch=1)
    assert trainer.train_losses is not None


def test_fit_refuses_old_and_bad_arguments(rnn):
    _, trainer = rnn
    with pytest.raises(TypeError, match="batch_size is not an option"):
        trainer.fit([(X, Y)], batch_size=4)
    with pytest.raises(TypeError, match=r"not one \(X, Y\) pair"):
        trainer.fit((jnp.ones((2, 5, 2)), jnp.ones((2, 5, 1))))
    with pytest.raises(TypeError, match="fun_after_report must be a callable"):
        trainer.fit([(X, Y)], fun_after_report=123)


def test_aux_that_is_not_a_dict_is_a_type_error():
    bad = lambda p, t: (mse(p, t), [mse(p, t)])  # noqa: E731
    trainer = eqbrain.BPTT(TinyRNN(), loss_fun=bad, loss_has_aux=True)
    with pytest.raises(TypeError, match="aux a dict"):
        trainer.fit([(X, Y)], num_epoch=1)


@pytest.fixture(scope="module")
def ff():
    model = TinyFF()
    return model, eqbrain.BPFF(model, loss_fun=mse, optimizer=optim.Adam(lr=0.05))


def test_bpff_fits_predicts_times_and_runs_without_jit(ff):
    model, trainer = ff
    Xf, Yf = rand(4, 3), rand(4, 2)
    trainer.fit(lambda: iter([(Xf, Yf)]), num_epoch=2)
    assert len(trainer.train_losses) == 2
    assert trainer.predict(Xf).shape == (4, 2)
    elapsed, out = trainer.predict(Xf, eval_time=True)
    assert elapsed >= 0.0 and out.shape == (4, 2)
    trainer.jit["predict"] = False
    try:
        assert trainer.predict(Xf).shape == (4, 2)
    finally:
        trainer.jit["predict"] = True


def test_bpff_monitors_reach_the_loss_and_the_records():
    model = TinyFF()
    seen = []

    def loss_mon(predicts, targets):
        outs, mon = predicts
        seen.append(sorted(mon))
        return mse(outs, targets)

    trainer = eqbrain.BPFF(
        model, loss_fun=loss_mon, optimizer=optim.Adam(lr=0.05), monitors={"w": model.w}
    )
    trainer.fit([(rand(4, 3), rand(4, 2))], num_epoch=1)
    assert seen and seen[0] == ["w"] and trainer.train_losses is not None
    assert trainer.predict(rand(4, 3)).shape == (4, 2)
    assert isinstance(trainer.mon["w"], np.ndarray)


def test_bpff_needs_batch_first_data_and_the_base_is_abstract():
    trainer = eqbrain.BPFF(TinyFF(), loss_fun=mse, data_first_axis="T")
    with pytest.raises(ValueError, match="data_first_axis='B'"):
        trainer.fit([(rand(4, 3), rand(4, 2))], num_epoch=1)
    base = BPTrainer(TinyFF(), loss_fun=mse)
    with pytest.raises(NotImplementedError):
        base._forward({}, (jnp.ones((2, 3)),))
    with pytest.raises(NotImplementedError):
        base._check_batch((jnp.ones((2, 3)),), jnp.ones((2, 2)))


def test_a_dense_layer_trains_under_bpff_and_runs_after():
    with eqbrain.environment(mode=eqbrain.training_mode):
        net = eqbrain.Sequential(dnn.Dense(3, 2))
    before = np.asarray(net[0].W.value).copy()
    trainer = eqbrain.BPFF(net, loss_fun=mse, optimizer=optim.Adam(lr=0.01))
    trainer.fit([(rand(4, 3), rand(4, 2))], num_epoch=2)
    history = trainer.get_hist_metric("fit", "loss")
    assert history is not None and np.all(np.isfinite(history))
    assert not np.allclose(net[0].W.value, before)
    assert net(rand(4, 3)).shape == (4, 2)


# -- online_test.py -------------------------------------------------------------------------


class ESN(eqbrain.DynamicalSystem):
    r: eqbrain.dyn.Reservoir
    o: dnn.Dense

    def __init__(self):
        super().__init__()
        self.r = eqbrain.dyn.Reservoir(
            3, 10, in_connectivity=0.5, rec_connectivity=0.5, batch_size=1
        )
        self.o = dnn.Dense(10, 2, mode=eqbrain.training_mode)

    def update(self, x):
        return x >> self.r >> self.o


@pytest.fixture(scope="module")
def esn_model():
    return ESN()  # one reservoir for the tests below (building one compiles its draws)


def test_fit_method_by_default_name_dict_and_instance_and_bad_ones(esn_model):
    model = esn_model
    assert isinstance(eqbrain.OnlineTrainer(model).fit_method, algorithms.RLS)
    assert isinstance(eqbrain.OnlineTrainer(model, fit_method="lms").fit_method, algorithms.LMS)
    trainer = eqbrain.OnlineTrainer(model, fit_method={"name": "rls", "alpha": 0.5})
    assert trainer.fit_method.alpha == 0.5  # type: ignore[attr-defined]
    method = algorithms.RLS(alpha=0.1)
    assert eqbrain.OnlineTrainer(model, fit_method=method).fit_method is method

    class NotCallable:
        pass

    with pytest.raises(ValueError, match="fit_method must be"):
        eqbrain.OnlineTrainer(model, fit_method=NotCallable())


def test_models_without_a_fittable_layer_are_refused():
    with eqbrain.environment(mode=eqbrain.batching_mode):
        plain = eqbrain.Sequential(eqbrain.dyn.LifRef(3))
    with pytest.raises(ValueError, match="has no layer to fit"):
        eqbrain.OnlineTrainer(plain)
    with eqbrain.environment(mode=eqbrain.training_mode):
        bn = eqbrain.Sequential(dnn.Dense(2, 2), dnn.BatchNorm1d(2))
    with pytest.raises(TypeError, match="can only fit"):
        eqbrain.OnlineTrainer(bn)


@pytest.fixture(scope="module")
def esn(esn_model):
    model = esn_model
    state = model.r.state
    trainer = eqbrain.OnlineTrainer(
        model,
        fit_method=algorithms.RLS(alpha=0.1),
        monitors={
            "rstate": state,
            "rsum": lambda: state.value.sum(-1),
            "rscalar": lambda: state.value.sum(),
            "rcol": (state, jnp.asarray([0])),
        },
    )
    return model, trainer


def test_online_fit_predict_step_counter_and_monitors(esn):
    model, trainer = esn
    x, y = rand(1, 8, 3), rand(1, 8, 2)
    before = np.asarray(model.o.W.value).copy()
    trainer.fit([x, y], reset_state=True)
    assert trainer.i0 == 8 and not np.allclose(model.o.W.value, before)
    assert isinstance(trainer.mon["rstate"], np.ndarray) and trainer.mon["rstate"].shape[:2] == (
        1,
        8,
    )
    assert trainer.mon["rsum"].shape == (1, 8) and trainer.mon["rscalar"].shape == (8,)
    assert trainer.mon["rcol"].size == 8 * 10  # indexed monitors work (first axis: batch)
    assert trainer.predict(x).shape == (1, 8, 2)
    with pytest.raises(ValueError, match=r"one \(X, Y\) pair"):
        trainer.fit({"x": 1})
    with pytest.raises(ValueError, match=r"one \(X, Y\) pair"):
        trainer.fit([1, 2, 3])


def test_online_fit_time_first_keeps_time_first_records_and_a_progress_bar(esn_model):
    model = esn_model
    trainer = eqbrain.OnlineTrainer(
        model,
        fit_method=algorithms.RLS(alpha=0.1),
        monitors={"rstate": model.r.state},
        data_first_axis="T",
        progress_bar=True,
    )
    trainer.fit([rand(8, 1, 3), rand(8, 1, 2)], reset_state=True)
    assert trainer.i0 == 8 and trainer.mon["rstate"].shape[:2] == (8, 1)


def test_force_trainer_uses_rls_and_fits(esn_model):
    model = esn_model
    trainer = eqbrain.ForceTrainer(model, alpha=0.1)
    assert isinstance(trainer.fit_method, algorithms.RLS)
    x, y = rand(1, 8, 3), rand(1, 8, 2)
    trainer.fit([x, y])
    assert trainer.predict(x, reset_state=True).shape == (1, 8, 2)
