"""The RSA explorer's core: RSA by hand, from toy primes to real keys, and key exchange.

- :mod:`.numbers`: big numbers read and shown, Miller-Rabin, extended Euclid, square-and-multiply.
- :mod:`.workbook`: the worked example from p and q to a CRT decryption.
- :mod:`.keys`: real RSA keys and the identities between their numbers.
- :mod:`.signature`: a certificate's RSA signature checked by hand.
- :mod:`.pss`: an RSASSA-PSS signature checked by hand (MGF1, the salt, H = Hash(M')).
- :mod:`.dh`: Diffie-Hellman with small numbers, X25519 and hybrid encryption.

Textbook (unpadded) RSA itself lives in :mod:`tlsexplorer.core.hazmat.textbook_rsa`.

Every name below is loaded from its module when first used
(:func:`tlsexplorer.core.exports.lazy_exports`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlsexplorer.core.exports import lazy_exports

if TYPE_CHECKING:
    from tlsexplorer.core.rsa.dh import (
        BRUTE_FORCE_LIMIT as BRUTE_FORCE_LIMIT,
        DH_PRESET as DH_PRESET,
        HybridEncryption as HybridEncryption,
        SmallDh as SmallDh,
        X25519Exchange as X25519Exchange,
        hybrid_encrypt as hybrid_encrypt,
        small_dh as small_dh,
        x25519_exchange as x25519_exchange,
    )
    from tlsexplorer.core.rsa.keys import (
        Identity as Identity,
        KeyIdentities as KeyIdentities,
        key_identities as key_identities,
        load_rsa_key as load_rsa_key,
    )
    from tlsexplorer.core.rsa.numbers import (
        MAX_BITS as MAX_BITS,
        EuclidRow as EuclidRow,
        EuclidTable as EuclidTable,
        ModexpStep as ModexpStep,
        ModexpTrace as ModexpTrace,
        PrimalityResult as PrimalityResult,
        Radix as Radix,
        WitnessRound as WitnessRound,
        check_size as check_size,
        decimal as decimal,
        extended_euclid as extended_euclid,
        factor_with_budget as factor_with_budget,
        find_small_factor as find_small_factor,
        int_from_decimal as int_from_decimal,
        is_probable_prime as is_probable_prime,
        miller_rabin as miller_rabin,
        modinv as modinv,
        parse_int as parse_int,
        short as short,
        square_and_multiply as square_and_multiply,
        totient as totient,
    )
    from tlsexplorer.core.rsa.pss import (
        PSS_HASHES as PSS_HASHES,
        PssCheck as PssCheck,
        mgf1 as mgf1,
        pss_verify_by_hand as pss_verify_by_hand,
    )
    from tlsexplorer.core.rsa.signature import (
        HASH_OIDS as HASH_OIDS,
        DigestInfo as DigestInfo,
        Pkcs1Block as Pkcs1Block,
        SignatureCheck as SignatureCheck,
        SignatureKind as SignatureKind,
        check_certificate_signature as check_certificate_signature,
        parse_digest_info as parse_digest_info,
        parse_pkcs1_block as parse_pkcs1_block,
    )
    from tlsexplorer.core.rsa.workbook import (
        DEFAULT_E as DEFAULT_E,
        PRESETS as PRESETS,
        CrtDecryption as CrtDecryption,
        RsaWorkbook as RsaWorkbook,
        WorkedStep as WorkedStep,
        build_workbook as build_workbook,
        check_e as check_e,
        check_prime as check_prime,
        choose_e as choose_e,
        crt_decrypt as crt_decrypt,
        decryption_trace as decryption_trace,
        preset_workbook as preset_workbook,
        text_to_int as text_to_int,
        worked_steps as worked_steps,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
