"""HTML pieces of the report page, every text escaped: elements, tables, parameter lists.

Everything that comes from a file (names, messages, tracebacks, parameter values, table
cells) goes through :func:`esc` before it reaches the page; the builders here take plain
text and return safe HTML. JSON for the charts is inlined with every ``<`` written as
``\\u003c``, so no file content can close the ``<script>`` element it lives in.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from rich.table import Table
from rich.text import Text

__all__ = [
    "esc",
    "figure_image",
    "json_script",
    "params_list",
    "problem",
    "rich_table",
    "section",
    "table",
]


def esc(text: Any) -> str:
    """``text`` as HTML text: ``& < > " '`` escaped."""
    return escape(str(text), quote=True)


def section(anchor: str, title: str, body: str) -> str:
    """A ``<section id=anchor>`` headed by ``title`` (plain text) around ``body`` (HTML)."""
    return f'<section id="{esc(anchor)}">\n<h2>{esc(title)}</h2>\n{body}\n</section>'


def problem(text: str) -> str:
    """A visible warning box: something in the folder could not be shown."""
    return f'<div class="problem">{esc(text)}</div>'


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str | None = None,
    row_classes: Sequence[str] | None = None,
) -> str:
    """A scrollable HTML table of plain-text cells; number columns right-aligned.

    A column is a number column when each of its cells parses as a number (``"1e-3"``,
    ``"-2"``) or is empty or ``"–"`` (no value); other columns (names, coordinate lists,
    statuses, sentences) are left-aligned.
    """
    rows = [["" if v is None else str(v) for v in row] for row in rows]
    numeric = [all(map(_is_number, column)) for column in zip(*rows, strict=True)]
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for k, row in enumerate(rows):
        cls = f' class="{esc(row_classes[k])}"' if row_classes and row_classes[k] else ""
        cells = "".join(
            f"<td>{esc(text)}</td>" if number else f'<td class="text">{esc(text)}</td>'
            for text, number in zip(row, numeric, strict=True)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<div class="scroll"><table>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _is_number(text: str) -> bool:
    if text in ("", "–", "end"):
        return True
    try:
        float(text.replace("−", "-"))
    except ValueError:
        return False
    return True


def rich_table(rich: Table) -> str:
    """A Rich table of :mod:`saddlepath.report` as HTML: its title, columns, cells, caption.

    Rich markup is removed (``Text.from_markup(...).plain``) and the plain text escaped.
    """

    def plain(value: Any) -> str:
        return value.plain if isinstance(value, Text) else Text.from_markup(str(value)).plain

    headers = [plain(c.header) for c in rich.columns]
    columns = [[plain(cell) for cell in c.cells] for c in rich.columns]
    rows = list(zip(*columns, strict=True))
    title = f"<h3>{esc(plain(rich.title))}</h3>" if rich.title else ""
    caption = plain(rich.caption) if rich.caption else None
    return title + table(headers, rows, caption=caption)


def params_list(values: Mapping[str, Any]) -> str:
    """A ``<dl>`` of names and values (nested mappings flattened as ``a.b``)."""
    items = "".join(
        f"<dt>{esc(k)}</dt><dd>{esc(_value_text(v))}</dd>" for k, v in _flatten(values).items()
    )
    return f'<dl class="params">{items}</dl>'


def _flatten(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _value_text(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def json_script(element_id: str, obj: Any) -> str:
    """``obj`` as strict JSON in a ``<script type="application/json">`` (NaN, ±inf → null)."""
    text = json.dumps(_finite(obj), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'<script type="application/json" id="{esc(element_id)}">{text}</script>'


def _finite(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Mapping):
        return {str(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def figure_image(data: bytes, caption: str, *, mime: str = "image/png") -> str:
    """An image inlined as a ``data:`` URI, with ``caption`` (plain text) below it."""
    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (
        f'<figure><img class="figure" alt="{esc(caption)}" src="{uri}">'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )
