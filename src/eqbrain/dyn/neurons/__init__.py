"""Neuron and rate models with BrainPy 2.x's equations, parameters and initial values."""

from ._adex import AdEx as AdEx, AdExIF as AdExIF, AdExIFRef as AdExIFRef
from ._adquaif import AdQuaIF as AdQuaIF, AdQuaIFRef as AdQuaIFRef
from ._base import SpikingNeuron as SpikingNeuron
from ._expif import ExpIF as ExpIF, ExpIFRef as ExpIFRef
from ._gif import Gif as Gif, GifRef as GifRef
from ._hh import HH as HH
from ._izhikevich import Izhikevich as Izhikevich, IzhikevichRef as IzhikevichRef
from ._lif import IF as IF, LIF as LIF, Lif as Lif, LifRef as LifRef
from ._morris_lecar import MorrisLecar as MorrisLecar
from ._ou_process import OUProcess as OUProcess
from ._quaif import QuaIF as QuaIF, QuaIFRef as QuaIFRef

__all__ = [
    "AdEx",
    "AdExIF",
    "AdExIFRef",
    "AdQuaIF",
    "AdQuaIFRef",
    "ExpIF",
    "ExpIFRef",
    "Gif",
    "GifRef",
    "HH",
    "IF",
    "Izhikevich",
    "IzhikevichRef",
    "LIF",
    "Lif",
    "LifRef",
    "MorrisLecar",
    "OUProcess",
    "QuaIF",
    "QuaIFRef",
    "SpikingNeuron",
]
