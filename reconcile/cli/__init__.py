"""The command line: ``reconcile batch``, ``reconcile explain``, ``reconcile evaluate``, ``reconcile extract``.

This package is the library's edge: it opens files, prints, and exits with a status. Everything it computes
comes from the pure core (``reconcile.pipeline`` and friends).
"""

from . import extract as _extract  # noqa: F401  (registers the extract command)
from . import serve as _serve  # noqa: F401  (registers the serve and keys commands)
from .app import app, main

__all__ = ["app", "main"]
