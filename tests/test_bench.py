"""The benchmark's structure on tiny shapes (never its timings)."""

import math

from cnnbook.bench import CASES, QUICK_CASES, format_table, main, run_benchmark, summarize


def test_run_benchmark_rows_structure():
    rows = run_benchmark(QUICK_CASES, repeats=1, rounds=1, threads=1)
    assert [(r["case"], r["pass"]) for r in rows] == [
        ("tiny", "forward"), ("tiny", "backward"), ("max pool 2x2", "forward"),
        ("max pool 2x2", "backward"), ("corr2d loop", "reference")]
    for r in rows:
        assert r["cnnbook_ms"] > 0 and r["torch_ms"] > 0
        assert math.isclose(r["ratio"], r["cnnbook_ms"] / r["torch_ms"])
    fwd = rows[0]
    assert fwd["matmul_ms"] > 0
    assert math.isclose(fwd["matmul_ratio"], fwd["cnnbook_ms"] / fwd["matmul_ms"])
    assert rows[-1]["conv2d_ms"] > 0
    s = summarize(rows)
    assert set(s) == {"forward", "backward", "matmul"}
    assert math.isclose(s["forward"], fwd["ratio"])
    table = format_table(rows)
    assert "corr2d loop" in table and "forward / matmul" in table
    assert len(table.splitlines()) == 2 + len(rows) + 1 + 5


def test_cases_are_the_books_three_shapes():
    assert [c[1:] for c in CASES] == [
        ((64, 16, 28, 28), (32, 16, 3, 3), 1, 1),
        ((8, 3, 224, 224), (64, 3, 7, 7), 2, 3),
        ((32, 64, 56, 56), (64, 64, 3, 3), 1, 1)]


def test_main_quick_prints_a_table(capsys):
    rows = main(["--quick", "--repeats", "1", "--rounds", "1", "--threads", "1"])
    out = capsys.readouterr().out
    assert "cnnbook vs torch" in out and "backward / torch" in out
    assert len(rows) == 5
