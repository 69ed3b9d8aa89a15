"""The extension API: what eqbrain's own layers use to build transforms, collectors and
file formats on the object model. Unstable: names here may change in any release.

```python
from eqbrain.internal import StateTrace, raw_values
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
    structure_version as structure_version,
    walk as walk,
    write_all as write_all,
)

__all__ = [
    "ArraySlot",
    "OwnerBound",
    "StateTrace",
    "active_recorder",
    "array_entries",
    "collect_nodes",
    "collect_vars",
    "current_trace",
    "entries",
    "is_eager",
    "is_plain_array",
    "load_checked",
    "raw_values",
    "set_raw_values",
    "shape_without",
    "state_entries",
    "structure_version",
    "walk",
    "write_all",
]
