"""Deprecated: the object model is `eqbrain`'s (`eqbrain.Variable`, ...) and the
extension API is `eqbrain.internal`."""

from ._deprecated import moved_names

_PUBLIC = (
    "ArrayCollector BrainPyObject Collector Module NodeDict NodeList Parameter "
    "StateLoadResult TensorCollector TrainVar VarDict VarList Variable VariableView "
    "clear_name_cache is_trainable is_variable partition_trainable shard trainable_filter"
).split()
_INTERNAL = (
    "ArraySlot OwnerBound StateTrace active_recorder array_entries collect_nodes "
    "collect_vars current_trace entries is_eager is_plain_array load_checked raw_values "
    "set_raw_values shape_without state_entries walk write_all"
).split()

__all__: list[str] = []
__getattr__ = moved_names(
    __name__,
    {**{n: f"eqbrain.{n}" for n in _PUBLIC}, **{n: f"eqbrain.internal.{n}" for n in _INTERNAL}},
)
