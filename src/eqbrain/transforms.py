"""Deprecated: the in-place transforms are in `eqbrain`'s namespace (`eqbrain.jit`, ...)."""

from ._deprecated import moved_names

_MOVED = (
    "FunAsObject ObjectTransform Partial ProgressBar cls_jit cond for_loop function grad "
    "hessian ifelse jacfwd jacobian jacrev jit scan to_object value_and_grad vector_grad "
    "while_loop"
).split()

__all__: list[str] = []
__getattr__ = moved_names(__name__, {n: f"eqbrain.{n}" for n in _MOVED})
