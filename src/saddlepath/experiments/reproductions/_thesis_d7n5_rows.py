"""The comparison table and summary of ``thesis-d7n5`` (private; see ``thesis_d7n5``)."""

from __future__ import annotations

import numpy as np

from saddlepath.experiments.reproductions._contract import ComparisonRow
from saddlepath.experiments.reproductions._thesis_format import basis_sum, coords, row_vector

__all__ = ["PAPER_BETA", "rows", "summary_text"]

_E = np.eye(7)
# The thesis's Tables 9 and 10, keyed by the index of the exact path's saddle they show
# (0 is the origin; the thesis never reaches saddle 4; 5 is the minimiser).
PAPER_BETA = {
    0: np.zeros(7),
    1: -9.19 * _E[2],
    2: -9.64 * _E[2] + 3.91 * _E[4],
    3: 1.65 * _E[1] - 7.19 * _E[2],  # printed "1.65e2": see _TYPOS
    5: 10.0 * _E[0] + 20.0 * _E[1],
}
PAPER_TYPE = {0: "saddle", 1: "saddle", 2: "saddle", 3: "saddle", 5: "minimiser"}
PAPER_ITERATION = {0: 1, 1: 13798, 2: 50388, 3: 82615, 5: 572728}
PAPER_TOP_EIGEN = {0: 2, 1: 4, 2: 6, 3: 6}  # 0-based coordinate of s_k (e3, e5, e7, e7)
PAPER_FOLLOWS = {0: True, 1: True, 2: False, 3: False}  # "only the first two jumps" follow s_k
PAPER_Y = (27.6214, 1.1713, 11.1891, -12.1123, 9.5516)
PAPER_X0 = "[1.3316, 0.7153, -1, 5454, -0.0084, 0.6213, -0.7201, 0.2655]"
_TYPOS = {
    3: "typo: printed 1.65·e2, but the thesis's own Table 9 weights v₂ = u₂ = 4.0706 give "
    "β₂ = 4.0706² = 16.57, the exact value",
}
_THESIS_SETUP = (0.001, "1e-100", 1e-4, 1_000_000)


def _setup_note(result) -> str:
    setup = (result.config_step_size, result.config_gamma, result.config_margin,
             result.config_n_steps)  # fmt: skip
    if setup == _THESIS_SETUP:
        return ""
    return (f"this run used η = {setup[0]}, γ = {setup[1]}, T = {setup[3]} (not the thesis's "
            "η = 0.001, γ = 1e-100, T = 1e6), so its iterations differ")  # fmt: skip


def _lost_reason(result, k: int) -> str:
    """Why the thesis's float64 GD cannot reach saddle ``k`` (a coordinate's w± was lost)."""
    entered = result.path.entered[k]
    for i in entered:
        sign = 1 if result.path.beta[k][i] > 0 else -1
        if result.plain.lost_sign[i] == sign:
            part = "w₊" if sign > 0 else "w₋"
            return (
                f"in the thesis's float64 GD, u{i + 1} = {'−' if sign > 0 else ''}v{i + 1} "
                f"exactly from iteration {result.plain.lost_iteration[i]} on ({part} = "
                f"(u ± v)/√2 fell below ε·|w∓| and rounded to 0), so β{i + 1} can never turn "
                f"{'positive' if sign > 0 else 'negative'}: e{i + 1} cannot enter and the run "
                "skips this saddle; exact log-domain GD keeps w₊ and w₋ apart and reaches it"
            )
    return "the thesis's float64 GD does not reach this saddle"


def _route_reason(value: int, thesis_reproduced: bool) -> str:
    """Why exact GD fires elsewhere than the thesis's float64 GD (which gives the print)."""
    lead = (
        "the printed value is what the thesis's float64 GD gives (re-run above); "
        if (thesis_reproduced)
        else ""
    )
    if value < 0:
        return lead + (
            "exact GD passes this saddle without the margin rule firing: the coordinate about "
            "to enter (e7) keeps max|∇F| above the margin; float64 GD, having lost e7's w₊, "
            "cannot take that jump and lingers here"
        )
    return lead + (
        "exact GD goes through saddle 4 first — the jump float64 GD cannot take — and "
        "reaches this point by another route, at another iteration"
    )


def _beta_row(result, k: int) -> ComparisonRow:
    exact = result.path.beta[k]
    reached = result.gd_iterations[k] >= 0
    ours = basis_sum(exact) if reached else "passed; margin rule silent"
    if k not in PAPER_BETA:
        return ComparisonRow(f"saddle {k}: β", "not found", ours, basis_sum(exact) + " (certified)",
                             "differs", _lost_reason(result, k))  # fmt: skip
    same = float(np.abs(PAPER_BETA[k] - exact).max()) <= 0.006 * max(1.0, np.abs(exact).max())
    return ComparisonRow(
        f"saddle {k}: β", basis_sum(PAPER_BETA[k]), ours, basis_sum(exact) + " (certified)",
        "agrees" if same else "differs", "" if same else _TYPOS.get(k, "see the summary"),
    )  # fmt: skip


def _type_row(result, k: int) -> ComparisonRow:
    jump = result.jumps[k]
    kind = "saddle" if jump.morse_index > 0 else "minimiser"
    ours = f"{kind} ({jump.classification.name.lower()}, Morse index {jump.morse_index})"
    paper = PAPER_TYPE.get(k, "")
    verdict = "n/a" if not paper else "agrees" if paper == kind else "differs"
    return ComparisonRow(f"saddle {k}: type", paper or "not found", ours, "", verdict,
                         "" if verdict != "differs" else "see the summary")  # fmt: skip


def _iteration_rows(result, k: int) -> list[ComparisonRow]:
    paper = PAPER_ITERATION.get(k)
    plain, exact = int(result.plain_iterations[k]), int(result.gd_iterations[k])
    show = lambda i: str(i) if i >= 0 else "not reached"  # noqa: E731
    note = _setup_note(result)
    out = []
    for label, value in (("thesis's float64 GD, re-run", plain), ("exact log-domain GD", exact)):
        if paper is None:
            verdict, reason = ("differs", _lost_reason(result, k)) if value >= 0 else ("n/a", "")
        elif value == paper:
            verdict, reason = "agrees", ""
        else:
            verdict, reason = "differs", note or _route_reason(value, plain == paper)
        out.append(ComparisonRow(f"saddle {k}: iteration ({label})",
                                 "" if paper is None else str(paper), show(value), "",
                                 verdict, reason))  # fmt: skip
    return out


def _eigen_rows(result, k: int) -> list[ComparisonRow]:
    if k + 1 >= result.path.n_saddles:
        return []
    jump = result.jumps[k]
    top, entered = jump.top_eigen_coordinate, result.path.entered[k + 1]
    paper = PAPER_TOP_EIGEN.get(k)
    verdict = "n/a" if paper is None else "agrees" if paper == top else "differs"
    eigen = ComparisonRow(
        f"saddle {k}: top unstable eigenvector", "" if paper is None else coords([paper]),
        coords([top]), f"jump enters {coords(entered)}", verdict,
        "see the summary" if verdict == "differs" else "",
    )  # fmt: skip
    follows = top in entered
    claim = PAPER_FOLLOWS.get(k)
    why = "" if claim is None or claim == follows else (
        f"the thesis compared saddle 3 with the minimiser; the exact path goes through saddle "
        f"4, entering {coords(result.path.entered[4])} — the eigenvector's coordinate"
        if k == 3 else "see the summary")  # fmt: skip
    rule = f"dual rule: {coords([jump.dual_rule_coordinate])}"
    return [eigen, ComparisonRow(
        f"jump {k}→{k + 1} follows the top eigenvector",
        "" if claim is None else ("yes" if claim else "no"), "yes" if follows else "no", rule,
        "n/a" if claim is None else "agrees" if claim == follows else "differs", why,
    )]  # fmt: skip


def rows(result) -> tuple[ComparisonRow, ...]:
    """Data rows, then β, type, iterations and eigenvector rows for every saddle."""
    y_same = np.allclose(np.round(result.y, 4), PAPER_Y, atol=1e-9)
    out = [
        ComparisonRow("y = X p* (Table 8)", row_vector(PAPER_Y), row_vector(result.y), "",
                      "agrees" if y_same else "differs", "" if y_same else "data differ"),
        ComparisonRow("X, first sample (Table 8)", PAPER_X0, row_vector(result.X[0]), "",
                      "agrees", "printed '-1, 5454' is a typo for -1.5454"),
    ]  # fmt: skip
    for k in range(result.path.n_saddles):
        out += [_beta_row(result, k), _type_row(result, k)]
        out += _iteration_rows(result, k) + _eigen_rows(result, k)
    return tuple(out)


def summary_text(result) -> str:
    """Markdown: the path, what the thesis's table shows, and why it differs."""
    path, plain = result.path, result.plain
    saddles = "; ".join(f"{k}: {basis_sum(b)}" for k, b in enumerate(path.beta))
    lost = [
        f"e{i + 1} ({'w₊' if s > 0 else 'w₋'} lost at iteration {it})"
        for i, (it, s) in enumerate(zip(plain.lost_iteration, plain.lost_sign, strict=True))
        if it >= 0
    ]
    certified = ", ".join(result.certificate.certified_by) or "not certified"
    return "\n\n".join([
        f"The exact path (P&F Algorithm 1; certificate: {certified}) has "
        f"{path.n_saddles} saddles including the origin and the minimiser: {saddles}.",
        f"The thesis's own float64 GD, re-run (η = {result.config_step_size}, γ = "
        f"{result.config_gamma}, margin {result.config_margin}), fires at iterations "
        f"{plain.iterations.tolist()}; saddlepath's exact log-domain GD at "
        f"{[int(i) for i in result.gd_iterations if i >= 0]} (1-based).",
        "Why they differ: plain GD stores u and v, and w± = (u ± v)/√2 is only known to "
        "ε·max(|w₊|, |w₋|). A coordinate whose dual was driven towards one sign keeps its "
        "other component only while it is above ε times the first; below, u = ±v exactly and "
        "that component is 0 for ever. Components lost in this run: "
        + (", ".join(lost) or "none") + ". The path's saddle 4 needs e7 to enter with "
        "β₇ > 0, i.e. w₊ of e7, so float64 GD cannot visit it: it lingers at saddle 3 (where "
        "the margin rule fires; exact GD leaves saddle 3 too soon for max|∇F| to fall below "
        "the margin) and reaches the minimiser later. The thesis's 'five plateaus, four "
        "recognised' and its conclusion that the last jump does not follow the top "
        "eigenvector both come from this: at saddle 3 the top eigenvector points at e7, and "
        "the exact path's next jump enters e7.",
        "The eigenvector rule does fail at saddle 2 (top eigenvector e7, e2 enters): the dual "
        "rule argmin (1 ∓ s_i)/|∂_iL| predicts every jump of the exact path.",
    ])  # fmt: skip
