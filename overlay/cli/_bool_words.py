"""``--flag true`` / ``--flag false`` for on/off options (pure: works on the argument list before click parses it).

click spells a boolean option ``--x/--no-x``; people and scripts also write ``--x true`` or ``--x=false``. Those
are rewritten to ``--x`` / ``--no-x``. A word after ``--x`` is taken as its value only when it is a boolean word,
so ``--x`` followed by an argument keeps working; the value of an option that takes one is never looked at.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

__all__ = ["BOOL_WORDS", "rewrite_bool_words"]

BOOL_WORDS: dict[str, bool] = {
    "true": True,
    "yes": True,
    "on": True,
    "1": True,
    "false": False,
    "no": False,
    "off": False,
    "0": False,
}


def rewrite_bool_words(
    args: Sequence[str], flags: Mapping[str, str], takes_value: Collection[str]
) -> list[str]:
    """``args`` with ``--x WORD`` / ``--x=WORD`` as ``--x`` or ``--no-x``.

    ``flags`` maps each on-flag to its off-flag (``--x`` -> ``--no-x``); ``takes_value`` names the options whose
    next argument is their value. ValueError names the option when ``--x=WORD`` holds no boolean word.
    """
    out: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":  # everything after it is an argument
            out.extend(args[i:])
            break
        name, eq, value = arg.partition("=")
        if name in flags and (eq or (i + 1 < len(args) and args[i + 1].lower() in BOOL_WORDS)):
            word = value if eq else args[i + 1]
            truth = BOOL_WORDS.get(word.lower())
            if truth is None:
                raise ValueError(f"{name}: expected true or false, got {word!r}")
            out.append(name if truth else flags[name])
            i += 1 if eq else 2
            continue
        out.append(arg)
        if arg in takes_value and i + 1 < len(args):
            out.append(args[i + 1])
            i += 1
        i += 1
    return out
