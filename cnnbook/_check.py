"""Private argument checks shared by the numerical modules.

Every helper raises ``TypeError`` for a value of the wrong kind and ``ValueError`` for a value
out of range, and every message names the parameter, e.g. ``ValueError("`stride` must be >= 1")``.
They return the checked (normalised) value, so a function can validate and convert in one line::

    sh, sw = pair(stride, "stride")
    check_positive(sh, "stride"); check_positive(sw, "stride")
"""

import contextlib
import numbers

import numpy as np

__all__ = [
    "as_float_array",
    "check_at_least",
    "check_bool",
    "check_choice",
    "check_int",
    "check_ndim",
    "check_nonnegative",
    "check_positive",
    "check_positive_real",
    "check_real",
    "is_int",
    "pair",
    "positive_pair",
    "reject_torch",
    "nonnegative_pair",
    "seeded",
    "torch_seed",
]


def _is_int(value):
    """True for Python/numpy integers, False for bool, float and everything else."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


is_int = _is_int


def check_bool(value, name):
    """Return `value` as a Python bool; TypeError unless it is a bool (``'no'`` and 1 are not).

    Examples
    --------
    >>> check_bool(np.True_, "bias")
    True
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False, got {value!r}")
    return bool(value)


def check_real(value, name):
    """Return `value` as a Python float; TypeError unless it is a real number (bool is not).

    Examples
    --------
    >>> check_real(np.float32(0.5), "lr")
    0.5
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number, got {type(value).__name__}")
    return float(value)


def check_positive_real(value, name):
    """Return `value` as a Python float; TypeError unless a real number, ValueError unless it
    is finite and ``> 0``.

    Examples
    --------
    >>> check_positive_real(2, "scale")
    2.0
    """
    value = check_real(value, name)
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"`{name}` must be finite and > 0, got {value}")
    return value


def check_int(value, name):
    """Return `value` as a Python int; TypeError unless it is an integer (bool is not)."""
    if not _is_int(value):
        raise TypeError(f"`{name}` must be an int, got {type(value).__name__}")
    return int(value)


def pair(value, name):
    """Normalise an int or a length-2 sequence of ints to a tuple ``(a, b)``.

    Examples
    --------
    >>> pair(3, "stride")
    (3, 3)
    >>> pair((1, 2), "padding")
    (1, 2)
    """
    if _is_int(value):
        return (int(value), int(value))
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"`{name}` must be an int or a pair of ints, got {len(value)} values")
        return (check_int(value[0], name), check_int(value[1], name))
    raise TypeError(f"`{name}` must be an int or a pair of ints, got {type(value).__name__}")


def check_positive(value, name):
    """Return int `value`; ValueError unless ``value >= 1``."""
    value = check_int(value, name)
    if value < 1:
        raise ValueError(f"`{name}` must be >= 1, got {value}")
    return value


def check_at_least(value, low, name):
    """Return int `value`; ValueError unless ``value >= low``."""
    value = check_int(value, name)
    if value < low:
        raise ValueError(f"`{name}` must be >= {low}, got {value}")
    return value


def check_nonnegative(value, name):
    """Return int `value`; ValueError unless ``value >= 0``."""
    value = check_int(value, name)
    if value < 0:
        raise ValueError(f"`{name}` must be >= 0, got {value}")
    return value


def positive_pair(value, name):
    """`pair` followed by `check_positive` on both entries."""
    a, b = pair(value, name)
    return (check_positive(a, name), check_positive(b, name))


def nonnegative_pair(value, name):
    """`pair` followed by `check_nonnegative` on both entries."""
    a, b = pair(value, name)
    return (check_nonnegative(a, name), check_nonnegative(b, name))


def check_ndim(array, ndims, name):
    """Raise ValueError unless ``array.ndim`` is `ndims` (an int or a tuple of allowed ints)."""
    allowed = (ndims,) if isinstance(ndims, int) else tuple(ndims)
    ndim = np.ndim(array)
    if ndim not in allowed:
        if len(allowed) > 3 and allowed == tuple(range(allowed[0], allowed[-1] + 1)):
            want = f"at least {allowed[0]}"  # a range such as range(2, 33): numpy's limit
        else:
            want = " or ".join(str(d) for d in allowed)
        raise ValueError(
            f"`{name}` must have {want} dimensions, got {ndim} (shape {np.shape(array)})")
    return array


def check_choice(value, choices, name):
    """Return `value` if it is one of `choices`, else ValueError listing them."""
    if not isinstance(value, str) and not _is_int(value):
        raise TypeError(f"`{name}` must be one of {sorted(choices)!r}, got {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {sorted(choices)!r}, got {value!r}")
    return value


def reject_torch(x, name):
    """TypeError if `x` is a torch tensor: the numpy functions take numpy arrays only."""
    if type(x).__module__.startswith("torch"):
        raise TypeError(f"`{name}` must be a numpy array, got a torch tensor (use .numpy())")
    return x


def as_float_array(x, name):
    """Return `x` as a float ndarray: float32/float64 kept, ints and bools become float64.

    Other floating types (float16, longdouble) become float64. Complex, object and string
    input raise TypeError. Torch tensors are not accepted here (convert with ``.numpy()``).

    Examples
    --------
    >>> as_float_array([1, 2], "x").dtype
    dtype('float64')
    >>> as_float_array(np.ones(2, np.float32), "x").dtype
    dtype('float32')
    """
    reject_torch(x, name)
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged lists
        raise TypeError(f"`{name}` must be a numeric array: {err}") from None
    if arr.dtype in (np.float32, np.float64):
        return arr
    if arr.dtype.kind in "biuf":
        return arr.astype(np.float64)
    raise TypeError(f"`{name}` must be a real numeric array, got dtype {arr.dtype}")


@contextlib.contextmanager
def torch_seed(seed, name="seed"):
    """Within the block, torch's global (CPU) generator is seeded with int `seed`; afterwards its
    state is what it was: a builder's weights come from its seed alone and leave the caller's
    random state untouched."""
    seed = check_int(seed, name)
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def seeded(build, seed):
    """``build()`` under :func:`torch_seed` (``seed``)."""
    with torch_seed(seed):
        return build()
