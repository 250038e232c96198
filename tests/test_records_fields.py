"""Round trips of every registered type with generated field values (hypothesis).

Each field of a real result is replaced by a drawn value of the same kind: arrays of the
same dtype and ndim but any shape (NaN, ±inf, −0.0, empty included), ragged tuples of
arrays, floats of every kind, large integers, Unicode strings, other enum members,
dicts of numbers. Loading must give the drawn object back bit for bit.
"""

from __future__ import annotations

import dataclasses
import enum
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import saddlepath
from saddlepath import records
from test_records import assert_same, first_instances, results  # noqa: F401  (results is a fixture)

FLOATS = st.floats(allow_nan=True, allow_infinity=True)
NUMBERS = FLOATS | st.integers(-(2**70), 2**70)


def like(value):
    """A strategy for values of the same kind as ``value`` (itself when it has no kind)."""
    if isinstance(value, enum.Enum):
        return st.sampled_from(list(type(value)))
    if isinstance(value, np.ndarray):
        shapes = hnp.array_shapes(min_dims=value.ndim, max_dims=value.ndim, min_side=0, max_side=3)
        return hnp.arrays(value.dtype, shapes if value.ndim else ())
    if isinstance(value, np.generic):
        return hnp.from_dtype(value.dtype).map(value.dtype.type)
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers(-(2**70), 2**70)
    if isinstance(value, float):
        return FLOATS
    if isinstance(value, str):
        return st.text(max_size=12)
    if isinstance(value, tuple) and value and all(isinstance(v, np.ndarray) for v in value):
        return st.lists(like(value[0]), max_size=3).map(tuple)
    if isinstance(value, tuple) and value and all(type(v) is int for v in value):
        return st.lists(st.integers(-5, 10**6), max_size=4).map(tuple)
    if isinstance(value, dict):
        return st.dictionaries(st.text(max_size=8), NUMBERS, max_size=3)
    return st.just(value)


@st.composite
def variants(draw, template):
    """``template`` with every field replaced by a drawn value of its kind."""
    obj = object.__new__(type(template))
    for field in dataclasses.fields(template):
        object.__setattr__(obj, field.name, draw(like(getattr(template, field.name))))
    return obj


@pytest.mark.parametrize("name", sorted(records.result_types()))
def test_generated_fields_round_trip(results, name):  # noqa: F811
    cls = records.result_types()[name]
    templates = first_instances(tuple(results.values()), {})
    if cls not in templates:
        pytest.skip(f"no {name} among the real results (JAX missing?)")

    @settings(max_examples=15)
    @given(obj=variants(templates[cls]))
    def check(obj):
        with tempfile.TemporaryDirectory() as directory:
            saddlepath.save(obj, Path(directory) / "r")
            assert_same(obj, saddlepath.load(Path(directory) / "r"))

    check()


@settings(max_examples=30)
@given(
    pieces=st.lists(
        hnp.arrays(
            hnp.scalar_dtypes(),
            hnp.array_shapes(min_dims=2, max_dims=2, min_side=0, max_side=3),
        ),
        max_size=4,
    )
)
def test_tuples_of_arrays_of_any_dtypes_round_trip(pieces):
    """Ragged tuples (one dtype) are packed; mixed dtypes are stored one by one."""
    from saddlepath.analysis.rates import RateFit, fit_rate

    fit = fit_rate([1.0, 2.0], [1.0, 0.5])
    obj = dataclasses.replace(fit, values=tuple(pieces), lambdas=tuple(pieces[:1]) * 2)
    assert type(obj) is RateFit
    with tempfile.TemporaryDirectory() as directory:
        saddlepath.save(obj, Path(directory) / "r")
        assert_same(obj, saddlepath.load(Path(directory) / "r"))


def test_scalars_keep_their_type_and_bits(tmp_path):
    """NaN signs, NaN payloads of NumPy scalars, long doubles and complex scalars."""
    from saddlepath.analysis.rates import fit_rate

    payload = np.frombuffer(bytes.fromhex("0100000000f8ff7f"), dtype="<f8")[0]  # a NaN
    fit = dataclasses.replace(
        fit_rate([1.0, 2.0], [1.0, 0.5]),
        slope=float("-nan"),
        intercept=payload,
        rms_residual=np.longdouble(1) / 3,
        kind=np.complex64(1 - 2j),
    )
    saddlepath.save(fit, tmp_path / "r")
    loaded = saddlepath.load(tmp_path / "r")
    assert_same(fit, loaded)
    assert np.signbit(loaded.slope) and np.isnan(loaded.slope)
    assert loaded.intercept.tobytes() == payload.tobytes()
