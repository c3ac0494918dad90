"""Finding states and people by any of their names: `q=` on /v1/states and /v1/people.

A name matches when the folded query occurs anywhere in its folded form. Folding is Unicode
NFKD with the combining marks dropped, then casefolding (Türkiye and TURKIYE fold alike, and
Cyrillic ё and й lose their marks too), then dropping every Latin `y`. That last step is what
makes the transliterations of one Russian name meet: the letter is where they differ most
(Imanaliyev/Imanaliev for -иев, Yermekbayev/Ermekbaev for Ермекбаев, Dmitriy/Dmitri for -ий).
Dropping a letter everywhere, rather than only before a vowel, keeps every substring a
substring, so a query typed halfway ("Yermekbay") still finds its name.
"""

import unicodedata
from collections.abc import Iterable


def fold(text: str) -> str:
    """`text` as compared by search: no accents, no case, no Latin `y`."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().replace("y", "")


def matches(query: str, names: Iterable[str | None]) -> bool:
    """Whether `query` occurs, folded, in any of `names`, folded."""
    wanted = fold(query)
    return any(wanted in fold(name) for name in names if name)
