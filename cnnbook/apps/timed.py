"""Train a classifier, time it (wall clock and CPU), and test it on several test sets.

The applications compare designs "with the same data and the same budget"; :func:`timed_fit`
runs :func:`cnnbook.train.train` and reports what the comparison needs in one record.
"""

import time
from typing import NamedTuple

import torch

from .._check import check_positive, torch_seed
from ..train import evaluate, train

__all__ = ["FitResult", "timed_fit"]


class FitResult(NamedTuple):
    """Accuracy on each test set, seconds of wall clock and of CPU (all threads of this
    process) spent training, the number of parameters, and the training :class:`History`."""

    accuracy: dict
    wall: float
    cpu: float
    parameters: int
    history: object


def timed_fit(model, train_data, tests, *, threads=None, **options):
    """Train `model` with :func:`cnnbook.train.train` (`options` passed on), then evaluate it.

    Parameters
    ----------
    model : torch.nn.Module
    train_data : pair of tensors
    tests : dict of str to pair of tensors
        Test sets, evaluated once after training.
    threads : int, optional
        Train and test with this many torch threads, then restore the previous number. Small
        networks gain little from a second thread, and on a busy machine idle threads that
        spin waiting for work cost CPU time.
    **options
        Keyword options of :func:`cnnbook.train.train` (``epochs``, ``lr``, ``seed`` ...).
        ``seed`` (default 0) also seeds torch's global generator during training (dropout
        draws from it), which is restored afterwards: a run does not depend on what ran
        before it.

    Returns
    -------
    FitResult

    Examples
    --------
    >>> import torch
    >>> from cnnbook.models import mlp
    >>> x = torch.rand(32, 1, 2, 2, generator=torch.Generator().manual_seed(0))
    >>> y = (x.mean((1, 2, 3)) > 0.5).long()
    >>> n = torch.get_num_threads()
    >>> r = timed_fit(mlp((4, 2)), (x, y), {"train": (x, y)}, threads=1, epochs=1,
    ...               device="cpu")
    >>> sorted(r.accuracy), r.parameters, r.cpu >= 0, torch.get_num_threads() == n
    (['train'], 10, True, True)
    """
    if not isinstance(tests, dict):
        raise TypeError("`tests` must be a dict of name -> (x, y)")
    before = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(check_positive(threads, "threads"))
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        with torch_seed(options.get("seed", 0)):  # dropout draws from the global generator
            history = train(model, train_data, **options)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        accuracy = {name: evaluate(model, data) for name, data in tests.items()}
    finally:
        torch.set_num_threads(before)
    parameters = sum(p.numel() for p in model.parameters())
    return FitResult(accuracy, wall, cpu, parameters, history)
