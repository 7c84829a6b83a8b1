"""The division rule: the one home of every ratio and of the F1 formula newsbench reports.

Precision, recall and F1 are ratios of summed counts. :data:`ZERO_DIVISION` is
what a ratio with an empty denominator yields — the scorer (:func:`ratio`, one
pair of floats) and the bootstrap (:func:`ratios`, numpy arrays elementwise) both
read it here, so changing that outcome is a one-line change. F1 is the harmonic
mean ``2PR / (P + R)`` under the same rule (:func:`f1`, scalar or array).
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

#: Value a ratio takes when its denominator is zero.
ZERO_DIVISION = 0.0

FloatArray = npt.NDArray[np.float64]


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator`` as a plain float, or :data:`ZERO_DIVISION` when the denominator is 0.

    >>> ratio(1, 4), ratio(0, 0)
    (0.25, 0.0)
    """
    return float(numerator) / float(denominator) if denominator else float(ZERO_DIVISION)


def ratios(numerator: npt.ArrayLike, denominator: npt.ArrayLike) -> FloatArray:
    """:func:`ratio` elementwise over broadcast numpy arrays.

    >>> ratios([1.0, 0.0], [4.0, 0.0]).tolist()
    [0.25, 0.0]
    """
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    out = np.full(np.broadcast_shapes(num.shape, den.shape), ZERO_DIVISION, dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


@overload
def f1(precision: float, recall: float) -> float: ...
@overload
def f1(precision: FloatArray, recall: FloatArray) -> FloatArray: ...
def f1(precision: float | FloatArray, recall: float | FloatArray) -> float | FloatArray:
    """The harmonic mean ``2PR / (P + R)`` of precision and recall (the division rule when both are 0).

    >>> f1(0.5, 1.0) == 2 / 3, f1(0.0, 0.0)
    (True, 0.0)
    """
    if isinstance(precision, np.ndarray) or isinstance(recall, np.ndarray):
        return ratios(2 * np.asarray(precision) * np.asarray(recall), np.asarray(precision) + np.asarray(recall))
    return ratio(2 * precision * recall, precision + recall)
