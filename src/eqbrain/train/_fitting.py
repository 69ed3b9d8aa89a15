"""What the offline and online trainers share: the layers they fit (`Dense` layers in
training mode), the targets keyed by layer, the recording of each layer's input and
output, and the fitting algorithm named by `fit_method=`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp

from ..dnn import Dense, _recording_fits
from ..dyn import DynamicalSystem, TrainingMode
from ._base import DSTrainer
from ._data import is_array, short

_NO_NODES_MSG = """\
{cls}: {model} has no layer to fit: it fits the `eqbrain.dnn.Dense` layers built in \
training mode (`Dense(n_in, n_out, mode=eqbrain.training_mode)`), and {model} has none."""

_NOT_FITTABLE_MSG = """\
{cls}: {path} ({kind}) is in training mode but {cls} can only fit `eqbrain.dnn.Dense` \
layers: build it in `eqbrain.batching_mode` (it is then run, not fitted), or train it \
with `eqbrain.BPTT`."""


def train_nodes(trainer: DSTrainer, target: DynamicalSystem) -> dict[str, Dense]:
    """The `Dense` layers in training mode, by relative path (`''` for the target)."""
    nodes = target.nodes(method="relative").unique()
    found: dict[str, Dense] = {}
    for path, node in nodes.items():
        if not isinstance(getattr(node, "mode", None), TrainingMode):
            continue
        if not isinstance(node, Dense):
            raise TypeError(
                _NOT_FITTABLE_MSG.format(
                    cls=type(trainer).__name__, path=path or target.name, kind=type(node).__name__
                )
            )
        found[path] = node
    if not found:
        raise ValueError(_NO_NODES_MSG.format(cls=type(trainer).__name__, model=target.name))
    return found


def resolve_method(fit_method: Any, default: Any, get: Callable, kind: type, owner: str) -> Any:
    """`fit_method=` (a name, a dict with `'name'`, an algorithm or a callable) as a
    callable algorithm."""
    if fit_method is None:
        return default
    if isinstance(fit_method, str):
        found = get(fit_method)
        return found() if isinstance(found, type) else found
    if isinstance(fit_method, dict):
        options = dict(fit_method)
        if "name" not in options:
            raise ValueError(
                f"{owner}: fit_method as a dict needs a 'name' (e.g. {{'name': 'ridge', "
                f"'alpha': 1e-6}}), got keys {sorted(options)}."
            )
        found = get(options.pop("name"))
        return found(**options) if isinstance(found, type) else found
    if isinstance(fit_method, kind) or callable(fit_method):
        return fit_method
    raise ValueError(
        f"{owner}: fit_method must be a method name, a dict {{'name': ..., **options}}, "
        f"an algorithm or a callable, got {short(fit_method)}."
    )


def format_ys(trainer: Any, ys: Any, ndim: int) -> dict[str, Any]:
    """The targets keyed by the relative path of each fitted layer: one array for a
    model with one such layer, else a dict keyed by layer name or relative path."""
    nodes: dict[str, Dense] = trainer.train_nodes_by_path
    owner = type(trainer).__name__
    if is_array(ys):
        if len(nodes) != 1:
            raise ValueError(
                f"{owner}: {trainer.target.name} fits {len(nodes)} layers "
                f"({', '.join(n.name for n in nodes.values())}); give the targets as a dict "
                "{layer name: targets}."
            )
        ys = {next(iter(nodes)): ys}
    if not isinstance(ys, dict):
        raise TypeError(
            f"{owner}: the targets must be an array or a dict of arrays, got {short(ys)}."
        )
    names = {n.name: p for p, n in nodes.items()}
    out: dict[str, Any] = {}
    for key, value in ys.items():
        path = key if key in nodes else names.get(key)
        if path is None:
            raise ValueError(
                f"{owner}: the targets name {key!r}, which is not a layer being fitted; "
                f"the layers are {sorted(names)} (or their paths {sorted(nodes)})."
            )
        value = jnp.asarray(value)
        if value.ndim != ndim:
            layout = "(batch, time, features)" if ndim == 3 else "(features, ...)"
            raise ValueError(
                f"{owner}: the targets of {key!r} must be laid out {layout}, got {short(value)}."
            )
        if value.shape[-1] != nodes[path].num_out:
            raise ValueError(
                f"{owner}: the targets of {key!r} have {value.shape[-1]} features, but "
                f"{nodes[path].name} has num_out={nodes[path].num_out}."
            )
        out[path] = value
    missing = sorted(set(nodes) - set(out))
    if missing:
        raise ValueError(f"{owner}: no targets for the layers {[nodes[p].name for p in missing]}.")
    return out


def with_bias(x: Any, node: Dense) -> Any:
    """`x` with a column of ones first when `node` has a bias (the bias is fitted as
    the first row of the weights)."""
    if node.b is None:
        return x
    return jnp.concatenate([jnp.ones((*x.shape[:-1], 1), x.dtype), x], axis=-1)


def assign(node: Dense, weights: Any, add: bool = False) -> None:
    """Write fitted weights (bias first when `node` has one) into `node`."""
    if node.b is None:
        node.W.value = node.W.value + weights if add else weights
        return
    b, W = weights[0], weights[1:]
    node.W.value = node.W.value + W if add else W
    node.b.value = node.b.value + b if add else b


class RecordingRunner(DSTrainer):
    """A trainer whose fit phase records each fitted layer's input and output at every
    step: `fit_run` runs the model with `self._fit_step_hook` called after each step."""

    train_nodes_by_path: dict[str, Dense]

    def _setup_recording(self) -> None:
        from .._transforms import jit as _jit  # noqa: PLC0415

        self._fitting = False
        self._plain = self._compiled
        self._fit_compiled = _jit(self._fit_chunk, static_argnums=(6,))

    @property
    def train_nodes(self) -> tuple[Dense, ...]:
        """The layers this trainer fits."""
        return tuple(self.train_nodes_by_path.values())

    def _fit_chunk(self, *args: Any) -> Any:
        return self._chunk(*args)

    def _step(self, model, i, t, x, fixed, iters, shared):
        if not self._fitting:
            return super()._step(model, i, t, x, fixed, iters, shared)
        x, extra = self._split(x)
        with _recording_fits(self.train_nodes) as record:
            out, mon = super()._step(model, i, t, x, fixed, iters, shared)
        records = {p: record[id(n)] for p, n in self.train_nodes_by_path.items()}
        for path, rec in records.items():
            if rec is None:
                raise ValueError(
                    f"{type(self).__name__}: {self.train_nodes_by_path[path].name} was not "
                    "called in a step of the model, so there is nothing to fit it to."
                )
        return self._after_step(out, records, extra), mon

    def _split(self, x: tuple) -> tuple[tuple, Any]:
        return x, None

    def _after_step(self, out: Any, records: dict, extra: Any) -> Any:
        raise NotImplementedError

    def fit_run(self, inputs: Any, reset_state: bool, shared_args: dict | None) -> Any:
        """Run over `inputs` in the fit phase (records on, `fit=True`)."""
        shared = {"fit": True, **(shared_args or {})}
        jit = self.jit["predict"]
        self._fitting, self._compiled = True, self._fit_compiled
        self.jit["predict"] = self.jit["fit"]
        try:
            return DSTrainer.predict(self, inputs, reset_state=reset_state, shared_args=shared)
        finally:
            self._fitting, self._compiled = False, self._plain
            self.jit["predict"] = jit
