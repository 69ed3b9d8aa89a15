"""The ions whose concentration and reversal potential stay fixed: `SodiumFixed`,
`PotassiumFixed`, `CalciumFixed`, and the base of each species."""

from __future__ import annotations

from typing import Any

from .._population import Size, param
from ._base import Ion


class Sodium(Ion):
    """The base of sodium ions (BrainPy's `bp.dyn.Sodium`): sodium channels (`INa_*v2`)
    sit in one."""

    KIND = "Sodium"


class Potassium(Ion):
    """The base of potassium ions (BrainPy's `bp.dyn.Potassium`): potassium channels
    (`IK*v2`, `IK_Leak`) sit in one."""

    KIND = "Potassium"


class Calcium(Ion):
    """The base of calcium ions (BrainPy's `bp.dyn.Calcium`): calcium channels (`ICa*`)
    and the calcium-dependent `IAHP_De1994`, `Ih_De1996` sit in one."""

    KIND = "Calcium"


class SodiumFixed(Sodium):
    """A sodium ion of fixed reversal potential `E` (50 mV) and concentration `C`
    (BrainPy's `bp.dyn.SodiumFixed`).

    ```python
    na = eqbrain.dyn.SodiumFixed(1, INa=eqbrain.dyn.INa_HH1952v2(1))
    ```
    """

    E: Any = param(default=50.0)
    C: Any = param(default=0.0400811)

    def __init__(self, size: Size, *args: Any, name: str | None = None, **kwargs: Any):
        """`size`, the parameters above, and the channels it holds, by keyword."""
        super().__init__(size, *args, name=name, **kwargs)


class PotassiumFixed(Potassium):
    """A potassium ion of fixed reversal potential `E` (-95 mV) and concentration `C`
    (BrainPy's `bp.dyn.PotassiumFixed`).

    ```python
    k = eqbrain.dyn.PotassiumFixed(1, IK=eqbrain.dyn.IK_HH1952v2(1))
    ```
    """

    E: Any = param(default=-95.0)
    C: Any = param(default=0.0400811)

    def __init__(self, size: Size, *args: Any, name: str | None = None, **kwargs: Any):
        """`size`, the parameters above, and the channels it holds, by keyword."""
        super().__init__(size, *args, name=name, **kwargs)


class CalciumFixed(Calcium):
    """A calcium ion of fixed reversal potential `E` (120 mV) and concentration `C`
    (BrainPy's `bp.dyn.CalciumFixed`).

    ```python
    ca = eqbrain.dyn.CalciumFixed(1, ICa=eqbrain.dyn.ICaL_IS2008(1))
    ```
    """

    E: Any = param(default=120.0)
    C: Any = param(default=2.4e-4)

    def __init__(self, size: Size, *args: Any, name: str | None = None, **kwargs: Any):
        """`size`, the parameters above, and the channels it holds, by keyword."""
        super().__init__(size, *args, name=name, **kwargs)
