"""Butcher tableaus of BrainPy's explicit Runge-Kutta methods, fixed-step and embedded.

The coefficients are those of `brainpy.integrators.ode` (2.8), written as exact
fractions; Ralston's fourth-order method uses its exact closed form (BrainPy rounds it
to 8 digits). The tests check each tableau's order conditions and measure its order.
"""

from __future__ import annotations

from fractions import Fraction as F
from math import sqrt
from typing import NamedTuple


class ButcherTableau(NamedTuple):
    """An explicit Runge-Kutta method.

    - `a`: the Runge-Kutta matrix, row `i` holding `a[i][0..i-1]` (row 0 is empty).
    - `b`: the weights of the solution (BrainPy's `B`, or `B1` for embedded methods).
    - `c`: the nodes, `c[i] = sum(a[i])`.
    - `order`: the order of accuracy of the solution.
    - `b_embedded`: for an embedded (adaptive) pair, the weights of the other solution
      (BrainPy's `B2`); `b - b_embedded` estimates the local error. `None` otherwise.
    """

    a: tuple[tuple[float, ...], ...]
    b: tuple[float, ...]
    c: tuple[float, ...]
    order: int
    b_embedded: tuple[float, ...] | None = None

    @property
    def stages(self) -> int:
        """The number of stages (derivative evaluations per step)."""
        return len(self.b)


def _t(a, b, c, order, b_embedded=None) -> ButcherTableau:
    return ButcherTableau(
        a=tuple(tuple(float(x) for x in row) for row in a),
        b=tuple(float(x) for x in b),
        c=tuple(float(x) for x in c),
        order=order,
        b_embedded=None if b_embedded is None else tuple(float(x) for x in b_embedded),
    )


def rk2(beta: float = 2 / 3) -> ButcherTableau:
    """BrainPy's generic second-order method: `c2 = a21 = beta`, `b2 = 1/(2 beta)`.

    `beta = 1/2` is the midpoint method, `1` Heun's, `2/3` (the default) Ralston's.
    """
    if not (isinstance(beta, int | float) and 0 < beta <= 1):
        raise ValueError(f"rk2's beta must be a number in (0, 1], got {beta!r}.")
    return _t([(), (beta,)], [1 - 1 / (2 * beta), 1 / (2 * beta)], [0, beta], 2)


_S5 = sqrt(5.0)

FIXED: dict[str, ButcherTableau] = {
    "euler": _t([()], [1], [0], 1),
    "midpoint": _t([(), (F(1, 2),)], [0, 1], [0, F(1, 2)], 2),
    "heun2": _t([(), (1,)], [F(1, 2), F(1, 2)], [0, 1], 2),
    "ralston2": _t([(), (F(2, 3),)], [F(1, 4), F(3, 4)], [0, F(2, 3)], 2),
    "rk2": rk2(),
    "rk3": _t([(), (F(1, 2),), (-1, 2)], [F(1, 6), F(2, 3), F(1, 6)], [0, F(1, 2), 1], 3),
    "heun3": _t([(), (F(1, 3),), (0, F(2, 3))], [F(1, 4), 0, F(3, 4)], [0, F(1, 3), F(2, 3)], 3),
    "ralston3": _t(
        [(), (F(1, 2),), (0, F(3, 4))], [F(2, 9), F(1, 3), F(4, 9)], [0, F(1, 2), F(3, 4)], 3
    ),
    "ssprk3": _t([(), (1,), (F(1, 4), F(1, 4))], [F(1, 6), F(1, 6), F(2, 3)], [0, 1, F(1, 2)], 3),
    "rk4": _t(
        [(), (F(1, 2),), (0, F(1, 2)), (0, 0, 1)],
        [F(1, 6), F(1, 3), F(1, 3), F(1, 6)],
        [0, F(1, 2), F(1, 2), 1],
        4,
    ),
    "ralston4": _t(
        [
            (),
            (0.4,),
            ((-2889 + 1428 * _S5) / 1024, (3785 - 1620 * _S5) / 1024),
            (
                (-3365 + 2094 * _S5) / 6040,
                (-975 - 3046 * _S5) / 2552,
                (467040 + 203968 * _S5) / 240845,
            ),
        ],
        [
            (263 + 24 * _S5) / 1812,
            (125 - 1000 * _S5) / 3828,
            (3426304 + 1661952 * _S5) / 5924787,
            (30 - 4 * _S5) / 123,
        ],
        [0, 0.4, 7 / 8 - 3 * _S5 / 16, 1],
        4,
    ),
    "rk4_38rule": _t(
        [(), (F(1, 3),), (F(-1, 3), 1), (1, -1, 1)],
        [F(1, 8), F(3, 8), F(3, 8), F(1, 8)],
        [0, F(1, 3), F(2, 3), 1],
        4,
    ),
}

_BS = _t(
    [(), (F(1, 2),), (0, F(3, 4)), (F(2, 9), F(1, 3), F(4, 9))],
    [F(2, 9), F(1, 3), F(4, 9), 0],
    [0, F(1, 2), F(3, 4), 1],
    3,
    [F(7, 24), F(1, 4), F(1, 3), F(1, 8)],
)

EMBEDDED: dict[str, ButcherTableau] = {
    "rkf12": _t(
        [(), (F(1, 2),), (F(1, 256), F(255, 256))],
        [F(1, 512), F(255, 256), F(1, 512)],
        [0, F(1, 2), 1],
        2,
        [F(1, 256), F(255, 256), 0],
    ),
    "rkf45": _t(
        [
            (),
            (F(1, 4),),
            (F(3, 32), F(9, 32)),
            (F(1932, 2197), F(-7200, 2197), F(7296, 2197)),
            (F(439, 216), -8, F(3680, 513), F(-845, 4104)),
            (F(-8, 27), 2, F(-3544, 2565), F(1859, 4104), F(-11, 40)),
        ],
        [F(16, 135), 0, F(6656, 12825), F(28561, 56430), F(-9, 50), F(2, 55)],
        [0, F(1, 4), F(3, 8), F(12, 13), 1, F(1, 2)],
        5,
        [F(25, 216), 0, F(1408, 2565), F(2197, 4104), F(-1, 5), 0],
    ),
    "rkdp": _t(
        [
            (),
            (F(1, 5),),
            (F(3, 40), F(9, 40)),
            (F(44, 45), F(-56, 15), F(32, 9)),
            (F(19372, 6561), F(-25360, 2187), F(64448, 6561), F(-212, 729)),
            (F(9017, 3168), F(-355, 33), F(46732, 5247), F(49, 176), F(-5103, 18656)),
            (F(35, 384), 0, F(500, 1113), F(125, 192), F(-2187, 6784), F(11, 84)),
        ],
        [F(35, 384), 0, F(500, 1113), F(125, 192), F(-2187, 6784), F(11, 84), 0],
        [0, F(1, 5), F(3, 10), F(4, 5), F(8, 9), 1, 1],
        5,
        [
            F(5179, 57600),
            0,
            F(7571, 16695),
            F(393, 640),
            F(-92097, 339200),
            F(187, 2100),
            F(1, 40),
        ],
    ),
    "ck": _t(
        [
            (),
            (F(1, 5),),
            (F(3, 40), F(9, 40)),
            (F(3, 10), F(-9, 10), F(6, 5)),
            (F(-11, 54), F(5, 2), F(-70, 27), F(35, 27)),
            (F(1631, 55296), F(175, 512), F(575, 13824), F(44275, 110592), F(253, 4096)),
        ],
        [F(37, 378), 0, F(250, 621), F(125, 594), 0, F(512, 1771)],
        [0, F(1, 5), F(3, 10), F(3, 5), 1, F(7, 8)],
        5,
        [F(2825, 27648), 0, F(18575, 48384), F(13525, 55296), F(277, 14336), F(1, 4)],
    ),
    "bs": _BS,
    "BoSh3": _BS,
    "heun_euler": _t([(), (1,)], [F(1, 2), F(1, 2)], [0, 1], 2, [1, 0]),
}

NAMES: dict[str, str] = {
    "euler": "forward Euler",
    "midpoint": "the explicit midpoint method",
    "heun2": "Heun's method",
    "ralston2": "Ralston's second-order method",
    "rk2": "the generic second-order method (beta = 2/3: Ralston's)",
    "rk3": "Kutta's third-order method",
    "heun3": "Heun's third-order method",
    "ralston3": "Ralston's third-order method",
    "ssprk3": "the third-order strong-stability-preserving method",
    "rk4": "the classical Runge-Kutta method",
    "ralston4": "Ralston's fourth-order method",
    "rk4_38rule": "Kutta's 3/8 rule",
    "rkf12": "Runge-Kutta-Fehlberg 1(2)",
    "rkf45": "Runge-Kutta-Fehlberg 4(5)",
    "rkdp": "Dormand-Prince 5(4)",
    "ck": "Cash-Karp 5(4)",
    "bs": "Bogacki-Shampine 3(2)",
    "BoSh3": "Bogacki-Shampine 3(2)",
    "heun_euler": "Heun-Euler 2(1)",
}
