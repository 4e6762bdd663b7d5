"""`sendmux`: the command line (``pip install 'sendmux[cli]'``); every operation of every surface as a command.

Kept tiny: the console script imports this module, and ``sendmux --help`` / ``--version`` must start fast,
so click and the operation table load only in `run`, and resource modules only for the command that runs.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    try:
        import click  # noqa: F401
    except ImportError:
        sys.stderr.write("sendmux: the command line needs the 'cli' extra: pip install 'sendmux[cli]'\n")
        return 1
    from ._app import run

    return run(argv)
