"""Snapping speed dips to the critical points of F, and passes without a dip (private).

Used by :func:`saddlepath.analysis.find_plateaus` with the data: every dip gets its nearest
critical point (least squares on a support, :class:`SupportFits`), dips farther than
``max_distance`` are dropped and neighbouring dips at the same saddle merged.
"""

from __future__ import annotations

import numpy as np

from saddlepath.landscape.supports import SupportFits

_GAP = 10.0  # support cuts at ratios ≥ 10 between sorted |β_i| (see refine_equilibrium)


def snap(rows, trajectory, X, y, speed, max_distance, proximity, pass_evidence):
    """Attach the nearest critical point; drop far dips, merge repeats, add passes."""
    fits = SupportFits(X, y)
    points = range(len(trajectory.tau)) if proximity else [row["index"] for row in rows]
    near = {i: fits.nearest(trajectory.beta[i], _GAP) for i in points}
    kept: list[dict] = []
    for row in rows:
        support, distance = near[row["index"]][:2]
        row.update(distance=float(distance), key=tuple(support.tolist()))
        if distance > max_distance:
            continue
        if kept and kept[-1]["key"] == row["key"]:
            last = kept[-1]
            last["end"] = row["end"]
            if speed[row["index"]] < speed[last["index"]]:
                last.update(index=row["index"], depth=row["depth"], distance=row["distance"])
            continue
        kept.append(row)
    n_rejected = len(rows) - sum(1 for row in rows if row["distance"] <= max_distance)
    if proximity:
        keys = [tuple(near[i][0].tolist()) for i in points]
        dist = np.array([near[i][1] for i in points])
        seen = {r["key"] for r in kept}
        kept += _passes(trajectory.tau, keys, dist, max_distance, seen, pass_evidence)
    return sorted(kept, key=lambda r: r["index"]), n_rejected


def _passes(tau, keys, dist, max_distance, seen, evidence) -> list[dict]:
    """Closest approach to each critical point within ``max_distance`` not yet reported."""
    best: dict[tuple[int, ...], dict] = {}
    j = 0
    while j < len(keys):
        k = j
        while k + 1 < len(keys) and keys[k + 1] == keys[j]:
            k += 1
        run = np.arange(j, k + 1)
        i = int(run[np.argmin(dist[run])])
        if (
            keys[j] not in seen
            and dist[i] <= max_distance
            and (keys[j] not in best or dist[i] < best[keys[j]]["distance"])
        ):
            best[keys[j]] = {
                "index": i,
                "start": float(tau[j]),
                "end": float(tau[k]),
                "depth": 0.0,
                "distance": float(dist[i]),
                "key": keys[j],
                "evidence": evidence,
            }
        j = k + 1
    return list(best.values())
