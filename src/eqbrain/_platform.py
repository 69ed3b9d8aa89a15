"""The JAX settings every BrainPy script starts with: BrainPy's `bm.set_platform`,
`bm.enable_x64`, `bm.disable_x64` and `bm.set_host_device_count`, on `jax.config`.

The platform and the number of host devices are read once, when JAX starts its
backends (the first array or computation); setting them later raises instead of
being ignored.
"""

from __future__ import annotations

import os
import re
from typing import Any

import jax

PLATFORMS = ("cpu", "gpu", "tpu")

_TOO_LATE_MSG = """\
{what} must be called before JAX starts its backends, i.e. right after `import eqbrain` \
and before the first array or computation; JAX has started them already (devices: \
{devices}). Move the call to the top of the script, or set it from outside: \
{outside}."""


def _backends_started() -> bool:
    """Whether JAX has started its backends (then the platform and devices are fixed)."""
    # JAX refuses to change `jax_num_cpu_devices` once they are: try a change, undo it.
    current = jax.config.values["jax_num_cpu_devices"]
    try:
        jax.config.update("jax_num_cpu_devices", 2 if current == 1 else 1)
    except RuntimeError:
        return True
    jax.config.update("jax_num_cpu_devices", current)
    return False


def _too_late(what: str, outside: str) -> RuntimeError:
    return RuntimeError(_TOO_LATE_MSG.format(what=what, devices=jax.devices(), outside=outside))


def set_platform(platform: str) -> None:
    """Run on `'cpu'`, `'gpu'` or `'tpu'`, as BrainPy's `bm.set_platform(platform)`.

    Call it first, before any array is made: afterwards JAX's platform is fixed and
    this raises `RuntimeError`.

    ```python
    import eqbrain
    eqbrain.set_platform("cpu")
    ```
    """
    if platform not in PLATFORMS:
        raise ValueError(f"platform must be one of {PLATFORMS}, got {platform!r}.")
    if _backends_started():
        if jax.devices()[0].platform == platform:
            return
        raise _too_late(f"set_platform({platform!r})", f"JAX_PLATFORMS={platform}")
    jax.config.update("jax_platforms", platform)


def enable_x64(x64: Any = None) -> None:
    """Compute in 64-bit floats and ints by default, as BrainPy's `bm.enable_x64()`.

    Arrays made before keep their dtype; new ones (and models built after) are
    float64. `enable_x64(False)` is `disable_x64()`.

    ```python
    eqbrain.enable_x64()
    jnp.ones(2).dtype   # float64
    ```
    """
    if x64 is None:
        x64 = True
    if not isinstance(x64, bool):
        raise TypeError(f"x64 must be True, False or None, got {x64!r}.")
    jax.config.update("jax_enable_x64", x64)


def disable_x64() -> None:
    """Back to 32-bit floats and ints by default, as BrainPy's `bm.disable_x64()`."""
    jax.config.update("jax_enable_x64", False)


def set_host_device_count(n: int) -> None:
    """Split the CPU into `n` JAX devices, as BrainPy's `bm.set_host_device_count(n)`
    (for `jax.pmap`, sharding and `eqbrain.shard` on a CPU).

    It sets `--xla_force_host_platform_device_count=n` in `XLA_FLAGS`, which XLA reads
    when JAX starts its backends: call it first, before any array is made; afterwards
    it raises `RuntimeError`.

    ```python
    import eqbrain
    eqbrain.set_host_device_count(4)
    len(jax.devices("cpu"))   # 4
    ```
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a whole number of devices >= 1, got {n!r}.")
    if _backends_started():
        if len(jax.devices("cpu")) == n:
            return
        flag = f"XLA_FLAGS=--xla_force_host_platform_device_count={n}"
        raise _too_late(f"set_host_device_count({n})", flag)
    flags = re.sub(r"--xla_force_host_platform_device_count=\S+", "", os.getenv("XLA_FLAGS", ""))
    os.environ["XLA_FLAGS"] = " ".join(
        [f"--xla_force_host_platform_device_count={n}", *flags.split()]
    )
    jax.config.update("jax_num_cpu_devices", n)
