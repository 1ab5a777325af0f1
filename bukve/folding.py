"""Text as searches compare it, the same on SQLite and PostgreSQL.

SQLite's LIKE folds the case of ASCII letters only, and neither database ignores diacritics,
so "špela" found "Špela Košir" on PostgreSQL and nobody on SQLite. Searches therefore compare
a folded copy of the text, stored next to it, with the folded query (`fold` on both sides).
"""

import re
import unicodedata

# Letters that Unicode does not take apart into a base letter and a mark.
_LETTERS = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae",
                          "œ": "oe", "ð": "d", "þ": "th"})  # fmt: skip


def fold(text: str) -> str:
    """`text` without case and diacritics: "Špela KOŠIR" and "spela kosir" are the same,
    "Đurđa" is "durda", "Straße" is "strasse"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)


def near(word: str) -> str:
    """A regular expression for the words one typing slip away from `word` (a folded word
    of at least NEAR_FROM letters): a letter left out, one too many, a wrong one or two
    swapped, so that "presern" finds "preseren". Plain `.` and `|`, which SQLite (Python's
    re) and PostgreSQL read alike."""
    variants = {re.escape(word)}
    for i in range(len(word) + 1):
        variants.add(re.escape(word[:i]) + "." + re.escape(word[i:]))  # one letter more
    for i in range(len(word)):
        variants.add(re.escape(word[:i]) + re.escape(word[i + 1 :]))  # one letter less
        variants.add(re.escape(word[:i]) + "." + re.escape(word[i + 1 :]))  # another letter
        swapped = word[:i] + word[i + 1 : i + 2] + word[i] + word[i + 2 :]
        variants.add(re.escape(swapped))  # two letters swapped
    return "|".join(sorted(variants))


NEAR_FROM = 5  # shorter words match too much when a letter may differ
