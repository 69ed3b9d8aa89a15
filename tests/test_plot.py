"""Plots (bp.visualize): raster from sparse and dense records, lines, animations."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import eqbrain  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture(scope="module")
def record():
    group = eqbrain.dyn.SpikeTimeGroup(4, indices=[0, 3, 1, 3], times=[0.2, 0.2, 0.5, 0.9])
    runner = eqbrain.DSRunner(group, monitors=["spike"], dt=0.1)
    runner.run(1.0)
    return runner.mon


def test_raster_from_sparse_equals_raster_from_dense(record, ax):
    sparse = eqbrain.plot.raster_plot(record.ts, record.spike, ax=ax, title="spikes")
    dense = eqbrain.visualize.raster_plot(record.ts, np.asarray(record.spike), ax=ax)
    assert sparse is dense is ax
    a, b = (line.get_xydata() for line in ax.lines)
    np.testing.assert_allclose(a, [[0.2, 0], [0.2, 3], [0.5, 1], [0.9, 3]], atol=1e-6)
    np.testing.assert_allclose(a, b)
    assert ax.get_xlabel() == "Time (ms)" and ax.get_ylabel() == "Neuron index"
    assert ax.get_title() == "spikes"


def test_raster_draws_on_the_current_axes_by_default(record):
    fig = plt.figure()
    try:
        got = eqbrain.plot.raster_plot(record.ts, record.spike, xlim=(0, 2), ylim=(-1, 4))
        assert got is fig.gca() and got.get_xlim() == (0, 2) and got.get_ylim() == (-1, 4)
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    "ts, spikes, message",
    [
        (None, np.zeros((3, 2)), 'needs "ts"'),
        (np.arange(4), np.zeros((3, 2)), r"ts has shape \(4,\), but the record has 3 steps"),
        (np.arange(3), np.zeros((3, 2, 2)), r"\(time, neurons\) record; got shape"),
    ],
)
def test_bad_raster(ts, spikes, message, ax):
    with pytest.raises(ValueError, match=message):
        eqbrain.plot.raster_plot(ts, spikes, ax=ax)


def test_raster_refuses_a_batched_sparse_record(ax):
    sp = eqbrain.SparseSpikes.from_dense(np.zeros((2, 3, 4), bool), time_axis=1)
    with pytest.raises(ValueError, match=r"index a batched record first"):
        eqbrain.plot.raster_plot(np.arange(3), sp, ax=ax)


def test_line_plot_labels_and_picks(ax):
    ts = np.arange(5) * 0.1
    values = np.arange(15.0).reshape(5, 3)
    eqbrain.plot.line_plot(ts, values, plot_ids=[0, 2], legend="V", ax=ax, ylabel="mV")
    assert [line.get_label() for line in ax.lines] == ["V-0", "V-2"]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), values[:, 2])
    assert ax.get_legend() is not None and ax.get_ylabel() == "mV"
    eqbrain.plot.line_plot(ts, values, plot_ids=1, legend="one", ax=ax)
    assert ax.lines[-1].get_label() == "one"


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(plot_ids="a"), TypeError, "an int or a list of ints"),
        (dict(plot_ids=[5]), IndexError, r"plot_ids \[5\] out of range for 3"),
        (dict(val_matrix=np.zeros((4, 3))), ValueError, "time first with 5 steps"),
    ],
)
def test_bad_line_plot(kwargs, error, message, ax):
    kwargs = {"val_matrix": np.zeros((5, 3)), **kwargs}
    with pytest.raises(error, match=message):
        eqbrain.plot.line_plot(np.arange(5), ax=ax, **kwargs)


def test_animate_1D_saves_a_gif(tmp_path):
    ys = np.sin(np.linspace(0, 3, 6)[:, None] + np.linspace(0, 6, 20)[None])
    path = tmp_path / "wave.gif"
    eqbrain.plot.animate_1D(
        [{"ys": ys, "legend": "wave"}],
        static_vars={"ys": np.zeros(20), "legend": "zero"},
        dt=0.5,
        frame_step=2,
        save_path=str(path),
        show=False,
    )
    plt.close("all")
    from PIL import Image

    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 3  # steps 0, 2, 4


def test_animate_2D_saves_a_gif(tmp_path):
    values = np.random.default_rng(0).random((4, 12))
    path = tmp_path / "grid.gif"
    eqbrain.plot.animate_2D(values, net_size=(3, 4), save_path=str(path), show=False)
    plt.close("all")
    from PIL import Image

    with Image.open(path) as gif:
        assert gif.n_frames == 4


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: eqbrain.plot.animate_1D(np.zeros(3), show=False), r"must be 2-D, \(time, n\)"),
        (
            lambda: eqbrain.plot.animate_1D([np.zeros((3, 2)), np.zeros((4, 2))], show=False),
            "differ in length",
        ),
        (lambda: eqbrain.plot.animate_1D({"xs": [1]}, show=False), 'needs a "ys" entry'),
        (lambda: eqbrain.plot.animate_1D(np.zeros((3, 2)), frame_step=0), "frame_step must be"),
        (lambda: eqbrain.plot.animate_2D(np.zeros((3, 5)), (2, 2), show=False), "for net_size"),
    ],
)
def test_bad_animations(call, message):
    with pytest.raises(ValueError, match=message):
        call()
    plt.close("all")
