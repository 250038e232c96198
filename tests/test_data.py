"""Tests of saddlepath.data: generators, the worked example, the demo problem, loaders."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from saddlepath.data import (
    DataFileError,
    Dataset,
    demo_problem,
    load_csv,
    load_data,
    load_npy,
    load_npz,
    make_sparse_regression,
    worked_example,
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def min_l1_interpolator(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """argmin ‖β‖₁ subject to Xβ = y, as a linear programme in (β⁺, β⁻) ≥ 0."""
    d = X.shape[1]
    res = linprog(np.ones(2 * d), A_eq=np.hstack([X, -X]), b_eq=y, bounds=(0, None))
    assert res.status == 0
    return res.x[:d] - res.x[d:]


# ------------------------------------------------------------------------------- Dataset


def test_dataset_converts_and_reports_sizes():
    ds = Dataset([[1, 2, 3], [4, 5, 6]], [1, 0], beta_star=[0, 1, 0], feature_names=["a", "b", 7])
    assert ds.X.dtype == np.float64 and ds.y.dtype == np.float64
    assert (ds.n_samples, ds.n_features) == (2, 3)
    assert ds.feature_names == ("a", "b", "7")
    assert ds.beta_star.tolist() == [0.0, 1.0, 0.0]
    assert repr(ds) == "Dataset(name='data', n_samples=2, n_features=3, beta_star=<1 non-zeros>)"


def test_dataset_is_frozen():
    ds = worked_example()
    with pytest.raises(AttributeError):
        ds.name = "other"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"y": [1.0, 2.0, 3.0]}, ValueError, "same number of samples; got X with 2 rows"),
        ({"beta_star": [1.0]}, ValueError, "must have length n_features = 2; got length 1"),
        ({"feature_names": ("a",)}, ValueError, r"one name per column of X \(2\); got 1"),
        ({"name": 3}, TypeError, "`name` must be a str; got 3"),
    ],
)
def test_dataset_rejects_inconsistent_fields(kwargs, error, match):
    fields = {"X": np.eye(2), "y": np.ones(2), **kwargs}
    with pytest.raises(error, match=match):
        Dataset(**fields)


# ---------------------------------------------------------------------- synthetic data


def test_make_sparse_regression_shapes_and_default_support():
    ds = make_sparse_regression(30, 12, seed=1)
    assert ds.X.shape == (30, 12) and ds.y.shape == (30,) and ds.beta_star.shape == (12,)
    assert np.count_nonzero(ds.beta_star) == 5
    assert ds.name == "sparse_regression"
    assert np.count_nonzero(make_sparse_regression(4, 3, seed=1).beta_star) == 3


def test_noiseless_labels_are_exactly_linear():
    ds = make_sparse_regression(15, 25, n_nonzero=4, seed=3)
    assert np.linalg.norm(ds.y) > 0.1  # not the trivial all-zero problem
    np.testing.assert_array_equal(ds.y, ds.X @ ds.beta_star)


def test_reproducible_by_seed_and_generator():
    a = make_sparse_regression(10, 8, n_nonzero=3, noise=0.5, seed=7)
    b = make_sparse_regression(10, 8, n_nonzero=3, noise=0.5, seed=7)
    c = make_sparse_regression(10, 8, n_nonzero=3, noise=0.5, seed=np.random.default_rng(7))
    other = make_sparse_regression(10, 8, n_nonzero=3, noise=0.5, seed=8)
    for ds in (b, c):
        np.testing.assert_array_equal(a.X, ds.X)
        np.testing.assert_array_equal(a.y, ds.y)
        np.testing.assert_array_equal(a.beta_star, ds.beta_star)
    assert not np.array_equal(a.X, other.X)


def test_noise_changes_only_the_labels():
    clean = make_sparse_regression(4000, 6, n_nonzero=2, seed=5)
    noisy = make_sparse_regression(4000, 6, n_nonzero=2, noise=0.3, seed=5)
    np.testing.assert_array_equal(clean.X, noisy.X)
    np.testing.assert_array_equal(clean.beta_star, noisy.beta_star)
    residual = noisy.y - noisy.X @ noisy.beta_star
    assert abs(residual.std() - 0.3) < 0.02  # sampling: 0.3/√8000 = 0.0034 per σ; seeded
    assert abs(residual.mean()) < 0.03
    # without sampling error: the noise is σ times the same draws, added to the clean labels
    louder = make_sparse_regression(4000, 6, n_nonzero=2, noise=0.6, seed=5)
    np.testing.assert_allclose(louder.y - clean.y, 2 * (noisy.y - clean.y), rtol=0, atol=1e-13)


def test_given_beta_star_is_used_as_is():
    beta = np.array([0.0, 2.0, 0.0, -1.0])
    ds = make_sparse_regression(6, 4, beta_star=beta, n_nonzero=2, seed=0)
    np.testing.assert_array_equal(ds.beta_star, beta)
    assert ds.beta_star is not beta
    np.testing.assert_allclose(ds.y, ds.X @ beta)


def test_covariance_is_honoured():
    """Same seed, same N(0, I) draws Z: X = Z·Mᵀ with M·Mᵀ = cov exactly (up to round-off),
    an oracle without sampling error (the sample covariance of 40,000 rows is only within
    3·10⁻² of cov). Then the rows are N(0, cov) because those of Z are N(0, I)."""
    cov = np.array([[2.0, 0.8, 0.0], [0.8, 1.0, -0.3], [0.0, -0.3, 0.5]])
    X = make_sparse_regression(200, 3, covariance=cov, seed=11).X
    Z = make_sparse_regression(200, 3, seed=11).X
    M_t, residual, rank, _ = np.linalg.lstsq(Z, X, rcond=None)
    assert rank == 3 and residual.max() < 1e-24 * (X**2).sum()  # X is exactly linear in Z
    np.testing.assert_allclose(M_t.T @ M_t, cov, rtol=0, atol=1e-12)  # measured: 2e-15


def test_singular_covariance_gives_collinear_columns():
    v = np.array([1.0, -2.0, 0.5])
    X = make_sparse_regression(50, 3, covariance=np.outer(v, v), seed=2).X
    assert np.linalg.matrix_rank(X) == 1
    np.testing.assert_allclose(X[:, 1], -2.0 * X[:, 0], atol=1e-12)


def test_zero_nonzeros_gives_pure_noise():
    ds = make_sparse_regression(5, 4, n_nonzero=0, noise=1.0, seed=0)
    assert not ds.beta_star.any() and ds.y.any()


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 12),
    d=st.integers(1, 12),
    frac=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_support_size_property(n, d, frac, seed):
    k = round(frac * d)
    ds = make_sparse_regression(n, d, n_nonzero=k, seed=seed)
    assert np.count_nonzero(ds.beta_star) == k
    assert ds.X.shape == (n, d)
    np.testing.assert_allclose(ds.y, ds.X @ ds.beta_star, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"n_samples": 0},
            ValueError,
            r"`n_samples` parameter of make_sparse_regression must "
            r"be an int in \[1, inf\]. Got 0",
        ),
        ({"n_features": -2}, ValueError, r"`n_features` parameter .* Got -2"),
        ({"n_samples": 2.5}, TypeError, r"`n_samples` parameter .* Got 2.5 \(type float\)"),
        ({"n_nonzero": 9}, ValueError, "cannot exceed n_features = 4. Got 9 instead; lower"),
        ({"n_nonzero": -1}, ValueError, r"`n_nonzero` parameter .* Got -1"),
        ({"beta_star": [1.0, 0.0]}, ValueError, "must have length n_features = 4; got length 2"),
        ({"beta_star": np.ones((4, 1))}, ValueError, r"1-dimensional .* got shape \(4, 1\)"),
        ({"beta_star": [1.0, np.nan, 0, 0]}, ValueError, "`beta_star` contains NaN or infinite"),
        (
            {"beta_star": [1.0, 0, 0, 2.0], "n_nonzero": 3},
            ValueError,
            "`n_nonzero` parameter of make_sparse_regression is 3 but the given `beta_star` has 2 "
            "non-zero entries; pass only one",
        ),
        ({"noise": -0.1}, ValueError, r"`noise` parameter .* float in \[0.0, inf\]. Got -0.1"),
        ({"noise": float("nan")}, ValueError, r"`noise` parameter .* Got nan"),
        (
            {"covariance": np.eye(3)},
            ValueError,
            r"shape \(n_features, n_features\) = \(4, 4\); "
            r"got shape \(3, 3\)",
        ),
        (
            {"covariance": np.triu(np.ones((4, 4)))},
            ValueError,
            r"must be symmetric; got covariance\[0, 1\] = 1 but covariance\[1, 0\] = 0",
        ),
        (
            {"covariance": np.diag([1.0, 1.0, -1.0, 1.0])},
            ValueError,
            "must be positive semi-definite; its smallest eigenvalue is -1",
        ),
        (
            {"seed": -1},
            ValueError,
            "`seed` parameter of make_sparse_regression must be a non-negative int. Got -1",
        ),
        (
            {"seed": "abc"},
            TypeError,
            "must be None, a non-negative int or a numpy.random.Generator. Got 'abc'",
        ),
        ({"seed": 1.0}, TypeError, r"Got 1.0 \(type float\)"),
    ],
)
def test_make_sparse_regression_rejects_bad_arguments(kwargs, error, match):
    args = {"n_samples": 5, "n_features": 4, **kwargs}
    with pytest.raises(error, match=match):
        make_sparse_regression(args.pop("n_samples"), args.pop("n_features"), **args)


def test_worked_example_values_and_known_path_facts():
    ds = worked_example()
    np.testing.assert_array_equal(ds.X, [[1, 0.5, 0.7, 0], [0.5, 1, 0.1, 0.7]])
    np.testing.assert_array_equal(ds.y, [1, 0])
    assert ds.beta_star is None and ds.name == "worked_example"
    grad0 = ds.X.T @ ds.y / ds.n_samples
    assert ds.n_samples / np.max(np.abs(ds.X.T @ ds.y)) == 2.0  # first jump time τ₁
    col = int(np.argmax(np.abs(grad0)))
    assert col == 0 and ds.X[:, col] @ ds.y / (ds.X[:, col] @ ds.X[:, col]) == pytest.approx(0.8)
    last = np.array([0, 0, 10 / 7, -10 / 49])
    np.testing.assert_allclose(ds.X @ last, ds.y, atol=1e-14)
    np.testing.assert_allclose(min_l1_interpolator(ds.X, ds.y), last, atol=1e-9)


def test_demo_problem_is_deterministic_sparse_and_recoverable():
    ds = demo_problem()
    again = demo_problem(seed=0)
    np.testing.assert_array_equal(ds.X, again.X)
    np.testing.assert_array_equal(ds.beta_star, again.beta_star)
    assert (ds.n_samples, ds.n_features, ds.name) == (20, 40, "demo")
    planted = ds.beta_star[ds.beta_star != 0]
    assert planted.size == 3 and np.all((np.abs(planted) >= 1) & (np.abs(planted) < 2))
    np.testing.assert_array_equal(ds.y, ds.X @ ds.beta_star)
    np.testing.assert_allclose(min_l1_interpolator(ds.X, ds.y), ds.beta_star, atol=1e-8)
    assert not np.array_equal(demo_problem(seed=1).X, ds.X)


# ------------------------------------------------------------------------------ loaders

CSV = "x1,x2,y\n1,2,3\n4,5,6\n7,8,9\n"


@pytest.mark.parametrize("target", ["y", 2, -1])
def test_csv_with_header_target_last(tmp_path, target):
    ds = load_csv(write(tmp_path, "data.csv", CSV), target=target)
    np.testing.assert_array_equal(ds.X, [[1, 2], [4, 5], [7, 8]])
    np.testing.assert_array_equal(ds.y, [3, 6, 9])
    assert ds.feature_names == ("x1", "x2") and ds.name == "data" and ds.beta_star is None


@pytest.mark.parametrize("target", ["x1", 0, -3])
def test_csv_target_first_column(tmp_path, target):
    ds = load_csv(write(tmp_path, "data.csv", CSV), target=target)
    np.testing.assert_array_equal(ds.X, [[2, 3], [5, 6], [8, 9]])
    np.testing.assert_array_equal(ds.y, [1, 4, 7])
    assert ds.feature_names == ("x2", "y")


def test_csv_round_trip_without_header(tmp_path):
    src = make_sparse_regression(7, 3, seed=4)
    path = tmp_path / "plain.csv"
    np.savetxt(path, np.column_stack([src.X, src.y]), delimiter=",", fmt="%.17g")
    ds = load_csv(path)
    assert ds.feature_names is None and ds.name == "plain"
    np.testing.assert_array_equal(ds.X, src.X)
    np.testing.assert_array_equal(ds.y, src.y)


def test_csv_header_flag_overrides_detection(tmp_path):
    path = write(tmp_path, "nums.csv", "10,20,30\n1,2,3\n4,5,6\n")
    assert load_csv(path).n_samples == 3
    named = load_csv(path, header=True, target="30")
    assert named.n_samples == 2 and named.feature_names == ("10", "20")
    with pytest.raises(DataFileError, match=r"line 1, column 1: could not parse 'x1'"):
        load_csv(write(tmp_path, "h.csv", CSV), header=False)


def test_csv_tolerates_spaces_blank_lines_comments_and_quotes(tmp_path):
    text = '# exported\n"a, b" , c ,y\n\n 1 , 2 , 3 \n# note\n4,5,6\n'
    ds = load_csv(write(tmp_path, "messy.csv", text), target="y")
    assert ds.feature_names == ("a, b", "c")
    np.testing.assert_array_equal(ds.X, [[1, 2], [4, 5]])


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("t.tsv", "a\tb\ty\n1\t2\t3\n4\t5\t6\n"),
        ("w.txt", "a  b y\n1 2   3\n4\t5 6\n"),
        ("c.txt", "a,b,y\n1,2,3\n4,5,6\n"),
        ("s.CSV", "a,b,y\n1,2,3\n4,5,6\n"),
    ],
)
def test_load_data_text_suffixes(tmp_path, name, text):
    ds = load_data(write(tmp_path, name, text))
    np.testing.assert_array_equal(ds.X, [[1, 2], [4, 5]])
    np.testing.assert_array_equal(ds.y, [3, 6])
    assert ds.feature_names == ("a", "b")


def test_guessed_semicolon_delimiter(tmp_path):
    ds = load_csv(write(tmp_path, "semi.csv", "1;2;3\n4;5;6\n"), delimiter=None, target=0)
    np.testing.assert_array_equal(ds.y, [1, 4])


@pytest.mark.parametrize("target", [None, 0, -3])
def test_npy_round_trip(tmp_path, target):
    table = np.arange(12.0).reshape(4, 3)
    path = tmp_path / "table.npy"
    np.save(path, table)
    ds = load_data(path, target=target) if target is not None else load_npy(path)
    col = 2 if target is None else 0
    np.testing.assert_array_equal(ds.y, table[:, col])
    np.testing.assert_array_equal(ds.X, np.delete(table, col, axis=1))
    assert ds.name == "table" and ds.feature_names is None


def test_npz_round_trip_keeps_planted_coefficients_and_names(tmp_path):
    src = make_sparse_regression(6, 3, n_nonzero=1, seed=9)
    path = tmp_path / "synthetic.npz"
    np.savez(
        path,
        X=src.X,
        y=src.y[:, None],
        beta_star=src.beta_star,
        feature_names=np.array(["u", "v", "w"]),
    )
    for ds in (load_npz(path), load_data(path)):
        np.testing.assert_array_equal(ds.X, src.X)
        np.testing.assert_array_equal(ds.y, src.y)
        np.testing.assert_array_equal(ds.beta_star, src.beta_star)
        assert ds.feature_names == ("u", "v", "w") and ds.name == "synthetic"


def test_npz_custom_keys(tmp_path):
    path = tmp_path / "keys.npz"
    np.savez(path, features=np.eye(2), labels=np.array([1.0, 2.0]))
    ds = load_npz(path, x_key="features", y_key="labels")
    np.testing.assert_array_equal(ds.y, [1, 2])
    np.savez(path, X=np.eye(2), labels=np.array([1.0, 2.0]))
    np.testing.assert_array_equal(load_data(path, target="labels").y, [1, 2])


# ------------------------------------------------------------------------ loader errors


@pytest.mark.parametrize(
    ("text", "kwargs", "match"),
    [
        ("", {}, "is empty (no data lines)"),
        ("# only a comment\n\n", {}, "is empty (no data lines)"),
        ("a,b,y\n", {}, "has a header (line 1) but no data rows"),
        (
            "1,2,3\n",
            {"header": True},
            "header (line 1) but no data rows; add a row per sample, "
            "or pass header=False if line 1 is data.",
        ),
        ("a,b,y\n1,2,3\n4,5\n", {}, "data.csv, line 3: expected 3 cells, as on line 1, but got 2"),
        ("a,b,y\n1,2,3\n\n4,5,6,7\n", {}, "line 4: expected 3 cells, as on line 1, but got 4"),
        (
            "x0,x1,x2\n1,2,3\n1,2,3\n1,2,3\n1,2,3\n1,2,3\n1,abc,3\n",
            {},
            "data.csv, line 7, column 2 ('x1'): could not parse 'abc' as a number; fix or remove "
            "that cell",
        ),
        ("1,2,3\n4,x,6\n", {}, "data.csv, line 2, column 2: could not parse 'x'"),
        ("a,b,y\n1,,3\n", {}, "line 2, column 2 ('b'): the cell is empty; fill it in or remove"),
        (
            "a,b,y\n1,2,3\n4,nan,6\n",
            {},
            "line 3, column 2 ('b'): 'nan' is not a finite number; remove or impute that row",
        ),
        ("a,b,y\n1,2,-inf\n", {}, "line 2, column 3 ('y'): '-inf' is not a finite number"),
        ("a,b,y\n1,2,1e400\n", {}, "'1e400' is not a finite number"),
        (
            "y\n1\n2\n",
            {},
            "has only one column, so no feature columns besides the target; check the delimiter",
        ),
        ("a;b;y\n1;2;3\n", {}, "has only one column"),
        (
            CSV,
            {"target": "z"},
            "target='z' is not in the header of .*data.csv: ['x1', 'x2', 'y']. "
            "Pass one of these names",
        ),
        ("a,a,y\n1,2,3\n", {"target": "a"}, "target='a' appears 2 times in the header"),
        (
            "1,2,3\n",
            {"target": "y"},
            "target='y' names a column, but .*data.csv has no header "
            "row of column names; pass target as a position",
        ),
        (
            CSV,
            {"target": 3},
            "target=3 is out of range for .*data.csv, which has 3 columns; use "
            "a position in [-3, 2]",
        ),
        (CSV, {"target": -4}, "target=-4 is out of range"),
    ],
)
def test_csv_errors_name_file_line_and_fix(tmp_path, text, kwargs, match):
    path = write(tmp_path, "data.csv", text)
    pattern = ".*".join(re.escape(part) for part in match.split(".*"))
    with pytest.raises(DataFileError, match=pattern):
        load_csv(path, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"target": 1.0}, TypeError, r"`target` must be a column position \(int\) or name"),
        ({"target": True}, TypeError, "`target` must be a column position"),
        ({"header": "yes"}, TypeError, r"`header` must be True, False or None \(detect\)"),
        ({"delimiter": ", "}, ValueError, "`delimiter` must be a single character or None"),
    ],
)
def test_csv_argument_errors(tmp_path, kwargs, error, match):
    with pytest.raises(error, match=match):
        load_csv(write(tmp_path, "data.csv", CSV), **kwargs)


def test_missing_file_directory_and_bad_path_type(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"No such data file: '.*nope\.csv' \(looked in"):
        load_data(tmp_path / "nope.csv")
    for loader in (load_csv, load_npy, load_npz):
        with pytest.raises(FileNotFoundError, match="No such data file"):
            loader(tmp_path / "nope")
    with pytest.raises(DataFileError, match="is a directory, not a data file"):
        load_csv(tmp_path)
    with pytest.raises(TypeError, match=r"`path` must be a str or os.PathLike; got int"):
        load_data(3)


def test_unknown_suffix_and_npz_target_type(tmp_path):
    with pytest.raises(DataFileError, match=r"unknown file type '\.xlsx'; load_data reads"):
        load_data(write(tmp_path, "sheet.xlsx", "1,2\n"))
    path = tmp_path / "a.npz"
    np.savez(path, X=np.eye(2), y=np.ones(2))
    with pytest.raises(TypeError, match=r"For an \.npz file `target` names the y array"):
        load_data(path, target=0)


def test_text_file_encoding_and_quoting_errors(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"a,b,y\n1,2,\xff\n")
    with pytest.raises(DataFileError, match=r"latin\.csv is not UTF-8 text \(byte 10"):
        load_csv(path)
    long_cell = write(tmp_path, "long.csv", 'a,b\n1,"' + "9" * 200_000 + '"\n')
    with pytest.raises(DataFileError, match=r"long\.csv, line 2: .*fix the quoting"):
        load_csv(long_cell)


def test_npy_errors(tmp_path):
    cases = {
        "vector.npy": (np.arange(3.0), r"holds an array of shape \(3,\); load_npy needs a 2-D"),
        "column.npy": (np.ones((3, 1)), "has only one column, so no feature columns"),
        "holes.npy": (
            np.array([[1.0, 2.0], [np.inf, 1.0]]),
            r"holes\.npy: `array` contains NaN or infinite values \(first at index "
            r"\[1, 0\]\)",
        ),
        "words.npy": (np.array([["a", "b"], ["c", "d"]]), "`array` must hold real numbers"),
    }
    for name, (array, match) in cases.items():
        np.save(tmp_path / name, array)
        with pytest.raises(DataFileError, match=match):
            load_npy(tmp_path / name)
    np.save(tmp_path / "table.npy", np.ones((2, 3)))
    with pytest.raises(DataFileError, match="target=5 is out of range"):
        load_npy(tmp_path / "table.npy", target=5)
    with pytest.raises(DataFileError, match="has no header row of column names"):
        load_data(tmp_path / "table.npy", target="y")


def test_npy_unreadable_files(tmp_path):
    (tmp_path / "junk.npy").write_bytes(b"\x93NUMPY garbage")
    with pytest.raises(DataFileError, match=r"junk\.npy could not be read as a NumPy \.npy file"):
        load_npy(tmp_path / "junk.npy")
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(DataFileError, match=r"could not be read .* Re-save it with np\.save"):
        load_npy(tmp_path / "objects.npy")
    np.savez(tmp_path / "archive.npz", X=np.eye(2), y=np.ones(2))
    (tmp_path / "archive.npz").rename(tmp_path / "archive.npy")
    with pytest.raises(DataFileError, match=r"is an \.npz archive, not one \.npy array"):
        load_npy(tmp_path / "archive.npy")


def test_npz_errors(tmp_path):
    np.savez(tmp_path / "keys.npz", features=np.eye(2), target=np.ones(2))
    with pytest.raises(
        DataFileError,
        match=r"has no array named 'X'; the keys present are "
        r"\['features', 'target'\]\. Pass x_key=/y_key=",
    ):
        load_npz(tmp_path / "keys.npz")
    np.savez(tmp_path / "rows.npz", X=np.eye(3), y=np.ones(2))
    with pytest.raises(DataFileError, match="'X' has 3 rows but 'y' has 2 entries"):
        load_npz(tmp_path / "rows.npz")
    np.savez(tmp_path / "flat.npz", X=np.ones(3), y=np.ones(3))
    with pytest.raises(DataFileError, match=r"flat\.npz: `X` must be 2-dimensional"):
        load_npz(tmp_path / "flat.npz")
    np.savez(tmp_path / "nan.npz", X=np.eye(2), y=np.array([1.0, np.nan]))
    with pytest.raises(DataFileError, match=r"`y` contains NaN or infinite values"):
        load_npz(tmp_path / "nan.npz")
    np.savez(tmp_path / "names.npz", X=np.eye(2), y=np.ones(2), feature_names=np.array(["a"]))
    with pytest.raises(DataFileError, match=r"names\.npz: `feature_names` must have one name"):
        load_npz(tmp_path / "names.npz")
    with pytest.raises(TypeError, match="`y_key` must be a str naming an array; got 1"):
        load_npz(tmp_path / "rows.npz", y_key=1)


def test_npz_unreadable_files(tmp_path):
    np.save(tmp_path / "single.npz", np.eye(2))
    (tmp_path / "single.npz.npy").rename(tmp_path / "single.npz")
    with pytest.raises(DataFileError, match=r"is a single \.npy array, not an \.npz archive"):
        load_npz(tmp_path / "single.npz")
    good = tmp_path / "good.npz"
    np.savez(good, X=np.eye(50), y=np.ones(50))
    cut = tmp_path / "cut.npz"
    cut.write_bytes(good.read_bytes()[:300])
    with pytest.raises(DataFileError, match=r"cut\.npz (could not be read|is corrupt)"):
        load_npz(cut)
    with zipfile.ZipFile(tmp_path / "bad.npz", "w") as zf:
        zf.writestr("X.npy", b"not an array")
        zf.writestr("y.npy", good.read_bytes()[:0])
    with pytest.raises(DataFileError, match=r"bad\.npz is corrupt: its member 'X' is not a NumPy"):
        load_npz(tmp_path / "bad.npz")
    header_only = np.lib.format.magic(1, 0) + b"v\x00{'descr': '<f8', 'fortran_order': False}"
    with zipfile.ZipFile(tmp_path / "short.npz", "w") as zf:
        zf.writestr("X.npy", header_only)
        zf.writestr("y.npy", header_only)
    with pytest.raises(DataFileError, match=r"short\.npz is corrupt \(ValueError: .*np\.savez"):
        load_npz(tmp_path / "short.npz")


def test_csv_with_byte_order_mark(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffa,y\n1,2\n".encode())
    ds = load_csv(path, target="y")
    assert ds.feature_names == ("a",) and ds.y.tolist() == [2.0]
