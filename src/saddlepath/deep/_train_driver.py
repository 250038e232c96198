"""The host side of :func:`saddlepath.deep.train` (private): chunks, records, checkpoints.

:class:`TrainingDriver` calls the compiled ``chunk`` once per record, stores the record on
the host, keeps whole weights at their steps, reports progress, writes checkpoints and
decides how the run ends. Everything it does depends only on the loop state and the
records, so a run restored from a checkpoint takes exactly the same steps afterwards.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from saddlepath.deep.checkpoint import Checkpoint, save_checkpoint
from saddlepath.deep.training_result import TrainingRun, TrainingStatus
from saddlepath.warnings import DivergenceWarning

__all__ = ["TrainingDriver"]


class TrainingDriver:
    """One training session: start or restore, run the chunks, assemble the result."""

    def __init__(self, cfg, chunk, data, digest: str, progress_type):
        self.cfg, self.chunk, self.data, self.digest = cfg, chunk, data, digest
        self.progress_type = progress_type
        self.records: list[dict] = []
        self.weight_step: list[int] = []
        self.kept: list[tuple] = []
        self.n_resumes, self.wall_before = 0, 0.0
        self.session_start = time.perf_counter()
        self.state = None

    # ---------------------------------------------------------------- start / restore

    def start(self, weights0, spec, record) -> None:
        """Step 0: the initial state, its record and its weights."""
        from saddlepath.deep._train_loop import make_initial_state

        self.state = make_initial_state(weights0, self.data["X"], self.data["T"], spec,
                                        self.cfg.seed)  # fmt: skip
        self._store(_to_host(record(self.state, self.data)))

    def restore(self, ckpt: Checkpoint) -> None:
        """Continue from a checkpoint: its state (bit for bit), records and kept weights."""
        import jax.numpy as jnp

        self.state = {
            k: (tuple(jnp.asarray(a) for a in v) if isinstance(v, tuple) else jnp.asarray(v))
            for k, v in ckpt.state.items()
        }
        n = len(ckpt.records["step"])
        self.records = [{k: v[i] for k, v in ckpt.records.items()} for i in range(n)]
        self.weight_step = [int(s) for s in ckpt.weight_step]
        self.kept = [tuple(W[i] for W in ckpt.weights) for i in range(len(self.weight_step))]
        self.n_resumes, self.wall_before = ckpt.n_resumes + 1, ckpt.wall_s

    # --------------------------------------------------------------------- the loop

    def run(self) -> None:
        """Chunks of ``record_every`` steps until ``n_steps`` or a stopping record."""
        cfg = self.cfg
        step = int(self.records[-1]["step"])
        since_checkpoint = 0
        while step < cfg.n_steps and self.status() is TrainingStatus.COMPLETED:
            n = min(cfg.record_every, cfg.n_steps - step)
            self.state, rec = self.chunk(self.state, np.int64(n), self.data)
            self._store(_to_host(rec))
            step = int(rec["step"])
            since_checkpoint += 1
            if cfg.checkpoint is not None and since_checkpoint >= cfg.checkpoint_every:
                self.save()
                since_checkpoint = 0
        self._keep_last()
        if cfg.checkpoint is not None:
            self.save()
        if self.status() is TrainingStatus.NOT_FINITE:
            warnings.warn(
                f"train: the loss or the weights became non-finite by step "
                f"{int(self.records[-1]['step'])}; {TrainingStatus.NOT_FINITE.value}.",
                DivergenceWarning,
                stacklevel=4,
            )

    def _store(self, rec: dict) -> None:
        self.records.append(rec)
        step = int(rec["step"])
        if step % self.cfg.keep_weights_every == 0 and np.isfinite(rec["norm"]):
            self._keep(step)
        if self.cfg.progress is not None:
            self.cfg.progress(self.progress_type(
                step=step, n_steps=self.cfg.n_steps, t=float(rec["t"]), loss=float(rec["loss"]),
                norm=float(rec["norm"]), gradient_norm=float(rec["gradient_norm"]),
                alignment=float(rec["alignment"]),
            ))  # fmt: skip

    def _keep(self, step: int) -> None:
        if not self.weight_step or self.weight_step[-1] != step:
            self.weight_step.append(step)
            self.kept.append(tuple(np.asarray(W) for W in self.state["weights"]))

    def _keep_last(self) -> None:
        """The last finite state's weights are always kept."""
        if np.isfinite(self.records[-1]["norm"]):
            self._keep(int(self.records[-1]["step"]))

    def status(self) -> TrainingStatus:
        """How the run stands after its last record."""
        last = self.records[-1]
        if not (np.isfinite(last["loss"]) and np.isfinite(last["norm"])):
            return TrainingStatus.NOT_FINITE
        if self.cfg.loss_tol is not None and last["loss"] <= self.cfg.loss_tol:
            return TrainingStatus.CONVERGED
        return TrainingStatus.COMPLETED

    # ------------------------------------------------------------------ checkpoints

    def wall_s(self) -> float:
        return self.wall_before + time.perf_counter() - self.session_start

    def save(self) -> None:
        ckpt = Checkpoint(
            state={k: (tuple(np.asarray(a) for a in v) if isinstance(v, tuple) else np.asarray(v))
                   for k, v in self.state.items()},
            records=self._stacked(), weight_step=np.asarray(self.weight_step, dtype=np.int64),
            weights=self._kept_stacked(), n_resumes=self.n_resumes, wall_s=self.wall_s(),
        )  # fmt: skip
        save_checkpoint(self.cfg.checkpoint, ckpt, self.digest, self.cfg.settings)

    def _stacked(self) -> dict:
        return {k: np.stack([r[k] for r in self.records]) for k in self.records[0]}

    def _kept_stacked(self) -> tuple:
        return tuple(np.stack(layer) for layer in zip(*self.kept, strict=True))

    # --------------------------------------------------------------------- result

    def result(self, escape_speed: float, probe) -> TrainingRun:
        rec = self._stacked()
        depth = len(self.cfg.widths) + 1
        return TrainingRun(
            step=rec["step"].astype(np.int64), t=rec["t"], loss=rec["loss"], norm=rec["norm"],
            gradient_norm=rec["gradient_norm"],
            singular_values=tuple(rec[f"sv{ell}"] for ell in range(depth)),
            alignment=rec["alignment"], speed_ratio=rec["speed_ratio"], beta=rec["beta"],
            probe=np.asarray(probe, dtype=np.int64),
            weight_step=np.asarray(self.weight_step, dtype=np.int64),
            weights=self._kept_stacked(), escape_speed=float(escape_speed),
            settings=dict(self.cfg.settings), status=self.status(),
            stats={"n_steps": int(rec["step"][-1]), "n_records": len(self.records),
                   "n_resumes": self.n_resumes, "wall_s": self.wall_s()},
        )  # fmt: skip


def _to_host(rec) -> dict:
    """A record as NumPy arrays (one device-to-host transfer)."""
    import jax

    return {k: np.asarray(v) for k, v in jax.device_get(rec).items()}
