"""eqbrain.share: the step context (t, i, dt) and the default dt."""

import math

import jax.numpy as jnp
import pytest

import eqbrain


def test_dt_has_brainpys_default_and_set_dt_changes_it():
    assert eqbrain.get_dt() == 0.1
    try:
        eqbrain.set_dt(0.05)
        assert eqbrain.get_dt() == 0.05 == eqbrain.share.load("dt")
    finally:
        eqbrain.set_dt(0.1)


def test_context_sets_keys_for_the_block_only():
    with eqbrain.share.context(t=3.0, i=30, dt=0.2):
        assert (eqbrain.share.load("t"), eqbrain.share.load("i"), eqbrain.share.dt) == (
            3.0,
            30,
            0.2,
        )
        with eqbrain.share.context(t=4.0):
            assert eqbrain.share.load("t") == 4.0 and eqbrain.share.dt == 0.2
        assert eqbrain.share.load("t") == 3.0
    assert "t" not in eqbrain.share.keys()
    assert eqbrain.share.dt == 0.1


def test_save_sets_a_key_in_the_innermost_context():
    with eqbrain.share.context():
        eqbrain.share.save(fit=True)
        assert eqbrain.share.load("fit") is True
    assert eqbrain.share.load("fit", None) is None


def test_missing_key_names_it_and_says_how_to_set_it():
    with pytest.raises(KeyError, match=r"no 't'.*eqbrain.run.*share.context\(t=") as e:
        eqbrain.share.load("t")
    assert "dt" in str(e.value)  # the known keys are listed


@pytest.mark.parametrize("bad", [0.0, -0.1, math.inf, math.nan])
def test_bad_dt_is_refused_and_nothing_changes(bad):
    with pytest.raises(ValueError, match="dt must be a positive, finite number"):
        eqbrain.set_dt(bad)
    with pytest.raises(ValueError, match="dt must be a positive, finite number"):
        with eqbrain.share.context(dt=bad):
            pass
    assert eqbrain.get_dt() == 0.1


def test_non_number_dt_is_a_type_error():
    with pytest.raises(TypeError, match="dt must be a positive number, got 'fast'"):
        eqbrain.set_dt("fast")  # pyright: ignore[reportArgumentType]


# -- compiled functions and the context ---------------------------------------------------


class _Acc(eqbrain.Module):
    """Adds the context's `dt` to `total`; counts its traces."""

    total: eqbrain.Variable
    traces: list

    def __init__(self):
        self.total = eqbrain.Variable(jnp.zeros(()))
        self.traces = []

    def update(self):
        self.traces.append(eqbrain.share.dt)
        self.total.value = self.total.value + eqbrain.share.dt


def test_a_compiled_function_follows_the_contexts_dt_and_reuses_each_compilation():
    acc = _Acc()
    step = eqbrain.jit(acc.update)
    with eqbrain.share.context(dt=0.5):
        step()
    with eqbrain.share.context(dt=2.0):
        step()  # compiled again: dt is a constant of the first compilation
    with eqbrain.share.context(dt=0.5):
        step()  # the first compilation again
    assert float(acc.total.value) == pytest.approx(3.0)
    # one trace per dt value, nothing for the third call
    assert acc.traces == [0.5, 2.0]


def test_set_dt_reaches_a_function_compiled_before():
    acc = _Acc()
    step = eqbrain.jit(acc.update)
    step()
    try:
        eqbrain.set_dt(0.25)
        step()
    finally:
        eqbrain.set_dt(0.1)
    assert float(acc.total.value) == pytest.approx(0.35)


def test_a_context_entered_inside_the_function_compiles_once():
    acc = _Acc()

    @eqbrain.jit
    def run():
        with eqbrain.share.context(dt=0.3):
            acc.update()

    with eqbrain.share.context(dt=1.0):
        run()
    run()
    assert float(acc.total.value) == pytest.approx(0.6)
    assert acc.traces == [0.3]


def test_dropout_compiled_while_fitting_is_off_when_fit_is_false():
    drop = eqbrain.dnn.Dropout(0.5)
    f = eqbrain.jit(lambda x: drop(x))
    x = jnp.ones(64)
    with eqbrain.share.context(fit=True):
        assert int((f(x) == 0).sum()) > 0
    with eqbrain.share.context(fit=False):
        assert jnp.array_equal(f(x), x)
    assert jnp.array_equal(f(x), x)  # `fit` unset: evaluation


def test_a_context_value_that_changes_at_every_call_is_followed_and_named_in_a_warning():
    acc = _Acc()
    step = eqbrain.jit(acc.update)
    dts = [0.1 * (k + 1) for k in range(9)]
    for dt in dts[:8]:
        with eqbrain.share.context(dt=dt):
            step()
    with eqbrain.share.context(dt=dts[8]), pytest.warns(RuntimeWarning, match=r"share\['dt'\]"):
        step()  # a ninth version: the oldest is dropped, and the user is told why
    assert float(acc.total.value) == pytest.approx(sum(dts))
    assert len(step._cache[None]) == 8


def test_two_threads_with_their_own_dt_share_one_compiled_function():
    import threading

    accs = [_Acc(), _Acc()]
    step = eqbrain.jit(lambda acc: acc.update())
    errors: list[BaseException] = []

    def work(acc, dt):
        try:
            with eqbrain.share.context(dt=dt):
                for _ in range(20):
                    step(acc)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(a, dt)) for a, dt in zip(accs, (0.5, 2.0))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [float(a.total.value) for a in accs] == pytest.approx([10.0, 40.0])
