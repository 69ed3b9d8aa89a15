import equinox as eqx
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import pytest

import eqbrain
from eqbrain import MathError, TrainVar, Variable


def test_init_from_value_size_and_shape():
    assert Variable(jnp.ones((2, 3))).shape == (2, 3)
    assert Variable(3).shape == (3,)  # an int is a size, as in BrainPy
    assert Variable((2, 4), dtype=jnp.int32).dtype == jnp.int32
    np.testing.assert_array_equal(Variable((2, 4)).value, np.zeros((2, 4)))
    assert Variable(1.5).shape == ()


def test_init_drops_weak_type():
    v = Variable(1.0)
    assert not v.value.weak_type
    assert v.dtype == jnp.float32


def test_init_from_variable_copies_value_into_new_cell():
    a = Variable(jnp.arange(3.0))
    b = Variable(a, dtype=jnp.float16)
    assert b is not a and b.dtype == jnp.float16
    np.testing.assert_array_equal(b.value, a.value)


def test_write_keeps_cell_and_checks_shape():
    v = Variable(jnp.ones(1))
    v.value = jnp.asarray([10.0])
    np.testing.assert_array_equal(v.value, [10.0])
    with pytest.raises(MathError) as e:
        v.value = 1.0
    # BrainPy's message, then which Variable it is.
    assert str(e.value) == (
        "The shape of the original data is (1,), while we got () with batch_axis=None "
        "(writing into Variable (f32[1]))."
    )
    np.testing.assert_array_equal(v.value, [10.0])


def test_write_checks_dtype():
    v = Variable(jnp.zeros(2, jnp.int32))
    with pytest.raises(
        MathError, match="dtype of the original data is int32, while we got float32"
    ):
        v.value = jnp.zeros(2, jnp.float32)
    assert v.dtype == jnp.int32


class _Counts(eqbrain.Module):
    c: Variable

    def __init__(self, dtype):
        super().__init__()
        self.c = Variable(jnp.full(2, 7, dtype))


@pytest.mark.parametrize(
    ("dtype", "bad"),
    [
        (jnp.int32, np.array([3_000_000_000, 1], np.uint32)),  # unsigned into signed, same width
        (jnp.int8, np.array([200, 1], np.uint8)),
        (jnp.int16, np.array([40_000, 1], np.uint16)),
        (jnp.int8, np.array([300, 1], np.int32)),  # wider into narrower
        (jnp.int32, np.array([2**40, 1], np.int64)),
        (jnp.uint8, np.array([256, 1], np.uint16)),
    ],
)
def test_narrowing_writes_that_would_wrap_are_refused_on_every_path(dtype, bad):
    # A narrowing cast wraps around (uint32 3e9 -> int32 -1294967296): every write path
    # refuses it, names the Variable, says to cast explicitly, and writes nothing.
    m = _Counts(dtype)
    key = f"{m.name}.c"
    writes = {
        ".value =": lambda: setattr(m.c, "value", bad),
        "update": lambda: m.c.update(bad),
        "field =": lambda: setattr(m, "c", bad),
        "[] =": lambda: m.c.__setitem__(slice(None), bad),
        "load_state_dict": lambda: m.load_state_dict({m.name: {key: bad}}),
        "assign": lambda: m.vars().assign({key: bad}),
    }
    for how, write in writes.items():
        with pytest.raises(MathError) as e:
            write()
        msg = str(e.value)
        name = np.dtype(dtype).name
        assert f"'{key}'" in msg and f"do not fit {name}" in msg, (how, msg)
        assert f"x.astype('{name}')" in msg, (how, msg)
        np.testing.assert_array_equal(m.c.value, [7, 7])
        assert m.c.dtype == dtype


def test_a_weakly_typed_jax_scalar_must_fit_too():
    # jnp.asarray(200) is a weakly typed int32: JAX would make it int8 -56.
    v = Variable(jnp.zeros((), jnp.int8))
    with pytest.raises(MathError, match=r"int32 data 200 into Variable \(i8\[\]\).*astype"):
        v.value = jnp.asarray(200)
    assert int(v.value) == 0
    v.value = jnp.asarray(100)  # fits: the weak type gives way, as in JAX
    assert int(v.value) == 100 and v.dtype == jnp.int8


def test_wider_or_unsigned_values_that_fit_are_written():
    # The rule by dtype is NumPy's: a 'safe' cast is made; a 'same_kind' one (narrower, or
    # unsigned into signed) when every value fits; Python ints that fit always.
    v = Variable(jnp.zeros(3, jnp.int32))
    for ok in (
        np.array([1, 2, 3], np.uint32),
        np.arange(3),  # int64, NumPy's default
        np.array([-1, 0, 2**31 - 1], np.int64),
        np.array([1, 2, 3], np.int8),  # safe
        [4, 5, 6],
    ):
        v.value = ok
        np.testing.assert_array_equal(v.value, ok)
        assert v.dtype == jnp.int32
    b = Variable(jnp.zeros((), jnp.int8))
    b.value = np.uint8(127)
    b.value = -128
    assert int(b.value) == -128
    f = Variable(jnp.zeros((), jnp.float32))
    f.value = np.float64(0.1)  # float64 into float32: precision may drop, values stay finite
    assert f.dtype == jnp.float32


def test_a_change_of_kind_is_refused_with_the_cast_to_write():
    v = Variable(jnp.zeros(2, jnp.uint32))
    with pytest.raises(MathError, match=r"change its kind.*x\.astype\('uint32'\)"):
        v.value = np.array([5, 6], np.int32)  # signed into unsigned: NumPy's 'same_kind' says no
    with pytest.raises(MathError, match=r"int32, while we got uint32.*x\.astype\('int32'\)"):
        Variable(jnp.zeros(2, jnp.int32)).value = jnp.zeros(2, jnp.uint32)  # a JAX array
    np.testing.assert_array_equal(v.value, [0, 0])


def test_python_scalars_cast_when_safe():
    v = Variable(jnp.zeros((), jnp.float32))
    v.value = 3  # int into float: same kind, cast
    assert v.dtype == jnp.float32 and float(v.value) == 3.0
    i = Variable(jnp.zeros((), jnp.int32))
    with pytest.raises(MathError, match="int32"):
        i.value = 1.5
    assert int(i.value) == 0


def test_batch_axis_ignored_in_shape_check():
    v = Variable(jnp.zeros((4, 3)), batch_axis=0)
    v.value = jnp.ones((7, 3))
    assert v.shape == (7, 3) and v.batch_size == 7
    with pytest.raises(MathError, match=r"\(7, 3\), while we got \(7, 2\) with batch_axis=0"):
        v.value = jnp.ones((7, 2))
    assert v.shape == (7, 3)


def test_bad_batch_axis_and_axis_names():
    with pytest.raises(MathError, match="batch_axis=2 is out of range"):
        Variable(jnp.zeros((2, 3)), batch_axis=2)
    with pytest.raises(MathError, match="one name .* for each of the 2 axes"):
        Variable(jnp.zeros((2, 3)), axis_names=("a",))
    v = Variable(jnp.zeros((2, 3)), axis_names=("batch", None), batch_axis=-2)
    assert v.axis_names == ("batch", None) and v.batch_axis == 0


def test_non_array_write_is_mathError():
    v = Variable(jnp.zeros(2))
    with pytest.raises(MathError, match="object of type object .* not an array"):
        v.value = object()  # pyright: ignore[reportAttributeAccessIssue]


def test_operators_read_value_and_inplace_ops_write():
    v = Variable(jnp.arange(3.0))
    cell = v
    np.testing.assert_array_equal(v + 1, [1, 2, 3])
    np.testing.assert_array_equal(2 * v, [0, 2, 4])
    np.testing.assert_array_equal(v >= 1, [False, True, True])
    np.testing.assert_array_equal(v == 1, [False, True, False])
    np.testing.assert_array_equal(-v, [0, -1, -2])
    v += 1
    assert v is cell
    np.testing.assert_array_equal(v.value, [1, 2, 3])
    v[0] = 9.0
    np.testing.assert_array_equal(v.value, [9, 2, 3])
    assert v[1] == 2 and len(v) == 3 and np.asarray(v).tolist() == [9, 2, 3]


def test_inplace_op_that_changes_dtype_is_refused():
    v = Variable(jnp.arange(3))
    with pytest.raises(MathError):
        v /= 2
    np.testing.assert_array_equal(v.value, [0, 1, 2])


def test_variables_hash_by_identity():
    a, b = Variable(jnp.zeros(2)), Variable(jnp.zeros(2))
    assert len({a, b, a}) == 2


def test_pytree_node_with_one_child_and_static_aux():
    v = TrainVar(jnp.zeros((2, 3)), batch_axis=0, axis_names=("b", "f"))
    leaves, treedef = jtu.tree_flatten(v)
    assert len(leaves) == 1 and leaves[0] is v.value
    paths = jtu.tree_flatten_with_path(v)[0]
    assert jtu.keystr(paths[0][0]) == ".value"
    w = jtu.tree_unflatten(treedef, [jnp.ones((2, 3))])
    assert type(w) is TrainVar and w is not v
    assert w.batch_axis == 0 and w.axis_names == ("b", "f")


@pytest.mark.parametrize(
    "child", [None, object(), jax.ShapeDtypeStruct((9,), jnp.int8), "not an array"]
)
def test_unflatten_accepts_any_child(child):
    treedef = jtu.tree_structure(Variable(jnp.zeros(2)))
    v = jtu.tree_unflatten(treedef, [child])
    assert v._value is child


def test_unflatten_inside_trace_gives_cells_of_that_trace():
    v = Variable(jnp.zeros(2))

    @jax.jit
    def f(v):
        v.value = v.value + 1  # v is the traced copy: allowed
        return v

    out = f(v)
    np.testing.assert_array_equal(out.value, [1, 1])
    np.testing.assert_array_equal(v.value, [0, 0])


def test_leak_guard_names_variable_and_keeps_value():
    v = Variable(jnp.zeros(2))

    @jax.jit
    def f(x):
        v.value = x
        return x

    with pytest.raises(eqbrain.TraceLeakError, match=r"Cannot write a traced value into Variable"):
        f(jnp.ones(2))
    np.testing.assert_array_equal(v.value, [0, 0])


def test_repr_is_compact():
    assert repr(TrainVar(jnp.zeros((3, 4)))) == "TrainVar(f32[3,4])"
    assert "Variable(i32[2])" in eqx.tree_pformat(Variable(jnp.zeros(2, jnp.int32)))


def test_trace_token_tells_traces_apart():
    from eqbrain._core import current_trace

    outer = current_trace()

    def f(x):
        assert current_trace() != outer and current_trace() == current_trace()
        return x

    jax.jit(f)(1.0)
    jax.vmap(f)(jnp.ones(2))
    jax.grad(f)(1.0)
    assert current_trace() == outer


def test_a_variable_of_typed_random_keys_is_written_eagerly_and_compiled():
    v = Variable(jax.random.key(0))
    first = jax.random.key_data(v.value)
    v.value = jax.random.split(v.value)[0]
    assert v.dtype == jax.random.key(0).dtype

    @eqbrain.jit
    def draw():
        v.value, sub = jax.random.split(v.value)
        return jax.random.uniform(sub)

    assert float(draw()) != float(draw())  # the key advanced in the cell
    before = jax.random.key_data(v.value)
    assert not np.array_equal(before, first)
    with pytest.raises(MathError, match=r"Variable \(key<fry>\[\]\).*typed random keys"):
        v.value = jnp.zeros(2, jnp.uint32)  # raw key data: refused, nothing written
    np.testing.assert_array_equal(jax.random.key_data(v.value), before)


def test_typed_random_keys_travel_through_filter_jit_and_filter_vmap():
    class Keyed(eqbrain.Module):
        k: Variable

        def __init__(self):
            super().__init__()
            self.k = Variable(jax.random.key(0))

    def step(m):
        m.k.value = jax.random.split(m.k.value)[0]
        return m

    m = Keyed()
    out = eqx.filter_jit(step)(m)  # the functional style: a new model with the new key
    assert not np.array_equal(jax.random.key_data(out.k.value), jax.random.key_data(m.k.value))
    np.testing.assert_array_equal(
        jax.random.key_data(out.k.value), jax.random.key_data(step(Keyed()).k.value)
    )
    many = eqx.filter_vmap(lambda k: step(eqx.tree_at(lambda t: t.k.value, m, k)).k.value)(
        jax.random.split(jax.random.key(1), 3)
    )
    assert many.shape == (3,)
    assert np.unique(np.asarray(jax.random.key_data(many)), axis=0).shape[0] == 3
