"""The Python shown for each action runs as-is and makes the same kind of certificate;
the openssl commands do too (where openssl is installed)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tlsexplorer.core.ca import build as ca, recipes as ca_recipes, store as ca_store

OPENSSL = shutil.which("openssl")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@pytest.fixture(scope="module")
def root_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("recipes") / "root"
    request = ca_store.CaRequest(cn="Recipe Root", o="Tests", path_length=2)
    ca_store.save(ca_store.build_root(folder, request, _now()))
    return folder


def run_python(code: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    cwd.mkdir(parents=True, exist_ok=True)
    (cwd / "recipe.py").write_text(code)
    result = subprocess.run([sys.executable, "recipe.py"], cwd=cwd, capture_output=True, text=True,
                            timeout=60, env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    return result


def shape(cert: x509.Certificate) -> list[tuple[str, bool, str]]:
    """What makes two certificates 'the same kind': each extension, its criticality and value
    (key identifiers by presence only: the keys differ)."""
    out = []
    for ext in cert.extensions:
        value = ext.value
        text = "" if isinstance(value, x509.SubjectKeyIdentifier | x509.AuthorityKeyIdentifier) \
            else ca.describe_extension(value)
        out.append((type(value).__name__, ext.critical, text))
    return out


def same_kind(ours: x509.Certificate, theirs: x509.Certificate) -> None:
    assert theirs.subject == ours.subject
    assert theirs.issuer == ours.issuer
    assert shape(theirs) == shape(ours)
    assert type(theirs.public_key()) is type(ours.public_key())
    assert theirs.signature_algorithm_oid == ours.signature_algorithm_oid
    assert abs((theirs.not_valid_after_utc - theirs.not_valid_before_utc)
               - (ours.not_valid_after_utc - ours.not_valid_before_utc)) <= dt.timedelta(seconds=2)
    assert theirs.serial_number != ours.serial_number


def test_init_recipe(tmp_path: Path) -> None:
    now = _now()
    request = ca_store.CaRequest(cn="Py Root", o="Me", c="US", path_length=1, permit_dns=("example.net",),
                                 permit_ip=("10.0.0.0/8",), key_type="p256")
    product = ca_store.build_root(tmp_path / "ours", request, now)
    recipe = ca_recipes.recipe_for(product, now, out_dir=tmp_path / "ours")
    run_python(recipe.python, tmp_path / "py")
    theirs = x509.load_pem_x509_certificate((tmp_path / "py" / "ca.pem").read_bytes())
    assert product.certificate is not None
    same_kind(product.certificate, theirs)
    assert (tmp_path / "py" / "ca.key.pem").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "py" / "chain.pem").exists()


def test_init_recipe_encrypts_with_the_env_passphrase(tmp_path: Path) -> None:
    now = _now()
    request = ca_store.CaRequest(cn="Enc Root", key_type="p256", password=b"pw")
    product = ca_store.build_root(tmp_path / "ours", request, now)
    recipe = ca_recipes.recipe_for(product, now, out_dir=tmp_path / "ours")
    assert "pw" not in recipe.python.replace("password", "")  # never embedded
    run_python(recipe.python, tmp_path / "py", env={"KEY_PASSPHRASE": "s3cret"})
    key = serialization.load_pem_private_key((tmp_path / "py" / "ca.key.pem").read_bytes(), b"s3cret")
    assert isinstance(key, ec.EllipticCurvePrivateKey)


def test_intermediate_recipe(tmp_path: Path, root_dir: Path) -> None:
    now = _now()
    root = ca_store.load_ca(root_dir)
    product = ca_store.build_intermediate(root, tmp_path / "ours", ca_store.CaRequest(cn="Py Inter",
                                                                                      path_length=0), now)
    recipe = ca_recipes.recipe_for(product, now, ca_dir=root_dir, out_dir=tmp_path / "ours")
    run_python(recipe.python, tmp_path / "py")
    theirs = x509.load_pem_x509_certificate((tmp_path / "py" / "ca.pem").read_bytes())
    assert product.certificate is not None
    same_kind(product.certificate, theirs)
    theirs.verify_directly_issued_by(root.certificate)
    chain = x509.load_pem_x509_certificates((tmp_path / "py" / "chain.pem").read_bytes())
    assert chain[1:] == [root.certificate]


@pytest.mark.parametrize("flaw", [None, *ca.FLAWS])
def test_issue_recipe_for_good_and_broken(tmp_path: Path, root_dir: Path, flaw: str | None) -> None:
    now = _now()
    root = ca_store.load_ca(root_dir)
    request = ca_store.LeafRequest("localhost", sans=("127.0.0.1",), flaw=flaw)  # type: ignore[arg-type]
    product = ca_store.build_leaf(root, request, now)
    recipe = ca_recipes.recipe_for(product, now, ca_dir=root_dir)
    run_python(recipe.python, tmp_path)
    chain = x509.load_pem_x509_certificates((tmp_path / "localhost.fullchain.pem").read_bytes())
    theirs = x509.load_pem_x509_certificate((tmp_path / "localhost.pem").read_bytes())
    assert chain[0] == theirs
    assert product.certificate is not None
    same_kind(product.certificate, theirs)
    # the lab CAs are made the same way, and the chain hangs together
    assert len(chain) - 1 == len(product.intermediates)
    for ours_ca, their_ca in zip(product.intermediates, chain[1:], strict=True):
        same_kind(ours_ca, their_ca)
    issuer = chain[1] if len(chain) > 1 else root.certificate
    if flaw != "sha1":
        theirs.verify_directly_issued_by(issuer)
    else:
        assert theirs.signature_hash_algorithm is not None and theirs.signature_hash_algorithm.name == "sha1"


def test_csr_and_sign_recipes(tmp_path: Path, root_dir: Path) -> None:
    now = _now()
    product = ca_store.build_csr(tmp_path / "ours", "www.example.net", ("example.net",), "p384")
    recipe = ca_recipes.recipe_for(product, now, out_dir=tmp_path / "ours")
    run_python(recipe.python, tmp_path / "py")
    csr = x509.load_pem_x509_csr((tmp_path / "py" / "www.example.net.csr.pem").read_bytes())
    assert product.csr is not None
    assert csr.subject == product.csr.subject and csr.is_signature_valid
    assert list(csr.extensions) != [] and list(csr.extensions) == list(product.csr.extensions)

    root = ca_store.load_ca(root_dir)
    csr_path = tmp_path / "py" / "www.example.net.csr.pem"
    signed = ca_store.build_signed(root, csr_path.read_bytes(), now)
    recipe = ca_recipes.recipe_for(signed, now, ca_dir=root_dir, csr_path=csr_path)
    run_python(recipe.python, tmp_path / "sign")
    theirs = x509.load_pem_x509_certificate((tmp_path / "sign" / "www.example.net.pem").read_bytes())
    assert signed.certificate is not None
    same_kind(signed.certificate, theirs)
    assert theirs.public_key() == csr.public_key()


def test_openssl_commands_make_what_strict_clients_accept(tmp_path: Path, root_dir: Path) -> None:
    if OPENSSL is None:
        pytest.skip("openssl is not installed here; the openssl recipe is not run")
    now = _now()
    ca_copy = tmp_path / "ca"
    shutil.copytree(root_dir, ca_copy)
    root = ca_store.load_ca(ca_copy)
    product = ca_store.build_leaf(root, ca_store.LeafRequest("localhost", sans=("127.0.0.1",)), now)
    recipe = ca_recipes.recipe_for(product, now, ca_dir=ca_copy)
    for command in recipe.openssl:
        result = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
    paths = ca_store.issued_paths(ca_copy, "localhost")
    theirs = x509.load_pem_x509_certificate(paths.certificate.read_bytes())
    assert product.certificate is not None
    same_kind(product.certificate, theirs)
    result = subprocess.run([OPENSSL, "verify", "-x509_strict", "-CAfile", str(ca_copy / "ca.pem"),
                             str(paths.certificate)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_recipe_with_a_pkcs12_bundle(tmp_path: Path, root_dir: Path) -> None:
    """--p12: both recipes also make the bundle, with the password from $P12_PASSWORD (never embedded)."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    now = _now()
    ca_copy = tmp_path / "ca"
    shutil.copytree(root_dir, ca_copy)
    root = ca_store.load_ca(ca_copy)
    request = ca_store.LeafRequest("localhost", sans=("127.0.0.1",), p12=True, p12_password=b"bundle-pw",
                                   password=b"key-pw")
    product = ca_store.build_leaf(root, request, now)
    recipe = ca_recipes.recipe_for(product, now, ca_dir=ca_copy)
    assert "bundle-pw" not in recipe.python + "\n".join(recipe.openssl)
    env = {"P12_PASSWORD": "bundle-pw", "KEY_PASSPHRASE": "key-pw"}
    run_python(recipe.python, tmp_path / "py", env=env)
    bundle = pkcs12.load_pkcs12((tmp_path / "py" / "localhost.p12").read_bytes(), b"bundle-pw")
    assert bundle.cert is not None and product.certificate is not None
    same_kind(product.certificate, bundle.cert.certificate)
    assert oct((tmp_path / "py" / "localhost.p12").stat().st_mode & 0o777) == "0o600"
    if OPENSSL is None:
        return  # openssl is not installed here; its recipe is not run
    for command in recipe.openssl:
        result = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True,
                                timeout=60, env={**os.environ, **env})
        assert result.returncode == 0, f"{command}\n{result.stderr}"
    p12 = ca_store.issued_paths(ca_copy, "localhost").p12
    bundle = pkcs12.load_pkcs12(p12.read_bytes(), b"bundle-pw")
    assert bundle.cert is not None and bundle.key is not None
    assert oct(p12.stat().st_mode & 0o777) == "0o600"


def test_openssl_recipe_reads_passphrases_from_the_environment(tmp_path: Path) -> None:
    """An encrypted CA key and an encrypted new key: the openssl lines run without a prompt
    ($CA_PASSPHRASE, $KEY_PASSPHRASE), as the Python does."""
    if OPENSSL is None:
        pytest.skip("openssl is not installed here; the openssl recipe is not run")
    now = _now()
    folder = tmp_path / "ca"
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="Locked Root", key_type="p256",
                                                                 password=b"ca-pw"), now))
    root = ca_store.load_ca(folder, b"ca-pw")
    product = ca_store.build_leaf(root, ca_store.LeafRequest("localhost", password=b"key-pw"), now)
    recipe = ca_recipes.recipe_for(product, now, ca_dir=folder, ca_key_encrypted=True)
    env = {**os.environ, "CA_PASSPHRASE": "ca-pw", "KEY_PASSPHRASE": "key-pw"}
    for command in recipe.openssl:
        assert "ca-pw" not in command and "key-pw" not in command
        result = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True,
                                timeout=60, env=env, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
    key = ca_store.issued_paths(folder, "localhost").key.read_bytes()
    assert b"ENCRYPTED" in key
    serialization.load_pem_private_key(key, b"key-pw")


def test_sha1_recipe_under_a_ca_of_the_default_key_type(tmp_path: Path) -> None:
    """An EC CA (the workbench's default) gets an RSA lab CA that signs the leaf with SHA-1."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    now = _now()
    folder = tmp_path / "ec"
    ca_store.save(ca_store.build_root(folder, ca_store.CaRequest(cn="EC Root", key_type="p256"), now))
    root = ca_store.load_ca(folder)
    product = ca_store.build_leaf(root, ca_store.LeafRequest("localhost", flaw="sha1"), now)
    recipe = ca_recipes.recipe_for(product, now, ca_dir=folder)
    run_python(recipe.python, tmp_path / "py")
    chain = x509.load_pem_x509_certificates((tmp_path / "py" / "localhost.fullchain.pem").read_bytes())
    assert chain[0].signature_hash_algorithm is not None and chain[0].signature_hash_algorithm.name == "sha1"
    assert isinstance(chain[1].public_key(), rsa.RSAPublicKey)
    chain[1].verify_directly_issued_by(root.certificate)
