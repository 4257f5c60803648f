"""The Chinese edition's catalogs: every message translated, none fuzzy, none broken.

``book/locales/zh_CN/LC_MESSAGES/<page>.po`` translates the messages Sphinx extracts from each
English page (``make update-po``). A translation must keep what the build resolves from the
source: glued values, citations, cross-references, the glossary targets of ``{term}`` roles,
inline code and math. A verdict word such as "smaller" is glued twice, ``key`` and ``key-zh`` in
Chinese, and a translation may paste either. (The zh build itself warns, and so fails, on any
message of a page that its catalog does not translate: see ``book/_ext/cnnbook_i18n.py``.)
"""

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "book" / "locales" / "zh_CN" / "LC_MESSAGES"
CATALOGS = sorted(LOCALE.glob("*.po"))
PAGES = {p.stem for p in (ROOT / "book").glob("*.md")}

_ROLE = re.compile(r"\{(glue:text|cite|cite:p|cite:t|numref|ref|doc|eq|term|download)\}`([^`]*)`")
_CODE = re.compile(r"(?<![`{}])`([^`]+)`(?!`)")
_MATH = re.compile(r"(?<![\\$])\$([^$]+)\$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _messages(path):
    with open(path, "rb") as f:
        return [m for m in read_po(f, abort_invalid=True) if m.id]


def _targets(text):
    """What the build resolves in a message: roles (by target), inline code, inline math."""
    found = Counter()
    for role, body in _ROLE.findall(text):
        if role in ("term", "numref", "ref", "doc", "download"):
            match = re.search(r"<([^<>]*)>\s*$", body)  # {term}`shown <Target>`
            body = match.group(1) if match else body
            if role == "term":
                body = body.casefold()
        if role == "glue:text":  # a verdict word glued for the Chinese edition: "key-zh"
            key, colon, fmt = body.partition(":")
            body = key.removesuffix("-zh") + colon + fmt
        found[f"{{{role}}}{body}"] += 1
    stripped = _ROLE.sub("", text)
    found.update(f"code:{c}" for c in _CODE.findall(stripped))
    found.update(f"math:{m.strip()}" for m in _MATH.findall(_CODE.sub("", stripped)))
    return found


def test_every_page_has_a_catalog():
    assert CATALOGS, f"no catalogs in {LOCALE}: run `make update-po`"
    assert {p.stem for p in CATALOGS} == PAGES


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: p.stem)
def test_catalog_is_complete(catalog):
    messages = _messages(catalog)
    assert messages
    untranslated = [m.id[:60] for m in messages if not m.string.strip()]
    fuzzy = [m.id[:60] for m in messages if m.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated in {catalog.name}: {untranslated}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {catalog.name}: {fuzzy}"


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: p.stem)
def test_translation_keeps_what_the_build_resolves(catalog):
    problems = []
    for m in _messages(catalog):
        if not m.string:
            continue
        want, got = _targets(m.id), _targets(m.string)
        if want != got:
            missing, extra = want - got, got - want
            problems.append(f"{m.id[:50]!r}: missing {dict(missing)}, extra {dict(extra)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("catalog", [c for c in CATALOGS if c.stem != "api"],
                         ids=lambda p: p.stem)
def test_prose_is_chinese(catalog):
    """A message with English words in it is translated into Chinese, not copied."""
    copied = [m.id[:60] for m in _messages(catalog)
              if m.string.strip() == m.id.strip() and len(re.findall(r"[A-Za-z]{3,}", m.id)) > 3
              and not m.id.lstrip().startswith(("\\", "$"))]
    assert not copied, f"copied, not translated: {copied}"


def test_targets_reads_roles_code_and_math():
    text = ("{term}`receptive fields <Receptive field>` of $k \\times k$ in `conv2d`, "
            "{glue:text}`n-params:,` {cite}`lecun1998gradient`")
    assert _targets(text) == Counter({"{term}receptive field": 1, "{glue:text}n-params:,": 1,
                                      "{cite}lecun1998gradient": 1, "code:conv2d": 1,
                                      "math:k \\times k": 1})
    translated = ("`conv2d` 的 $k \\times k$ {term}`感受野 <Receptive field>`，"
                  "{glue:text}`n-params:,`")
    assert _targets(translated) != _targets(text)  # the citation is missing
    assert _targets(translated + " {cite}`lecun1998gradient`") == _targets(text)
    assert _CJK.search(translated)


def report():
    """Print each catalog's translated, fuzzy and untranslated counts (`make update-po`)."""
    print(f"{'catalog':28} {'messages':>8} {'translated':>10} {'fuzzy':>6} {'untranslated':>12}")
    for catalog in CATALOGS:
        messages = _messages(catalog)
        fuzzy = sum(m.fuzzy for m in messages)
        empty = sum(not m.string.strip() for m in messages)
        done = len(messages) - sum(m.fuzzy or not m.string.strip() for m in messages)
        print(f"{catalog.stem:28} {len(messages):8} {done:10} {fuzzy:6} {empty:12}")
