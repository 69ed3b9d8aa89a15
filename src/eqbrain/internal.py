"""The extension API: what eqbrain's own layers use to build transforms, collectors and
file formats on the object model, and to declare a model's parameters. Unstable: names
here may change in any release.

```python
from eqbrain.internal import StateTrace, raw_values
from eqbrain.internal import built, initial, param   # a new eqbrain.dyn.Population
```
"""

from ._core import (
    ArraySlot as ArraySlot,
    OwnerBound as OwnerBound,
    StateTrace as StateTrace,
    active_recorder as active_recorder,
    array_entries as array_entries,
    collect_nodes as collect_nodes,
    collect_vars as collect_vars,
    current_trace as current_trace,
    entries as entries,
    is_eager as is_eager,
    is_plain_array as is_plain_array,
    load_checked as load_checked,
    raw_values as raw_values,
    set_raw_values as set_raw_values,
    shape_without as shape_without,
    state_entries as state_entries,
    walk as walk,
    write_all as write_all,
)
from .dyn._population import (
    Init as Init,
    Param as Param,
    built as built,
    declared as declared,
    init_array as init_array,
    init_param as init_param,
    initial as initial,
    name_key as name_key,
    option as option,
    param as param,
)

__all__ = [
    "ArraySlot",
    "Init",
    "OwnerBound",
    "Param",
    "StateTrace",
    "active_recorder",
    "array_entries",
    "built",
    "collect_nodes",
    "collect_vars",
    "current_trace",
    "declared",
    "entries",
    "init_array",
    "init_param",
    "initial",
    "is_eager",
    "is_plain_array",
    "load_checked",
    "name_key",
    "option",
    "param",
    "raw_values",
    "set_raw_values",
    "shape_without",
    "state_entries",
    "walk",
    "write_all",
]
