import dataclasses
import gc

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import pytest

import eqbrain
from eqbrain import MathError, Variable

from .helpers import B, C, make_b


class MyObj(eqbrain.BrainPyObject):
    a: Variable

    def __init__(self, name=None):
        super().__init__(name=name)
        self.a = Variable(jnp.ones(1))

    def reset1(self):
        self.a = jnp.asarray([10.0])  # pyright: ignore[reportAttributeAccessIssue]

    def reset2(self):
        self.a = 1.0  # pyright: ignore[reportAttributeAccessIssue]


def test_reference_example_reset1_keeps_the_variable():
    ob = MyObj()
    cell = id(ob.a)
    ob.reset1()
    assert id(ob.a) == cell
    np.testing.assert_array_equal(ob.a.value, [10.0])


def test_reference_example_reset2_raises_and_keeps_value():
    ob = MyObj()
    ob.reset1()
    with pytest.raises(MathError) as e:
        ob.reset2()
    assert str(e.value).startswith(
        "The shape of the original data is (1,), while we got () with batch_axis=None "
    )
    np.testing.assert_array_equal(ob.a.value, [10.0])


def test_module_is_an_equinox_module_and_brainpyobject_alias():
    assert eqbrain.BrainPyObject is eqbrain.Module
    assert isinstance(MyObj(), eqx.Module)


def test_assigning_a_variable_to_a_variable_field_writes_its_value():
    ob = MyObj()
    cell = ob.a
    ob.a = Variable(jnp.full(1, 3.0))
    assert ob.a is cell and float(ob.a.value[0]) == 3.0


def test_non_variable_field_is_frozen():
    class M(eqbrain.Module):
        k: int = 3

    m = M()
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.k = 4
    assert m.k == 3


def test_undeclared_attribute_in_init_names_it():
    class Bad(eqbrain.Module):
        def __init__(self):
            super().__init__()
            self.hidden = Variable(jnp.zeros(1))

    with pytest.raises(dataclasses.FrozenInstanceError) as e:
        Bad()
    msg = str(e.value)
    assert "'hidden'" in msg and "annotated field" in msg and "hidden: eqbrain.Variable" in msg


def test_dataclass_style_construction_and_name_keyword():
    class D(eqbrain.Module):
        v: Variable
        k: int = eqx.field(static=True, default=2)

    d = D(Variable(jnp.zeros(2)), name="dee")
    assert d.name == "dee" and d.k == 2
    d2 = D(v=Variable(jnp.zeros(2)))
    assert d2.name.startswith("D")


def test_custom_init_without_super_still_gets_a_name():
    class N(eqbrain.Module):
        v: Variable

        def __init__(self):
            self.v = Variable(jnp.zeros(1))

    assert N().name.startswith("N")


def test_tree_flatten_is_one_level_and_matches_jax():
    b = make_b()
    children, aux = b.tree_flatten()
    leaves, treedef = jtu.tree_flatten(b, is_leaf=lambda x: x is not b)
    assert len(children) == 5 and all(x is y for x, y in zip(children, leaves))
    assert children[0] is b.c1 and children[4] is b.x  # declaration order
    assert treedef.node_data() == (B, aux)
    b2 = B.tree_unflatten(aux, children)
    assert type(b2) is B and b2.name != b.name and b2.c1 is b.c1


def test_full_jax_round_trip_gives_equal_module_with_fresh_cells():
    b = make_b()
    leaves, treedef = jtu.tree_flatten(b)
    b2 = jtu.tree_unflatten(treedef, leaves)
    assert eqx.tree_equal(b, b2)
    # Auto names are not part of the structure: the copy's nodes are new objects with
    # new names; its relative paths are the same.
    assert [n.name for n in b.nodes().values()] == ["B0", "C0", "C1", "C2"]
    assert [n.name for n in b2.nodes().values()] == ["B1", "C3", "C4", "C5"]
    assert list(b2.nodes(method="relative")) == list(b.nodes(method="relative"))
    ids = {id(v) for v in b.vars().values()}
    assert not ids & {id(v) for v in b2.vars().values()}


def test_tree_at_on_value_and_on_variable_leaves_original_untouched():
    b = make_b()
    b2 = eqx.tree_at(lambda m: m.x.value, b, jnp.full(1, 5.0))
    b3 = eqx.tree_at(lambda m: m.x, b, Variable(jnp.full(1, 7.0)))
    assert float(b2.x.value[0]) == 5.0 and float(b3.x.value[0]) == 7.0
    assert float(b.x.value[0]) == 0.0
    assert b2.x is not b.x and b3.name != b.name


def test_filter_jit_returning_the_model_gives_new_cells():
    b = make_b()

    @eqx.filter_jit
    def step(m):
        m.x.value = m.x.value + 1
        m.c1.v = m.c1.v + 2  # field assignment writes the traced cell
        return m

    b2 = step(b)
    assert float(b2.x.value[0]) == 1.0 and float(b2.c1.v.value[0]) == 2.0
    assert float(b.x.value[0]) == 0.0 and b2.x is not b.x
    assert b2.name != b.name and list(b2.vars(method="relative")) == list(
        b.vars(method="relative")
    )


def test_filter_grad_gives_module_shaped_gradients():
    b = make_b()
    g = eqx.filter_grad(lambda m: (m.c1.w.value**2).sum() + m.x.value.sum())(b)
    assert type(g) is B
    np.testing.assert_allclose(g.c1.w.value, 2 * np.ones(3))
    np.testing.assert_allclose(g.x.value, np.ones(1))


def test_tracing_variable_raises_with_advice():
    with pytest.raises(NotImplementedError, match="annotated field"):
        MyObj().tracing_variable("v", jnp.zeros, (3,))


def test_to_cpu_moves_every_variable_and_returns_self():
    b = make_b()
    cpu = jax.devices("cpu")[0]
    assert b.to(cpu) is b and b.cpu() is b
    assert all(v.value.devices() == {cpu} for v in b.vars().values())


@pytest.mark.parametrize("method,platform", [("cuda", "GPU"), ("tpu", "TPU")])
def test_missing_platform_is_our_runtime_error(method, platform):
    if any(d.platform == platform.lower() for d in jax.devices()):
        pytest.skip(f"this machine has a {platform}")
    b = make_b()
    with pytest.raises(RuntimeError) as e:
        getattr(b, method)()
    msg = str(e.value)
    assert f"No {platform} device is available" in msg and "cpu:0" in msg
    assert "Unknown backend" not in msg


def test_variable_labels_name_their_owner():
    b = make_b()
    assert b.c1.v.label == "B0.c1.v" and b.vl[0].label == "B0.vl-0"  # paths from the root


def test_names_released_when_owner_dies():
    eqbrain.clear_name_cache()
    m = C(name="keeper")
    with pytest.raises(eqbrain.UniqueNameError, match="already held"):
        C(name="keeper")
    del m
    gc.collect()
    assert C(name="keeper").name == "keeper"
