"""cnnbook: the tested companion package of the *cnnbook* textbook on convolutional networks.

The public names below are loaded lazily, so ``import cnnbook`` is fast and does not import
torch until a name that needs it is used.

Examples
--------
>>> import cnnbook
>>> cnnbook.conv_output_size(28, 3)
26
"""

from importlib import import_module

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
    "saliency_map": "visualize.attribution",
    "occlusion_map": "visualize.attribution",
    "conv_params": "counting",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name):
    if name in _PUBLIC:
        value = getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
        globals()[name] = value  # cache: later lookups skip this function
        return value
    raise AttributeError(f"module 'cnnbook' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
