"""eqbrain.share: the step context (t, i, dt) and the default dt."""

import math

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
