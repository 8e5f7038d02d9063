"""The Symmetric explorer's core: the Caesar cipher and its crack, Fernet taken apart.

- :mod:`.caesar`: shift, frequency analysis, the chi-squared crack.
- :mod:`.fernet`: keys, token anatomy, encryption and step-by-step verification.

Both modules have an ``encrypt`` and a ``decrypt``, so those are reached through
their module (``caesar.encrypt``, ``fernet.encrypt``); every other public name
is re-exported here.

Every name below is loaded from its module when first used
(:func:`tlsexplorer.core.exports.lazy_exports`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlsexplorer.core.exports import lazy_exports

if TYPE_CHECKING:
    from tlsexplorer.core.symmetric.caesar import (
        ALPHABET as ALPHABET,
        ENGLISH_FREQUENCIES as ENGLISH_FREQUENCIES,
        Candidate as Candidate,
        CrackResult as CrackResult,
        chi_squared as chi_squared,
        crack as crack,
        letter_counts as letter_counts,
        normalise_shift as normalise_shift,
    )
    from tlsexplorer.core.symmetric.fernet import (
        FernetKey as FernetKey,
        Rotation as Rotation,
        TokenFields as TokenFields,
        TokenReport as TokenReport,
        explain_token as explain_token,
        generate_key as generate_key,
        parse_key as parse_key,
        rotate as rotate,
        split_token as split_token,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
