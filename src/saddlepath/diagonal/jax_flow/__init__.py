r"""Batched gradient flows of diagonal networks in JAX (optional backend).

``batched_flow`` runs many exact flows :math:`ds/d\tau = -\nabla L(\beta)` at once — over
α values, data sets and initialisations — vmapped on whatever device JAX finds (CPU or
GPU). Importing this package does not import JAX; calling ``batched_flow`` does, and
raises an ``ImportError`` naming ``pip install "saddlepath[jax]"`` when it is missing.

Solver choice (``solver="auto"``)
---------------------------------
Measured on this project's 2-core CPU development machine (jax 0.10, diffrax 0.7, shared
with other jobs, so ±30%): whole path of a Gaussian (n, d) = (20, 50) problem with a
5-sparse target (14 jumps, τ ∈ [0, 5.4], 203 saved times), float64, ``rtol=1e-6``,
best of 3 after compilation. Steps are accepted steps.

=========  ==================  ==================  ==================  ==================
α          Tsit5               Kvaerno5 + Chord    Kvaerno4 + Chord    Dopri8
=========  ==================  ==================  ==================  ==================
1e-10      8 ms, 448 steps     113 ms, 238         313 ms, 802         17 ms, 289
1e-100     72 ms, 2,813        347 ms, 590         740 ms, 1,712       102 ms, 1,903
1e-300     163 ms, 7,882       634 ms, 759         1.1 s, 2,146        162 ms, 5,336
1e-1000    361 ms, 25,562      714 ms, 918         936 ms, 2,511       528 ms, 17,323
=========  ==================  ==================  ==================  ==================

Batched (the way ``batched_flow`` runs them), 64 flows of that problem, one vmapped solve:

=========  ===========  ===========  ===========
α          Tsit5        Kvaerno5     Dopri8
=========  ===========  ===========  ===========
1e-100     2.1 s        13.2 s       2.8 s
1e-1000    16.8 s       21.5 s       24.5 s
1e-3000    51 s         25 s         72 s
=========  ===========  ===========  ===========

and at (n, d) = (50, 200), 16 flows, α = 1e-3000: Tsit5 8.9 s (19,093 steps), Kvaerno5
49 s (397 steps). Findings:

* Explicit steps grow like λ = ln(1/α) (about 11 per unit of λ here: the step is capped by
  stability on the plateaus), implicit ones barely (238 → 1,024 from 1e-10 to 1e-3000).
  Per flow-step, Kvaerno5 costs 33× Tsit5 at d = 50 and 260× at d = 200 (a dense d × d
  Jacobian and LU per stage), so Tsit5 wins up to λ ≈ 3000 (α ≈ 1e-1300) at d = 50 and
  λ ≈ 4·10⁴ at d = 200. ``"auto"`` = Tsit5 unless λ > 1.2·max(d, 50)² (float64 only).
* Kvaerno5 with diffrax's default ``VeryChord`` root finder accepted **zero** steps
  (200,000 rejected) at every α; an explicit ``optimistix.Chord`` or ``Newton`` works
  (Chord is cheaper). Asking the root finder for 1e-9 on s stalls it at α = 1e-1000; its
  tolerance is therefore 100× the step tolerance, floored at 1e-8.
* Tolerances act on the log-weights S = λs: with plain tolerances on s, Tsit5's β error
  grew like λ (9e-3 at α = 1e-1000 for ``rtol=1e-6``); with ``rtol/λ`` on s every solver
  stays at max |Δβ| / max |β| ≤ 6e-6 over the whole grid (≤ 1.5e-6 mid-plateau) against the NumPy
  ``gradient_flow`` (rtol=1e-10), for no extra Tsit5 steps (its steps are
  stability-bound).
* On a GPU (one H100, 2026-11-22), 1024 flows of a (200, 1000) problem over the whole
  path took 2.3 s at α = 1e-10, 2.8 s at 1e-100 and 6.6 s at 1e-1000 with Tsit5. With
  Kvaerno5 they did not finish within 280 s at α = 1e-100 or 1e-1000, so ``"auto"``
  holds there too. At other sizes or extreme λ, rerun ``benchmarks/batched_flow.py``
  with ``--solver kvaerno5`` to check.
"""

from saddlepath.diagonal.jax_flow._batched import batched_flow
from saddlepath.diagonal.jax_flow._result import BatchedTrajectories

__all__ = ["BatchedTrajectories", "batched_flow"]
