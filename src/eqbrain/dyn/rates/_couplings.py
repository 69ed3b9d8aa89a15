"""`DiffusiveCoupling` and `AdditiveCoupling`: delayed couplings between the units of rate
models, as BrainPy's `bp.dyn.DiffusiveCoupling`, `bp.dyn.AdditiveCoupling`
(`bp.synapses`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from ..._core import Variable
from .._population import init_array
from ..others import LengthDelay
from ..projections import Projection

Delays = int | np.ndarray | jax.Array | Callable | None


def _variable(var: Any, arg: str, where: str) -> Variable:
    """`var`, refused with advice unless it is a one-dimensional Variable."""
    if not isinstance(var, Variable):
        raise TypeError(
            f"{where}: {arg} must be a Variable of a population (e.g. `fhn.x`, not "
            f"`fhn.x.value`), got {type(var).__name__}."
        )
    if var.ndim != 1:
        raise ValueError(
            f"{where}: {arg} must be a one-dimensional Variable (one value per unit), got "
            f"shape {var.shape}; a batched population cannot be coupled."
        )
    return var


def _outputs(targets: Any, size: int, where: str) -> tuple[Variable, ...]:
    """`var_to_output` as a tuple of Variables of `size` units."""
    out = (targets,) if isinstance(targets, Variable) else tuple(targets)
    for k, var in enumerate(out):
        if not isinstance(var, Variable):
            raise TypeError(
                f"{where}: var_to_output must be a Variable or a sequence of Variables (e.g. "
                f"`fhn.input`), got {type(var).__name__} at position {k}."
            )
        if var.shape != (size,):
            raise ValueError(
                f"{where}: var_to_output has shape {var.shape}, but the coupling gives "
                f"{size} values (the columns of conn_mat); pass the input Variable of the "
                "coupled population."
            )
    return out


def _steps(delay_steps: Delays, shape: tuple[int, int], where: str) -> np.ndarray | None:
    """The delays in steps: `None`, or an int array of shape `()` or `shape`."""
    if delay_steps is None:
        return None
    value = delay_steps(shape) if callable(delay_steps) else delay_steps
    if isinstance(value, bool) or not isinstance(value, int | np.integer | np.ndarray | jax.Array):
        raise TypeError(
            f"{where}: delay_steps must be None, an int, an integer array of shape {shape} "
            f"(pre, post) or a function of the shape giving one, got {type(value).__name__}."
        )
    steps = np.asarray(value)
    if not np.issubdtype(steps.dtype, np.integer):
        raise ValueError(
            f"{where}: delay_steps counts steps, so it must be integer typed, got dtype "
            f"{steps.dtype}; round it, e.g. `np.round(D / dt).astype(int)`."
        )
    if steps.ndim != 0 and steps.shape != shape:
        raise ValueError(
            f"{where}: delay_steps has shape {steps.shape}; it must be one int or a matrix "
            f"of shape {shape} (pre, post), as conn_mat."
        )
    if steps.size and steps.min() < 0:
        raise ValueError(f"{where}: delay_steps must be >= 0, got a minimum of {steps.min()}.")
    return steps


class DelayCoupling(Projection):
    """The shared part of the delayed couplings (BrainPy's `bp.dyn.DelayCoupling`): the
    coupled Variable, its history, the connection matrix and the delays.

    Delays count as the projections count them: the coupling runs before the
    populations it feeds (declare it first in the network), so with no delay it reads
    the values of the previous step; `delay_steps=d` reads the value of `d` steps ago
    (`d = 0` and `d = 1` both read the previous step's). The history is a `LengthDelay`
    of the coupling (it resets with the model and is saved in checkpoints).
    """

    delay_var: Variable
    output_var: tuple[Variable, ...]
    conn_mat: jax.Array
    delay_steps: jax.Array | None
    history: LengthDelay | None
    delay_type: str = eqx.field(static=True)

    def __init__(
        self,
        delay_var: Variable,
        var_to_output: Variable | Sequence[Variable],
        conn_mat: Any,
        required_shape: tuple[int, int],
        delay_steps: Delays = None,
        initial_delay_data: Any = None,
        name: str | None = None,
        mode: Any = None,
    ):
        super().__init__(name=name)
        del mode  # the coupled Variables are one-dimensional: there is no batch axis
        where = type(self).__name__
        self.delay_var = _variable(delay_var, "delay_var", where)
        conn = jnp.asarray(conn_mat, jnp.result_type(float))
        if conn.shape != required_shape:
            raise ValueError(
                f"{where}: conn_mat has shape {conn.shape}, but the coupled Variables need "
                f"{required_shape} (pre.num, post.num); conn_mat[i, j] couples unit i to unit j."
            )
        self.conn_mat = conn
        self.output_var = _outputs(var_to_output, required_shape[1], where)
        steps = _steps(delay_steps, required_shape, where)
        self.delay_type = "none" if steps is None else ("int" if steps.ndim == 0 else "array")
        self.delay_steps = None if steps is None else jnp.asarray(steps, jnp.int32)
        longest = 0 if steps is None else int(steps.max())
        if longest >= 2:
            shape = (longest, *self.delay_var.shape)
            init = 0.0 if initial_delay_data is None else initial_delay_data
            data = init_array(init, shape, None, "initial_delay_data")
            self.history = LengthDelay(self.delay_var.value, longest - 1, data)
        else:
            self.history = None

    def _delayed(self) -> jax.Array:
        """The delayed values, `(pre,)` for one delay or `(pre, post)` per connection; this
        step's value is stored first."""
        current = self.delay_var.value
        if self.history is None or self.delay_steps is None:
            return current
        self.history.update(current)
        back = jnp.maximum(self.delay_steps - 1, 0)
        if self.delay_type == "int":
            return self.history.retrieve(back)
        ages = self.history.retrieve(jnp.arange(self.history.max_len + 1))  # (age, pre)
        return ages[back, jnp.arange(current.shape[0])[:, None]]

    def _output(self, value: jax.Array) -> jax.Array:
        for target in self.output_var:
            target.value = target.value + value
        return value

    def reset_state(self, batch_size: int | None = None) -> None:
        """Reset the history (BrainPy's is a no-op: its delay resets with the network)."""
        if batch_size is not None:
            raise ValueError(
                f"{self.name}.reset_state: a coupling has no batch axis (its Variables are "
                f"one-dimensional), got batch_size={batch_size!r}."
            )
        super().reset_state()


class DiffusiveCoupling(DelayCoupling):
    """Diffusive coupling (BrainPy's `bp.dyn.DiffusiveCoupling`): each step adds
    `sum_i conn_mat[i, j] * (coupling_var1[i](t - delay_ij) - coupling_var2[j])` to every
    Variable of `var_to_output`.

    **Arguments:**

    - `coupling_var1`: the delayed Variable (pre), e.g. `fhn.x`.
    - `coupling_var2`: the Variable subtracted (post), e.g. `fhn.x`.
    - `var_to_output`: the Variable (or Variables) the coupling adds to, e.g. `fhn.input`.
    - `conn_mat`: the connection matrix, of shape `(pre.num, post.num)`.
    - `delay_steps`: `None` (no delay), an int, an integer matrix of shape
      `(pre.num, post.num)`, or a function of that shape giving one (see
      `DelayCoupling` for how steps count).
    - `initial_delay_data`: the history before the start: a number, an array of shape
      `(max delay, pre.num)` or an initializer (default 0).

    The coupling holds the population's Variables (the same cells): run it in place
    (`eqbrain.run`, `eqbrain.jit`), and declare it before the population in a network,
    as BrainPy updates projections first.

    ```python
    class Net(eqbrain.Network):
        def __init__(self, cmat, dmat):
            super().__init__()
            self.fhn = eqbrain.dyn.FHN(80, x_ou_sigma=0.01, y_ou_sigma=0.01)
            self.coupling = eqbrain.dyn.DiffusiveCoupling(
                self.fhn.x, self.fhn.x, self.fhn.input, conn_mat=cmat, delay_steps=dmat
            )

        def update(self):
            self.coupling()
            self.fhn()
    ```
    """

    coupling_var1: Variable
    coupling_var2: Variable

    def __init__(
        self,
        coupling_var1: Variable,
        coupling_var2: Variable,
        var_to_output: Variable | Sequence[Variable],
        conn_mat: Any,
        delay_steps: Delays = None,
        initial_delay_data: Any = None,
        name: str | None = None,
        mode: Any = None,
    ):
        var1 = _variable(coupling_var1, "coupling_var1", "DiffusiveCoupling")
        var2 = _variable(coupling_var2, "coupling_var2", "DiffusiveCoupling")
        super().__init__(
            var1,
            var_to_output,
            conn_mat,
            (var1.shape[0], var2.shape[0]),
            delay_steps,
            initial_delay_data,
            name=name,
            mode=mode,
        )
        self.coupling_var1 = var1
        self.coupling_var2 = var2

    def update(self) -> jax.Array:
        """Add this step's coupling to the outputs; returns it."""
        delayed = self._delayed()
        if delayed.ndim == 1:
            delayed = delayed[:, None]
        diffusive = (self.conn_mat * (delayed - self.coupling_var2.value[None, :])).sum(0)
        return self._output(diffusive)


class AdditiveCoupling(DelayCoupling):
    """Additive coupling (BrainPy's `bp.dyn.AdditiveCoupling`): each step adds
    `sum_i conn_mat[i, j] * coupling_var[i](t - delay_ij)` to every Variable of
    `var_to_output`.

    **Arguments:**

    - `coupling_var`: the delayed Variable, e.g. `fhn.x`.
    - `var_to_output`, `conn_mat` (`(num, num)`), `delay_steps`, `initial_delay_data`:
      as for `DiffusiveCoupling`.

    ```python
    coupling = eqbrain.dyn.AdditiveCoupling(fhn.x, fhn.input, conn_mat=0.1 * jnp.ones((4, 4)))
    ```
    """

    coupling_var: Variable

    def __init__(
        self,
        coupling_var: Variable,
        var_to_output: Variable | Sequence[Variable],
        conn_mat: Any,
        delay_steps: Delays = None,
        initial_delay_data: Any = None,
        name: str | None = None,
        mode: Any = None,
    ):
        var = _variable(coupling_var, "coupling_var", "AdditiveCoupling")
        n = var.shape[0]
        super().__init__(
            var,
            var_to_output,
            conn_mat,
            (n, n),
            delay_steps,
            initial_delay_data,
            name=name,
            mode=mode,
        )
        self.coupling_var = var

    def update(self) -> jax.Array:
        """Add this step's coupling to the outputs; returns it."""
        delayed = self._delayed()
        if delayed.ndim == 1:
            return self._output(delayed @ self.conn_mat)
        return self._output((self.conn_mat * delayed).sum(0))
