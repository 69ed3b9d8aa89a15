"""Names that moved, kept for one release: reading one warns and says where it is now.

A namespace lists its moved names as `{old: "new.dotted.path"}` and gets its module
`__getattr__` from `moved_names`:

```python
__getattr__ = moved_names(__name__, {"Integrator": "eqbrain.ODEIntegrator"})
```
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any

REMOVED_IN = "0.3"


def _resolve(path: str) -> Any:
    module, _, name = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except AttributeError:
        return importlib.import_module(path)


def moved_names(
    namespace: str, moved: Mapping[str, str], shims: tuple[str, ...] = ()
) -> Callable[[str], Any]:
    """A module `__getattr__` that serves `moved` names with a `DeprecationWarning`, and
    imports the deprecated submodules `shims` (which warn when their names are read)."""

    def __getattr__(name: str) -> Any:
        if name in shims:
            return importlib.import_module(f"{namespace}.{name}")
        if name not in moved:
            raise AttributeError(f"module {namespace!r} has no attribute {name!r}")
        warnings.warn(
            f"{namespace}.{name} has moved: use {moved[name]} (the old name goes in "
            f"eqbrain {REMOVED_IN}).",
            DeprecationWarning,
            stacklevel=2,
        )
        return _resolve(moved[name])

    return __getattr__
