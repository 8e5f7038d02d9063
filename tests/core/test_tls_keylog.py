"""Key logs in the NSS format: what is kept, and each bad line named once."""

from __future__ import annotations

from tlsexplorer.core.tls.keylog import parse_keylog

RANDOM = "ab" * 32
SECRET = "cd" * 32


def test_lines_grouped_by_client_random_and_label() -> None:
    log = parse_keylog(
        "# written by a browser\n"
        f"CLIENT_HANDSHAKE_TRAFFIC_SECRET {RANDOM} {SECRET}\n"
        f"SERVER_TRAFFIC_SECRET_0 {RANDOM} {'ef' * 48}\n\n"
        f"CLIENT_RANDOM {'01' * 32} {'02' * 48}\r\n"
    )
    assert not log.problems
    assert len(log) == 2
    assert log.for_connection(bytes.fromhex(RANDOM))["SERVER_TRAFFIC_SECRET_0"] == bytes.fromhex("ef" * 48)
    assert log.for_connection(bytes(32)) == {}


def test_garbage_lines_are_problems_and_the_rest_is_kept() -> None:
    log = parse_keylog(
        "hello\n"
        f"NOT_A_LABEL {RANDOM} {SECRET}\n"
        f"CLIENT_RANDOM {RANDOM[:-2]} {SECRET}\n"
        f"CLIENT_RANDOM zz{RANDOM[2:]} {SECRET}\n"
        f"CLIENT_RANDOM {RANDOM} {SECRET[:-2]}\n"
        f"EXPORTER_SECRET {RANDOM} {SECRET}\n"
    )
    assert [p.split(":")[0] for p in log.problems] == ["line 1", "line 2", "line 3", "line 4", "line 5"]
    assert "unknown label" in log.problems[1]
    assert "32 bytes" in log.problems[2]
    assert list(log.for_connection(bytes.fromhex(RANDOM))) == ["EXPORTER_SECRET"]
