r"""Benchmark: small-init training of a deep ReLU MLP, ``train`` against a plain jitted loop.

One command (run from the repository root)::

    .venv/bin/python benchmarks/deep.py [--quick] [--steps 1000] [--out benchmarks/results]

Cases: depth 4, width 128, MSE on one-hot targets, init N(0, 0.01²/fan_in), c = 1,
full-batch GD, float64 — on the 5,000-digit MNIST subset (``load_mnist_5k``) and on
scikit-learn's digits (``load_digits``); ``--quick`` runs the digits only, 600 steps.

* **baseline** — the "measured here" loop of the deep-notes: a Python loop calling one
  jitted step (``value_and_grad`` of the MSE, then :math:`\theta \leftarrow \theta -
  c/\|\theta\|^{L-2}\,\nabla C`) per GD step, recording nothing.
* **train** — :func:`saddlepath.deep.train` recording every 10 steps (loss, ‖θ‖, ‖∇C‖,
  top-10 singular values of every layer, alignment and speed ratio with the exact escape
  direction, probe outputs) and keeping 25 weight snapshots.

Both are compiled before the clock starts (one untimed short run of the same shapes) and
timed over the same number of steps, in alternation (baseline, train, baseline, train, …)
so that a change of load on a shared machine hits both alike; reported: the median time per
1,000 steps and the ratio train/baseline. From the train run: the first escape step (the
end of the first plateau found by ``find_plateaus``) and the function-space cosine with
the optimal escape direction at the last record before it. The escape direction is exact
here: pixels and one-hot targets are non-negative, so it is the Perron–Frobenius rank-one
chain with speed σ₁(TᵀX)/n. Results go to ``<out>/deep.json`` and ``<out>/deep.md``
(written atomically).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _path_machine import write_atomic
from saddlepath.analysis import find_plateaus
from saddlepath.data import load_digits, load_mnist_5k
from saddlepath.deep import EscapeResult, EscapeStatus, train
from saddlepath.deep.training import initial_weights

DEPTH, WIDTH, C, INIT = 4, 128, 1.0, 0.01


def perron_escape(X, T, widths) -> EscapeResult:
    """The exact optimal escape for MSE with X, T ≥ 0 (a rank-one chain, speed σ₁(TᵀX)/n)."""
    U, S, Vt = np.linalg.svd(T.T @ X / X.shape[0])
    e = [np.eye(w)[0] for w in widths]
    ws = [np.outer(e[0], np.abs(Vt[0]))]
    ws += [np.outer(e[i + 1], e[i]) for i in range(len(widths) - 1)]
    ws.append(np.outer(np.abs(U[:, 0]), e[-1]))
    return EscapeResult(
        speed=float(S[0]), speeds=S[:1], weights=tuple(ws), residual=0.0,
        singular_values=tuple(np.linalg.svd(W, compute_uv=False) for W in ws),
        status=EscapeStatus.CONVERGED, stats={}, activation="relu",
    )  # fmt: skip


def make_baseline(X, T):
    """A Python loop over one jitted GD step (float64); returns run(n_steps) → weights."""
    import jax
    import jax.numpy as jnp

    from saddlepath.deep.network import network_output

    Xj, Tj = jnp.asarray(X), jnp.asarray(T)

    def cost(ws):
        return 0.5 * jnp.sum((network_output(ws, Xj) - Tj) ** 2) / Xj.shape[0]

    @jax.jit
    def step(ws):
        grad = jax.grad(cost)(ws)
        norm = jnp.sqrt(sum(jnp.sum(W * W) for W in ws))
        return tuple(W - C / norm ** (DEPTH - 2) * g for W, g in zip(ws, grad, strict=True))

    w0 = initial_weights((WIDTH,) * (DEPTH - 1), X.shape[1], T.shape[1], INIT, 0)

    def run(n_steps: int):
        ws = tuple(jnp.asarray(W) for W in w0)
        for _ in range(n_steps):
            ws = step(ws)
        return jax.block_until_ready(ws)

    return run


def case(name: str, X, T, n_steps: int, repeats: int) -> dict:
    import jax

    escape = perron_escape(X, T, (WIDTH,) * (DEPTH - 1))
    options = {"init_scale": INIT, "c": C, "record_every": 10, "escape": escape}
    with jax.enable_x64(True):
        baseline = make_baseline(X, T)
        baseline(2)  # compile
    train(X, T, (WIDTH,) * (DEPTH - 1), n_steps=20, **options)  # compile the same loop
    times = {"baseline": [], "train": []}
    run = None
    for _ in range(repeats):
        with jax.enable_x64(True):
            start = time.perf_counter()
            baseline(n_steps)
            times["baseline"].append(time.perf_counter() - start)
        start = time.perf_counter()
        run = train(X, T, (WIDTH,) * (DEPTH - 1), n_steps=n_steps, **options)
        times["train"].append(time.perf_counter() - start)
    per_1000 = {k: 1000 * statistics.median(v) / n_steps for k, v in times.items()}
    escape_step, cosine = first_escape(run)
    return {
        "case": name, "n_samples": int(X.shape[0]), "n_inputs": int(X.shape[1]),
        "depth": DEPTH, "width": WIDTH, "n_steps": n_steps, "repeats": repeats,
        "times_s": times, "s_per_1000_steps": per_1000,
        "ratio_train_over_baseline": per_1000["train"] / per_1000["baseline"],
        "first_escape_step": escape_step, "cosine_before_escape": cosine,
        "escape_speed": escape.speed, "final_loss": float(run.loss[-1]),
        "final_speed_ratio": float(run.speed_ratio[-1]),
    }  # fmt: skip


def first_escape(run) -> tuple[float | None, float | None]:
    """The end of the first plateau (in steps) and the alignment at the record before it."""
    plateaus = find_plateaus(run)
    if len(plateaus) == 0 or plateaus.tau_start[0] > 0 or plateaus.tau_end[0] >= run.t[-1]:
        return None, None
    end = float(np.interp(plateaus.tau_end[0], run.t, run.step))
    last = int(np.searchsorted(run.t, plateaus.tau_end[0], side="right") - 1)
    return end, float(run.alignment[last])


def environment() -> dict:
    import jax

    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(), "python": platform.python_version(),
        "jax": jax.__version__, "devices": [str(d) for d in jax.devices()],
        "cpu_count": os.cpu_count(),
    }  # fmt: skip


def table(results: list[dict]) -> str:
    lines = [
        "| case | n × d | steps | baseline s/1000 steps | train s/1000 steps | ratio | "
        "first escape (step) | cosine before it |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        per = r["s_per_1000_steps"]
        esc = "—" if r["first_escape_step"] is None else f"{r['first_escape_step']:.0f}"
        cos = "—" if r["cosine_before_escape"] is None else f"{r['cosine_before_escape']:.4f}"
        lines.append(
            f"| {r['case']} | {r['n_samples']} × {r['n_inputs']} | {r['n_steps']} | "
            f"{per['baseline']:.2f} | {per['train']:.2f} | "
            f"{r['ratio_train_over_baseline']:.2f} | {esc} | {cos} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="digits only, 600 steps")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    results, load_at_start = [], os.getloadavg()[0]
    digits = load_digits()
    if not args.quick:
        mnist = load_mnist_5k(seed=0)
        results.append(case("MNIST-5k", mnist.X, mnist.one_hot(), args.steps, args.repeats))
        print(table(results), flush=True)
    steps = 600 if args.quick else args.steps
    results.append(case("digits", digits.X, digits.one_hot(), steps, args.repeats))
    env = environment()
    env["load_average_1min"] = {"start": load_at_start, "end": os.getloadavg()[0]}
    text = table(results)
    print(text)
    stem = "deep_quick" if args.quick else "deep"
    payload = {"environment": env, "results": results}
    write_atomic(args.out / f"{stem}.json", json.dumps(payload, indent=2) + "\n")
    write_atomic(args.out / f"{stem}.md", f"# benchmarks/deep.py\n\n{json.dumps(env)}\n\n{text}")


if __name__ == "__main__":
    main()
