"""The CA workbench's core: a local CA whose certificates real clients accept.

- :mod:`.build`: the one place that builds X.509 objects (roots, intermediates, leaves, CSRs, CRLs).
- :mod:`.store`: a CA is a folder: making and writing its products safely.
- :mod:`.form`: the workbench form's fields checked with these rules, one message per field.
- :mod:`.recipes`: the same action as openssl commands and Python code.
- :mod:`.registry`: the folder's record of what it issued and revoked; revoking, publishing CRLs.
- :mod:`.ocsp`: OCSP answers from the record; :mod:`.responder`: the OCSP responder on 127.0.0.1.

Every name below is loaded from its module when first used
(:func:`tlsexplorer.core.exports.lazy_exports`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlsexplorer.core.exports import lazy_exports

if TYPE_CHECKING:
    from tlsexplorer.core.ca.build import (
        CN_MAX as CN_MAX,
        DEFAULT_CA_DAYS as DEFAULT_CA_DAYS,
        DEFAULT_LEAF_DAYS as DEFAULT_LEAF_DAYS,
        FLAWS as FLAWS,
        KEY_TYPES as KEY_TYPES,
        MAX_PATH_LENGTH as MAX_PATH_LENGTH,
        OCSP_SIGNER_EKU as OCSP_SIGNER_EKU,
        OCSP_SIGNER_EXTENSIONS as OCSP_SIGNER_EXTENSIONS,
        ROLE_EKU as ROLE_EKU,
        ROLE_KEY_USAGE as ROLE_KEY_USAGE,
        CertificateSpec as CertificateSpec,
        ChangeStatus as ChangeStatus,
        FieldChange as FieldChange,
        Flaw as Flaw,
        FlawKind as FlawKind,
        HashName as HashName,
        KeyType as KeyType,
        PrivateKey as PrivateKey,
        PublicKey as PublicKey,
        Revocation as Revocation,
        Role as Role,
        SubjectName as SubjectName,
        apply_flaw as apply_flaw,
        authority_key_identifier as authority_key_identifier,
        build_name as build_name,
        certificate_pem as certificate_pem,
        check_common_name as check_common_name,
        check_country as check_country,
        check_path_length as check_path_length,
        check_url as check_url,
        compare_csr as compare_csr,
        create_crl as create_crl,
        create_csr as create_csr,
        csr_sans as csr_sans,
        describe_extension as describe_extension,
        flaw as flaw,
        generate_private_key as generate_private_key,
        hash_for as hash_for,
        issue_certificate as issue_certificate,
        key_usage as key_usage,
        leaf_sans as leaf_sans,
        parse_key_type as parse_key_type,
        parse_network as parse_network,
        parse_san as parse_san,
        private_key_pem as private_key_pem,
        random_serial as random_serial,
        revocation_pointers as revocation_pointers,
        san_only_names as san_only_names,
        spec_from_csr as spec_from_csr,
    )
    from tlsexplorer.core.ca.form import (
        DEFAULT_KEY_TYPE as DEFAULT_KEY_TYPE,
        FOLDER_LABELS as FOLDER_LABELS,
        FORM_ACTIONS as FORM_ACTIONS,
        FORM_FIELDS as FORM_FIELDS,
        CaForm as CaForm,
        FieldErrors as FieldErrors,
        FormAction as FormAction,
        form_action as form_action,
        parse_date as parse_date,
        parse_days as parse_days,
        parse_form as parse_form,
        parse_path_length as parse_path_length,
        parse_sans as parse_sans,
        parse_subtrees as parse_subtrees,
        split_list as split_list,
    )
    from tlsexplorer.core.ca.ocsp import (
        Answer as Answer,
        Signer as Signer,
        SignerChoice as SignerChoice,
        ca_signer as ca_signer,
        delegated_signer as delegated_signer,
        delegated_signers as delegated_signers,
        issuer_hashes as issuer_hashes,
    )
    from tlsexplorer.core.ca.recipes import (
        TITLES as TITLES,
        Recipe as Recipe,
        certificate_code as certificate_code,
        extension_code as extension_code,
        filed_name as filed_name,
        general_name_code as general_name_code,
        keygen_code as keygen_code,
        name_code as name_code,
        newkey_arg as newkey_arg,
        openssl_extensions as openssl_extensions,
        recipe_for as recipe_for,
        subject_arg as subject_arg,
    )
    from tlsexplorer.core.ca.registry import (
        REASONS as REASONS,
        RECORD as RECORD,
        Entry as Entry,
        PublishedCrl as PublishedCrl,
        Record as Record,
        load_record as load_record,
        parse_reason as parse_reason,
        publish_crl as publish_crl,
        revoke as revoke,
    )
    from tlsexplorer.core.ca.responder import (
        OcspResponder as OcspResponder,
        ResponderEvent as ResponderEvent,
    )
    from tlsexplorer.core.ca.rules import (
        check_days as check_days,
        check_days_or_end as check_days_or_end,
        check_p12_password as check_p12_password,
        check_password as check_password,
        resolve_validity as resolve_validity,
    )
    from tlsexplorer.core.ca.store import (
        CA_CERT as CA_CERT,
        CA_KEY as CA_KEY,
        CHAIN as CHAIN,
        ISSUED as ISSUED,
        Action as Action,
        CaRequest as CaRequest,
        IssuedPaths as IssuedPaths,
        LeafRequest as LeafRequest,
        LoadedCa as LoadedCa,
        Product as Product,
        WrittenFile as WrittenFile,
        build_csr as build_csr,
        build_intermediate as build_intermediate,
        build_leaf as build_leaf,
        build_root as build_root,
        build_signed as build_signed,
        ca_key_is_encrypted as ca_key_is_encrypted,
        csr_name as csr_name,
        csr_paths as csr_paths,
        is_encrypted_pem as is_encrypted_pem,
        is_self_signed as is_self_signed,
        issued_paths as issued_paths,
        load_ca as load_ca,
        load_csr as load_csr,
        load_private_key as load_private_key,
        sanitize_name as sanitize_name,
        save as save,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
