"""Moving a module's Variables between devices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jax

from ._collect import state_entries

if TYPE_CHECKING:
    from ._module import Module


def platform_device(platform: str) -> Any:  # a jax.Device (no static type)
    """The first device of `platform` ('cpu', 'gpu', 'tpu'), or a clear `RuntimeError`."""
    try:
        return jax.devices(platform)[0]
    except RuntimeError:
        available = ", ".join(f"{d.platform}:{d.id}" for d in jax.devices())
        raise RuntimeError(
            f"No {platform.upper()} device is available: this JAX installation has no "
            f"'{platform}' backend. Available devices: {available}. Install a JAX build "
            f"with {platform.upper()} support, or move the model with `.to(device)`."
        ) from None


def move(module: Module, device: Any) -> None:
    """`jax.device_put` every Variable and plain JAX array of `module` onto `device` (a
    device or sharding), each once; NumPy values stay on the host."""
    cells = {id(c): c for _, c in state_entries(module) if movable(c)}
    variables = list(cells.values())
    moved = jax.device_put([v.raw_value for v in variables], device)
    for var, value in zip(variables, moved):
        var.raw_value = value


def movable(cell: Any) -> bool:
    """Whether a device move replaces `cell`'s value: not for an array in a tuple (it
    cannot be replaced) or a NumPy value (it stays on the host)."""
    return getattr(cell, "writable", True) and not getattr(cell, "on_host", False)
