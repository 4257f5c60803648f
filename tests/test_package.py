"""`import cnnbook` as a reader uses it: lazy submodules, `dir`, and the renamed `interpret`."""

import subprocess
import sys
import warnings

import pytest

import cnnbook


def _fresh(code):
    """Run `code` in a new interpreter (sys.modules here already holds torch); return stdout."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def test_import_cnnbook_imports_neither_torch_nor_numpy_nor_matplotlib():
    code = ("import sys, cnnbook; "
            "print(sorted(m for m in ('torch', 'numpy', 'matplotlib') if m in sys.modules))")
    assert _fresh(code) == "[]"


def test_exercises_need_no_torch():
    # a reader checking a numpy exercise waits for numpy only
    code = "import sys, cnnbook; cnnbook.exercises.check; print('torch' in sys.modules)"
    assert _fresh(code) == "False"


@pytest.mark.parametrize("name, attribute", [
    ("nn", "Conv2d"), ("models", "lecture_cnn"), ("train", "train"), ("data", "load_mnist_5k"),
    ("plotting", "plot_loss_curves"), ("interpret", "maximize"), ("exercises", "check"),
])
def test_submodules_are_reachable_after_import_cnnbook_alone(name, attribute):
    code = f"import cnnbook; print(hasattr(cnnbook.{name}, {attribute!r}))"
    assert _fresh(code) == "True"


def test_function_and_submodule_lookups_give_the_real_objects():
    from cnnbook.conv import conv2d
    from cnnbook.nn import Conv2d

    assert cnnbook.conv2d is conv2d and cnnbook.nn.Conv2d is Conv2d
    assert cnnbook.saliency_map is cnnbook.interpret.attribution.saliency_map


def test_dir_lists_functions_and_submodules_but_not_the_deprecated_name():
    # in a fresh interpreter: once imported, any submodule is an attribute of the package
    names = _fresh("import cnnbook; print(' '.join(dir(cnnbook)))").split()
    for expected in ("conv2d", "receptive_field", "nn", "models", "train", "data", "plotting",
                     "interpret", "exercises"):
        assert expected in names
    assert "visualize" not in names


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'convolution'"):
        cnnbook.convolution  # noqa: B018


def test_old_visualize_imports_still_work_and_warn():
    code = """
import warnings
warnings.simplefilter("error", DeprecationWarning)
try:
    import cnnbook.visualize.maximize
except DeprecationWarning as w:
    print("warned:", "cnnbook.interpret" in str(w))
"""
    assert _fresh(code) == "warned: True"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import cnnbook.visualize.dream
        from cnnbook.visualize.maximize import maximize_activation
        from cnnbook.visualize.style import gram_matrix
    from cnnbook.interpret.maximize import maximize_activation as new
    from cnnbook.interpret.style import gram_matrix as new_gram

    assert maximize_activation is new and gram_matrix is new_gram
    assert cnnbook.visualize.dream is cnnbook.interpret.dream
    assert cnnbook.visualize.attribution.saliency_map is cnnbook.saliency_map
