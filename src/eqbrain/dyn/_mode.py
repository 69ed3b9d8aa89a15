"""Computing modes, as BrainPy's `bm.Mode`: whether a model is batched and trained.

A mode is chosen per model (`mode=`), for a block (`with eqbrain.environment(mode=...)`)
or for the rest of a thread (`eqbrain.set_mode`). The choice is per thread, as
`eqbrain.share`'s contexts are: a mode set in one thread, or while a transform traces,
is never seen by another thread, and there is no process-wide mode to poison.

What a mode changes in eqbrain's models: `BatchingMode(n)` gives their state a leading
batch axis of size `n` (`batch_size=n`); `TrainingMode(n)` does too, and makes spiking
neurons emit differentiable surrogate spikes (`spk_fun`, `InvSquareGrad` unless given).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..surrogate import InvSquareGrad
from ._share import share


class Mode:
    """The base class of computing modes (BrainPy's `bm.Mode`).

    Modes compare equal when they are of one class and (for batching modes) one batch
    size, so a mode can be a static field of a model.
    """

    @property
    def batch_size(self) -> Any:
        """The batch size: an int for batching modes, `()` otherwise (as in BrainPy)."""
        return ()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.batch_size == self.batch_size

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.batch_size))

    def __repr__(self) -> str:
        return type(self).__name__

    def is_one_of(self, *modes: type) -> bool:
        """Whether this mode is exactly one of the classes `modes`."""
        _check_types(modes)
        return type(self) in modes

    def is_a(self, mode: type) -> bool:
        """Whether this mode is exactly of class `mode`."""
        _check_types((mode,))
        return type(self) is mode

    def is_parent_of(self, *modes: type) -> bool:
        """Whether one of the classes `modes` is this mode's class or a subclass of it."""
        _check_types(modes)
        return any(issubclass(m, type(self)) for m in modes)

    def is_child_of(self, *modes: type) -> bool:
        """Whether this mode is an instance of one of the classes `modes`."""
        _check_types(modes)
        return isinstance(self, modes)

    def is_batch_mode(self) -> bool:
        """Whether this is a `BatchingMode` (training modes are)."""
        return isinstance(self, BatchingMode)

    def is_train_mode(self) -> bool:
        """Whether this is a `TrainingMode`."""
        return isinstance(self, TrainingMode)

    def is_nonbatch_mode(self) -> bool:
        """Whether this is a `NonBatchingMode`."""
        return isinstance(self, NonBatchingMode)


def _check_types(modes: tuple) -> None:
    for m in modes:
        if not isinstance(m, type):
            raise TypeError(f"Give mode classes (e.g. eqbrain.BatchingMode), got {m!r}.")


class NonBatchingMode(Mode):
    """No batch axis, no training: a simulation (BrainPy's default mode).

    ```python
    neu = eqbrain.dyn.Lif(10, mode=eqbrain.nonbatching_mode)   # V: (10,)
    ```
    """


class BatchingMode(Mode):
    """A leading batch axis of `batch_size` trials on every state Variable.

    **Arguments:**

    - `batch_size`: the number of trials (default 1).

    ```python
    neu = eqbrain.dyn.Lif(10, mode=eqbrain.BatchingMode(32))   # V: (32, 10)
    ```
    """

    def __init__(self, batch_size: int = 1):
        if (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, int | np.integer)
            or batch_size <= 0
        ):
            raise ValueError(
                f"{type(self).__name__}: batch_size must be a positive int, got {batch_size!r}."
            )
        self._batch_size = int(batch_size)

    @property
    def batch_size(self) -> int:
        """The number of trials."""
        return self._batch_size

    def __repr__(self) -> str:
        return f"{type(self).__name__}(batch_size={self._batch_size})"


class TrainingMode(BatchingMode):
    """Batched and trained: spiking neurons emit surrogate spikes, whose gradient flows.

    **Arguments:**

    - `batch_size`: the number of trials (default 1).

    ```python
    neu = eqbrain.dyn.Lif(10, mode=eqbrain.TrainingMode(32))   # float spikes, (32, 10)
    ```
    """

    def to_batch_mode(self) -> BatchingMode:
        """The `BatchingMode` of the same batch size."""
        return BatchingMode(self.batch_size)


nonbatching_mode = NonBatchingMode()
batching_mode = BatchingMode()
training_mode = TrainingMode()


class _Modes(threading.local):
    """Each thread's chosen modes: `set_mode`'s, under a stack of `environment`s."""

    def __init__(self) -> None:
        self.default: Mode | None = None
        self.stack: list[Mode] = []


_modes = _Modes()

_MODE_MSG = """\
{owner}: mode must be an eqbrain mode (eqbrain.nonbatching_mode, eqbrain.batching_mode, \
eqbrain.training_mode, or eqbrain.BatchingMode(n) / eqbrain.TrainingMode(n)), got \
{mode!r}."""


def check_mode(mode: Any, owner: str) -> Mode:
    """`mode` if it is a `Mode`; `TypeError` naming `owner` otherwise."""
    if not isinstance(mode, Mode):
        raise TypeError(_MODE_MSG.format(owner=owner, mode=mode))
    return mode


def chosen_mode() -> Mode | None:
    """The mode chosen in this thread (`environment`, `set_mode`), or `None`."""
    return _modes.stack[-1] if _modes.stack else _modes.default


def get_mode() -> Mode:
    """The current mode of this thread: the innermost `environment`'s, else the one
    `set_mode` chose, else `nonbatching_mode` (BrainPy's `bm.get_mode()`)."""
    return chosen_mode() or nonbatching_mode


def set_mode(mode: Mode | None) -> None:
    """Choose the mode of models built later in this thread, outside any `environment`
    (BrainPy's `bm.set_mode`; other threads keep theirs). `None` forgets the choice.

    ```python
    eqbrain.set_mode(eqbrain.training_mode)
    net = eqbrain.Sequential(eqbrain.dnn.Dense(3, 4), eqbrain.dyn.Lif(4))  # trained
    ```
    """
    _modes.default = None if mode is None else check_mode(mode, "set_mode")


class environment:
    """A block (or a decorated function) in which models are built with `mode` and
    `dt` (BrainPy's `bm.environment`); per thread, restored on exit.

    **Arguments:**

    - `mode`: the mode of models built inside (`mode=None` keeps the current one).
    - `dt`: the default step size inside (`eqbrain.share`'s `dt`).

    ```python
    with eqbrain.environment(mode=eqbrain.training_mode, dt=0.1):
        neu = eqbrain.dyn.Lif(10)           # batched, surrogate spikes
    ```
    """

    def __init__(self, mode: Mode | None = None, dt: float | None = None, **others: Any):
        if others:
            raise TypeError(
                f"environment takes mode= and dt=; {sorted(others)} are BrainPy settings "
                "that JAX owns here (float width: jax.config.update('jax_enable_x64', ...); "
                "the platform: JAX_PLATFORMS)."
            )
        self.mode = None if mode is None else check_mode(mode, "environment")
        self.dt = dt
        self._local = threading.local()  # each thread's open blocks of this object

    def __enter__(self) -> environment:
        stack = contextlib.ExitStack()
        if self.dt is not None:
            stack.enter_context(share.context(dt=self.dt))
        if self.mode is not None:
            stack.enter_context(_pushed(self.mode))
        self._local.__dict__.setdefault("open", []).append(stack)
        return self

    def __exit__(self, *exc: object) -> None:
        self._local.open.pop().close()

    def __call__(self, fn: Callable) -> Callable:
        """`fn` run inside this environment on every call."""

        @functools.wraps(fn)
        def inside(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return inside


@contextlib.contextmanager
def _pushed(mode: Mode) -> Iterator[None]:
    _modes.stack.append(mode)
    try:
        yield
    finally:
        _modes.stack.pop()


def training_environment(dt: float | None = None, batch_size: int = 1) -> environment:
    """`environment(mode=TrainingMode(batch_size), dt=dt)` (BrainPy's)."""
    return environment(mode=TrainingMode(batch_size), dt=dt)


def batching_environment(dt: float | None = None, batch_size: int = 1) -> environment:
    """`environment(mode=BatchingMode(batch_size), dt=dt)` (BrainPy's)."""
    return environment(mode=BatchingMode(batch_size), dt=dt)


_BATCH_CONFLICT = """\
{owner}: batch_size={batch_size!r} disagrees with mode={mode!r}; give one of them \
(mode=eqbrain.BatchingMode({batch_size}) or batch_size=...)."""


def apply_mode(
    owner: str,
    mode: Mode | None,
    batch_size: int | None,
    spk_fun: Callable | None = None,
    spiking: bool = False,
) -> tuple[int | None, Callable | None]:
    """`(batch_size, spk_fun)` for a population built with `mode` (or the chosen one).

    With no mode given or chosen, both come back as given. Otherwise BrainPy's rules
    hold: a batching mode sets the batch size (an explicit `batch_size` must agree with
    a `mode=` argument, and beats a mode from the context); a spiking model in training
    mode uses `spk_fun` (`InvSquareGrad()` if none), and in the other modes emits
    boolean spikes, whatever `spk_fun` says.
    """
    explicit = mode is not None
    mode = chosen_mode() if mode is None else check_mode(mode, owner)
    if mode is None:
        return batch_size, spk_fun
    wanted = mode.batch_size if isinstance(mode, BatchingMode) else None
    if batch_size is None:
        batch_size = wanted
    elif explicit and batch_size != wanted:
        raise ValueError(_BATCH_CONFLICT.format(owner=owner, batch_size=batch_size, mode=mode))
    if spiking:
        if isinstance(mode, TrainingMode):
            spk_fun = InvSquareGrad() if spk_fun is None else spk_fun
        else:
            spk_fun = None
    return batch_size, spk_fun
