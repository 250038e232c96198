r"""Why the path jumps where it does: top unstable eigenvector against the dual rule.

At saddle :math:`\beta_k` of the exact path the Hessian of :math:`F` has the unstable
eigenvalues :math:`-|\partial_iL(\beta_k)|`, one per inactive coordinate
(:mod:`~saddlepath.landscape.spectrum`), so the *eigenvector rule* predicts that the next
coordinate is :math:`\arg\max_i|\partial_iL(\beta_k)|`. The jump actually happens when a dual
reaches ±1 (Algorithm 1): the *dual rule* predicts

.. math::

    j = \arg\min_{i:\ \beta_{k,i} = 0} \frac{1 + \mathrm{sign}(\partial_iL)\,s_{k,i}}
        {|\partial_iL(\beta_k)|},

the time until :math:`s_i(\tau) = s_{k,i} - (\tau - \tau_k)\,\partial_iL` reaches
:math:`-\mathrm{sign}(\partial_iL)`. The eigenvalue is only the instantaneous growth rate
:math:`2\lambda|\partial_iL|` of :math:`\log|\beta_i|`; where each coordinate starts,
:math:`\log|\beta_i| \approx -2\lambda(1 - |s_i|)`, is set by the accumulated dual, so a
coordinate with a smaller gradient but a dual nearer ±1 wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np

from saddlepath._summary import summary_repr
from saddlepath.analysis._checks import check_path, check_rtol, check_trajectory, check_xy
from saddlepath.analysis.dual_rule import JumpStatus, dual_times, jump_reason, jump_status
from saddlepath.analysis.plateaus import find_plateaus
from saddlepath.analysis.resolution import match_saddles
from saddlepath.landscape.equilibrium import limit_weights
from saddlepath.landscape.hessian import gram
from saddlepath.landscape.spectrum import CriticalPointType, SaddleSpectrum, spectrum_from_gram
from saddlepath.landscape.supports import drop_roundoff

__all__ = ["JumpExplanation", "JumpStatus", "explain_jumps"]

_WHERE = "explain_jumps"


@dataclass(frozen=True, eq=False)
class JumpExplanation:
    r"""Saddle ``k`` of the exact path and the jump that leaves it (0-based coordinates).

    Attributes
    ----------
    saddle_index : int
        ``k``, the position on the path (0 is the origin).
    tau : float
        Accelerated time :math:`\tau_k` at which the path reaches the saddle.
    beta : ndarray of shape (n_features,)
    loss : float
    classification : CriticalPointType
    morse_index : int
        Number of negative Hessian eigenvalues (= inactive coordinates with
        :math:`\partial_iL \ne 0`).
    unstable_eigenvalues : ndarray
        The negative eigenvalues, most negative first.
    top_eigen_coordinate : int or None
        Coordinate dominating the eigenvector of the most negative eigenvalue.
    dual_rule_coordinate : int or None
        :math:`\arg\min_i (1 \mp s_i)/|\partial_iL|` over the inactive coordinates.
    dual_rule_times : ndarray of shape (n_features,)
        :math:`(1 + \mathrm{sign}(\partial_iL)s_i)/|\partial_iL|` (``inf`` for active
        coordinates and zero gradients): accelerated time until each dual reaches ±1.
    entered, left : tuple of int
        Coordinates that become non-zero / zero at the next jump.
    angle : float
        Angle in radians between the top eigenvector's β-direction
        (:attr:`SaddleSpectrum.unstable_beta_directions`) and the jump
        :math:`\beta_{k+1} - \beta_k`; NaN at the last saddle.
    status : JumpStatus
        Which rule predicted the entering coordinate (also as :attr:`agrees` and
        :attr:`dual_rule_agrees`).
    reason : str
        The numbers behind the verdict, in words.
    observed_tau, observed_iteration, observed_entered, observed_top_eigen_coordinate,
    observed_angle
        From a trajectory, when one is given: the accelerated time and GD iteration at which
        the run reaches this saddle (start of its plateau; NaN / None when the run does not
        resolve it), the coordinates entering by its next plateau, the
        finite-α top eigenvector there and its angle with the run's own jump.
    """

    saddle_index: int
    tau: float
    beta: np.ndarray = field(repr=False)
    loss: float
    classification: CriticalPointType
    morse_index: int
    unstable_eigenvalues: np.ndarray = field(repr=False)
    top_eigen_coordinate: int | None
    dual_rule_coordinate: int | None
    dual_rule_times: np.ndarray = field(repr=False)
    entered: tuple[int, ...]
    left: tuple[int, ...]
    angle: float
    status: JumpStatus
    reason: str = field(repr=False)
    observed_tau: float = np.nan
    observed_iteration: int | None = None
    observed_entered: tuple[int, ...] | None = None
    observed_top_eigen_coordinate: int | None = None
    observed_angle: float = np.nan

    def __repr__(self) -> str:
        return summary_repr(
            self, saddle_index=self.saddle_index, tau=f"{self.tau:.6g}",
            classification=self.classification.name, morse_index=self.morse_index,
            entered=self.entered, status=self.status.name,
        )  # fmt: skip

    @property
    def agrees(self) -> bool:
        """Whether ``top_eigen_coordinate`` entered (``status`` is BOTH or EIGENVECTOR)."""
        return self.status in (JumpStatus.BOTH, JumpStatus.EIGENVECTOR)

    @property
    def dual_rule_agrees(self) -> bool:
        """Whether ``dual_rule_coordinate`` entered (``status`` is BOTH or DUAL_RULE)."""
        return self.status in (JumpStatus.BOTH, JumpStatus.DUAL_RULE)


def explain_jumps(
    X, y, path, trajectory=None, *, step_size: float | None = None, rtol: float = 1e-8
) -> list[JumpExplanation]:
    r"""Explain every jump of the exact path: eigenvector rule, dual rule, actual jump.

    One record per saddle (record 0 is the origin); see the module docstring for the two
    rules. With a ``trajectory`` (flow or GD on the same data) each record also holds what
    the run did: its plateaus are found and matched to the saddles
    (:func:`~saddlepath.analysis.find_plateaus`), the Hessian is taken at the run's own
    point, and the angle is measured against the run's own jump.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    path : SaddlePath
        The exact path of ``(X, y)`` (:func:`~saddlepath.diagonal.saddle_path.saddle_path`).
    trajectory : Trajectory, optional
    step_size : float, optional
        GD step, to report the iteration of each observed plateau.
    rtol : float, default 1e-8
        Relative zero tolerance of eigenvalues and gradients (see ``saddle_spectrum``).

    Returns
    -------
    list of JumpExplanation

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0, 0.5, 0.7, 0.0], [0.5, 1.0, 0.1, 0.7]]), np.array([1.0, 0.0])
    >>> from saddlepath import saddle_path
    >>> rec = explain_jumps(X, y, saddle_path(X, y))[1]
    >>> rec.top_eigen_coordinate, rec.dual_rule_coordinate, rec.entered, rec.status.name
    (1, 2, (2,), 'DUAL_RULE')
    >>> round(float(np.degrees(rec.angle)), 1)
    90.0
    """
    X, y = check_xy(X, y)
    rtol = check_rtol(rtol, name="rtol", where=_WHERE)
    path = check_path(path, X, y, where=_WHERE)
    spectrum = partial(spectrum_from_gram, gram(X), X, y, rtol=rtol, all_vectors=False)

    saddles = [drop_roundoff(beta, X, y) for beta in path.beta]
    records = [_explain(spectrum, path, saddles, k) for k in range(path.n_saddles)]
    if trajectory is not None:
        check_trajectory(trajectory, where=_WHERE, n_features=X.shape[1])
        records = _observe(X, y, path, trajectory, records, step_size, spectrum)
    return records


def _explain(spectrum, path, saddles, k: int) -> JumpExplanation:
    """Record ``k``; ``saddles`` are the path's saddles with round-off entries zeroed."""
    beta = saddles[k]
    spec = spectrum(*limit_weights(beta))
    times = dual_times(beta, path.dual[k], path.gradient[k], spec.tolerance)
    last = k == path.n_saddles - 1
    dual = None if last or not np.isfinite(times).any() else int(np.argmin(times))
    entered, left, angle = (), (), np.nan
    if not last:
        here = set(np.flatnonzero(beta).tolist())
        there = set(np.flatnonzero(saddles[k + 1]).tolist())
        entered, left = tuple(sorted(there - here)), tuple(sorted(here - there))
        angle = _angle(spec, saddles[k + 1] - beta)
    top = spec.top_eigen_coordinate
    verdict = jump_status(last, top in entered, dual in entered)
    return JumpExplanation(
        saddle_index=k,
        tau=float(path.tau[k]),
        beta=beta,
        loss=float(path.loss[k]),
        classification=spec.classification,
        morse_index=spec.morse_index,
        unstable_eigenvalues=spec.unstable_eigenvalues,
        top_eigen_coordinate=top,
        dual_rule_coordinate=dual,
        dual_rule_times=times,
        entered=tuple(entered),
        left=tuple(left),
        angle=angle,
        status=verdict,
        reason=jump_reason(verdict, top, dual, entered, path.dual[k], path.gradient[k], times),
    )


def _angle(spec: SaddleSpectrum, jump: np.ndarray) -> float:
    norm = float(np.linalg.norm(jump))
    if spec.morse_index == 0 or norm == 0:
        return np.nan
    cosine = float(spec.unstable_beta_directions[0] @ jump) / norm
    return float(np.arccos(np.clip(cosine, -1.0, 1.0)))


def _observe(X, y, path, trajectory, records, step_size, spectrum) -> list[JumpExplanation]:
    """Attach what the run did at each saddle it resolves."""
    plateaus = find_plateaus(trajectory, X, y, step_size=step_size)
    matches = match_saddles(plateaus, path)
    out = list(records)
    for j, k in enumerate(matches):
        if k < 0 or not np.isnan(out[k].observed_tau):
            continue
        i = int(plateaus.position[j])
        spec = spectrum(trajectory.u[i], trajectory.v[i])
        entered, angle = None, np.nan
        if j + 1 < len(plateaus):
            here, there = plateaus.equilibria[j].support, plateaus.equilibria[j + 1].support
            entered = tuple(sorted(set(there.tolist()) - set(here.tolist())))
            angle = _angle(spec, trajectory.beta[plateaus.position[j + 1]] - trajectory.beta[i])
        iteration = None if plateaus.iterations is None else int(plateaus.iterations[j])
        out[k] = replace(
            out[k],
            observed_tau=float(plateaus.tau_start[j]),
            observed_entered=entered,
            observed_iteration=iteration,
            observed_top_eigen_coordinate=spec.top_eigen_coordinate,
            observed_angle=angle,
        )
    return out
