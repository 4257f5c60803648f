"""A small, seeded training loop for classifiers, and the shared-weight gradient experiment.

:func:`train` runs mini-batch training with cross-entropy, shuffling with an explicit
:class:`torch.Generator`, and returns a :class:`History` (losses per step, test accuracy and
elapsed time per epoch) that :func:`cnnbook.plotting.plot_loss_curves` draws. On the CPU a run is
deterministic: the same seed and initial weights give the same losses, bit for bit. It uses CUDA
when present (``device=None``).

:func:`conv_positions` and :func:`scale_gradients` implement the lecture's rule "take the average
of the shared weights' gradients": autograd *sums* the gradient of a shared weight over all the
positions where it is used; dividing by the number of positions turns the sum into the average.
"""

import sys
import time
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from ._check import check_bool, check_int, check_positive, check_real

__all__ = [
    "History",
    "conv_positions",
    "evaluate",
    "scale_gradients",
    "sgd_with_lr_factors",
    "train",
]


@dataclass
class History:
    """What a :func:`train` run measured.

    Attributes
    ----------
    step_loss : list of float
        Mean cross-entropy of each mini-batch, in training order.
    steps_per_epoch : int
    test_accuracy : list of float
        Test accuracy after each epoch (empty without test data).
    train_accuracy : list of float
        Accuracy on the training mini-batches seen during each epoch (a running estimate).
    elapsed : list of float
        Seconds from the start of training to the end of each epoch (evaluation included).
    device : str
    """

    step_loss: list = field(default_factory=list)
    steps_per_epoch: int = 0
    test_accuracy: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    elapsed: list = field(default_factory=list)
    device: str = "cpu"

    @property
    def epochs(self):
        """Number of epochs completed."""
        return len(self.elapsed)


def _default_device(device):
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def _model_device(model):
    """Where the model lives: its first parameter's (or buffer's) device; the CPU when it has
    neither (e.g. a stack of pooling layers)."""
    for tensor in (*model.parameters(), *model.buffers()):
        return tensor.device
    return torch.device("cpu")


def _check_model(model):
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"`model` must be a torch.nn.Module, got {type(model).__name__}")
    return model


def _check_data(data, name):
    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        raise TypeError(f"`{name}` must be a pair (x, y) of tensors")
    x, y = data
    if not (isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor)):
        raise TypeError(f"`{name}` must be a pair (x, y) of tensors")
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"`{name}`: x and y must be non-empty and of the same length")
    return x, y


@torch.no_grad()
def evaluate(model, data, *, batch_size=1000, device=None):
    """Accuracy of ``model`` (logits out) on ``data = (x, y)``, in eval mode.

    The model's device is that of its parameters (the CPU if it has none), unless `device`
    is given. `batch_size` is a positive int.

    Examples
    --------
    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
    >>> x, y = torch.zeros(3, 1, 2, 2), torch.tensor([0, 0, 0])
    >>> _ = torch.nn.init.zeros_(model[1].weight); model[1].bias.data = torch.tensor([1.0, 0.0])
    >>> evaluate(model, (x, y))
    1.0
    """
    _check_model(model)
    x, y = _check_data(data, "data")
    batch_size = check_positive(batch_size, "batch_size")
    device = _default_device(device) if device is not None else _model_device(model)
    was_training = model.training
    model.eval()
    correct = 0
    for i in range(0, len(x), batch_size):
        logits = model(x[i : i + batch_size].to(device))
        correct += (logits.argmax(1) == y[i : i + batch_size].to(device)).sum().item()
    model.train(was_training)
    return correct / len(x)


def _make_optimizer(model, optimizer, lr, weight_decay, momentum):
    if callable(optimizer):
        return optimizer(model)
    params = model.parameters()
    if optimizer == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    if optimizer == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if optimizer == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    raise ValueError(f"`optimizer` must be 'sgd', 'adam', 'adamw' or a callable, got {optimizer!r}")


def train(
    model,
    train_data,
    *,
    test_data=None,
    epochs=1,
    batch_size=64,
    optimizer="adam",
    lr=1e-3,
    weight_decay=0.0,
    momentum=0.0,
    schedule=None,
    seed=0,
    device=None,
    max_steps=None,
    target_accuracy=None,
    channels_last=False,
    transform=None,
    progress=None,
):
    """Train a classifier with cross-entropy on mini-batches; return its :class:`History`.

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(B, C, H, W)`` inputs to ``(B, classes)`` logits. Trained in place (moved to
        ``device``).
    train_data, test_data : pair of tensors
        ``(x, y)``: inputs (float) and class indices (int64). ``test_data`` is evaluated after
        every epoch.
    epochs : int, optional
    batch_size : int, optional
        The last mini-batch of an epoch may be smaller.
    optimizer : {'adam', 'adamw', 'sgd'} or callable, optional
        Or ``optimizer(model) -> torch.optim.Optimizer`` (then ``lr``, ``weight_decay`` and
        ``momentum`` are not used).
    lr, weight_decay, momentum : float, optional
    schedule : {None, 'onecycle'}, optional
        ``'onecycle'``: :class:`torch.optim.lr_scheduler.OneCycleLR` over the whole run, peaking
        at each parameter group's ``lr``.
    seed : int, optional
        Seeds the :class:`torch.Generator` that shuffles the training data each epoch.
    device : str or torch.device, optional
        Default: CUDA when available, else the CPU.
    max_steps : int, optional
        Stop after this many mini-batches (the epoch in progress is then evaluated).
    target_accuracy : float, optional
        Stop after the first epoch whose test accuracy reaches it (time-to-accuracy runs).
        Needs `test_data`; a number in [0, 1].
    channels_last : bool, optional
        Store the model and each batch channels-last (NHWC); often faster on CPUs and GPUs.
    transform : callable, optional
        ``transform(batch, generator) -> batch``, applied to each training batch (data
        augmentation); it draws its random numbers from the same seeded generator.
    progress : bool, optional
        Show a tqdm progress bar; default: only when stderr is a terminal.

    Returns
    -------
    History

    Examples
    --------
    >>> from cnnbook.models import mlp
    >>> x = torch.rand(64, 1, 4, 4, generator=torch.Generator().manual_seed(0))
    >>> y = (x.mean((1, 2, 3)) > 0.5).long()
    >>> h = train(mlp((16, 8, 2)), (x, y), epochs=2, batch_size=16, device="cpu")
    >>> len(h.step_loss), h.steps_per_epoch, h.epochs
    (8, 4, 2)
    """
    from tqdm import tqdm

    _check_model(model)
    x, y = _check_data(train_data, "train_data")
    if test_data is not None:
        _check_data(test_data, "test_data")
    epochs = check_positive(epochs, "epochs")
    batch_size = check_positive(batch_size, "batch_size")
    if schedule not in (None, "onecycle"):
        raise ValueError(f"`schedule` must be None or 'onecycle', got {schedule!r}")
    if max_steps is not None:
        max_steps = check_positive(max_steps, "max_steps")
    if target_accuracy is not None:
        target_accuracy = check_real(target_accuracy, "target_accuracy")
        if test_data is None:
            raise ValueError("`target_accuracy` needs `test_data` to measure the accuracy on")
        if not 0 <= target_accuracy <= 1:
            raise ValueError(f"`target_accuracy` must be in [0, 1], got {target_accuracy}")
    channels_last = check_bool(channels_last, "channels_last")
    seed = check_int(seed, "seed")
    if progress is not None:
        progress = check_bool(progress, "progress")
    if transform is not None and not callable(transform):
        raise TypeError("`transform` must be callable, e.g. transform(batch, generator)")

    device = _default_device(device)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model.to(device=device, memory_format=fmt)
    x, y = x.to(device), y.to(device)  # the whole data set lives on the device
    n = len(x)
    steps_per_epoch = (n + batch_size - 1) // batch_size
    total = epochs * steps_per_epoch
    if max_steps is not None:
        total = min(total, int(max_steps))

    opt = _make_optimizer(model, optimizer, lr, weight_decay, momentum)
    sched = None
    if schedule == "onecycle":
        max_lr = [group["lr"] for group in opt.param_groups]
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=total)

    generator = torch.Generator().manual_seed(seed)
    history = History(steps_per_epoch=steps_per_epoch, device=str(device))
    disable = (not progress) if progress is not None else not sys.stderr.isatty()
    bar = tqdm(total=total, disable=disable, unit="step", leave=False)
    start = time.perf_counter()
    step = 0
    for _epoch in range(epochs):
        model.train()
        order = torch.randperm(n, generator=generator).to(device)
        losses, correct, seen = [], torch.zeros((), device=device), 0
        for i in range(0, n, batch_size):
            idx = order[i : i + batch_size]
            xb = x[idx] if transform is None else transform(x[idx], generator)
            logits = model(xb.contiguous(memory_format=fmt))
            loss = F.cross_entropy(logits, y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            losses.append(loss.detach())
            correct += (logits.detach().argmax(1) == y[idx]).sum()
            seen += len(idx)
            step += 1
            bar.update()
            if step >= total:
                break
        history.step_loss += torch.stack(losses).tolist()
        history.train_accuracy.append(correct.item() / seen)
        if test_data is not None:
            history.test_accuracy.append(evaluate(model, test_data, device=device))
            bar.set_postfix(test_acc=f"{history.test_accuracy[-1]:.3f}")
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        history.elapsed.append(time.perf_counter() - start)
        reached = (
            target_accuracy is not None
            and history.test_accuracy
            and history.test_accuracy[-1] >= target_accuracy
        )
        if step >= total or reached:
            break
    bar.close()
    return history


@torch.no_grad()
def conv_positions(model, input_shape):
    """Number of output positions at which each convolution's shared weights are used.

    Parameters
    ----------
    model : torch.nn.Module
    input_shape : tuple of int
        One example's shape, e.g. ``(1, 28, 28)``.

    Returns
    -------
    dict
        ``{parameter name: H_out * W_out}`` for the weight of every ``Conv2d``-like module
        (any module with a 4-D ``weight`` whose output is 4-D).

    Examples
    --------
    >>> from cnnbook.models import lecture_cnn
    >>> conv_positions(lecture_cnn(), (1, 28, 28))
    {'0.weight': 676, '3.weight': 121}
    """
    counts, hooks = {}, []
    for name, module in model.named_modules():
        weight = getattr(module, "weight", None)
        if isinstance(weight, torch.Tensor) and weight.dim() == 4:
            key = f"{name}.weight" if name else "weight"

            def hook(mod, inputs, output, key=key):
                counts[key] = output.shape[-2] * output.shape[-1]

            hooks.append(module.register_forward_hook(hook))
    _check_model(model)
    was_training = model.training
    model.eval()
    try:
        model(torch.zeros((1, *input_shape), device=_model_device(model)))
    finally:
        model.train(was_training)
        for h in hooks:
            h.remove()
    return counts


def scale_gradients(model, factors):
    """Multiply the gradient of named parameters by fixed factors, from now on.

    With ``factors = {name: 1 / positions}`` from :func:`conv_positions`, autograd's *sum* over
    positions becomes the lecture's *average*. Returns the hook handles; call ``.remove()`` on
    each to undo.

    Examples
    --------
    >>> layer = torch.nn.Linear(2, 1)
    >>> handles = scale_gradients(layer, {"weight": 0.5})
    >>> layer(torch.ones(1, 2)).sum().backward()
    >>> layer.weight.grad
    tensor([[0.5000, 0.5000]])
    """
    params = dict(model.named_parameters())
    unknown = set(factors) - set(params)
    if unknown:
        raise ValueError(f"`factors` names unknown parameters: {sorted(unknown)}")
    return [params[name].register_hook(lambda g, f=float(f): g * f) for name, f in factors.items()]


def sgd_with_lr_factors(factors, *, lr):
    """An ``optimizer`` for :func:`train`: plain SGD, named parameters at ``lr * factor``.

    Parameters
    ----------
    factors : dict
        ``{parameter name: factor}``; every other parameter gets ``lr``.
    lr : float

    Returns
    -------
    callable
        ``make(model) -> torch.optim.SGD`` with one parameter group per named parameter.

    Examples
    --------
    >>> layer = torch.nn.Linear(2, 1)
    >>> opt = sgd_with_lr_factors({"weight": 0.5}, lr=0.1)(layer)
    >>> [g["lr"] for g in opt.param_groups]
    [0.05, 0.1]
    """

    def make(model):
        params = dict(model.named_parameters())
        unknown = set(factors) - set(params)
        if unknown:
            raise ValueError(f"`factors` names unknown parameters: {sorted(unknown)}")
        groups = [{"params": [params[n]], "lr": lr * f} for n, f in factors.items()]
        rest = [p for n, p in params.items() if n not in factors]
        return torch.optim.SGD([*groups, {"params": rest}], lr=lr)

    return make
