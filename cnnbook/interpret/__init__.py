"""Interpreting a trained CNN (chapters 7 and 8): what it learns and what it looks at.

One method per module, each loaded on first use:

* :mod:`~cnnbook.interpret.attribution` -- saliency and occlusion maps,
* :mod:`~cnnbook.interpret.maximize` -- activation maximisation (inputs a unit likes most),
* :mod:`~cnnbook.interpret.adversarial` -- targeted attacks ("a shoe seen as a cougar"),
* :mod:`~cnnbook.interpret.measures` -- numbers that compare images (correlation, variation),
* :mod:`~cnnbook.interpret.dream` -- Deep Dream,
* :mod:`~cnnbook.interpret.style` -- Gram matrices, texture synthesis and style transfer.

Figures of these results are drawn by :mod:`cnnbook.plotting`. This package was called
``cnnbook.visualize`` before; that name still works, as a deprecated alias.

Examples
--------
>>> import cnnbook
>>> cnnbook.interpret.maximize.maximize_activation.__name__
'maximize_activation'
"""

from importlib import import_module

SUBMODULES = ("adversarial", "attribution", "dream", "maximize", "measures", "style")

__all__ = list(SUBMODULES)


def __getattr__(name):
    if name in SUBMODULES:
        return import_module(f".{name}", __name__)  # import sets the attribute: asked once
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(SUBMODULES))
