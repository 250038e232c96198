"""One self-contained HTML page for a run, experiment or sweep folder.

The page needs no network: the style sheet (``page.css``), the chart script (``chart.js``,
about 11 kB, no library) and the chart data (JSON) are inlined, and figures are ``data:``
URIs. It is written atomically (:func:`saddlepath.io.write_text_atomic`): a reader sees the
old page or the new one, never half of one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

from saddlepath import __version__
from saddlepath.io import write_text_atomic
from saddlepath.report.html._folders import folder_kind
from saddlepath.report.html._markup import esc, json_script, problem, section
from saddlepath.report.html._sections import Sections, build_sections

__all__ = ["DEFAULT_NAME", "ReportPage", "build_page", "write_page"]

DEFAULT_NAME = "report.html"  # the page's name inside the folder when no --out is given
_TITLES = {"run": "Run", "experiment": "Experiment", "sweep": "Sweep"}


@dataclass(frozen=True, eq=False)
class ReportPage:
    """A built page: its ``html``, the folder's ``kind``, section anchors, charts, problems."""

    html: str
    kind: str
    folder: Path
    sections: tuple[str, ...]
    n_charts: int
    problems: tuple[str, ...]


def _asset(name: str) -> str:
    return files("saddlepath.report.html").joinpath(name).read_text(encoding="utf-8")


def _page(folder: Path, kind: str, parts: Sections) -> str:
    title = f"saddlepath · {_TITLES[kind]} report · {folder.resolve().name}"
    items = list(parts.items)
    if parts.problems:
        items.insert(0, ("problems", "Problems", "".join(problem(p) for p in parts.problems)))
    nav = "".join(f'<a href="#{esc(a)}">{esc(t)}</a>' for a, t, _ in items)
    body = "\n".join(section(a, t, b) for a, t, b in items)
    specs = {c.key: c.spec for c in parts.charts}
    stamp = datetime.now(tz=UTC).isoformat(timespec="seconds")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="saddlepath {esc(__version__)}">
<title>{esc(title)}</title>
<style>
{_asset("page.css")}
</style>
</head>
<body data-kind="{esc(kind)}">
<header><h1>{esc(title)}</h1>
<p>Folder {esc(folder.resolve())} · page made {esc(stamp)} by saddlepath {esc(__version__)}
· τ = t/ln(1/α) is accelerated time; L(β) = ‖Xβ − y‖²/(2n)</p></header>
<nav>{nav}</nav>
<main>
<noscript><p class="problem">JavaScript is off: the interactive charts are not drawn;
tables and figures are complete.</p></noscript>
{body}
</main>
{json_script("saddlepath-charts", specs)}
<script>
{_asset("chart.js")}
</script>
</body>
</html>
"""


def build_page(folder: str | os.PathLike) -> ReportPage:
    """The report page of ``folder`` (a run, experiment or sweep folder), not yet written.

    Parameters
    ----------
    folder : path
        A folder a command wrote with ``--out``, an experiment folder
        (``experiment.json``) or a sweep store (``sweep.json``); detected by
        :func:`~saddlepath.report.html.folder_kind`.

    Returns
    -------
    ReportPage
        ``problems`` lists what could not be shown (a record that does not load, a
        missing ``results.parquet``); the page shows them at the top.

    Raises
    ------
    ReportFolderError
        ``folder`` is none of the three kinds (the message says what was expected).
    """
    path = Path(folder)
    kind = folder_kind(path)
    parts = build_sections(path, kind)
    html = _page(path, kind, parts)
    anchors = tuple(a for a, _, _ in parts.items)
    return ReportPage(html, kind, path, anchors, len(parts.charts), tuple(parts.problems))


def write_page(
    folder: str | os.PathLike, out: str | os.PathLike | None = None
) -> tuple[ReportPage, Path]:
    """Build the page of ``folder`` and write it atomically to ``out``.

    Parameters
    ----------
    folder : path
        A run, experiment or sweep folder (see :func:`build_page`).
    out : path, optional
        The HTML file to write; ``folder/report.html`` by default. It is replaced
        atomically: a reader sees the old page or the new one.

    Returns
    -------
    (ReportPage, Path)
        The page and the path written.

    Examples
    --------
    >>> import tempfile, numpy as np, saddlepath as sp
    >>> folder = tempfile.mkdtemp()
    >>> _ = sp.save(sp.saddle_path(np.eye(2), np.array([1.0, 0.5])), f"{folder}/path")
    >>> page, written = write_page(folder)
    >>> page.kind, page.sections, page.n_charts, written.name
    ('run', ('results', 'versions'), 2, 'report.html')
    >>> import shutil; shutil.rmtree(folder)
    """
    page = build_page(folder)
    target = Path(out) if out is not None else Path(folder) / DEFAULT_NAME
    return page, write_text_atomic(target, page.html)
