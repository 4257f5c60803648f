"""Go (围棋): a policy network in the spirit of AlphaGo's, and what the lecture rejects.

:func:`policy_net` builds the supervised-learning policy network of Silver et al. (2016,
Methods, "Neural network architecture"): the input planes zero-padded to 23×23 (for a 19×19
board), a 5×5 convolution whose output is 19×19, then 3×3 convolutions each on its input
zero-padded to 21×21 (output 19×19 again), no pooling anywhere, and a final 1×1 convolution to
one map with a *different bias at every board point*, whose softmax is the probability of each
move. :func:`pooled_policy_net` is the same network with one 2×2 max pooling, and
:func:`fc_policy_net` a fully connected network on the flattened planes: the designs the lecture
argues against. :func:`fit_policy` trains any of them on positions, augmented by the 8 board
symmetries, and :func:`topk_accuracy` scores them.

The board, features and data live in :mod:`cnnbook.apps.go_board` and
:mod:`cnnbook.apps.go_data`; their public names are re-exported here.
"""

import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._check import check_at_least, torch_seed
from ..train import History
from .go_board import *  # noqa: F403
from .go_board import __all__ as _board
from .go_board import move_symmetry
from .go_data import *  # noqa: F403
from .go_data import __all__ as _data

__all__ = [
    "PointBias",
    "policy_net",
    "pooled_policy_net",
    "fc_policy_net",
    "compared_nets",
    "fit_policy",
    "topk_accuracy",
    "move_probabilities",
    *_board,
    *_data,
]


class PointBias(nn.Module):
    """Flatten a ``(B, 1, n, n)`` map to ``(B, n*n)`` logits and add one bias per board point.

    AlphaGo's last layer is a 1×1 convolution "with a different bias for each position": the
    weights are shared across the board, the bias is not.

    Examples
    --------
    >>> head = PointBias(2)
    >>> head.bias.data = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> head(torch.zeros(1, 1, 2, 2))
    tensor([[1., 2., 3., 4.]], grad_fn=<AddBackward0>)
    """

    def __init__(self, size):
        super().__init__()
        self.size = check_at_least(size, 1, "size")
        self.bias = nn.Parameter(torch.zeros(self.size, self.size))

    def forward(self, x):
        if x.dim() != 4 or x.shape[1:] != (1, self.size, self.size):
            raise ValueError(f"`x` must have shape (B, 1, {self.size}, {self.size})")
        return x.flatten(1) + self.bias.flatten()


def _body(board_size, planes, filters, layers, pool, first_kernel=5):
    pad = (first_kernel - 1) // 2  # 2 for 5×5: 19×19 padded to 23×23 -> 19×19
    blocks = [nn.ZeroPad2d(pad), nn.Conv2d(planes, filters, first_kernel), nn.ReLU()]
    if pool:
        blocks.append(nn.MaxPool2d(2, ceil_mode=True))  # 19×19 -> 10×10
    for _ in range(layers - 2):
        blocks += [nn.ZeroPad2d(1), nn.Conv2d(filters, filters, 3), nn.ReLU()]  # 21×21 -> 19×19
    return blocks


def _checked(board_size, planes, filters, layers):
    return (
        check_at_least(board_size, 5, "board_size"),
        check_at_least(planes, 1, "planes"),
        check_at_least(filters, 1, "filters"),
        check_at_least(layers, 2, "layers"),
    )


def policy_net(*, board_size=19, planes=48, filters=192, layers=13, first_kernel=5, seed=0):
    """AlphaGo's policy network (Silver et al. 2016), at any size; outputs move logits.

    Layer 1 zero-pads the ``(planes, n, n)`` input to ``n + 4`` (23×23 on a 19×19 board) and
    convolves ``filters`` 5×5 filters: the output is ``n × n`` again. Layers 2 to
    ``layers - 1`` zero-pad to ``n + 2`` (21×21) and convolve ``filters`` 3×3 filters, each
    followed by a ReLU. The last layer is a 1×1 convolution to one map, without a shared bias,
    then :class:`PointBias`. There is no pooling. ``softmax`` of the ``n*n`` logits gives the
    move probabilities (:func:`move_probabilities`); training uses the cross-entropy.

    Parameters
    ----------
    board_size, planes, filters, layers : int, optional
        The paper's network: 19, 48, 192 (k; it also tried 128 and 256) and 13.
    first_kernel : int, optional
        Odd size of the first layer's filters (the paper's 5), padded to keep ``n × n``.
    seed : int, optional
        Seeds the initial weights.

    Returns
    -------
    torch.nn.Sequential
        ``(B, planes, n, n) -> (B, n*n)``.

    Examples
    --------
    >>> net = policy_net()
    >>> sum(p.numel() for p in net.parameters())
    3882793
    >>> net = policy_net(board_size=9, planes=12, filters=8, layers=4)
    >>> net(torch.zeros(2, 12, 9, 9)).shape
    torch.Size([2, 81])
    """
    board_size, planes, filters, layers = _checked(board_size, planes, filters, layers)
    first_kernel = check_at_least(first_kernel, 1, "first_kernel")
    if first_kernel % 2 == 0:
        raise ValueError("`first_kernel` must be odd")
    with torch_seed(seed):
        blocks = _body(board_size, planes, filters, layers, pool=False, first_kernel=first_kernel)
        blocks += [nn.Conv2d(filters, 1, 1, bias=False), PointBias(board_size)]
        return nn.Sequential(*blocks)


class _Crop(nn.Module):
    def __init__(self, size):
        super().__init__()
        self.size = size

    def forward(self, x):
        return x[..., : self.size, : self.size]


def pooled_policy_net(*, board_size=19, planes=48, filters=192, layers=13, seed=0):
    """:func:`policy_net` with a 2×2 max pooling after the first layer: the rejected design.

    The pooling (stride 2) halves the board: the 3×3 layers see ``ceil(n / 2)`` points a side
    (10×10 for 19×19). To still name one of the ``n*n`` points, the last layer is a learned
    2×2 up-sampling (a transposed convolution with stride 2 to one map, ``4 * filters`` weights
    instead of ``filters``), cropped to ``n × n``, then the same :class:`PointBias`.

    Examples
    --------
    >>> net = pooled_policy_net(board_size=9, planes=12, filters=8, layers=4)
    >>> net(torch.zeros(2, 12, 9, 9)).shape
    torch.Size([2, 81])
    """
    board_size, planes, filters, layers = _checked(board_size, planes, filters, layers)
    with torch_seed(seed):
        blocks = _body(board_size, planes, filters, layers, pool=True)
        blocks += [
            nn.ConvTranspose2d(filters, 1, 2, stride=2, bias=False),
            _Crop(board_size),
            PointBias(board_size),
        ]
        return nn.Sequential(*blocks)


def fc_policy_net(*, board_size=19, planes=48, hidden=(512,), seed=0):
    """A fully connected network on the flattened planes: ``n*n*planes -> hidden… -> n*n``.

    Examples
    --------
    >>> net = fc_policy_net(board_size=9, planes=12, hidden=(32,))
    >>> net(torch.zeros(2, 12, 9, 9)).shape
    torch.Size([2, 81])
    """
    board_size = check_at_least(board_size, 5, "board_size")
    planes = check_at_least(planes, 1, "planes")
    hidden = tuple(check_at_least(h, 1, "hidden") for h in hidden)
    sizes = (board_size * board_size * planes, *hidden, board_size * board_size)
    with torch_seed(seed):
        blocks = [nn.Flatten()]
        for a, b in zip(sizes[:-1], sizes[1:], strict=True):
            blocks += [nn.Linear(a, b), nn.ReLU()]
        return nn.Sequential(*blocks[:-1])


def compared_nets(*, board_size=19, planes=12, filters=32, layers=4, hidden=(256,), seed=0):
    """The three designs the book compares, freshly initialised, by name.

    Returns
    -------
    dict
        ``"policy network"``: :func:`policy_net`; ``"with pooling"``: :func:`pooled_policy_net`
        with the same ``filters`` and ``layers``; ``"fully connected"``: :func:`fc_policy_net`
        with ``hidden``.

    Examples
    --------
    >>> {name: sum(p.numel() for p in net.parameters())
    ...  for name, net in compared_nets(board_size=9, filters=4, layers=3, hidden=(8,)).items()}
    {'policy network': 1437, 'with pooling': 1449, 'fully connected': 8513}
    """
    conv = dict(board_size=board_size, planes=planes, filters=filters, layers=layers, seed=seed)
    return {
        "policy network": policy_net(**conv),
        "with pooling": pooled_policy_net(**conv),
        "fully connected": fc_policy_net(
            board_size=board_size, planes=planes, hidden=hidden, seed=seed
        ),
    }


def topk_accuracy(logits, moves, k=1):
    """Share of positions whose played move is among the ``k`` highest logits.

    Examples
    --------
    >>> logits = torch.tensor([[0.1, 0.5, 0.4], [0.7, 0.2, 0.1]])
    >>> topk_accuracy(logits, torch.tensor([2, 0]), k=1), topk_accuracy(logits, [2, 0], k=2)
    (0.5, 1.0)
    """
    logits = torch.as_tensor(logits)
    moves = torch.as_tensor(moves)
    if logits.dim() != 2 or moves.shape != logits.shape[:1]:
        raise ValueError("`logits` must be (N, points) and `moves` (N,)")
    k = check_at_least(k, 1, "k")
    if k > logits.shape[1]:
        raise ValueError("`k` must not exceed the number of points")
    top = logits.topk(k, dim=1).indices
    return (top == moves[:, None]).any(1).float().mean().item()


@torch.no_grad()
def _logits(model, x, batch_size=512):
    was = model.training
    model.eval()
    out = torch.cat([model(x[i : i + batch_size].float()) for i in range(0, len(x), batch_size)])
    model.train(was)
    return out


@torch.no_grad()
def move_probabilities(model, planes):
    """The softmax of ``model`` on one position: an ``(n, n)`` array of move probabilities."""
    planes = torch.as_tensor(np.asarray(planes))
    if planes.dim() != 3 or planes.shape[1] != planes.shape[2]:
        raise ValueError("`planes` must be one position, (C, n, n)")
    n = planes.shape[-1]
    return torch.softmax(_logits(model, planes[None]), 1).reshape(n, n).numpy()


def fit_policy(
    model, train_data, *, test_data=None, steps=200, batch_size=64, lr=2e-3, augment=True,
    seed=0, ks=(1, 5),
):  # fmt: skip
    """Train a policy network with cross-entropy and Adam; each batch in a random symmetry.

    Parameters
    ----------
    model : torch.nn.Module
        ``(B, C, n, n) -> (B, n*n)`` logits, trained in place on the CPU.
    train_data, test_data : pair
        ``(planes, moves)``: ``(N, C, n, n)`` arrays or tensors (uint8 is fine) and ``(N,)``
        move indices.
    steps, batch_size : int, optional
        Mini-batches drawn by a :class:`torch.Generator` seeded with ``seed``.
    lr : float, optional
        Adam's learning rate, decayed by a cosine to 0 over the run.
    augment : bool, optional
        Draw one of the 8 board symmetries per batch and apply it to the planes and the moves.
    ks : tuple of int, optional
        The top-k accuracies measured on ``test_data`` at the end.

    Returns
    -------
    History
        ``step_loss`` per step, ``elapsed`` (one entry, seconds of training) and, with test
        data, ``topk = {k: accuracy}`` and ``test_accuracy = [top-1]``. ``cpu_seconds`` holds
        the process CPU time of the training.
    """
    x, y = torch.as_tensor(np.asarray(train_data[0])), torch.as_tensor(np.asarray(train_data[1]))
    if x.dim() != 4 or x.shape[-1] != x.shape[-2] or y.shape != x.shape[:1] or len(x) == 0:
        raise ValueError("`train_data` must be (planes (N, C, n, n), moves (N,))")
    steps = check_at_least(steps, 1, "steps")
    batch_size = check_at_least(batch_size, 1, "batch_size")
    n = x.shape[-1]
    perms = torch.stack([torch.as_tensor(move_symmetry(np.arange(n * n), s, n)) for s in range(8)])
    generator = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    history = History(steps_per_epoch=steps)
    start, cpu = time.perf_counter(), time.process_time()
    model.to(memory_format=torch.channels_last)  # faster convolutions on CPUs
    model.train()
    for _ in range(steps):
        idx = torch.randint(len(x), (batch_size,), generator=generator)
        xb, yb = x[idx].float(), y[idx].long()
        if augment:
            s = int(torch.randint(8, (), generator=generator))
            xb, yb = symmetry(xb, s), perms[s][yb]  # noqa: F405
        loss = F.cross_entropy(model(xb.contiguous(memory_format=torch.channels_last)), yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        history.step_loss.append(loss.item())
    history.elapsed.append(time.perf_counter() - start)
    history.cpu_seconds = time.process_time() - cpu
    if test_data is not None:
        tx = torch.as_tensor(np.asarray(test_data[0]))
        ty = torch.as_tensor(np.asarray(test_data[1])).long()
        logits = _logits(model, tx)
        history.topk = {k: topk_accuracy(logits, ty, k) for k in ks}
        history.test_accuracy.append(history.topk[min(ks)])
    return history
