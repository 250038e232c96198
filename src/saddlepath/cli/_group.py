"""The ``saddlepath`` command group: one-line usage errors, tidy help, checked numbers.

Every command of the group gets, when Click builds it: flags without a ``<bool>`` type
label, help paragraphs that flow instead of breaking at the source's line ends, the
exit codes (:data:`~saddlepath.cli._exit.EXIT_CODES`) in its epilog, and no number
written with an underscore on any flag (``float("1e-5_0")`` is 1e-50).
"""

from __future__ import annotations

import inspect
import re
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from saddlepath.cli._checks import check_scale
from saddlepath.cli._exit import EXIT_CODES, EXIT_USAGE
from saddlepath.report import print_error

try:  # typer ≥ 0.22 vendors click; its exceptions derive from TyperException
    from typer import TyperException as _CliError
except ImportError:  # pragma: no cover - older typer on top of click
    from click import ClickException as _CliError

__all__ = ["OneLineErrors"]


_SCALE_LISTS = ("gammas",)  # scale flags of commands defined elsewhere


def _reflow(text: str | None) -> str | None:
    """Join the hard line breaks inside each paragraph (Rich help keeps them otherwise)."""
    if not text:
        return text
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(" ".join(p.split("\n")) for p in paragraphs)


def _plain_scales(ctx: Any, param: Any, value: Any) -> Any:
    """Refuse ``--gammas 1e-5_0`` (Decimal and float read it as 1e-50) before the command runs."""
    if isinstance(value, str):  # only underscores: the command's own parser words the rest
        for item in value.split(","):
            if "_" in item:
                check_scale(item, f"--{param.name}")
    return value


def _tidy(command: Any, ctx: Any) -> Any:
    """Flags get no ``<bool>`` type label; help paragraphs flow instead of breaking.

    A ``--gammas`` list gets the underscore check of the other scale flags
    (:func:`~saddlepath.cli._checks.check_scale`): ``Decimal("1e-5_0")`` is 1e-50.
    """
    for param in command.get_params(ctx):
        if getattr(param, "is_flag", False) and not param.metavar:
            param.metavar = ""
        if param.name in _SCALE_LISTS and param.callback is None:
            param.callback = _plain_scales
    command.help = _reflow(command.help)
    if command.epilog and EXIT_CODES not in command.epilog:
        command.epilog = f"{command.epilog}\n\n{EXIT_CODES}"
    return command


_NUMBER = re.compile(r"[+-]?[\d._]*\d[\d._]*(?:[eE][+-]?[\d_]+)?")


def _underscored_number(args: list[str]) -> str | None:
    """``"--flag 'value'"`` for the first value that is a number with an underscore.

    ``float()`` and ``Decimal()`` accept ``"1e-5_0"`` as 1e-50: every float flag would
    silently run at a value nobody typed.
    """
    previous = ""
    for arg in map(str, args):
        flag, value = previous, arg
        if arg.startswith("--") and "=" in arg:
            flag, value = arg.split("=", 1)
        if "_" in value and _NUMBER.fullmatch(value):
            return f"{flag} {value!r}" if flag.startswith("-") else repr(value)
        previous = arg
    return None


class OneLineErrors(TyperGroup):
    """A Typer group that reports usage errors as one red line (exit 2), not a panel."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        return None if command is None else _tidy(command, ctx)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _tidy(self, ctx)
        super().format_help(ctx, formatter)

    def main(
        self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra: Any
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        number = _underscored_number(sys.argv[1:] if args is None else args)
        if number is not None:
            print_error(
                f"{number}: write numbers without underscores (Python reads '1e-5_0' as "
                "1e-50 and '0.1_5' as 0.15, which is rarely what was meant)."
            )
            sys.exit(EXIT_USAGE)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except typer.Abort:
            print_error("aborted.")
            sys.exit(1)
        except _CliError as exc:
            if type(exc).__name__ != "NoArgsIsHelpError":  # its help is already printed
                ctx = getattr(exc, "ctx", None)
                hint = f" Try '{ctx.command_path} --help'." if ctx is not None else ""
                message = exc.format_message().rstrip()
                print_error(message + ("" if message.endswith((".", "?")) else ".") + hint)
            sys.exit(getattr(exc, "exit_code", EXIT_USAGE))
        sys.exit(code if isinstance(code, int) else 0)
