"""Computing modes as BrainPy's: per model (`mode=`), per block (`environment`) and per
thread (`set_mode`), mapped onto eqbrain's batch axes and surrogate spikes."""

from __future__ import annotations

import threading

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain import dnn


@pytest.fixture(autouse=True)
def _no_mode_chosen():
    """Each test starts, and leaves its thread, with no mode chosen."""
    eqbrain.set_mode(None)
    yield
    eqbrain.set_mode(None)
    assert eqbrain.get_mode() == eqbrain.nonbatching_mode


def test_modes_compare_by_class_and_batch_size_and_say_what_they_are():
    assert eqbrain.BatchingMode(4) == eqbrain.BatchingMode(4) != eqbrain.BatchingMode(2)
    assert eqbrain.TrainingMode(1) != eqbrain.BatchingMode(1)
    assert eqbrain.training_mode == eqbrain.TrainingMode()
    assert hash(eqbrain.BatchingMode(4)) == hash(eqbrain.BatchingMode(4))
    assert repr(eqbrain.TrainingMode(8)) == "TrainingMode(batch_size=8)"
    assert repr(eqbrain.nonbatching_mode) == "NonBatchingMode"
    assert eqbrain.nonbatching_mode.batch_size == ()
    t = eqbrain.training_mode
    assert t.is_batch_mode() and t.is_train_mode() and not t.is_nonbatch_mode()
    assert t.is_child_of(eqbrain.BatchingMode) and not t.is_a(eqbrain.BatchingMode)
    assert t.is_one_of(eqbrain.TrainingMode) and eqbrain.batching_mode.is_parent_of(type(t))
    assert t.to_batch_mode() == eqbrain.batching_mode
    with pytest.raises(TypeError, match="Give mode classes"):
        t.is_one_of(eqbrain.training_mode)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="BatchingMode: batch_size must be a positive int"):
        eqbrain.BatchingMode(0)


def test_environment_sets_the_mode_and_dt_for_a_block_and_restores_them():
    assert eqbrain.get_mode() == eqbrain.nonbatching_mode
    dt = eqbrain.get_dt()
    with eqbrain.environment(mode=eqbrain.training_mode, dt=0.05):
        assert eqbrain.get_mode() == eqbrain.training_mode and eqbrain.get_dt() == 0.05
        with eqbrain.batching_environment(batch_size=3):
            assert eqbrain.get_mode() == eqbrain.BatchingMode(3)
        assert eqbrain.get_mode() == eqbrain.training_mode
    assert eqbrain.get_mode() == eqbrain.nonbatching_mode and eqbrain.get_dt() == dt
    with pytest.raises(RuntimeError), eqbrain.training_environment():
        raise RuntimeError  # an exception restores it too
    assert eqbrain.get_mode() == eqbrain.nonbatching_mode


def test_environment_decorates_a_function():
    @eqbrain.training_environment(batch_size=2)
    def build():
        return eqbrain.dyn.Lif(3)

    assert build().V.value.shape == (2, 3)
    assert eqbrain.get_mode() == eqbrain.nonbatching_mode


def test_set_mode_is_the_threads_default_under_the_environments():
    eqbrain.set_mode(eqbrain.batching_mode)
    with eqbrain.environment(mode=eqbrain.training_mode):
        assert eqbrain.get_mode() == eqbrain.training_mode
    assert eqbrain.get_mode() == eqbrain.batching_mode
    seen = []
    worker = threading.Thread(target=lambda: seen.append(eqbrain.get_mode()))
    worker.start()
    worker.join()
    assert seen == [eqbrain.nonbatching_mode]  # another thread keeps its own
    eqbrain.set_mode(None)  # forget the choice: the arguments decide again
    assert eqbrain.dyn.Lif(2, spk_fun=eqbrain.surrogate.Sigmoid()).spk_fun is not None


def test_one_environment_used_by_two_threads_at_once_keeps_each_threads_mode():
    env = eqbrain.training_environment(batch_size=2)
    both_inside = threading.Barrier(2, timeout=10)
    seen: dict[str, list] = {"a": [], "b": []}

    def work(tag, other_mode):
        with eqbrain.environment(mode=other_mode):
            with env:
                both_inside.wait()  # the two threads are inside `env` together
                seen[tag].append(eqbrain.get_mode())
            seen[tag].append(eqbrain.get_mode())
        seen[tag].append(eqbrain.get_mode())

    threads = [
        threading.Thread(target=work, args=("a", eqbrain.batching_mode)),
        threading.Thread(target=work, args=("b", eqbrain.nonbatching_mode)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    t2 = eqbrain.TrainingMode(2)
    assert seen["a"] == [t2, eqbrain.batching_mode, eqbrain.nonbatching_mode]
    assert seen["b"] == [t2, eqbrain.nonbatching_mode, eqbrain.nonbatching_mode]


def test_bad_modes_and_settings_say_what_to_pass():
    with pytest.raises(TypeError, match="set_mode: mode must be an eqbrain mode.*'train'"):
        eqbrain.set_mode("train")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"environment takes mode= and dt=; \['x64'\]"):
        eqbrain.environment(x64=True)
    with pytest.raises(TypeError, match="Lif: mode must be an eqbrain mode"):
        eqbrain.dyn.Lif(3, mode=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="ReLU: mode must be an eqbrain mode"):
        dnn.ReLU(mode="batching")  # type: ignore[arg-type]
    assert eqbrain.get_mode() == eqbrain.nonbatching_mode  # nothing was set


def test_training_mode_batches_a_neuron_and_gives_it_surrogate_spikes():
    neu = eqbrain.dyn.Lif(10, mode=eqbrain.training_mode)
    assert neu.V.value.shape == (1, 10) and neu.V.batch_axis == 0
    assert neu.spike.value.dtype == jnp.result_type(float)
    assert neu.spk_fun == eqbrain.surrogate.InvSquareGrad()  # BrainPy's default
    given = eqbrain.surrogate.Sigmoid()
    assert eqbrain.dyn.LifRef(4, mode=eqbrain.TrainingMode(3), spk_fun=given).spk_fun is given


def test_other_modes_emit_boolean_spikes_whatever_spk_fun_is():
    neu = eqbrain.dyn.Lif(10, mode=eqbrain.BatchingMode(4), spk_fun=eqbrain.surrogate.Sigmoid())
    assert neu.V.value.shape == (4, 10) and neu.spk_fun is None
    assert neu.spike.value.dtype == jnp.bool_
    flat = eqbrain.dyn.ExpIF(10, mode=eqbrain.nonbatching_mode)
    assert flat.V.value.shape == (10,) and flat.spk_fun is None


def test_with_no_mode_chosen_the_arguments_decide_as_before():
    neu = eqbrain.dyn.Lif(5, batch_size=2, spk_fun=eqbrain.surrogate.Sigmoid())
    assert neu.V.value.shape == (2, 5) and neu.spk_fun is not None
    assert eqbrain.dyn.Lif(5).V.value.shape == (5,)


def test_a_chosen_mode_reaches_neurons_and_layers_built_under_it():
    with eqbrain.environment(mode=eqbrain.TrainingMode(2)):
        neu = eqbrain.dyn.AdExIFRef(3)
        hh = eqbrain.dyn.HH(3)
        layer = dnn.Dense(3, 3)
        own = eqbrain.dyn.Lif(3, batch_size=5)  # an explicit batch size beats the context
    assert neu.V.value.shape == (2, 3) and neu.spk_fun is not None
    assert hh.V.value.shape == (2, 3)
    assert layer.mode == eqbrain.TrainingMode(2)
    assert own.V.value.shape == (5, 3)
    assert dnn.Dense(3, 3).mode == eqbrain.nonbatching_mode
    assert dnn.BatchNorm1d(3).mode == eqbrain.training_mode  # BrainPy's default for it


def test_a_batch_size_that_disagrees_with_the_mode_is_refused():
    with pytest.raises(ValueError, match=r"Lif: batch_size=3 disagrees with mode=BatchingMode"):
        eqbrain.dyn.Lif(5, batch_size=3, mode=eqbrain.BatchingMode(2))
    with pytest.raises(ValueError, match=r"FHN: batch_size=3 disagrees with mode=NonBatching"):
        eqbrain.dyn.FHN(5, batch_size=3, mode=eqbrain.nonbatching_mode)


def test_a_training_mode_network_runs_and_resets_to_its_batch():
    with eqbrain.training_environment(batch_size=3):
        net = dnn.Dense(2, 4, W_initializer=np.full((2, 4), 100.0)) >> eqbrain.dyn.LifRef(
            4, V_th=1.0, tau_ref=1.0
        )
    out = eqbrain.for_loop(net.step_run, (jnp.arange(5), jnp.ones((5, 3, 2))))
    assert out.shape == (5, 3, 4) and out.dtype == jnp.result_type(float)
    np.testing.assert_array_equal(np.unique(np.asarray(out)), [0.0, 1.0])
    net.reset_state(batch_size=6)
    assert net[1].V.value.shape == (6, 4)
