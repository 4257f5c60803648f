"""Deprecated alias of :mod:`cnnbook.interpret` (the methods of chapters 7 and 8).

``cnnbook.visualize`` was renamed ``cnnbook.interpret`` so that the names say what each part
holds: :mod:`cnnbook.interpret` computes (attribution, activation maximisation, Deep Dream,
style, attacks) and :mod:`cnnbook.plotting` draws. Old imports keep working and give the very
same objects, e.g. ``from cnnbook.visualize.maximize import maximize_activation``: importing
this package warns once (``DeprecationWarning``) and registers every ``cnnbook.interpret``
submodule under its old name too.
"""

import sys
import warnings
from importlib import import_module

from ..interpret import SUBMODULES

warnings.warn("`cnnbook.visualize` is now `cnnbook.interpret`; the old name is a deprecated "
              "alias", DeprecationWarning, stacklevel=2)

for _name in SUBMODULES:
    _module = import_module(f"cnnbook.interpret.{_name}")
    sys.modules[f"{__name__}.{_name}"] = _module  # `import cnnbook.visualize.dream` finds it
    globals()[_name] = _module

__all__ = list(SUBMODULES)
