"""Running a reader's function on an exercise's cases and explaining the first mistake.

An :class:`Exercise` holds the cases (hand-made edge cases first, then seeded random ones), the
reference (cnnbook's tested function, in the reader's calling convention), and a list of
:class:`Mistake` hypotheses: what a common mistake would have returned. When the reader's
function disagrees, :func:`run` picks the smallest failing input and tests every hypothesis on
the failing cases: a hint is given only when the mistake reproduces the reader's output on all
of them.
"""

import copy
import textwrap
from dataclasses import dataclass, field

import numpy as np

__all__ = []

RTOL, ATOL = 1e-5, 1e-6
MAX_EXAMINED = 8  # failing cases on which each hypothesis is tested


@dataclass(frozen=True)
class Case:
    """One input: the positional arguments the reader's function is called with."""

    args: tuple
    label: str = ""

    @property
    def size(self):
        """How big the input is (numbers in all arrays): the smallest failing case is shown."""
        total = 0
        for a in self.args:
            if isinstance(a, np.ndarray):
                total += a.size
            elif isinstance(a, (list, tuple)):
                total += len(a) * 2
            else:
                total += 1
        return total


@dataclass(frozen=True)
class Mistake:
    """A common mistake: ``output(*args)`` is what a function making it would return."""

    hint: str
    output: object  # callable(*args) -> output, or raise ValueError where it does not apply


@dataclass(frozen=True)
class Exercise:
    """What `cnnbook.exercises.check` needs to know about one exercise."""

    name: str
    signature: str  # how the reader's function is called
    summary: str  # one line
    details: str  # arguments, shapes, what to return
    arg_names: tuple
    reference: object  # callable(*args) -> expected output
    cases: object  # callable(rng) -> list of Case
    convert: object  # callable(reader's result) -> comparable output (may raise TypeError)
    agree: object  # callable(expected, got) -> bool
    mistakes: tuple = ()
    shape_hint: object = None  # callable(case, expected, got) -> str or None
    extra_hints: tuple = field(default=())  # callable(failures) -> str or None
    output_names: tuple = ()  # names of the parts when the output is a tuple of arrays


@dataclass
class Failure:
    case: Case
    expected: object
    got: object = None
    error: BaseException | None = None


def arrays_agree(expected, got):
    """Same shape and equal within float tolerance."""
    return (isinstance(got, np.ndarray) and got.shape == expected.shape
            and bool(np.allclose(got, expected, rtol=RTOL, atol=ATOL)))


def as_array(result):
    """The reader's result as a float ndarray; a torch tensor is accepted too."""
    if hasattr(result, "detach"):  # a torch tensor
        result = result.detach().cpu().numpy()
    if result is None:
        raise TypeError("your function returned None (did you forget `return`?)")
    arr = np.asarray(result)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"your function returned {type(result).__name__} with dtype {arr.dtype}, "
                        "not an array of numbers")
    return arr.astype(np.float64)


def _number(v):
    return f"{v:.4g}" if v != int(v) or abs(v) >= 1e6 else str(int(v))


def show(value, indent="    "):
    """A compact, readable rendering of an argument or an output."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f" and np.isfinite(value).all():
            body = np.array2string(value, separator=", ", max_line_width=90, threshold=400,
                                   formatter={"float_kind": _number})
        else:
            body = np.array2string(value, separator=", ", max_line_width=90, threshold=400)
        if "\n" in body:
            return f"shape {value.shape}\n" + textwrap.indent(body, indent)
        return f"shape {value.shape}: {body}"
    return repr(value)


def _call(fn, case):
    return fn(*copy.deepcopy(case.args))  # a function that modifies its input harms no case


def _explains(mistake, failures, agree):
    """Whether `mistake` reproduces the reader's output on every examined failing case."""
    examined = [f for f in failures if f.error is None][:MAX_EXAMINED]
    if not examined:
        return False
    for f in examined:
        try:
            predicted = mistake.output(*copy.deepcopy(f.case.args))
        except (ValueError, IndexError, ZeroDivisionError):
            return False
        if not agree(predicted, f.got):
            return False
    return True


def hints(exercise, failures):
    """Hints whose hypothesis the failing cases confirm (possibly none)."""
    found = [m.hint for m in exercise.mistakes if _explains(m, failures, exercise.agree)]
    if exercise.shape_hint is not None and not found:
        examined = [f for f in failures if f.error is None][:MAX_EXAMINED]
        shape_hints = [exercise.shape_hint(f.case, f.expected, f.got) for f in examined]
        if shape_hints and None not in shape_hints:  # every failure has this kind of shape
            found.append(shape_hints[0])  # worded for the smallest failing case, shown above
    for extra in exercise.extra_hints:
        text = extra(failures)
        if text:
            found.append(text)
    return found


def run(exercise, fn, *, seed=0):
    """Check `fn` on every case; return the number of cases, or raise AssertionError."""
    cases = exercise.cases(np.random.default_rng(seed))
    failures = []
    for case in cases:
        expected = exercise.reference(*copy.deepcopy(case.args))
        try:
            got = exercise.convert(_call(fn, case))
        except Exception as err:  # noqa: BLE001  (the reader's code may raise anything)
            failures.append(Failure(case, expected, error=err))
            continue
        if not exercise.agree(expected, got):
            failures.append(Failure(case, expected, got))
    if not failures:
        return len(cases)
    failures.sort(key=lambda f: f.case.size)  # stable: among equals, the earlier case
    raise AssertionError(report(exercise, failures, len(cases))) from failures[0].error


def _show_output(exercise, value):
    if exercise.output_names:
        return "".join(f"\n    {name}: {show(v, '      ')}"
                       for name, v in zip(exercise.output_names, value, strict=True))
    return show(value, "    ")


def report(exercise, failures, total):
    """The message of the AssertionError: smallest failing input, expected, received, hints."""
    first = failures[0]
    lines = [f"{exercise.name}: {len(failures)} of {total} cases disagree with cnnbook's "
             f"reference. The smallest failing input"
             + (f" ({first.case.label})" if first.case.label else "") + ":",
             f"  {exercise.signature} with"]
    width = max(len(n) for n in exercise.arg_names)
    for name, value in zip(exercise.arg_names, first.case.args, strict=True):
        lines.append(f"    {name:<{width}} = {show(value, ' ' * (width + 7))}")
    if first.error is not None:
        shown = _show_output(exercise, first.expected)
        lines.append(f"  expected:{'' if shown.startswith(chr(10)) else ' '}{shown}")
        lines.append(f"  received: an error, {type(first.error).__name__}: {first.error}")
    elif exercise.output_names:
        for name, e, g in zip(exercise.output_names, first.expected, first.got, strict=True):
            if arrays_agree(e, g):
                lines.append(f"  {name}: as expected")
            else:
                lines.append(f"  expected {name}: {show(e, '    ')}")
                lines.append(f"  received {name}: {show(g, '    ')}")
    else:
        lines.append(f"  expected: {show(first.expected, '    ')}")
        lines.append(f"  received: {show(first.got, '    ')}")
    for text in hints(exercise, failures):
        lines.append(textwrap.fill(f"Hint: {text}", 96, subsequent_indent="  "))
    return "\n".join(lines)
