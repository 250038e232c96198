r"""Prominent dips of the log-speed of a run, with their half-prominence intervals (private).

Used by :func:`saddlepath.analysis.find_plateaus`: a dip is a local minimum of
:math:`\log_{10}\|d\beta/d\tau\|_\infty` whose prominence (how far the speed must rise on
both sides before it can fall lower, ``scipy.signal.find_peaks`` on the negated signal) is
at least ``min_depth`` decades; its interval is where the log-speed stays below the
half-prominence level (``scipy.signal.peak_widths``), interpolated in τ.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dips"]


def dips(speed: np.ndarray, tau: np.ndarray, min_depth: float) -> list[dict]:
    """Prominent local minima of the log-speed, with half-prominence intervals."""
    from scipy.signal import find_peaks, peak_widths  # ~0.4 s to import: only when used

    n = speed.size
    pad = float(speed.max()) + 1e3  # the ends count as rising without limit
    signal = -np.concatenate(([pad], speed, [pad]))
    peaks, props = find_peaks(signal, prominence=min_depth)
    left_base, right_base = props["left_bases"], props["right_bases"]
    prominence = _one_sided(signal, peaks, left_base, right_base, min_depth)
    keep = (peaks >= 1) & (peaks <= n) & (prominence >= min_depth)
    peaks, prominence = peaks[keep], prominence[keep]
    _, _, left, right = peak_widths(
        signal,
        peaks,
        rel_height=0.5,
        prominence_data=(prominence, left_base[keep], right_base[keep]),
    )
    grid = np.arange(n)
    start = np.interp(np.clip(left - 1, 0, n - 1), grid, tau)
    end = np.interp(np.clip(right - 1, 0, n - 1), grid, tau)
    return [
        {
            "index": int(p - 1),
            "start": float(a),
            "end": float(b),
            "depth": float(h),
            "distance": np.nan,
        }
        for p, a, b, h in zip(peaks, start, end, prominence, strict=True)
    ]


def _one_sided(signal, peaks, left_base, right_base, min_depth) -> np.ndarray:
    """Prominences that ignore the padding: a side that reaches an end uses its real minimum.

    A dip next to an end of the run is measured on its other side only; the slowest point
    of the whole run is measured against the higher of the two real minima around it. A
    side that reaches an end while the speed rises by less than ``min_depth`` on it counts
    as open (the run starts or ends on the plateau): a wiggle of the speed between the
    dip and the end of the run must not hide the dip (a deep network's gradient first
    falls a little while it aligns with the escape direction, then grows by decades).
    """
    last = signal.size - 1
    out = np.empty(peaks.size)
    for j, (p, lb, rb) in enumerate(zip(peaks, left_base, right_base, strict=True)):
        left = signal[lb] if lb > 0 else (signal[1:p].min() if p > 1 else -np.inf)
        right = (
            signal[rb] if rb < last else (signal[p + 1 : last].min() if p < last - 1 else -np.inf)
        )
        if lb == 0 and signal[p] - left < min_depth:
            left = -np.inf
        if rb == last and signal[p] - right < min_depth:
            right = -np.inf
        base = max(left, right)
        out[j] = signal[p] - base if np.isfinite(base) else 0.0
    return out
