"""issue: ``tlsexplorer ca issue`` with an EC P-256 key, as a whole process, against a bare
Python script that makes the same certificate with the cryptography library, and (for
reference) the openssl one-liner.

All three read the same CA folder (an EC P-256 root), make a new P-256 key and a server
certificate for localhost and 127.0.0.1 with the same extensions, and write the
certificate, the key (0600) and the full chain. Start-up, imports and I/O count alike.
The targeted comparison gives the bare script the same durable writes tlsexplorer does
(temporary file, fsync, rename); a second line, for information, lets it write plainly
as the course did, which shows what the fsyncs cost.

Bytecode caching is on for both sides, as after ``pip install`` (the runner's
common.bytecode_cache).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from functools import partial
from pathlib import Path

from benchmarks.common import PYTHON, Comparison, alternate, time_process

BARE = '''
import datetime as dt, os, secrets, sys, ipaddress
from pathlib import Path
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ca_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
ca_cert = x509.load_pem_x509_certificate((ca_dir / "ca.pem").read_bytes())
ca_key = serialization.load_pem_private_key((ca_dir / "ca.key.pem").read_bytes(), None)
key = ec.generate_private_key(ec.SECP256R1())
now = dt.datetime.now(dt.timezone.utc)
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
cert = (
    x509.CertificateBuilder().subject_name(name).issuer_name(ca_cert.subject)
    .public_key(key.public_key()).serial_number(secrets.randbits(159) | 1 << 158)
    .not_valid_before(now).not_valid_after(now + dt.timedelta(days=397))
    .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
    .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    .add_extension(x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
    .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
        ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value), critical=False)
    .sign(ca_key, hashes.SHA256())
)
pem = cert.public_bytes(serialization.Encoding.PEM)
key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
files = [("localhost.pem", pem, 0o644), ("localhost.key.pem", key_pem, 0o600),
         ("localhost.fullchain.pem", pem, 0o644)]
durable = sys.argv[3] == "durable"
for name, data, mode in files:
    # durable: what tlsexplorer does (temp file, fsync, rename into place); plain: the course's way
    target = out / name
    temp = out / ("." + name + ".tmp") if durable else target
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        if durable:
            f.flush()
            os.fsync(f.fileno())
    if durable:
        os.replace(temp, target)
'''


def _make_ca(folder: Path) -> Path:
    from tlsexplorer.core.ca import store as ca_store
    now = dt.datetime.now(dt.timezone.utc)
    request = ca_store.CaRequest(cn="Benchmark Root", key_type="p256")
    ca_store.save(ca_store.build_root(folder / "ca", request, now))
    return folder / "ca"


def run(runs: int = 15) -> list[Comparison]:
    """Alternate ``runs`` issues through the CLI and through the bare script; then openssl."""
    with tempfile.TemporaryDirectory(prefix="bench-issue-") as tmp:
        folder = Path(tmp)
        ca_dir = _make_ca(folder)
        bare = folder / "bare.py"
        bare.write_text(BARE)
        out = folder / "bare-out"
        out.mkdir()
        ours_argv = [PYTHON, "-m", "tlsexplorer", "ca", "issue", str(ca_dir), "localhost",
                     "--san", "127.0.0.1", "--key-type", "p256", "--force"]
        bare_argv = [PYTHON, str(bare), str(ca_dir), str(out), "durable"]
        ours, reference = alternate(partial(time_process, ours_argv), partial(time_process, bare_argv), runs)
        results = [Comparison("issue", ours, reference, "cryptography in a bare script (same durable writes)",
                              target=1.5)]
        plain_argv = [PYTHON, str(bare), str(ca_dir), str(out), "plain"]
        ours_p, plain = alternate(partial(time_process, ours_argv), partial(time_process, plain_argv), runs)
        results.append(Comparison("issue", ours_p, plain, "the same script with plain writes (no fsync)",
                                  target=None))
        openssl = shutil.which("openssl")
        if openssl is not None:
            exts = ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature",
                    "extendedKeyUsage=serverAuth", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid:always"]
            one_liner = [openssl, "req", "-x509", "-new", "-newkey", "ec",
                         "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc",
                         "-keyout", str(folder / "o.key.pem"), "-out", str(folder / "o.pem"),
                         "-CA", str(ca_dir / "ca.pem"), "-CAkey", str(ca_dir / "ca.key.pem"), "-days", "397",
                         "-subj", "/CN=localhost"]
            for ext in exts:
                one_liner += ["-addext", ext]
            ours2, ossl = alternate(partial(time_process, ours_argv), partial(time_process, one_liner), runs)
            results.append(Comparison("issue", ours2, ossl, "openssl req -x509 one-liner", target=None))
        return results
