"""Caesar cipher and its frequency-analysis crack."""

from __future__ import annotations

import pytest

from tlsexplorer.core.errors import InvalidInput
from tlsexplorer.core.symmetric import caesar

SENTENCES = [
    "It was the best of times, it was the worst of times, it was the age of wisdom.",
    "The quick brown fox jumps over the lazy dog while the farmer sleeps under a tree.",
    "Cryptography is the practice and study of techniques for secure communication.",
    "Alice sends Bob a secret message, and Eve tries to read it on the way there.",
    "Call me Ishmael. Some years ago, never mind how long precisely, I went to sea.",
    "All happy families are alike; each unhappy family is unhappy in its own way.",
    "To be, or not to be, that is the question: whether tis nobler in the mind to suffer.",
    "The certificate authority signs the public key of the server with its own key.",
    "Next year the zoo will open a new exhibit for the jaguars and the zebras.",
    "Quiet people often have the loudest minds, my grandmother used to say.",
    "Explicit is better than implicit, and simple is better than complex.",
]


def test_course_example_shift_minus_one() -> None:
    assert caesar.encrypt("fluffy tail", -1) == "ekteex szhk"
    assert caesar.encrypt("fluffy tail", 25) == "ekteex szhk"
    assert caesar.decrypt("ekteex szhk", 25) == "fluffy tail"


def test_case_kept_and_others_untouched() -> None:
    assert caesar.encrypt("Hello, World! 123 ÄÖ", 3) == "Khoor, Zruog! 123 ÄÖ"
    assert caesar.encrypt("xyz XYZ", 3) == "abc ABC"


def test_letters_counted_a_to_z_case_folded() -> None:
    counts = caesar.letter_counts("Aab! Zz")
    assert counts[0] == 2 and counts[1] == 1 and counts[25] == 2 and sum(counts) == 5


@pytest.mark.parametrize("sentence", SENTENCES)
def test_sentences_have_enough_letters(sentence: str) -> None:
    assert sum(caesar.letter_counts(sentence)) >= 40


@pytest.mark.parametrize("sentence", SENTENCES)
def test_crack_finds_every_shift(sentence: str) -> None:
    for shift in range(26):
        result = caesar.crack(caesar.encrypt(sentence, shift))
        assert result.shift == shift, (sentence, shift)
        assert result.plaintext == sentence
        assert result.confident


def test_crack_ranking_is_complete_and_sorted() -> None:
    result = caesar.crack(caesar.encrypt(SENTENCES[0], 7))
    assert sorted(c.shift for c in result.ranking) == list(range(26))
    scores = [c.score for c in result.ranking]
    assert scores == sorted(scores)
    assert result.ranking[0].shift == result.shift == 7
    assert abs(sum(result.frequencies) - 100.0) < 1e-9


def test_crack_preview_keeps_full_winner() -> None:
    text = caesar.encrypt(SENTENCES[1] * 3, 4)
    result = caesar.crack(text, preview=10)
    assert all(len(c.plaintext) == 10 for c in result.ranking)
    assert result.plaintext == SENTENCES[1] * 3


def test_chi_squared_by_hand() -> None:
    # English-like counts score far lower than a flat distribution.
    english = [round(f * 10) for f in caesar.ENGLISH_FREQUENCIES]
    flat = [40] * 26
    assert caesar.chi_squared(english) < 20 < 1000 < caesar.chi_squared(flat)
    # Ten e's and nothing else, computed independently.
    counts = [0] * 26
    counts[4] = 10
    expected = [10 * max(p, caesar.RARE_LETTER_FLOOR) / 100 for p in caesar.ENGLISH_FREQUENCIES]
    by_hand = sum(e for i, e in enumerate(expected) if i != 4) + (10 - expected[4]) ** 2 / expected[4]
    assert abs(caesar.chi_squared(counts) - by_hand) < 1e-9


def test_crack_without_letters_is_clear() -> None:
    with pytest.raises(InvalidInput, match="no letters"):
        caesar.crack("1234 !!")
