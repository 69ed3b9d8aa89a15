import jax.tree_util as jtu
import pytest

import eqbrain
from eqbrain import UniqueNameError

from .helpers import C


def test_auto_names_count_per_class():
    eqbrain.clear_name_cache()
    a, b = C(), C()
    assert (a.name, b.name) == ("C0", "C1")
    assert a.unique_name() == "C2" and a.unique_name(type_="Net") == "Net0"


def test_explicit_name_must_be_identifier():
    eqbrain.clear_name_cache()
    with pytest.raises(UniqueNameError, match="'1abc' is not valid"):
        C(name="1abc")
    with pytest.raises(UniqueNameError, match="not valid"):
        C(name="a.b")


def test_explicit_name_must_be_free():
    eqbrain.clear_name_cache()
    keep = C(name="taken")
    with pytest.raises(UniqueNameError, match="'taken' is already held by C"):
        C(name="taken")
    assert keep.unique_name("taken") == "taken"  # its own name is fine
    with pytest.raises(UniqueNameError):
        C().unique_name("taken")


def test_auto_names_skip_explicitly_taken_ones():
    eqbrain.clear_name_cache()
    keep = C(name="C0")
    assert C().name == "C1" and keep.name == "C0"


def test_copies_keep_their_origin_name_and_never_raise():
    eqbrain.clear_name_cache()
    a = C(name="orig")
    copy = jtu.tree_map(lambda x: x, a)
    assert copy.name == "orig" and copy is not a


def test_clear_name_cache_restarts_counters():
    eqbrain.clear_name_cache()
    C()
    eqbrain.clear_name_cache()
    assert C().name == "C0"
