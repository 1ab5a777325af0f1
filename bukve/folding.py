"""Text as searches compare it, the same on SQLite and PostgreSQL.

SQLite's LIKE folds the case of ASCII letters only, and neither database ignores diacritics,
so "špela" found "Špela Košir" on PostgreSQL and nobody on SQLite. Searches therefore compare
a folded copy of the text, stored next to it, with the folded query (`fold` on both sides).
"""

import unicodedata

# Letters that Unicode does not take apart into a base letter and a mark.
_LETTERS = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae",
                          "œ": "oe", "ð": "d", "þ": "th"})  # fmt: skip


def fold(text: str) -> str:
    """`text` without case and diacritics: "Špela KOŠIR" and "spela kosir" are the same,
    "Đurđa" is "durda", "Straße" is "strasse"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)
