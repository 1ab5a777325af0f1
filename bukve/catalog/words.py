"""The words a catalogue search compares, the same for both databases.

A record's searchable text (title, subtitle, authors, subjects, series, ISBNs) is stored as
a line of index words: each word folded (no case, no diacritics: bukve.folding) and its
lemma, the dictionary form, folded too, so that "knjigami" is indexed as "knjigami knjiga"
and "otroci" as "otroci otrok". A query word matches a record when any of its own forms
(the word folded, its lemma folded) is among the record's index words; every query word must
match. PostgreSQL (a GIN index over the words as a tsvector) and SQLite (FTS5) then only
compare whole words, which both do alike.

Lemmas come from simplemma (dictionary-based, Slovenian first, then English for the
subjects of records from abroad): a real lemmatizer, not a list of suffixes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import simplemma

from bukve.folding import fold

LANGUAGES = ("sl", "en")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ISBN = re.compile(r"\b(?:97[89][- ]?)?(?:\d[- ]?){9}[\dXx]\b")
MAX_QUERY_WORDS = 12  # a longer query is cut: it names one book well enough


@lru_cache(maxsize=200_000)
def forms(word: str) -> tuple[str, ...]:
    """The index forms of one word: folded, and its lemma folded when that differs."""
    folded = fold(word)
    lemma = fold(simplemma.lemmatize(word.lower(), lang=LANGUAGES))
    return (folded,) if lemma == folded or not lemma.isalnum() else (folded, lemma)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def isbn_digits(text: str) -> list[str]:
    """The ISBNs in `text`, digits only ("978-961-01-2345-6" is "9789610123456")."""
    return [re.sub(r"[^\dX]", "", m.upper()) for m in _ISBN.findall(text)]


def isbn_forms(isbn: str) -> tuple[str, ...]:
    """An ISBN's digits as the index keeps them: an ISBN-10 also as the ISBN-13 that the
    book's barcode says (978, its first nine digits, a new check digit), so that either
    finds a record that has the other."""
    digits = isbn.lower()
    if len(digits) != 10:
        return (digits,)
    core = "978" + digits[:9]
    check = -sum((3 if n % 2 else 1) * int(c) for n, c in enumerate(core)) % 10
    return digits, f"{core}{check}"


def index_text(texts: Iterable[str], isbns: Iterable[str] = ()) -> str:
    """The index words of a record's texts and ISBNs, each once, in a stable order."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in _words(text):
            for form in forms(word):
                seen[form] = None
    for isbn in isbns:
        seen.update(dict.fromkeys(isbn_forms(isbn)))
    return " ".join(seen)


def query_terms(text: str) -> list[tuple[str, ...]]:
    """For each word of a query, the forms any of which may match: [("knjigami", "knjiga"),
    ...]. An ISBN typed with hyphens is one word (an ISBN-10 also matches its ISBN-13); at
    most MAX_QUERY_WORDS words count."""
    terms = [isbn_forms(isbn) for isbn in isbn_digits(text)]
    rest = _ISBN.sub(" ", text)
    for word in _words(rest)[: MAX_QUERY_WORDS - len(terms)]:
        term = forms(word)
        if term not in terms:
            terms.append(term)
    return terms


def title_key(text: str) -> str:
    """A title as an exact-title comparison sees it: its folded words, single-spaced
    ("Pod svobodnim soncem." and "pod  svobodnim sóncem" are the same)."""
    return " ".join(fold(w) for w in _words(text))
