"""`animate_1D` and `animate_2D`: a recorded value as a movie over time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..dyn import share
from ._matplotlib import pyplot


def _save_or_show(anim: Any, save_path: str | None, show: bool, dpi: Any, fps: Any) -> None:
    if save_path is None:
        if show:
            pyplot().show()
        return
    from matplotlib import animation

    if save_path.endswith(".gif"):
        anim.save(save_path, writer=animation.PillowWriter(fps=fps or 20), dpi=dpi)
    else:
        path = save_path if save_path.endswith(".mp4") else save_path + ".mp4"
        anim.save(path, writer="ffmpeg", fps=fps, bitrate=3000)


def _series(item: Any, key: str, what: str, ndim: int) -> dict:
    if isinstance(item, Mapping):
        keys = [k for k in (key, "ys", "data") if k in item]
        if not keys:
            raise ValueError(f'a {what} given as a dict needs a "ys" entry, got {sorted(item)}.')
        ys = np.asarray(item[keys[0]])
        out = {"ys": ys, "xs": item.get("xs"), "legend": item.get("legend")}
    else:
        ys = np.asarray(item)
        out = {"ys": ys, "xs": None, "legend": None}
    if ys.ndim != ndim:
        shape = "(time, n)" if ndim == 2 else "(n,)"
        raise ValueError(f"a {what} must be {ndim}-D, {shape}; got shape {ys.shape}.")
    if out["xs"] is None:
        out["xs"] = np.arange(ys.shape[-1])
    return out


def _many(items: Any, what: str, ndim: int) -> list[dict]:
    if isinstance(items, list | tuple):
        return [_series(item, "ys", what, ndim) for item in items]
    return [_series(items, "ys", what, ndim)]


def animate_1D(
    dynamical_vars: Any,
    static_vars: Any = (),
    dt: float | None = None,
    xlim: Any = None,
    ylim: Any = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    frame_delay: float = 50.0,
    frame_step: int = 1,
    title_size: float = 10,
    figsize: Any = None,
    gif_dpi: Any = None,
    video_fps: Any = None,
    save_path: str | None = None,
    show: bool = True,
    **kwargs: Any,
) -> Any:
    """A movie of one-dimensional records over time: BrainPy's `bp.visualize.animate_1D`.

    **Arguments:**

    - `dynamical_vars`: what moves: a `(time, n)` array, a dict `{"ys": (time, n),
      "xs": (n,), "legend": str}`, or a list of them (all as long in time).
    - `static_vars`: what stays: a `(n,)` array, a dict (`"ys"` or `"data"`, `"xs"`,
      `"legend"`), or a list of them.
    - `dt`: the step (ms) for the frame titles; default `eqbrain.get_dt()`.
    - `xlim`, `ylim`, `xlabel`, `ylabel`: the axes (default `ylim` spans every value).
    - `frame_delay` (ms between frames), `frame_step` (show one step in this many),
      `title_size`, `figsize`.
    - `save_path`: save to a `.gif` (Pillow) or `.mp4` (ffmpeg) instead of showing.
    - `gif_dpi`, `video_fps`: the saved movie's resolution and frame rate.
    - `show`: call `plt.show()` when not saving.
    - `**kwargs`: passed to `ax.plot`.

    **Returns:** the `matplotlib.animation.FuncAnimation` (keep it while it plays).

    ```python
    anim = eqbrain.plot.animate_1D(runner.mon.V, dt=0.1, save_path="v.gif", show=False)
    ```
    """
    dt = share.dt if dt is None else float(dt)
    dynamic = _many(dynamical_vars, "dynamical variable", 2)
    static = (
        []
        if isinstance(static_vars, list | tuple) and not static_vars
        else _many(static_vars, "static variable", 1)
    )
    lengths = {d["ys"].shape[0] for d in dynamic}
    if len(lengths) != 1:
        raise ValueError(f"the dynamical variables differ in length over time: {lengths}.")
    n_steps = lengths.pop()
    if not (isinstance(frame_step, int) and frame_step >= 1):
        raise ValueError(f"frame_step must be an int >= 1, got {frame_step!r}.")
    if ylim is None:
        low = min(float(np.min(d["ys"])) for d in dynamic + static)
        high = max(float(np.max(d["ys"])) for d in dynamic + static)
        ylim = (low * (0.98 if low > 0 else 1.02), high * (1.02 if high > 0 else 0.98))
    plt = pyplot()
    from matplotlib import animation

    fig, ax = plt.subplots(figsize=figsize or (6, 6), constrained_layout=True)
    lines = [ax.plot(d["xs"], d["ys"][0], label=d["legend"], **kwargs)[0] for d in dynamic]
    for s in static:
        ax.plot(s["xs"], s["ys"], label=s["legend"], **kwargs)
    if xlim is not None:
        ax.set_xlim(xlim[0], xlim[1])
    ax.set_ylim(ylim[0], ylim[1])
    if any(d["legend"] for d in dynamic + static):
        ax.legend()
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    title = fig.suptitle("", fontsize=title_size, fontweight="bold")

    def frame(t):
        for line, d in zip(lines, dynamic):
            line.set_ydata(d["ys"][t])
        title.set_text(f"Time: {(t + 1) * dt:.2f} ms")
        return [*lines, title]

    anim = animation.FuncAnimation(
        fig, frame, frames=range(0, n_steps, frame_step), interval=frame_delay, repeat_delay=3000
    )
    _save_or_show(anim, save_path, show, gif_dpi, video_fps)
    return anim


def animate_2D(
    values: Any,
    net_size: tuple[int, int],
    dt: float | None = None,
    val_min: float | None = None,
    val_max: float | None = None,
    cmap: Any = None,
    frame_delay: float = 10,
    frame_step: int = 1,
    title_size: float = 10,
    figsize: Any = None,
    gif_dpi: Any = None,
    video_fps: Any = None,
    save_path: str | None = None,
    show: bool = True,
) -> Any:
    """A movie of a record over a 2-D grid of neurons: BrainPy's `bp.visualize.animate_2D`.

    **Arguments:**

    - `values`: the record, `(time, height * width)` (or `(time, height, width)`).
    - `net_size`: `(height, width)` of the grid.
    - `dt`: the step (ms) for the frame titles; default `eqbrain.get_dt()`.
    - `val_min`, `val_max`: the colour range; default the record's range.
    - `cmap`: the colormap.
    - `frame_delay`, `frame_step`, `title_size`, `figsize`, `gif_dpi`, `video_fps`,
      `save_path`, `show`: as for `animate_1D`.

    **Returns:** the `matplotlib.animation.FuncAnimation`.

    ```python
    anim = eqbrain.plot.animate_2D(runner.mon.V, net_size=(40, 40), save_path="v.gif", show=False)
    ```
    """
    dt = share.dt if dt is None else float(dt)
    values = np.asarray(values)
    height, width = net_size
    if values.ndim < 2 or values[0].size != height * width:
        raise ValueError(
            f"values must be (time, {height} * {width}) for net_size={net_size}; got shape "
            f"{values.shape}."
        )
    if not (isinstance(frame_step, int) and frame_step >= 1):
        raise ValueError(f"frame_step must be an int >= 1, got {frame_step!r}.")
    values = values.reshape(values.shape[0], height, width)
    val_min = float(values.min()) if val_min is None else val_min
    val_max = float(values.max()) if val_max is None else val_max
    plt = pyplot()
    from matplotlib import animation

    fig, ax = plt.subplots(figsize=figsize or (6, 6), constrained_layout=True)
    image = ax.imshow(
        values[0], cmap=cmap, vmin=val_min, vmax=val_max, origin="lower", aspect="auto"
    )
    fig.colorbar(image, ax=ax)
    ax.axis("off")
    title = fig.suptitle("", fontsize=title_size, fontweight="bold")

    def frame(t):
        image.set_data(values[t])
        title.set_text(f"Time: {(t + 1) * dt:.2f} ms")
        return [image, title]

    anim = animation.FuncAnimation(
        fig,
        frame,
        frames=range(0, values.shape[0], frame_step),
        interval=frame_delay,
        repeat_delay=3000,
    )
    _save_or_show(anim, save_path, show, gif_dpi, video_fps)
    return anim
