r"""The initialisation scale α, held as :math:`\log\alpha` so that any α is representable.

``alpha`` may be a positive float or a decimal string such as ``"1e-1000"`` (parsed
exactly: :math:`\log\alpha = \ln(\text{digits}) + \text{exponent}\cdot\ln 10`, never
through a float that would underflow to 0); ``log_alpha`` gives :math:`\log\alpha`
directly (natural log, e.g. ``-1e5`` for :math:`\alpha = e^{-10^5}`).
"""

from __future__ import annotations

import math
import numbers
from decimal import Decimal, InvalidOperation

__all__ = ["resolve_log_alpha"]

_FIX = "pass a float in (0, 1), a string such as '1e-1000', or log_alpha=<float < 0>"


def _parse_alpha_string(text: str, where: str) -> float:
    try:
        value = Decimal(text.strip().replace("_", ""))
    except InvalidOperation:
        raise ValueError(
            f"The `alpha` parameter of {where} could not be parsed as a number. Got "
            f"{text!r} instead; {_FIX}."
        ) from None
    if not value.is_finite() or value <= 0:
        raise ValueError(
            f"The `alpha` parameter of {where} must be > 0. Got {text!r} instead; {_FIX}."
        )
    _, digits, exponent = value.as_tuple()
    mantissa = int("".join(str(k) for k in digits))
    return math.log(mantissa) + int(exponent) * math.log(10.0)


def _log_of_alpha(alpha: object, where: str) -> float:
    if isinstance(alpha, str):
        return _parse_alpha_string(alpha, where)
    if isinstance(alpha, Decimal):
        return _parse_alpha_string(str(alpha), where)
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(
            f"The `alpha` parameter of {where} must be a float or a decimal string. Got "
            f"{alpha!r} (type {type(alpha).__name__}) instead; {_FIX}."
        )
    value = float(alpha)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"The `alpha` parameter of {where} must be > 0. Got {alpha!r} instead; {_FIX}."
        )
    return math.log(value)


def resolve_log_alpha(
    alpha: object, log_alpha: object, *, where: str, require_small: bool = False
) -> float:
    r"""Return :math:`\log\alpha` from exactly one of ``alpha`` and ``log_alpha``.

    Parameters
    ----------
    alpha : float, str or None
        α > 0 as a float or an exact decimal string (``"1e-1000"``).
    log_alpha : float or None
        :math:`\log\alpha` (natural log).
    where : str
        Name of the calling function, used in messages.
    require_small : bool
        Require α < 1, i.e. :math:`\lambda = \ln(1/\alpha) > 0` (accelerated time exists).

    Returns
    -------
    float

    Examples
    --------
    >>> round(resolve_log_alpha("1e-1000", None, where="doc"), 6)
    -2302.585093
    >>> resolve_log_alpha(None, -1e5, where="doc")
    -100000.0
    """
    if alpha is not None and log_alpha is not None:
        raise ValueError(
            f"{where} got both `alpha`={alpha!r} and `log_alpha`={log_alpha!r}; pass only one."
        )
    if alpha is None and log_alpha is None:
        raise ValueError(
            f"{where} needs the initialisation scale: pass alpha= (e.g. 1e-10 or '1e-1000') "
            "or log_alpha= (e.g. -1e5)."
        )
    if alpha is not None:
        log_a = _log_of_alpha(alpha, where)
        name, shown = "alpha", repr(alpha)
    else:
        if isinstance(log_alpha, bool) or not isinstance(log_alpha, numbers.Real):
            raise TypeError(
                f"The `log_alpha` parameter of {where} must be a float. Got {log_alpha!r} "
                f"(type {type(log_alpha).__name__}) instead."
            )
        log_a = float(log_alpha)
        if not math.isfinite(log_a):
            raise ValueError(
                f"The `log_alpha` parameter of {where} must be finite. Got {log_alpha!r} "
                f"instead; {_FIX}."
            )
        name, shown = "log_alpha", repr(log_alpha)
    if require_small and log_a >= 0:
        raise ValueError(
            f"The `{name}` parameter of {where} must describe alpha < 1 (accelerated time "
            f"tau = t / ln(1/alpha) needs ln(1/alpha) > 0). Got {shown} instead; {_FIX}."
        )
    return log_a
