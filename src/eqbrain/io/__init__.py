"""Checkpoint files (safetensors, orbax), BrainPy interop and model summaries.

```python
eqbrain.io.save("net.safetensors", net)      # also eqbrain.save
eqbrain.io.load("net.safetensors", net)
```
"""

from ._brainpy import (
    BrainPyFormatError as BrainPyFormatError,
    load_brainpy as load_brainpy,
    read_brainpy as read_brainpy,
)
from ._checkpoint import (
    CheckpointError as CheckpointError,
    load as load,
    read_metadata as read_metadata,
    read_state as read_state,
    save as save,
)
from ._orbax import load_orbax as load_orbax, save_orbax as save_orbax
from ._summary import Summary as Summary, summary as summary

__all__ = [
    "BrainPyFormatError",
    "CheckpointError",
    "Summary",
    "load",
    "load_brainpy",
    "load_orbax",
    "read_brainpy",
    "read_metadata",
    "read_state",
    "save",
    "save_orbax",
    "summary",
]
