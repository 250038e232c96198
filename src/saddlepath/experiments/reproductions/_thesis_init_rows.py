"""The comparison rows and summary of ``thesis-init-scale`` (private; see ``thesis_init_scale``)."""

from __future__ import annotations

import itertools

import numpy as np

from saddlepath.experiments.reproductions._contract import ComparisonRow
from saddlepath.experiments.reproductions._thesis_format import number, row_vector

__all__ = ["PAPER_TABLE", "rows", "summary_text"]

TOL = 6e-4  # the thesis prints 4 decimals
# Table 11: γ → (v, u), coordinates 1..7.
PAPER_TABLE = {
    "1e-50": ([3.1621, 4.4713, -0.0012, 0, 0, 0, 0], [3.1621, 4.4713, 0.0012, 0, 0, 0, 0]),
    "0.1": ([3.1435, 4.4689, -0.3655, 0.2836, -0.0108, 0.3134, 0.1346],
            [3.1459, 4.4705, -0.3789, 0.3141, 0.0032, 0.2518, 0.1849]),
    "1": ([2.7458, 4.3476, -1.1612, 0.8205, -0.1777, 2.0119, 0.2537],
          [3.0597, 4.5327, 1.7114, 1.5908, 0.1430, 0.5520, 1.3989]),
    "2": ([2.1233, 4.0702, -1.1172, 0.7903, -0.4516, 3.8570, 0.1995],
          [3.4828, 4.8180, 2.8516, 2.8424, 0.4030, 0.4290, 2.7850]),
}  # fmt: skip
ACTIVE_RTOL = 1e-3


def _active(beta) -> int:
    beta = np.abs(np.asarray(beta, dtype=float))
    return int(np.sum(beta > ACTIVE_RTOL * beta.max())) if beta.max() > 0 else 0


def _invariant_reason(key: str, gamma: float, eta: float) -> str:
    v, u = (np.array(a, dtype=float) for a in PAPER_TABLE[key])
    c = u**2 - v**2
    return (
        f"one GD step multiplies u_i² − v_i² by 1 − η²g_i², so from u₀ = √2γ·1, v₀ = γ·1 "
        f"every coordinate keeps 0 < u_i² − v_i² ≤ γ² = {gamma**2:.4g} while η|g_i| < 1; the "
        f"printed minimiser has u_i² − v_i² from {c.min():.3f} to {c.max():.3f} (it "
        "interpolates y, so it is a minimiser, but of a run from another, non-uniform "
        "initialisation)"
    )


def _slow_reason(exact, plain, paper) -> str:
    """Why a printed small-γ minimiser is not reached in T steps by either GD (weights v)."""
    i = int(np.argmax(np.abs(exact - paper)))
    return (
        f"after 10⁶ steps v{i + 1} is {exact[i]:.4f} by exact GD and {plain[i]:.4f} by the "
        f"thesis's own float64 GD, not the printed {paper[i]:.4f}: a coordinate leaving the "
        "support once the fit is nearly exact shrinks slowly (dβᵢ/dt ≈ −2|βᵢ|∂ᵢL, and ∂ᵢL "
        "shrinks with the residual); the printed value needs a longer or different run"
    )


def _minimiser_rows(result, j: int, key: str) -> list[ComparisonRow]:
    study, plain = result.study, result.plain[j]
    v_p, u_p = (np.array(a, dtype=float) for a in PAPER_TABLE[key])
    paper = f"v {row_vector(v_p)}; u {row_vector(u_p)}"
    ours = [(study.v[j], study.u[j], "exact log-domain GD"), (plain.final_v, plain.final_u,
            "thesis's float64 GD, re-run")]  # fmt: skip
    gamma = float(key)
    uniform_ok = bool(np.all(u_p**2 - v_p**2 >= -TOL * 10)) and np.all(
        u_p**2 - v_p**2 <= gamma**2 + 10 * TOL
    )
    out = []
    for v, u, label in ours:
        same = bool(np.abs(v - v_p).max() <= TOL and np.abs(u - u_p).max() <= TOL)
        if same:
            reason = ""
        elif result.n_steps != 1_000_000:
            reason = f"this run used T = {result.n_steps} (the thesis's: 10⁶)"
        elif not uniform_ok:
            reason = _invariant_reason(key, gamma, result.step_size)
        else:
            reason = _slow_reason(study.v[j], plain.final_v, v_p)
        out.append(ComparisonRow(f"γ = {key}: minimiser ({label})", paper,
                                 f"v {row_vector(v)}; u {row_vector(u)}", "",
                                 "agrees" if same else "differs", reason))  # fmt: skip
    paper_active = _active(v_p * u_p)
    ours_active = int(study.n_active[j])
    out.append(ComparisonRow(
        f"γ = {key}: active coordinates, ‖β‖₁", f"{paper_active}, {np.abs(v_p * u_p).sum():.2f}",
        f"{ours_active}, {study.l1_norm[j]:.2f}",
        f"minimum-ℓ1: {_active(study.min_l1_beta)}, {study.min_l1_norm:.2f}",
        "agrees" if paper_active == ours_active else "differs",
        "" if paper_active == ours_active else out[0].reason or "see the minimiser row",
    ))  # fmt: skip
    return out


def _scan_text(result, i: int) -> str:
    status = result.scan_statuses[i].name
    if result.scan_diverged_at[i] >= 0:
        return f"DIVERGED at step {result.scan_diverged_at[i]} (|β| beyond 1e147)"
    return (
        f"{status}; in the first {result.window} steps β changes sign "
        f"{result.scan_sign_changes[i]}× and the loss rises {result.scan_loss_increases[i]}×"
    )


def _scan_rows(result) -> list[ComparisonRow]:
    out = []
    claims = {5.0: "oscillates during the jump, then converges", 7.0: "diverges"}
    for i, gamma in enumerate(result.scan_gammas):
        claim = claims.get(float(gamma), "")
        diverged = result.scan_diverged_at[i] >= 0
        plain = result.scan_plain[i]
        plain_text = (f"float64 GD: gradient overflows at iteration {plain.diverged_at}"
                      if plain.diverged_at >= 0 else "float64 GD: bounded")  # fmt: skip
        if claim:
            same = (
                diverged
                if claim == "diverges"
                else (not diverged and result.scan_sign_changes[i] > 0)
            )
            verdict, reason = ("agrees" if same else "differs"), ("" if same else "see summary")
        else:
            verdict, reason = "n/a", ""
        out.append(
            ComparisonRow(
                f"γ = {number(gamma, 1)}: GD with η = {result.step_size}",
                claim,
                _scan_text(result, i),
                plain_text,
                verdict,
                reason,
            )
        )
    return out


def rows(result) -> tuple[ComparisonRow, ...]:
    """Per γ of Table 11: the minimiser twice and the sparsity; the sparse → dense row; scan."""
    study = result.study
    out = []
    for j, gamma in enumerate(study.gammas):
        key = next((k for k in PAPER_TABLE if np.isclose(float(k), gamma, rtol=1e-9)), None)
        if key is not None:
            out += _minimiser_rows(result, j, key)
    active = study.n_active.tolist()
    grows = all(a <= b for a, b in itertools.pairwise(active))
    out.append(ComparisonRow(
        "sparse → dense as γ grows", "sparse at γ = 1e-50, dense from γ = 0.1",
        f"active coordinates {active} for γ = {[f'{g:g}' for g in study.gammas]}",
        f"minimum-ℓ1 {_active(study.min_l1_beta)} active; minimum-ℓ2 "
        f"{_active(study.min_l2_beta)} active", "agrees" if grows else "differs",
        "" if grows else "the number of active coordinates does not grow with γ",
    ))  # fmt: skip
    return tuple(out + _scan_rows(result))


def summary_text(result) -> str:
    """Markdown: Table 11 against exact GD, the invariant, and the oscillation/divergence scan."""
    study = result.study
    conv = [f"{g:g}" for g, s in zip(result.scan_gammas, result.scan_statuses, strict=True)
            if s.name != "DIVERGED"]  # fmt: skip
    div = [f"{g:g}" for g, d in zip(result.scan_gammas, result.scan_diverged_at, strict=True)
           if d >= 0]  # fmt: skip
    return "\n\n".join([
        f"From u₀ = √2γ·1, v₀ = γ·1 with η = {result.step_size} and T = {result.n_steps}, exact "
        f"GD reaches ‖β‖₁ = {[round(float(x), 3) for x in study.l1_norm]} with "
        f"{study.n_active.tolist()} active coordinates for γ = "
        f"{[f'{g:g}' for g in study.gammas]}: the minimum-ℓ1 interpolator (‖β‖₁ = "
        f"{study.min_l1_norm:.2f}) at small γ, denser and larger in ℓ1 as γ grows — the "
        "thesis's qualitative finding holds.",
        "Its Table 11 for γ ≥ 0.1 cannot come from this initialisation: GD multiplies "
        "u_i² − v_i² by 1 − η²g_i² at every step, so every coordinate keeps "
        "0 < u_i² − v_i² ≤ γ², whereas the printed minimisers have u_i² − v_i² of both signs "
        "(−3.74 on e6 at γ = 1). They interpolate y, so they are minimisers, reached from "
        "another initialisation.",
        f"Scan of γ with η = {result.step_size}: bounded for γ ∈ {conv} (β oscillates in sign "
        f"at first, then converges), truly diverges (|β| beyond 1e147 within a few steps) for "
        f"γ ∈ {div}. The thesis's γ = 5 (oscillates, converges) and γ = 7 (diverges) agree.",
    ])  # fmt: skip
