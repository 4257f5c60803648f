"""Tests of cnnbook.interpret.adversarial (targeted iterative gradient-sign attack)."""

import pytest
import torch

from cnnbook.interpret.adversarial import targeted_attack


def _model():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(),
        torch.nn.Linear(4 * 6 * 6, 3),
    )


def _x():
    return torch.rand((4, 1, 8, 8), generator=torch.Generator().manual_seed(1))


def _prob(model, x, target):
    with torch.no_grad():
        return torch.softmax(model(x), 1)[torch.arange(len(x)), target]


def test_target_probability_rises_and_bound_holds():
    model, x = _model(), _x()
    target = torch.tensor([0, 1, 2, 1])
    adv = targeted_attack(model, x, target, epsilon=0.1, steps=10)
    assert (_prob(model, adv, target) > _prob(model, x, target)).all()
    assert (adv - x).abs().max() <= 0.1 + 1e-6
    assert adv.min() >= 0 and adv.max() <= 1
    assert adv.shape == x.shape


def test_deterministic_and_input_untouched():
    model, x = _model(), _x()
    x_copy = x.clone()
    a = targeted_attack(model, x, 2, epsilon=0.05, steps=5)
    b = targeted_attack(model, x, 2, epsilon=0.05, steps=5)
    torch.testing.assert_close(a, b, rtol=0, atol=0)
    torch.testing.assert_close(x, x_copy, rtol=0, atol=0)


def test_linear_model_hand_worked():
    # logits = x: the target's logit goes up, the other down, by step_size per step, clipped.
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(2, 2, bias=False))
    with torch.no_grad():
        model[1].weight.copy_(torch.eye(2))
    x = torch.tensor([[[[0.5, 0.5]]]])
    adv = targeted_attack(model, x, 1, epsilon=0.3, steps=2, step_size=0.1)
    torch.testing.assert_close(adv, torch.tensor([[[[0.3, 0.7]]]]))
    adv = targeted_attack(model, x, 1, epsilon=0.15, steps=2, step_size=0.1)
    torch.testing.assert_close(adv, torch.tensor([[[[0.35, 0.65]]]]))


def test_zero_steps_or_epsilon_returns_copy_and_mode_restored():
    model, x = _model(), _x()
    model.train()
    torch.testing.assert_close(targeted_attack(model, x, 0, epsilon=0.1, steps=0), x)
    torch.testing.assert_close(targeted_attack(model, x, 0, epsilon=0.0, steps=3), x)
    assert model.training


@pytest.mark.parametrize("kwargs,exc,name", [
    (dict(epsilon=-0.1), ValueError, "epsilon"),
    (dict(epsilon=0.1, steps=-1), ValueError, "steps"),
    (dict(epsilon=0.1, step_size=-1.0), ValueError, "step_size"),
    (dict(epsilon=0.1, value_range=(1, 0)), ValueError, "value_range"),
])
def test_bad_arguments(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        targeted_attack(_model(), _x(), 0, **kwargs)


def test_bad_target():
    with pytest.raises(ValueError, match="target"):
        targeted_attack(_model(), _x(), 5, epsilon=0.1)


@pytest.mark.parametrize("kwargs, match", [(dict(epsilon="0.1"), "`epsilon` must be a real"),
                                           (dict(epsilon=0.1, step_size=True), "`step_size`")])
def test_attack_numbers_must_be_numbers(kwargs, match):
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(2, 2))
    with pytest.raises(TypeError, match=match):
        targeted_attack(model, torch.zeros(1, 1, 1, 2), 1, steps=1, **kwargs)
