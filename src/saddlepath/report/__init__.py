"""Reports for people: Rich tables, status lines, messages and progress on the console.

Reports render results that have been computed; they never run a solver, write no
result files (except the ``--csv`` copy of a table) and import no plotting. One module
per subject:

- :mod:`.console`: the stdout/stderr consoles, error/warning/note lines, plain-text
  rendering, the certificate report, the ``wrote …`` line;
- :mod:`.progress`: progress bars and spinners on stderr;
- :mod:`.cells`: table cells (coordinate lists, β on its support) and ``--csv`` listing;
- :mod:`.csv_tables`: CSV copies of the tables;
- :mod:`.path`: the exact saddle path; :mod:`.run`: finite-α runs and their plateaus;
- :mod:`.analysis`: the jumps explained (``analyze``); :mod:`.catalog`: critical points
  (``saddles``); :mod:`.studies`: ``init-scale`` and ``converge``;
- :mod:`.json`: the JSON summaries printed with ``--json`` (one builder per result).
"""

from saddlepath.report.cells import MAX_LISTED, coordinate_note
from saddlepath.report.console import (
    PIPE_WIDTH,
    describe_error,
    print_check,
    print_error,
    print_note,
    print_warning,
    print_written,
    render_text,
    stderr_console,
    stdout_console,
)
from saddlepath.report.csv_tables import table_csv, write_csv
from saddlepath.report.path import path_table, status_line
from saddlepath.report.progress import progress, progress_bar
from saddlepath.report.run import plateau_table, trajectory_status_line

__all__ = [
    "MAX_LISTED",
    "PIPE_WIDTH",
    "coordinate_note",
    "describe_error",
    "path_table",
    "plateau_table",
    "print_check",
    "print_error",
    "print_note",
    "print_warning",
    "print_written",
    "progress",
    "progress_bar",
    "render_text",
    "status_line",
    "stderr_console",
    "stdout_console",
    "table_csv",
    "trajectory_status_line",
    "write_csv",
]
