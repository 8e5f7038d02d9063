"""The TLS lab's core: a local HTTPS server, a probe, the course's scenarios and the wire.

- :mod:`.server`: the lab's HTTPS server on 127.0.0.1.
- :mod:`.probe`: a client probe, like ``openssl s_client``.
- :mod:`.scenarios`: the course's trust scenarios against local servers.
- :mod:`.records`: the TLS record layer and handshake messages, read by hand.
- :mod:`.recorder`: a loopback relay that keeps the bytes of an exchange.
- :mod:`.keyschedule`: the TLS 1.3 and TLS 1.2 key schedules, every step written out.
- :mod:`.keylog`: key logs in the NSS format (SSLKEYLOGFILE).
- :mod:`.protection`: how each cipher suite seals and opens a record, by hand.
- :mod:`.decrypt`: a whole connection decrypted with its key log, every record named with its key.

The function :func:`.probe.probe` is reached through its module, whose name it shares.

Every name below is loaded from its module when first used
(:func:`tlsexplorer.core.exports.lazy_exports`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlsexplorer.core.exports import lazy_exports

if TYPE_CHECKING:
    from tlsexplorer.core.tls.connect import PROBE_TIMEOUT as PROBE_TIMEOUT, host_port as host_port
    from tlsexplorer.core.tls.decrypt import (
        ConnectionDecryptor as ConnectionDecryptor,
        DecryptedConnection as DecryptedConnection,
        OpenedRecord as OpenedRecord,
        TrafficKey as TrafficKey,
        WireRecord as WireRecord,
        connection_json as connection_json,
        decrypt_exchange as decrypt_exchange,
        decrypt_streams as decrypt_streams,
    )
    from tlsexplorer.core.tls.keylog import (
        LABELS as LABELS,
        KeyLog as KeyLog,
        parse_keylog as parse_keylog,
    )
    from tlsexplorer.core.tls.keyschedule import (
        Derivation as Derivation,
        Tls12Keys as Tls12Keys,
        Tls13Schedule as Tls13Schedule,
        TrafficKeys as TrafficKeys,
        tls12_key_block as tls12_key_block,
        tls12_master_secret as tls12_master_secret,
        tls12_prf as tls12_prf,
        tls13_schedule as tls13_schedule,
        traffic_keys as traffic_keys,
    )
    from tlsexplorer.core.tls.probe import (
        CLIENT_CERT_ALERTS as CLIENT_CERT_ALERTS,
        CLIENT_CERT_HINT as CLIENT_CERT_HINT,
        CLIENT_KEY_HINT as CLIENT_KEY_HINT,
        KEY_PASSWORD_HINT as KEY_PASSWORD_HINT,
        MAX_IDENTITY_BYTES as MAX_IDENTITY_BYTES,
        VERDICT_WAIT as VERDICT_WAIT,
        ClientIdentity as ClientIdentity,
        PeerCertificate as PeerCertificate,
        ProbeResult as ProbeResult,
        await_server_verdict as await_server_verdict,
        capture_handshake as capture_handshake,
        client_context as client_context,
        describe_client_error as describe_client_error,
        is_ip_address as is_ip_address,
        load_client_identity as load_client_identity,
        parse_target as parse_target,
    )
    from tlsexplorer.core.tls.protection import (
        Opened as Opened,
        RecordError as RecordError,
        Suite as Suite,
        open_tls12 as open_tls12,
        open_tls13 as open_tls13,
        seal_tls13 as seal_tls13,
        suite as suite,
    )
    from tlsexplorer.core.tls.recorder import (
        WireRecorder as WireRecorder,
        private_keylog as private_keylog,
        record_request as record_request,
        recorder_client_for as recorder_client_for,
    )
    from tlsexplorer.core.tls.records import (
        ALERT_DESCRIPTIONS as ALERT_DESCRIPTIONS,
        CIPHER_SUITES as CIPHER_SUITES,
        CONTENT_TYPES as CONTENT_TYPES,
        EXTENSIONS as EXTENSIONS,
        GROUPS as GROUPS,
        HANDSHAKE_TYPES as HANDSHAKE_TYPES,
        MAX_RECORDED_BYTES as MAX_RECORDED_BYTES,
        SIGNATURE_SCHEMES as SIGNATURE_SCHEMES,
        VERSIONS as VERSIONS,
        ClientHello as ClientHello,
        Direction as Direction,
        Exchange as Exchange,
        HandshakeMessage as HandshakeMessage,
        HttpMessage as HttpMessage,
        Segment as Segment,
        ServerHello as ServerHello,
        TlsRecord as TlsRecord,
        WireAnalysis as WireAnalysis,
        analyse_exchange as analyse_exchange,
        cipher_suite_name as cipher_suite_name,
        is_grease as is_grease,
        iter_records as iter_records,
        looks_like_tls as looks_like_tls,
        parse_certificate_list as parse_certificate_list,
        parse_client_hello as parse_client_hello,
        parse_http as parse_http,
        parse_server_hello as parse_server_hello,
        snake_name as snake_name,
        version_name as version_name,
    )
    from tlsexplorer.core.tls.scenarios import (
        REASONS as REASONS,
        ROOT_FILE as ROOT_FILE,
        SAMPLE_PASSPHRASE as SAMPLE_PASSPHRASE,
        SCENARIOS as SCENARIOS,
        LabMaterial as LabMaterial,
        Scenario as Scenario,
        ScenarioResult as ScenarioResult,
        commands_for as commands_for,
        run_scenarios as run_scenarios,
    )
    from tlsexplorer.core.tls.server import (
        CLIENT_TIMEOUT as CLIENT_TIMEOUT,
        DEFAULT_PORT as DEFAULT_PORT,
        DEFAULT_SECRET as DEFAULT_SECRET,
        LabServer as LabServer,
        describe_server_error as describe_server_error,
        free_port as free_port,
        page as page,
    )
    from tlsexplorer.core.tls.server_events import ConnectionEvent as ConnectionEvent
    from tlsexplorer.core.tls.server_files import (
        ServerFiles as ServerFiles,
        ca_issued_files as ca_issued_files,
        key_is_encrypted as key_is_encrypted,
        load_server_context as load_server_context,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__, __file__)
