"""Tests of cnnbook.tables: one table style, checked cell by cell against hand-written HTML."""

import math
from html.parser import HTMLParser

import numpy as np
import pytest

from cnnbook.tables import Table, format_number, table


class _Cells(HTMLParser):
    """Collect (tag, class, text) for every th/td, and the table's class."""

    def __init__(self):
        super().__init__()
        self.cells, self.table_class, self._open = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.table_class = attrs.get("class")
        if tag in ("th", "td"):
            self._open = [tag, attrs.get("class"), ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._open is not None:
            self.cells.append(tuple(self._open))
            self._open = None


def _parse(t):
    p = _Cells()
    p.feed(t._repr_html_())
    return p


@pytest.mark.parametrize("value, text", [
    (0, "0"), (7, "7"), (-1234, "-1,234"), (13266500, "13,266,500"),
    (np.int64(2881110), "2,881,110"), (3.0, "3"), (np.float64(150529000.0), "150,529,000"),
    (0.123456, "0.1235"), (2.5, "2.5"), (-0.5, "-0.5"), (999.96, "1000"), (1234.56, "1,235"),
    (1.0658141036401503e-14, "1.066e-14"), (2.5e17, "2.500e+17"), (math.nan, ""),
    (math.inf, "inf"), (-math.inf, "-inf"), (np.float32(0.25), "0.25"),
])
def test_format_number_hand_cases(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize("bad", [True, np.bool_(False), "3", None, 1 + 2j])
def test_format_number_refuses_non_numbers(bad):
    with pytest.raises(TypeError, match="`value`"):
        format_number(bad)


def test_html_from_dict_rows_matches_hand_written_cells():
    t = table([{"image": "MNIST", "size": "28×28×1", "dense": 785000},
               {"image": "ImageNet <crop>", "size": "224×224×3", "dense": 150529000}])
    p = _parse(t)
    assert p.table_class == "cnnbook-table"
    assert p.cells == [
        ("th", None, "image"), ("th", None, "size"), ("th", "num", "dense"),
        ("td", None, "MNIST"), ("td", None, "28×28×1"), ("td", "num", "785,000"),
        ("td", None, "ImageNet <crop>"), ("td", None, "224×224×3"),
        ("td", "num", "150,529,000"),
    ]
    # the text is escaped, and there is no index column or empty header row
    assert "&lt;crop&gt;" in t._repr_html_()
    assert t._repr_html_().count("<tr>") == 3


def test_rows_as_sequences_need_columns_and_match_lengths():
    t = table([("a", 1), ("b", 2)], columns=["name", "n"])
    assert t.columns == ["name", "n"]
    assert t.cells == [["a", "1"], ["b", "2"]]
    with pytest.raises(ValueError, match="`columns`"):
        table([("a", 1)])
    with pytest.raises(ValueError, match="row 1 has 1 cells"):
        table([("a", 1), ("b",)], columns=["name", "n"])


def test_dict_of_columns_and_column_selection():
    t = table({"k": [2, 3], "share": [0.21, 0.4567], "note": ["x", "y"]},
              columns=["share", "k"], formats={"share": ".0%"})
    assert t.columns == ["share", "k"]
    assert t.cells == [["21%", "2"], ["46%", "3"]]
    with pytest.raises(ValueError, match="same length"):
        table({"a": [1, 2], "b": [1]})
    with pytest.raises(ValueError, match="missing from `data`"):
        table({"a": [1]}, columns=["b"])
    with pytest.raises(TypeError, match="column 'a'"):
        table({"a": 5})


def test_missing_keys_none_and_nan_are_blank_and_keep_the_column_numeric():
    t = table([{"layer": "conv", "params": 260}, {"layer": "pool", "params": None},
               {"layer": "flatten"}, {"layer": "fc", "params": math.nan}])
    assert [r[1] for r in t.cells] == ["260", "", "", ""]
    assert t._numeric_column(1) and not t._numeric_column(0)
    assert '<th class="num">params</th>' in t._repr_html_()


def test_mixed_column_right_aligns_only_its_numbers():
    t = table([{"v": 1}, {"v": "—"}])
    p = _parse(t)
    assert p.cells == [("th", None, "v"), ("td", "num", "1"), ("td", None, "—")]


def test_formats_spec_callable_and_numpy_scalars():
    t = table([{"acc": np.float64(0.98765), "n": np.int64(60000), "w": 0.5}],
              formats={"acc": ".1%", "n": ",d", "w": lambda v: f"{v:.2f} px"})
    assert t.cells == [["98.8%", "60,000", "0.50 px"]]


def test_bools_are_text_not_numbers():
    t = table([{"pool": True, "n": 3}])
    assert t.cells == [["True", "3"]]
    assert t.numeric == [[False, True]]


def test_repr_is_aligned_plain_text_and_markdown_is_a_pipe_table():
    t = table([{"image": "MNIST", "dense": 785000}, {"image": "astronaut", "dense": 786433000}],
              caption="One layer")
    assert repr(t).splitlines() == [
        "One layer",
        "image            dense",
        "---------  -----------",
        "MNIST          785,000",
        "astronaut  786,433,000",
    ]
    assert t.to_markdown().splitlines() == [
        "| image | dense |",
        "| :-- | --: |",
        "| MNIST | 785,000 |",
        "| astronaut | 786,433,000 |",
    ]
    assert "<caption>One layer</caption>" in t._repr_html_()
    assert isinstance(t, Table)


def test_bad_arguments_name_the_parameter():
    with pytest.raises(TypeError, match="`data`"):
        table(5)
    with pytest.raises(TypeError, match="`data`"):
        table("abc", columns=["a"])
    with pytest.raises(TypeError, match="`columns`"):
        table([{"a": 1}], columns="a")
    with pytest.raises(ValueError, match="`columns` must not repeat"):
        table([(1, 2)], columns=["a", "a"])
    with pytest.raises(TypeError, match="`formats`"):
        table([{"a": 1}], formats=[".1f"])
    with pytest.raises(TypeError, match=r"`formats`\['a'\]"):
        table([{"a": 1}], formats={"a": 3})
    with pytest.raises(ValueError, match="`formats` names columns not in the table"):
        table([{"a": 1}], formats={"b": ".1f"})
    with pytest.raises(TypeError, match="`caption`"):
        table([{"a": 1}], caption=3)
    with pytest.raises(TypeError, match="row 0"):
        table([5], columns=["a"])


def test_empty_table_has_only_a_header():
    t = table([], columns=["a", "b"])
    assert t.cells == [] and _parse(t).cells == [("th", None, "a"), ("th", None, "b")]
