"""BrainPy 2.x interop: a BrainPy `state_dict()` and a BrainPy `save_pytree` file.

The fixtures in `tests/data/` were made with BrainPy 2.8.2 (jax 0.10.2, CPU) by running
this script in a fresh process, in `tests/data/`:

    import json
    import numpy as np
    import brainpy as bp
    import brainpy.math as bm

    class C(bp.BrainPyObject):
        def __init__(self, k, name=None):
            super().__init__(name=name)
            self.v = bm.Variable(bm.asarray([k, k + 0.5]))
            self.w = bm.TrainVar(bm.arange(3.0) * k)

    class B(bp.BrainPyObject):
        def __init__(self, name=None, names=(None, None, None)):
            super().__init__(name=name)
            self.c1 = C(1.0, name=names[0])
            self.c2 = C(2.0, name=names[1])
            self.lst = bm.NodeList([C(3.0, name=names[2])])
            self.vl = bm.VarList([bm.Variable(bm.asarray(4.0))])
            self.x = bm.Variable(bm.asarray([5.0]))

    # auto names B0, C0, C1, C2
    net = B()
    bp.checkpoints.save_pytree("brainpy_save_pytree.msgpack", net.state_dict(), verbose=False)
    # explicit names; state_dict() written out as JSON (dtype and nested lists)
    named = B(name="bp_net", names=("bp_c1", "bp_c2", "bp_c3"))
    out = {node: {k: {"dtype": str(np.asarray(v).dtype), "value": np.asarray(v).tolist()}
                  for k, v in d.items()} for node, d in named.state_dict().items()}
    json.dump({"brainpy_version": bp.__version__, "state_dict": out},
              open("brainpy_state_dict.json", "w"), indent=1)
"""

import json
import pathlib

import hypothesis.strategies as st
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings

import eqbrain
from eqbrain.io._brainpy import brainpy_to_relative

DATA = pathlib.Path(__file__).parent / "data"

EXPECTED = {
    "vl-0": 4.0,
    "x": [5.0],
    "c1.v": [1.0, 1.5],
    "c1.w": [0.0, 1.0, 2.0],
    "c2.v": [2.0, 2.5],
    "c2.w": [0.0, 2.0, 4.0],
    "lst-0.v": [3.0, 3.5],
    "lst-0.w": [0.0, 3.0, 6.0],
}


class C(eqbrain.Module):
    v: eqbrain.Variable
    w: eqbrain.TrainVar

    def __init__(self, name=None):
        super().__init__(name=name)
        self.v = eqbrain.Variable(jnp.zeros(2))
        self.w = eqbrain.TrainVar(jnp.zeros(3))


class B(eqbrain.Module):
    c1: C
    c2: C
    lst: eqbrain.NodeList
    vl: eqbrain.VarList
    x: eqbrain.Variable

    def __init__(self, name=None, names=(None, None, None)):
        super().__init__(name=name)
        self.c1 = C(name=names[0])
        self.c2 = C(name=names[1])
        self.lst = eqbrain.NodeList([C(name=names[2])])
        self.vl = eqbrain.VarList([eqbrain.Variable(jnp.asarray(0.0))])
        self.x = eqbrain.Variable(jnp.zeros(1))


def assert_expected(model):
    got = model.vars(method="relative").dict()
    assert got.keys() == EXPECTED.keys()
    for k, v in EXPECTED.items():
        np.testing.assert_array_equal(np.asarray(got[k]), np.asarray(v, np.float32), err_msg=k)


def brainpy_state_dict():
    raw = json.loads((DATA / "brainpy_state_dict.json").read_text())
    assert raw["brainpy_version"].startswith("2.")
    return {
        node: {k: np.asarray(e["value"], e["dtype"]) for k, e in entries.items()}
        for node, entries in raw["state_dict"].items()
    }


def test_brainpy_state_dict_loads_with_load_state_dict():
    sd = brainpy_state_dict()
    assert list(sd) == ["bp_net", "bp_c1", "bp_c2", "bp_c3"]
    model = B(name="bp_net", names=("bp_c1", "bp_c2", "bp_c3"))
    assert model.state_dict().keys() == sd.keys()
    for node in sd:
        assert model.state_dict()[node].keys() == sd[node].keys()
    assert model.load_state_dict(sd, strict=True) == ([], [])
    assert_expected(model)


def test_read_brainpy_decodes_save_pytree_files():
    sd = eqbrain.read_brainpy(DATA / "brainpy_save_pytree.msgpack")
    assert list(sd) == ["B0", "C0", "C1", "C2"]
    assert list(sd["B0"]) == ["B0.vl-0", "B0.x"]
    assert sd["B0"]["B0.vl-0"].shape == () and sd["B0"]["B0.vl-0"].dtype == np.float32
    np.testing.assert_array_equal(sd["C2"]["C2.w"], [0.0, 3.0, 6.0])


def test_load_brainpy_maps_auto_names_by_position():
    model = B()  # other auto names than BrainPy's B0, C0, C1, C2
    result = eqbrain.load_brainpy(DATA / "brainpy_save_pytree.msgpack", model, strict=True)
    assert result == ([], [])
    assert_expected(model)


def test_nodes_match_by_name_when_the_names_agree():
    # the same file, node names rewritten to the model's, entries of two nodes swapped
    sd = eqbrain.read_brainpy(DATA / "brainpy_save_pytree.msgpack")
    model = B(name="bp_net2", names=("bp_d1", "bp_d2", "bp_d3"))
    renamed = {"B0": "bp_net2", "C0": "bp_d1", "C1": "bp_d2", "C2": "bp_d3"}
    order = ["C1", "B0", "C0", "C2"]  # by name, order does not matter
    state = {
        renamed[n]: {k.replace(n + ".", renamed[n] + "."): v for k, v in sd[n].items()}
        for n in order
    }
    relative = brainpy_to_relative(state, model)
    assert sorted(relative) == sorted(EXPECTED)
    np.testing.assert_array_equal(relative["lst-0.w"], EXPECTED["lst-0.w"])
    assert model.load_state_dict(state, strict=True) == ([], [])
    assert_expected(model)


def test_load_brainpy_into_a_different_structure_fails_and_changes_nothing():
    class Other(eqbrain.Module):
        c1: C
        x: eqbrain.Variable

        def __init__(self):
            super().__init__()
            self.c1 = C()
            self.x = eqbrain.Variable(jnp.zeros(1))

    model = Other()
    before = {k: v._value for k, v in model.vars(method="relative").items()}
    with pytest.raises(ValueError, match="neither by name nor by position"):
        eqbrain.load_brainpy(DATA / "brainpy_save_pytree.msgpack", model)
    assert all(model.vars(method="relative")[k]._value is v for k, v in before.items())


def test_load_brainpy_wrong_shape_is_a_math_error_naming_file_and_key():
    model = B()
    model.lst[0].w._value = jnp.zeros(4)  # as if built with 4 weights
    before = {k: v._value for k, v in model.vars(method="relative").items()}
    with pytest.raises(eqbrain.MathError, match=r"'lst-0.w'.*brainpy_save_pytree.msgpack"):
        eqbrain.load_brainpy(DATA / "brainpy_save_pytree.msgpack", model)
    assert all(model.vars(method="relative")[k]._value is v for k, v in before.items())


@pytest.mark.parametrize("cut", [0, 1, 10, 100, -1])
def test_truncated_brainpy_file_raises(tmp_path, cut):
    raw = (DATA / "brainpy_save_pytree.msgpack").read_bytes()
    bad = tmp_path / "bad.msgpack"
    bad.write_bytes(raw[:cut])
    model = B()
    before = {k: v._value for k, v in model.vars(method="relative").items()}
    with pytest.raises(eqbrain.BrainPyFormatError, match="bad.msgpack"):
        eqbrain.load_brainpy(bad, model)
    assert all(model.vars(method="relative")[k]._value is v for k, v in before.items())


def test_eqbrain_file_round_trip_of_the_brainpy_model(tmp_path):
    model = B()
    eqbrain.load_brainpy(DATA / "brainpy_save_pytree.msgpack", model)
    eqbrain.save(tmp_path / "m.safetensors", model)
    fresh = B()
    eqbrain.load(tmp_path / "m.safetensors", fresh, strict=True)
    assert_expected(fresh)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300), prefix=st.booleans())
def test_random_bytes_raise_brainpy_format_error_only(data, prefix):
    import tempfile

    if prefix:  # start like a real file, so the decoder gets deeper before failing
        data = (DATA / "brainpy_save_pytree.msgpack").read_bytes()[:40] + data
    with tempfile.TemporaryDirectory() as d:
        path = pathlib.Path(d) / "random.msgpack"
        path.write_bytes(data)
        try:
            eqbrain.read_brainpy(path)
        except eqbrain.BrainPyFormatError as e:
            assert "random.msgpack" in str(e)


def test_load_brainpy_of_bp_dyn_blocks_skips_their_stateless_integrator_nodes():
    # BrainPy lists `Net0: {}` and `ExponentialEuler0/1: {}` beside the blocks' Variables
    # (tests/data/make_brainpy_dyn_blocks.py wrote the file with BrainPy 2.8.2).
    sd = eqbrain.read_brainpy(DATA / "brainpy_dyn_blocks.msgpack")
    empty = [n for n, e in sd.items() if not e]
    assert empty == ["Net0", "ExponentialEuler0", "ExponentialEuler1"]

    class Net(eqbrain.DynSysGroup):
        E: eqbrain.dyn.LifRef
        syn: eqbrain.dyn.Expon

        def __init__(self):
            super().__init__()
            self.E = eqbrain.dyn.LifRef(4)
            self.syn = eqbrain.dyn.Expon(4, tau=5.0)

    net = Net()
    assert eqbrain.load_brainpy(DATA / "brainpy_dyn_blocks.msgpack", net, strict=True) == ([], [])
    np.testing.assert_allclose(net.E.V.value, np.linspace(-70.0, -55.0, 4), rtol=1e-6)
    np.testing.assert_array_equal(net.E.t_last_spike.value, [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(net.syn.g.value, [0.5, 0.25, 0.125, 0.0])
