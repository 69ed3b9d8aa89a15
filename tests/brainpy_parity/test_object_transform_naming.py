"""Parity with BrainPy 2.8's `brainpy/math/object_transform/naming_test.py` (and
`namechecking_test.py`, whose only case is commented out in BrainPy).

Its one case: an explicit name held by a live object cannot be taken again
(`UniqueNameError`) until `clear_name_cache()`; `clear_name_cache(ignore_warn=True)` is
accepted. BrainPy's `bm.clear_buffer_memory(compilation=True)` is `jax.clear_caches()`.
"""

import jax
import pytest

import eqbrain


def test_clear_name_cache():
    lif = eqbrain.dyn.LIF(1, name="a")
    with pytest.raises(eqbrain.UniqueNameError, match="'a' is already held"):
        eqbrain.dyn.LIF(1, name="a")
    eqbrain.clear_name_cache(ignore_warn=True)
    again = eqbrain.dyn.LIF(1, name="a")
    assert again.name == "a" and lif.name == "a"
    eqbrain.clear_name_cache()
    jax.clear_caches()
