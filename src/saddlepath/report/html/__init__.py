"""Self-contained HTML report pages of run, experiment and sweep folders.

``write_page(DIR)`` turns what a command wrote with ``--out``, an experiment folder or a
sweep store into one HTML file that needs no network: the saddle tables (the console
tables of :mod:`saddlepath.report`, as HTML), interactive charts (hover a curve for its
coordinate and value, drag to zoom the loss staircase), the figures, the parameters,
versions and timings, and for a sweep the summary over the grid. Modules:

- :mod:`._folders`: which kind of folder, and its records (:func:`folder_kind`);
- :mod:`._records_view`: records → tables and charts; :mod:`._charts`: chart specs;
- :mod:`._sweep`: the sweep store's results table and summary charts;
- :mod:`._sections`: the sections of each kind of page; :mod:`._markup`: escaped HTML;
- :mod:`._page`: the page itself (with ``page.css`` and ``chart.js`` inlined), written
  atomically.
"""

from saddlepath.report.html._folders import ReportFolderError, folder_kind
from saddlepath.report.html._page import DEFAULT_NAME, ReportPage, build_page, write_page

__all__ = [
    "DEFAULT_NAME",
    "ReportFolderError",
    "ReportPage",
    "build_page",
    "folder_kind",
    "write_page",
]
