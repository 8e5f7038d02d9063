"""The Caesar (shift) cipher and its frequency-analysis crack.

Letters A-Z and a-z move ``shift`` places along the alphabet (case kept);
everything else is left untouched. The crack tries all 26 shifts and ranks
the candidate plaintexts by the chi-squared distance between their letter
counts and English letter frequencies: the smaller, the more English.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from tlsexplorer.core.errors import InvalidInput

ALPHABET = string.ascii_lowercase
"""The 26 letters that move; everything else stays as it is."""

#: Relative frequency of each letter in English text (percent), a to z.
ENGLISH_FREQUENCIES: tuple[float, ...] = (
    8.167, 1.492, 2.782, 4.253, 12.702, 2.228, 2.015, 6.094, 6.966, 0.153,
    0.772, 4.025, 2.406, 6.749, 7.507, 1.929, 0.095, 5.987, 6.327, 9.056,
    2.758, 0.978, 2.360, 0.150, 1.974, 0.074,
)

_TABLES: dict[int, dict[int, int]] = {}


def normalise_shift(shift: int) -> int:
    """The shift as a number from 0 to 25 (-1 and 25 are the same shift)."""
    return shift % 26


def _table(shift: int) -> dict[int, int]:
    shift = normalise_shift(shift)
    table = _TABLES.get(shift)
    if table is None:
        lower = ALPHABET[shift:] + ALPHABET[:shift]
        upper = lower.upper()
        table = str.maketrans(ALPHABET + ALPHABET.upper(), lower + upper)
        _TABLES[shift] = table
    return table


def encrypt(text: str, shift: int) -> str:
    """Shift every letter of ``text`` forward by ``shift`` (case kept, others untouched).

    >>> encrypt("fluffy tail", -1)
    'ekteex szhk'
    """
    return text.translate(_table(shift))


def decrypt(text: str, shift: int) -> str:
    """Undo :func:`encrypt` with the same ``shift``."""
    return text.translate(_table(-shift))


def letter_counts(text: str) -> tuple[int, ...]:
    """How often each letter a-z occurs in ``text`` (case folded, others ignored)."""
    return tuple(text.count(letter) + text.count(letter.upper()) for letter in ALPHABET)


#: Expected shares below this (percent) are raised to it when scoring: j, q, x and z.
RARE_LETTER_FLOOR = 0.5


def chi_squared(counts: tuple[int, ...] | list[int]) -> float:
    """Pearson's chi-squared distance of letter ``counts`` from English (smaller: more English).

    The sum over a-z of (observed - expected)^2 / expected, where expected is
    the letter's English share of the total. The four rarest letters (j, q, x,
    z, under 0.2 % each) are expected at :data:`RARE_LETTER_FLOOR` percent
    instead: otherwise one stray z in a 40-letter text adds about 13 to the
    score and can outweigh every other letter, and the crack picks a wrong
    shift about once in a hundred short texts.

    Raises:
        InvalidInput: there are no letters to compare.
    """
    total = sum(counts)
    if total == 0:
        raise InvalidInput("the text has no letters a-z to analyse")
    score = 0.0
    for observed, percent in zip(counts, ENGLISH_FREQUENCIES, strict=True):
        expected = total * max(percent, RARE_LETTER_FLOOR) / 100.0
        score += (observed - expected) ** 2 / expected
    return score


@dataclass(frozen=True)
class Candidate:
    """One of the 26 possible decryptions."""

    shift: int
    """The shift that would have encrypted it (0-25): decrypting with it gives ``plaintext``."""
    score: float
    """Chi-squared distance from English; the smallest wins."""
    plaintext: str
    """The text decrypted with ``shift`` (possibly shortened, see :func:`crack`)."""


@dataclass(frozen=True)
class CrackResult:
    """The outcome of a frequency-analysis crack."""

    shift: int
    """The winning shift (0-25)."""
    plaintext: str
    """The ciphertext decrypted with the winning shift, in full."""
    ranking: tuple[Candidate, ...]
    """All 26 candidates, best first."""
    counts: tuple[int, ...]
    """Letter counts of the ciphertext, a to z."""
    letters: int
    """How many letters the ciphertext has."""

    @property
    def frequencies(self) -> tuple[float, ...]:
        """The ciphertext's letter frequencies in percent, a to z."""
        return tuple(100.0 * c / self.letters for c in self.counts)

    @property
    def confident(self) -> bool:
        """True when there are enough letters (40) for the crack to be reliable."""
        return self.letters >= 40


def crack(ciphertext: str, *, preview: int | None = None) -> CrackResult:
    """Try all 26 shifts and rank them by how English the result looks.

    Args:
        ciphertext: the text to break.
        preview: if given, each candidate's plaintext is cut to this many
            characters (the winner's full plaintext is always in the result).

    Raises:
        InvalidInput: the text has no letters.
    """
    counts = letter_counts(ciphertext)
    if sum(counts) == 0:
        raise InvalidInput("the text has no letters a-z to analyse; type or paste some English")
    sample = ciphertext if preview is None else ciphertext[:preview]
    candidates: list[Candidate] = []
    for shift in range(26):
        # Decrypting with ``shift`` moves ciphertext letter (i + shift) back to i.
        shifted = [counts[(i + shift) % 26] for i in range(26)]
        candidates.append(Candidate(shift, chi_squared(shifted), decrypt(sample, shift)))
    candidates.sort(key=lambda c: (c.score, c.shift))
    best = candidates[0]
    return CrackResult(
        shift=best.shift,
        plaintext=decrypt(ciphertext, best.shift) if preview is not None else best.plaintext,
        ranking=tuple(candidates),
        counts=counts,
        letters=sum(counts),
    )


__all__ = [
    "ALPHABET",
    "ENGLISH_FREQUENCIES",
    "RARE_LETTER_FLOOR",
    "Candidate",
    "CrackResult",
    "chi_squared",
    "crack",
    "decrypt",
    "encrypt",
    "letter_counts",
    "normalise_shift",
]
