"""The report page's charts: saddlepath's inline SVG script against plotly (offline HTML).

One command; both pages are built from the same records in the same run and loaded in the
same headless chromium. Measured: the page's size in bytes, and the time from navigation
start to the end of the page's last script (``performance.now()``, read from the DOM that
``chromium --dump-dom`` prints), median over ``--repeats`` fresh loads. The saddlepath page
inlines its PNG figures too; the plotly page holds only the same four charts (same curves,
same points) plus plotly.js. Results: ``benchmarks/results/report_page.{json,md}``.

    .venv/bin/python benchmarks/report_page.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import tempfile
from importlib.resources import files
from pathlib import Path

import numpy as np

STAMP = "<script>document.title = 'T=' + performance.now().toFixed(2);</script>"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--dump-dom")  # fmt: skip


def run_folder(root: Path) -> Path:
    from typer.testing import CliRunner

    from saddlepath import cli
    from saddlepath.data import make_sparse_regression

    data = make_sparse_regression(20, 40, n_nonzero=3, seed=0)
    np.savez(root / "data.npz", X=data.X, y=data.y)
    out = root / "run"
    for args in (
        ["path", root / "data.npz", "--out", out],
        ["flow", root / "data.npz", "--alpha", "1e-30", "--out", out, "--plot"],
    ):
        result = CliRunner().invoke(cli.app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
    return out


def plotly_page(specs: dict, path: Path) -> None:
    """The same charts with plotly (each spec's curves as scatter traces), plotly.js inline."""
    import plotly.graph_objects as go

    parts = []
    for k, spec in enumerate(specs.values()):
        fig = go.Figure()
        for s in spec["series"]:
            shape = "hv" if s["kind"] == "step" else "linear"
            fig.add_trace(go.Scatter(x=s["x"], y=s["y"], name=s["name"], line_shape=shape))
        fig.update_yaxes(type="log" if spec["y"].get("log") else "linear")
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(k == 0)))
    path.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
                    + "".join(parts) + STAMP + "</body></html>", encoding="utf-8")  # fmt: skip


def load_ms(chromium: str, page: Path, profile: Path) -> float:
    out = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", page.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    return float(re.search(r"<title>T=([0-9.]+)</title>", out.stdout)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("needs chromium (Debian: apt-get install chromium)")
    import plotly

    from saddlepath.report.html import build_page

    root = Path(tempfile.mkdtemp(prefix="report-page-bench-"))
    page = build_page(run_folder(root))
    ours = root / "saddlepath.html"
    ours.write_text(page.html.replace("</body>", STAMP + "</body>"), encoding="utf-8")
    specs = json.loads(re.search(r'id="saddlepath-charts">(.*?)</script>', page.html, re.S)[1])
    theirs = root / "plotly.html"
    plotly_page(specs, theirs)
    script = len(files("saddlepath.report.html").joinpath("chart.js").read_bytes())
    rows = []
    for name, path in ((f"saddlepath (inline SVG, {script / 1000:.1f} kB script)", ours),
                       (f"plotly {plotly.__version__} (plotly.js inline)", theirs)):  # fmt: skip
        times = [load_ms(chromium, path, root / f"profile-{name[:4]}-{i}")
                 for i in range(args.repeats)]  # fmt: skip
        rows.append({"page": name, "bytes": path.stat().st_size,
                     "load_ms_median": statistics.median(times), "load_ms": times})  # fmt: skip
    figures = sum(p.stat().st_size for p in (root / "run").glob("*.png"))
    result = {"n_charts": len(specs), "chart_script_bytes": script, "png_bytes": figures,
              "rows": rows}  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report_page.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    lines = ["| page | bytes | load to last script, median (ms) |", "|---|---:|---:|"]
    lines += [f"| {r['page']} | {r['bytes']:,} | {r['load_ms_median']:.0f} |" for r in rows]
    lines.append(f"\n{len(specs)} charts; the saddlepath page also inlines {figures:,} bytes "
                 f"of PNG figures; its chart script is {script:,} bytes.")  # fmt: skip
    (args.out / "report_page.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
