"""The division rule: the one home of every ratio and of the F1 formula newsbench reports.

Precision, recall and F1 are ratios of summed counts. A ratio whose denominator
is empty is *not applicable*: ``None`` from :func:`ratio` (``null`` in JSON, "n/a"
in tables) and ``NaN`` from :func:`ratios` (numpy arrays, for the bootstrap) —
never 0, so a category with no gold and no predictions does not read as a
failure. A positive denominator always gives a number, zero included.

F1 is the harmonic mean ``2PR / (P + R)`` (:func:`f1`). It is not applicable only
when precision and recall both are; when one of them is (no predictions, or no
gold), the credit is necessarily 0 and F1 is 0, which equals the count form
``2·credit / (predicted + gold)`` used by scikit-learn (>= 1.3) and seqeval.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

#: Value a scalar ratio takes when its denominator is zero ("not applicable").
ZERO_DIVISION = None

FloatArray = npt.NDArray[np.float64]


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator`` as a plain float, or ``None`` (not applicable) when the denominator is 0.

    >>> ratio(1, 4), ratio(0, 3), ratio(0, 0)
    (0.25, 0.0, None)
    """
    return float(numerator) / float(denominator) if denominator else ZERO_DIVISION


def ratios(numerator: npt.ArrayLike, denominator: npt.ArrayLike) -> FloatArray:
    """:func:`ratio` elementwise over broadcast numpy arrays, ``NaN`` where not applicable.

    >>> ratios([1.0, 0.0], [4.0, 0.0]).tolist()
    [0.25, nan]
    """
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    out = np.full(np.broadcast_shapes(num.shape, den.shape), np.nan, dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


@overload
def f1(precision: float | None, recall: float | None) -> float | None: ...
@overload
def f1(precision: FloatArray, recall: FloatArray) -> FloatArray: ...
def f1(precision: float | None | FloatArray, recall: float | None | FloatArray) -> float | None | FloatArray:
    """The harmonic mean ``2PR / (P + R)``; not applicable only when both P and R are; 0 when P + R = 0.

    >>> f1(0.5, 1.0) == 2 / 3, f1(0.0, 0.0), f1(None, 0.0), f1(None, None)
    (True, 0.0, 0.0, None)
    """
    if isinstance(precision, np.ndarray) or isinstance(recall, np.ndarray):
        p = np.asarray(precision, dtype=np.float64)
        r = np.asarray(recall, dtype=np.float64)
        both_missing = np.isnan(p) & np.isnan(r)
        p0, r0 = np.nan_to_num(p, nan=0.0), np.nan_to_num(r, nan=0.0)
        out = np.zeros(np.broadcast_shapes(p.shape, r.shape), dtype=np.float64)
        np.divide(2 * p0 * r0, p0 + r0, out=out, where=(p0 + r0) != 0)
        out[np.broadcast_to(both_missing, out.shape)] = np.nan
        return out
    if precision is None and recall is None:
        return None
    p_, r_ = float(precision or 0.0), float(recall or 0.0)
    return 2 * p_ * r_ / (p_ + r_) if p_ + r_ else 0.0
