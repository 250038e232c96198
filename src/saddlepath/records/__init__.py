r"""Records: every result saved as readable JSON plus an NPZ, and loaded back.

``saddlepath.save(result, "out/run")`` writes two files,

- ``out/run.json``: the format name ``"saddlepath.record"``, ``schema_version``, the
  ``saddlepath_version`` that wrote it, the result's ``type``, a ``units`` line, the
  size and sha256 of the NPZ, every array listed with its shape and dtype, and the
  result's ``fields``: numbers, strings and enums (as ``{"enum", "name", "message"}``)
  inline, arrays as references into the NPZ (see :mod:`saddlepath.records._codec`);
- ``out/run.npz``: every array of the result (``np.savez``), dtypes and bytes exactly,
  including data held by reference (``SaddlePath.X``, ``y``). Not compressed: float
  arrays compress by about 5 % and zlib took 35× the time of the write (a flow of 366
  saved states at d = 600: 8.4 MB in 253 ms compressed, 8.8 MB in 7 ms not — measured;
  in a sweep of such flows compression was most of each run's time);

and ``saddlepath.load("out/run")`` (or either file's name) rebuilds an object of the same
type whose arrays are bitwise equal and whose scalars are equal. Cached and derived
properties are not stored; they are recomputed on access. Times are in accelerated time
:math:`\tau = t/\ln(1/\alpha)` and losses are :math:`L(\beta) = \|X\beta - y\|^2/(2n)`.

The pair is atomic as a set for readers: each file is replaced atomically and the JSON
holds the NPZ's sha256, so a pair mixed by two concurrent saves, a save killed between
the two files, or a truncated file raises :class:`RecordError` instead of loading. To
commit a record together with other files (figures, a second record) as one set, call
:func:`write` inside :func:`saddlepath.io.write_folder`, or get the bytes from
:func:`files`.

A newer ``schema_version`` or an unknown ``type`` is refused with a message naming the
file and the fix. Result classes are registered by a stable name (the class name, not its
module) in :mod:`saddlepath.records._registry`; :func:`register` adds a new one in one
line.

Every file a CLI command writes into ``--out`` that holds a result is a record; what the
commands print with ``--json`` are summaries (:mod:`saddlepath.report.json`), for reading,
not loading.
"""

from saddlepath.records._files import (
    FORMAT,
    SCHEMA_VERSION,
    RecordError,
    files,
    load,
    save,
    write,
)
from saddlepath.records._registry import register, result_types

__all__ = [
    "FORMAT",
    "SCHEMA_VERSION",
    "RecordError",
    "files",
    "load",
    "register",
    "result_types",
    "save",
    "write",
]
