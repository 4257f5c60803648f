"""One table style for the book: a small table that shows itself as HTML in a page or notebook.

:func:`table` takes rows (a list of dicts or of sequences) or columns (a dict of lists) and
returns a :class:`Table`. In a notebook or on a page it renders as
``<table class="cnnbook-table">`` with a header row, no index column, and numbers formatted with
thousands separators in right-aligned ``<td class="num">`` cells (``<th class="num">`` for a
column that holds only numbers); text cells are plain ``<td>``. Printed, it is an aligned plain
text table; :meth:`Table.to_markdown` gives a Markdown pipe table.

Numbers are formatted per column with a format spec (``",.1f"``, ``".1%"``) or a function, else
by :func:`format_number`: integers (and integral floats) with thousands separators, other floats
with four significant digits. ``None`` and NaN show as empty cells.
"""

import html
import math
import numbers

import numpy as np

__all__ = ["Table", "format_number", "table"]


def _is_number(value):
    """True for Python/numpy ints and floats (not bool, not complex)."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _is_missing(value):
    return value is None or (_is_number(value) and math.isnan(float(value)))


def format_number(value):
    """Format a number the book's way: thousands separators, at most four significant digits.

    Parameters
    ----------
    value : int or float
        Python or numpy number (not bool).

    Returns
    -------
    str
        Integers and integral floats below 1e15 as ``"13,266,500"``; other floats of magnitude
        1e-3 to 1e15 with four significant digits (at least the integer part, with separators);
        smaller or larger magnitudes in exponent notation; NaN as ``""``; infinities as
        ``"inf"``/``"-inf"``.

    Examples
    --------
    >>> format_number(13266500)
    '13,266,500'
    >>> format_number(0.123456), format_number(3.0), format_number(1234.56)
    ('0.1235', '3', '1,235')
    >>> format_number(1.0658141036401503e-14)
    '1.066e-14'
    """
    if not _is_number(value):
        raise TypeError(f"`value` must be an int or float, got {type(value).__name__}")
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    v = float(value)
    if math.isnan(v):
        return ""
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    a = abs(v)
    if a >= 1000 and a < 1e15:
        return f"{v:,.0f}"
    if a >= 1e-3 and a < 1000:
        return f"{v:.4g}"
    return f"{v:.3e}"


class Table:
    """A rendered table: column names and rows of already formatted cells.

    Build it with :func:`table`. Attributes: ``columns`` (list of str), ``cells`` (list of rows,
    each a list of str), ``numeric`` (per cell, True where the value was a number),
    ``caption`` (str or None).
    """

    def __init__(self, columns, cells, numeric, caption=None):
        self.columns = list(columns)
        self.cells = [list(r) for r in cells]
        self.numeric = [list(r) for r in numeric]
        self.caption = caption

    def _numeric_column(self, j):
        """True when column ``j`` has at least one number and nothing but numbers or blanks."""
        flags = [(self.numeric[i][j], self.cells[i][j]) for i in range(len(self.cells))]
        return any(n for n, _ in flags) and all(n or c == "" for n, c in flags)

    def _repr_html_(self):
        out = ['<table class="cnnbook-table">']
        if self.caption is not None:
            out.append(f"<caption>{html.escape(self.caption)}</caption>")
        head = "".join(
            f'<th class="num">{html.escape(c)}</th>' if self._numeric_column(j)
            else f"<th>{html.escape(c)}</th>"
            for j, c in enumerate(self.columns)
        )
        out.append(f"<thead><tr>{head}</tr></thead>")
        out.append("<tbody>")
        for row, nums in zip(self.cells, self.numeric, strict=True):
            tds = "".join(
                f'<td class="num">{html.escape(c)}</td>' if n else f"<td>{html.escape(c)}</td>"
                for c, n in zip(row, nums, strict=True)
            )
            out.append(f"<tr>{tds}</tr>")
        out.append("</tbody></table>")
        return "\n".join(out)

    def _widths(self):
        return [max([len(c)] + [len(r[j]) for r in self.cells]) for j, c in enumerate(self.columns)]

    def __repr__(self):
        widths = self._widths()
        right = [self._numeric_column(j) for j in range(len(self.columns))]

        def line(cells):
            parts = [c.rjust(w) if r else c.ljust(w)
                     for c, w, r in zip(cells, widths, right, strict=True)]
            return "  ".join(parts).rstrip()

        lines = [] if self.caption is None else [self.caption]
        lines.append(line(self.columns))
        lines.append("  ".join("-" * w for w in widths))
        lines.extend(line(r) for r in self.cells)
        return "\n".join(lines)

    def to_markdown(self):
        """The table as a Markdown pipe table (number columns right-aligned).

        Examples
        --------
        >>> print(table([{"a": "x", "n": 1000}]).to_markdown())
        | a | n |
        | :-- | --: |
        | x | 1,000 |
        """
        def esc(c):
            return c.replace("|", "\\|")

        rule = ["--:" if self._numeric_column(j) else ":--" for j in range(len(self.columns))]
        lines = ["| " + " | ".join(esc(c) for c in self.columns) + " |",
                 "| " + " | ".join(rule) + " |"]
        lines.extend("| " + " | ".join(esc(c) for c in r) + " |" for r in self.cells)
        return "\n".join(lines)


def _format_cell(value, fmt):
    if _is_missing(value):
        return "", False
    if _is_number(value):
        if fmt is None:
            return format_number(value), True
        if callable(fmt):
            return str(fmt(value)), True
        return format(value.item() if isinstance(value, np.generic) else value, fmt), True
    if callable(fmt):
        return str(fmt(value)), False
    return str(value), False


def _rows_from(data, columns):
    """Normalise ``data`` into (column names, list of row lists)."""
    if isinstance(data, dict):
        names = list(data)
        cols = []
        for name in names:
            col = data[name]
            if isinstance(col, (str, bytes)) or not hasattr(col, "__len__"):
                raise TypeError(f"`data` column {name!r} must be a list, got "
                                f"{type(col).__name__}")
            cols.append(list(col))
        if len({len(c) for c in cols}) > 1:
            raise ValueError("`data` columns must all have the same length, got "
                             f"{[len(c) for c in cols]}")
        rows = [list(r) for r in zip(*cols, strict=True)]
        if columns is not None:
            index = {n: j for j, n in enumerate(names)}
            missing = [c for c in columns if c not in index]
            if missing:
                raise ValueError(f"`columns` names missing from `data`: {missing}")
            rows = [[r[index[c]] for c in columns] for r in rows]
            names = list(columns)
        return names, rows
    if isinstance(data, (str, bytes)) or not hasattr(data, "__iter__"):
        raise TypeError("`data` must be a list of dicts, a list of rows or a dict of columns, "
                        f"got {type(data).__name__}")
    data = list(data)
    if all(isinstance(r, dict) for r in data) and data:
        if columns is None:
            names = []
            for r in data:
                names.extend(k for k in r if k not in names)
        else:
            names = list(columns)
        return names, [[r.get(c) for c in names] for r in data]
    if columns is None:
        raise ValueError("`columns` is required when `data` is a list of rows")
    names = list(columns)
    rows = []
    for i, r in enumerate(data):
        if isinstance(r, (str, bytes, dict)) or not hasattr(r, "__iter__"):
            raise TypeError(f"`data` row {i} must be a sequence, got {type(r).__name__}")
        r = list(r)
        if len(r) != len(names):
            raise ValueError(f"`data` row {i} has {len(r)} cells, `columns` names {len(names)}")
        rows.append(r)
    return names, rows


def table(data, *, columns=None, formats=None, caption=None):
    """A table in the book's one style, from rows or columns.

    Parameters
    ----------
    data : list of dict, list of sequences, or dict of lists
        Rows as dicts (column order: first appearance, or ``columns``; a missing key is an empty
        cell), rows as sequences (``columns`` required), or columns as a dict of equal-length
        lists.
    columns : list of str, optional
        Column names (and order; with dict data, a selection).
    formats : dict, optional
        Column name -> format spec for :func:`format` (``",.1f"``, ``".1%"``) or a function of
        the cell value returning a string. Columns not named use :func:`format_number` for
        numbers and ``str`` for everything else.
    caption : str, optional
        A caption above the table.

    Returns
    -------
    Table
        Renders as ``<table class="cnnbook-table">`` (numbers in ``td.num``); prints as aligned
        text.

    Examples
    --------
    >>> t = table([{"image": "MNIST", "dense": 785000, "ratio": 1226.56}],
    ...           formats={"ratio": ",.0f"})
    >>> print(t)
    image    dense  ratio
    -----  -------  -----
    MNIST  785,000  1,227
    >>> '<td class="num">785,000</td>' in t._repr_html_()
    True
    """
    if columns is not None:
        if isinstance(columns, (str, bytes)) or not hasattr(columns, "__iter__"):
            raise TypeError(f"`columns` must be a list of names, got {type(columns).__name__}")
        columns = [str(c) for c in columns]
        if len(set(columns)) != len(columns):
            raise ValueError(f"`columns` must not repeat a name, got {columns}")
    if formats is None:
        formats = {}
    if not isinstance(formats, dict):
        raise TypeError(f"`formats` must be a dict, got {type(formats).__name__}")
    for name, fmt in formats.items():
        if not (isinstance(fmt, str) or callable(fmt)):
            raise TypeError(f"`formats`[{name!r}] must be a format spec or a function, "
                            f"got {type(fmt).__name__}")
    if caption is not None and not isinstance(caption, str):
        raise TypeError(f"`caption` must be a str, got {type(caption).__name__}")
    names, rows = _rows_from(data, columns)
    names = [str(n) for n in names]
    unknown = [n for n in formats if str(n) not in names]
    if unknown:
        raise ValueError(f"`formats` names columns not in the table: {unknown}")
    fmts = {str(k): v for k, v in formats.items()}
    cells, numeric = [], []
    for r in rows:
        pairs = [_format_cell(v, fmts.get(n)) for v, n in zip(r, names, strict=True)]
        cells.append([c for c, _ in pairs])
        numeric.append([n for _, n in pairs])
    return Table(names, cells, numeric, caption)
