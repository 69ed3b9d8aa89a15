"""Synaptic outputs: how a synapse's conductance becomes a current (`bp.dyn`'s outs)."""

from ._coba_cuba import COBA as COBA, CUBA as CUBA
from ._mg_block import MgBlock as MgBlock

__all__ = ["COBA", "CUBA", "MgBlock"]
