"""The object model: Variable cells, Module, names, collectors, state dicts, placement.

Private: the other layers import only the names listed here; users import them from
`eqbrain` (the object model) or `eqbrain.internal` (the extension API).
"""

from ._arrays import ArraySlot as ArraySlot, is_plain_array as is_plain_array
from ._collect import (
    array_entries as array_entries,
    collect_nodes as collect_nodes,
    collect_vars as collect_vars,
    entries as entries,
    state_entries as state_entries,
    walk as walk,
)
from ._collector import (
    ArrayCollector as ArrayCollector,
    Collector as Collector,
    TensorCollector as TensorCollector,
)
from ._containers import (
    NodeDict as NodeDict,
    NodeList as NodeList,
    VarDict as VarDict,
    VarList as VarList,
    node_dict as node_dict,
    node_list as node_list,
    structure_version as structure_version,
    var_dict as var_dict,
    var_list as var_list,
)
from ._filters import (
    partition_trainable as partition_trainable,
    trainable_filter as trainable_filter,
)
from ._module import BrainPyObject as BrainPyObject, Module as Module
from ._naming import clear_name_cache as clear_name_cache, name_scope as name_scope
from ._owner import OwnerBound as OwnerBound
from ._sharding import shard as shard
from ._state import StateLoadResult as StateLoadResult, load_checked as load_checked
from ._trace import (
    StateTrace as StateTrace,
    active_recorder as active_recorder,
    current_trace as current_trace,
    is_eager as is_eager,
    state_lock as state_lock,
    top_level as top_level,
    top_level_lock as top_level_lock,
)
from ._variable import (
    Parameter as Parameter,
    TrainVar as TrainVar,
    Variable as Variable,
    is_trainable as is_trainable,
    is_variable as is_variable,
    raw_values as raw_values,
    set_raw_values as set_raw_values,
    shape_without as shape_without,
    write_all as write_all,
)
from ._view import VariableView as VariableView
