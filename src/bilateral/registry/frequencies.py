"""The frequency vocabulary: one-letter pandas period codes and the words users type for them.

Every function that takes a frequency (the event index, the dyad panel, explain) reads it with
:func:`freq_code`, so ``"Y"``, ``"year"``, ``"yearly"`` and ``"annual"`` mean the same everywhere.
"""

from __future__ import annotations

from collections.abc import Collection

from bilateral.errors import BilateralError

#: Period code → name, finest first.
FREQ_NAMES: dict[str, str] = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}

_ALIASES: dict[str, str] = {
    **{code.lower(): code for code in FREQ_NAMES},
    **{name: code for code, name in FREQ_NAMES.items()},
    "daily": "D", "weekly": "W", "monthly": "M", "quarterly": "Q", "yearly": "Y",
    "a": "Y", "annual": "Y", "annually": "Y",
}


def freq_code(value: str, allowed: Collection[str] | None = None) -> str:
    """The period code (``D``, ``W``, ``M``, ``Q`` or ``Y``) of ``value``.

    ``value`` is a code or a word (``day``, ``week``, ``month``, ``quarter``, ``year``, ``daily``
    … ``yearly``, ``A``, ``annual``), in any case. ``allowed`` limits the codes accepted (a panel
    is never daily). Raises :class:`BilateralError` naming the accepted values.
    """
    codes = [c for c in FREQ_NAMES if allowed is None or c in allowed]
    code = _ALIASES.get(str(value).strip().lower()) if isinstance(value, str) else None
    if code is None or code not in codes:
        choices = ", ".join(f"{c} ({FREQ_NAMES[c]})" for c in codes)
        raise BilateralError(f"frequency {value!r} is not known — use one of {choices}, as the code or the word")
    return code
