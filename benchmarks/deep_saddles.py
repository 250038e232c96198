"""The saddles after the first escape of a deep ReLU network on digits: a measurement.

Small-init full-batch GD (depth 4, width 128, init N(0, 0.01²/fan_in), MSE on one-hot
targets, step η = c/‖θ‖^{L−2} with c = 1, as in /work/shared/docs/deep-notes.md) on
scikit-learn's digits, with a plain jitted loop of this script (the library's train() is
another module). Then saddlepath.analysis.explain_escapes: at each plateau after the first
escape, the refined saddle's bottleneck rank, Morse index estimate, and how the next escape
follows its unstable eigenvectors. Baseline in the same run: the same analysis with the
kept weights themselves (max_iter=0, no refinement), to show what refining changes.

    PYTHONPATH=src python benchmarks/deep_saddles.py [--steps 24000] [--quick]

Writes benchmarks/results/deep_saddles.json and .md.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)  # a script may; the library never does

from saddlepath.analysis import explain_escapes, find_plateaus  # noqa: E402
from saddlepath.data import load_digits  # noqa: E402
from saddlepath.deep import TrainingRun, TrainingStatus  # noqa: E402
from saddlepath.deep.network import network_output  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def train(X, T, widths, *, steps, c, init, record, keep, seed=0):
    """Full-batch GD with η = c/‖θ‖^{L−2}; records every `record` steps, weights every `keep`."""
    n, depth = X.shape[0], len(widths) + 1
    sizes = [X.shape[1], *widths, T.shape[1]]
    rng = np.random.default_rng(seed)
    Ws = [init / np.sqrt(sizes[i]) * rng.standard_normal((sizes[i + 1], sizes[i]))
          for i in range(depth)]  # fmt: skip
    cost = lambda Ws: 0.5 * jnp.sum((network_output(Ws, X) - T) ** 2) / n  # noqa: E731
    value_grad = jax.value_and_grad(cost)

    def step(carry, _):
        Ws, t = carry
        norm2 = sum(jnp.sum(W**2) for W in Ws)
        eta = c / norm2 ** ((depth - 2) / 2)
        _, G = value_grad(Ws)
        return ([W - eta * g for W, g in zip(Ws, G, strict=True)], t + eta), None

    advance = jax.jit(lambda carry: jax.lax.scan(step, carry, None, length=record)[0])
    measure = jax.jit(lambda Ws: (value_grad(Ws), [jnp.linalg.svd(W, compute_uv=False)[:10]
                                                   for W in Ws]))  # fmt: skip
    rows, kept, carry, start = [], [], (Ws, 0.0), time.perf_counter()
    for k in range(0, steps + 1, record):
        Ws, t = carry
        (c_val, G), svs = measure(Ws)
        g = float(np.sqrt(sum(float(jnp.sum(x**2)) for x in G)))
        norm = float(np.sqrt(sum(float(jnp.sum(W**2)) for W in Ws)))
        rows.append((k, float(t), float(c_val), norm, g, [np.asarray(s) for s in svs],
                     np.asarray(network_output(Ws, X[:20])).ravel()))  # fmt: skip
        if k % keep == 0:
            kept.append((k, [np.asarray(W) for W in Ws]))
        if k < steps:
            carry = advance(carry)
    wall = time.perf_counter() - start
    return _run(rows, kept, depth, steps, wall), wall


def _run(rows, kept, depth, steps, wall):
    step, t, loss, norm, g, svs, Y = zip(*rows, strict=True)
    nan = np.full(len(step), np.nan)
    return TrainingRun(
        step=np.array(step), t=np.array(t), loss=np.array(loss), norm=np.array(norm),
        gradient_norm=np.array(g),
        singular_values=tuple(np.array([s[i] for s in svs]) for i in range(depth)),
        alignment=nan, speed_ratio=nan, beta=np.array(Y), probe=np.arange(20),
        weight_step=np.array([k for k, _ in kept]),
        weights=tuple(np.array([w[i] for _, w in kept]) for i in range(depth)),
        escape_speed=float("nan"), settings={"activation": "relu", "loss": "mse"},
        status=TrainingStatus.COMPLETED, stats={"n_steps": steps, "wall_s": wall},
    )  # fmt: skip


def _row(e, seconds):
    s = e.saddle
    deep_sv = [np.round(v[:4], 4).tolist() for v in s.singular_values[1:-1]]
    return {
        "plateau": e.plateau_index, "t": e.t, "saddle_step": e.saddle_step,
        "after_step": e.after_step, "status": e.status.name, "saddle_status": s.status.name,
        "loss": s.loss, "initial_loss": s.initial_loss,
        "gradient_norm": [s.initial_gradient_norm, s.gradient_norm],
        "relative_gradient": s.relative_gradient, "bottleneck_rank": s.bottleneck_rank,
        "deep_singular_values": deep_sv, "morse_index_estimate": s.morse_index_estimate,
        "eigenvalues": s.eigenvalues.tolist(), "eigen_tolerance": s.eigen_tolerance,
        "lanczos_status": s.lanczos_status.name if s.lanczos_status else None,
        "distance": e.distance, "displacement_norm": e.displacement_norm, "cosine": e.cosine,
        "top_space_cosine": e.top_space_cosine, "unstable_cosine": e.unstable_cosine,
        "function_cosine": e.function_cosine, "loss_drop": e.loss_drop, "stats": dict(s.stats),
        "seconds": seconds,
    }  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=24000)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--max-iter", type=int, default=20, help="refine_saddle's max_iter")
    parser.add_argument("--quick", action="store_true", help="width 32, 3000 steps")
    args = parser.parse_args()
    steps, width = (3000, 32) if args.quick else (args.steps, args.width)
    digits = load_digits()
    X, T = digits.X, digits.one_hot()
    run, wall = train(X, T, (width,) * 3, steps=steps, c=1.0, init=0.01, record=50, keep=250)
    plateaus = find_plateaus(run)
    print(
        f"trained {steps} steps in {wall:.1f} s; plateaus at steps",
        np.interp(plateaus.t, run.t, run.step).round().tolist(),
        "losses",
        plateaus.loss,
    )
    out = {"steps": steps, "width": width, "depth": 4, "train_s": wall,
           "plateau_steps": np.interp(plateaus.t, run.t, run.step).round().tolist(),
           "plateau_losses": plateaus.loss.tolist(), "refined": [], "unrefined": []}  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    name = "deep_saddles_quick" if args.quick else "deep_saddles"
    for key, options in (("unrefined", {"max_iter": 0}), ("refined", {"max_iter": args.max_iter})):
        start = time.perf_counter()
        rows = explain_escapes(run, X, T, plateaus=plateaus, k=4, **options)
        seconds = (time.perf_counter() - start) / max(len(rows), 1)
        out[key] = [_row(e, seconds) for e in rows]
        for e in rows:
            print(key, e, e.saddle, flush=True)
        (RESULTS / f"{name}.json").write_text(json.dumps(out, indent=1))
    print(json.dumps(out["refined"], indent=1)[:4000])


if __name__ == "__main__":
    main()
