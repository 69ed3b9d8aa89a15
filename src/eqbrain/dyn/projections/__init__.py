"""Projections and the connectivity they propagate spikes through (`bp.dyn`'s
projections, with `bp.conn`'s connectors as event-driven layers)."""

from ._align_post import AlignPostProj as AlignPostProj
from ._connect import (
    All2All as All2All,
    CSRConn as CSRConn,
    FixedPostNum as FixedPostNum,
    FixedPreNum as FixedPreNum,
    IJConn as IJConn,
    One2One as One2One,
    SparseConn as SparseConn,
)
from ._fixedprob import FixedProb as FixedProb
from ._full import (
    FullProjAlignPost as FullProjAlignPost,
    FullProjAlignPre as FullProjAlignPre,
    FullProjAlignPreDS as FullProjAlignPreDS,
)

__all__ = [
    "AlignPostProj",
    "All2All",
    "CSRConn",
    "FixedPostNum",
    "FixedPreNum",
    "FixedProb",
    "FullProjAlignPost",
    "FullProjAlignPre",
    "FullProjAlignPreDS",
    "IJConn",
    "One2One",
    "SparseConn",
]
