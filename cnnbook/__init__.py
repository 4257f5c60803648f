"""cnnbook: the tested companion package of the *cnnbook* textbook on convolutional networks.

The public functions below and the submodules (``cnnbook.nn``, ``cnnbook.models``,
``cnnbook.train``, ``cnnbook.data``, ``cnnbook.plotting``, ``cnnbook.interpret``,
``cnnbook.exercises``, ...) are loaded lazily, on first use: ``import cnnbook`` is all a reader
needs, it is fast, and it imports neither torch nor matplotlib until a name that needs them is
used. ``dir(cnnbook)`` lists both.

Examples
--------
>>> import cnnbook
>>> cnnbook.conv_output_size(28, 3)
26
>>> cnnbook.nn.Conv2d.__name__
'Conv2d'
"""

from importlib import import_module as _import_module

__version__ = "0.1.0"

# public name -> module (relative to this package) that defines it
_PUBLIC = {
    "convolve": "conv",
    "corr2d": "conv",
    "conv2d": "conv",
    "conv_matrix": "conv",
    "conv_output_size": "conv",
    "conv2d_backward": "conv_backward",
    "pad2d": "padding",
    "max_pool2d": "pooling",
    "avg_pool2d": "pooling",
    "min_pool2d": "pooling",
    "lp_pool2d": "pooling",
    "kmax_pool1d": "kmax",
    "dynamic_k": "kmax",
    "receptive_field": "receptive",
    "fc_params": "counting",
    "saliency_map": "interpret.attribution",
    "occlusion_map": "interpret.attribution",
    "conv_params": "counting",
}

# submodules a reader may reach as attributes, e.g. ``cnnbook.nn.Conv2d`` after ``import cnnbook``
_SUBMODULES = (
    "analysis", "apps", "bench", "bench_training", "conv", "conv_backward", "counting", "data",
    "detect", "exercises", "interpret", "kmax", "models", "nn", "padding", "plotting", "pooling",
    "receptive", "train",
)
_DEPRECATED = {"visualize": "interpret"}  # old name -> new one; reachable, not listed

__all__ = sorted(_PUBLIC)


def __getattr__(name):
    if name in _PUBLIC:
        value = getattr(_import_module(f".{_PUBLIC[name]}", __name__), name)
        globals()[name] = value  # cache: later lookups skip this function
        return value
    if name in _SUBMODULES or name in _DEPRECATED:
        return _import_module(f".{name}", __name__)  # importing sets the attribute: asked once
    raise AttributeError(f"module 'cnnbook' has no attribute {name!r}")


def __dir__():
    from importlib.util import find_spec

    present = [m for m in _SUBMODULES if m in globals() or find_spec(f"{__name__}.{m}")]
    return sorted(set(globals()) | set(__all__) | set(present))
