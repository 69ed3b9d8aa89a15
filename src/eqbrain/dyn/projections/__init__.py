"""Projections and the connectivity they propagate spikes through (`bp.dyn`'s
projections, with `bp.conn`'s connectors as event-driven layers)."""

from ._aliases import (
    FullProjAlignPostMg as FullProjAlignPostMg,
    FullProjAlignPreDSMg as FullProjAlignPreDSMg,
    FullProjAlignPreSDMg as FullProjAlignPreSDMg,
    HalfProjAlignPostMg as HalfProjAlignPostMg,
    ProjAlignPostMg1 as ProjAlignPostMg1,
    ProjAlignPostMg2 as ProjAlignPostMg2,
    ProjAlignPreMg1 as ProjAlignPreMg1,
    ProjAlignPreMg2 as ProjAlignPreMg2,
)
from ._align_post import AlignPostProj as AlignPostProj, Projection as Projection
from ._connect import (
    All2All as All2All,
    CSRConn as CSRConn,
    FixedPostNum as FixedPostNum,
    FixedPreNum as FixedPreNum,
    FixedTotalNum as FixedTotalNum,
    IJConn as IJConn,
    One2One as One2One,
    SparseConn as SparseConn,
)
from ._delay_conn import DelayConn as DelayConn
from ._draws import (
    fixed_indegree_pairs as fixed_indegree_pairs,
    fixed_total_pairs as fixed_total_pairs,
)
from ._fixedprob import FixedProb as FixedProb
from ._full import (
    FullProjAlignPost as FullProjAlignPost,
    FullProjAlignPre as FullProjAlignPre,
    FullProjAlignPreDS as FullProjAlignPreDS,
)
from ._plasticity import STDP_Song2000 as STDP_Song2000

__all__ = [
    "AlignPostProj",
    "All2All",
    "CSRConn",
    "DelayConn",
    "FixedPostNum",
    "FixedPreNum",
    "FixedProb",
    "FixedTotalNum",
    "FullProjAlignPost",
    "FullProjAlignPostMg",
    "FullProjAlignPre",
    "FullProjAlignPreDS",
    "FullProjAlignPreDSMg",
    "FullProjAlignPreSDMg",
    "HalfProjAlignPostMg",
    "IJConn",
    "One2One",
    "ProjAlignPostMg1",
    "ProjAlignPostMg2",
    "ProjAlignPreMg1",
    "ProjAlignPreMg2",
    "Projection",
    "STDP_Song2000",
    "SparseConn",
    "fixed_indegree_pairs",
    "fixed_total_pairs",
]
