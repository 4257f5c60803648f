"""Check your own implementations: ``cnnbook.exercises.check("conv2d", my_conv2d)``.

The book's "implement it yourself" exercises ask for a function; :func:`check` runs yours on
many inputs -- hand-made edge cases first (a 1x1 image, a kernel as large as the image, a kernel
that is not symmetric, padding, a leftover column, ...), then seeded random ones -- and compares
each result with cnnbook's tested reference (itself checked against torch). When every case
agrees it prints one line, e.g. ``conv2d: all 40 cases agree``. Otherwise it raises
``AssertionError`` showing the *smallest* failing input, the expected and the received output,
and, when the failures match a common mistake, a hint: every hint is a hypothesis that was
tested, e.g. "kernel flipped" is given only when true convolution reproduces your output on the
failing cases. :func:`describe` lists the exercises and the signature each one expects.

Why not otter-grader or nbgrader? Both are built for graded course assignments: hidden tests
written per assignment, a grading step that runs outside the student's session (a server, a
Docker autograder, or a submission zip), and scores as the result. A reader of a book has no
course and no grader; they want instant feedback in their own kernel, offline, with an
explanation of what is wrong, on the functions the chapters define. A small module of our own
does exactly that, needs nothing beyond numpy and cnnbook's references, and its checkers are
themselves tested (``tests/test_exercises.py``) against deliberately wrong implementations.

Examples
--------
>>> import numpy as np
>>> def my_corr2d(x, k):
...     kh, kw = k.shape
...     out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
...     for i in range(out.shape[0]):
...         for j in range(out.shape[1]):
...             out[i, j] = (x[i:i + kh, j:j + kw] * k).sum()
...     return out
>>> check("corr2d", my_corr2d)
corr2d: all 40 cases agree
>>> len(names()), names()[0]
(6, 'conv2d')
"""

import inspect

from .._check import check_int
from . import _runner
from ._conv import CONV2D, CONV_OUTPUT_SIZE, CONV_OUTPUT_SIZE_DILATED, CORR2D
from ._more import CONV2D_BACKWARD, MAX_POOL2D, RECEPTIVE_FIELD

__all__ = ["check", "describe", "names"]

_EXERCISES = {ex.name: ex for ex in (CORR2D, CONV2D, CONV_OUTPUT_SIZE, MAX_POOL2D,
                                      CONV2D_BACKWARD, RECEPTIVE_FIELD)}


class _Text(str):
    """A string that a notebook shows as text (its repr is itself), not as a quoted literal."""

    def __repr__(self):
        return str(self)


def names():
    """The names :func:`check` accepts, sorted.

    Returns
    -------
    tuple of str
    """
    return tuple(sorted(_EXERCISES))


def _exercise(name):
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a str, one of {', '.join(names())}; got "
                        f"{type(name).__name__}")
    if name not in _EXERCISES:
        raise ValueError(f"`name` must be one of {', '.join(names())}; got {name!r}")
    return _EXERCISES[name]


def describe(name=None):
    """What each checkable exercise expects: its call, the argument shapes, what to return.

    Parameters
    ----------
    name : str, optional
        One exercise (see :func:`names`); default all of them.

    Returns
    -------
    str
        Shown as plain text in a notebook.

    Examples
    --------
    >>> print(describe("corr2d"))  # doctest: +ELLIPSIS
    corr2d(x, k)
      cross-correlation of one 2-D image with one 2-D kernel (no padding, stride 1)
      x : (H, W) array, k : (kh, kw) array with kh <= H, kw <= W.
    ...
    """
    chosen = [_exercise(name)] if name is not None else [_EXERCISES[n] for n in names()]
    blocks = []
    for ex in chosen:
        details = "\n".join(f"  {line}" for line in ex.details.splitlines())
        blocks.append(f"{ex.signature}\n  {ex.summary}\n{details}")
    return _Text("\n\n".join(blocks))


def _takes(fn, count):
    """Whether `fn` can be called with `count` positional arguments."""
    try:
        inspect.signature(fn).bind(*range(count))
    except TypeError:
        return False
    except ValueError:  # no signature (some builtins): assume it can
        return True
    return True


def check(name, fn, *, seed=0):
    """Run your implementation `fn` of exercise `name` on many cases against cnnbook's.

    Parameters
    ----------
    name : str
        Which exercise: ``'corr2d'``, ``'conv2d'``, ``'conv_output_size'``, ``'max_pool2d'``,
        ``'conv2d_backward'`` or ``'receptive_field'``. :func:`describe` gives each one's
        expected signature:

        * ``corr2d(x, k)``: x (H, W), k (kh, kw) -> (H - kh + 1, W - kw + 1), no flip;
        * ``conv2d(x, weight, stride, padding)``: x (N, C, H, W), weight (O, C, kh, kw), int
          stride and zero padding -> (N, O, Ho, Wo), no bias;
        * ``conv_output_size(n, kernel_size, stride, padding[, dilation])`` -> int; dilation is
          tested only if your function takes a fifth argument;
        * ``max_pool2d(x, kernel_size, stride)``: x (H, W) -> (Ho, Wo), no padding;
        * ``conv2d_backward(grad_out, x, weight, stride, padding)`` -> (grad_x, grad_weight);
        * ``receptive_field(layers)``: layers a list of (kernel_size, stride) pairs -> the list
          of receptive field sizes after each layer (or the last one as an int).

        Arguments are passed positionally, arrays as float64 numpy arrays (copies: your function
        may modify them). Your function may return numpy arrays, lists or torch tensors.
    fn : callable
        Your implementation.
    seed : int, optional
        Seed of the random cases (the edge cases are always the same).

    Returns
    -------
    None
        Prints ``"<name>: all <n> cases agree"``.

    Raises
    ------
    AssertionError
        When any case disagrees: the message shows the smallest failing input, the expected
        and the received output, and hints for the common mistakes it detected. When
        your function raised an error, that error is chained (``raise ... from``).
    ValueError
        Unknown `name` (the message lists the known ones).
    TypeError
        `fn` not callable.
    """
    exercise = _exercise(name)
    if not callable(fn):
        raise TypeError(f"`fn` must be your function (a callable), got {type(fn).__name__}")
    seed = check_int(seed, "seed")
    if exercise is CONV_OUTPUT_SIZE and _takes(fn, 5):
        exercise = CONV_OUTPUT_SIZE_DILATED
    total = _runner.run(exercise, fn, seed=seed)
    print(f"{exercise.name}: all {total} cases agree")
