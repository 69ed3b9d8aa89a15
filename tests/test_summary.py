"""`eqbrain.summary`: a table of every node and Variable, with totals."""

import jax.numpy as jnp

import eqbrain


class C(eqbrain.Module):
    v: eqbrain.Variable
    w: eqbrain.TrainVar

    def __init__(self, name=None):
        super().__init__(name=name)
        self.v = eqbrain.Variable(jnp.zeros(2))
        self.w = eqbrain.TrainVar(jnp.ones((3, 4)))


class B(eqbrain.Module):
    c1: C
    c2: C
    lst: eqbrain.NodeList
    tied: eqbrain.TrainVar
    n: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.c1 = C()
        self.c2 = C()
        self.lst = eqbrain.NodeList([C()])
        self.tied = self.c1.w  # weight tying: counted once
        self.n = eqbrain.Variable(jnp.zeros(5, jnp.int32))


def test_rows_list_every_node_and_variable_by_path():
    b = B()
    s = eqbrain.summary(b)
    paths = [r.path for r in s.rows]
    assert paths == [
        "(root)",
        "tied",
        "n",
        "c1",
        "c1.v",
        "c1.w",
        "c2",
        "c2.v",
        "c2.w",
        "lst-0",
        "lst-0.v",
        "lst-0.w",
    ]
    row = {r.path: r for r in s.rows}
    assert row["c1.w"].cls == "TrainVar" and row["c1.w"].shape == (3, 4)
    assert row["c1.w"].params == 12 and row["c1.w"].nbytes == 48 and row["c1.w"].trainable
    assert row["n"].dtype == "int32" and row["n"].nbytes == 20 and not row["n"].trainable
    assert row["c1"].kind == "node" and row["c1"].cls == f"C {b.c1.name!r}"


def test_totals_count_a_shared_variable_once():
    s = eqbrain.summary(B())
    # 3 x (2 + 12) unique in the C's, plus 5 ints; 'tied' is c1.w again
    assert s.total_params == 3 * 14 + 5
    assert s.total_bytes == 4 * (3 * 14 + 5)
    assert s.trainable_params == 3 * 12
    assert s.n_variables == 7 and s.n_nodes == 4
    shared = {r.path: r.shared_with for r in s.rows if r.kind == "var"}
    assert shared["tied"] is None and shared["c1.w"] == "tied"


def test_text_table_has_header_rows_and_totals():
    b = B()
    text = str(eqbrain.summary(b))
    lines = text.splitlines()
    assert lines[0] == f"Summary of {b.name}"
    assert lines[1].split() == ["path", "class", "shape", "dtype", "params", "bytes", "trainable"]
    body = {line.split()[0]: line.split() for line in lines[3:-2]}
    assert body["c2.w"] == ["c2.w", "TrainVar", "[3,4]", "float32", "12", "48", "yes"]
    assert body["n"] == ["n", "Variable", "[5]", "int32", "5", "20", "no"]
    assert body["c1.w"][-1] == "tied)"  # "(= tied)": counted under its first path
    assert lines[-1] == (
        "Total: 47 params (188 B) in 7 Variables and 4 nodes; trainable: 36 params."
    )
    assert repr(eqbrain.summary(b)) == text


def test_html_table_for_notebooks():
    s = eqbrain.summary(B())
    out = s._repr_html_()
    assert out.startswith("<table>") and out.endswith("</table>")
    assert out.count("<tr") == 1 + len(s.rows) + 1  # header, rows, totals
    assert "<td>c2.w</td><td>TrainVar</td><td>[3,4]</td><td>float32</td>" in out
    assert "&#x27;" in out  # node names are escaped


def test_a_big_count_is_grouped_and_humanized():
    class Big(eqbrain.Module):
        w: eqbrain.TrainVar

        def __init__(self):
            super().__init__()
            self.w = eqbrain.TrainVar(jnp.zeros((1000, 1500)))

    text = str(eqbrain.summary(Big()))
    assert "1,500,000" in text and "6,000,000" in text
    assert "(6.0 MB)" in text
