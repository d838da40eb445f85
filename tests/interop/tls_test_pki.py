"""A throw-away PKI for the TLS tests, made at test time with the openssl
command (no private key is ever committed): a test CA, a server certificate
for localhost/127.0.0.1 signed by it, a client certificate signed by it, and
a client certificate from a second, untrusted CA. All in `folder`."""

import os
import subprocess


def _openssl(*args, cwd):
    subprocess.run(
        ["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _ca(folder, name, subject):
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2", "-subj", subject,
        cwd=folder,
    )


def _leaf(folder, name, ca, subject, extensions):
    _openssl(
        "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", subject,
        cwd=folder,
    )
    with open(os.path.join(folder, f"{name}.ext"), "w", encoding="utf-8") as ext:
        ext.write(extensions + "\n")
    _openssl(
        "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
        "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext",
        cwd=folder,
    )


def make_server_certificate(folder, name, subject):
    """Another server certificate from the test CA (e.g. for a reload)."""
    _leaf(
        folder, name, "ca", subject,
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth",
    )


def make_leaf_certificate(folder, name, subject, subject_alt_name):
    """A server certificate from the test CA for other names (e.g. one that
    does not name 127.0.0.1, for a hostname-check test)."""
    _leaf(
        folder, name, "ca", subject,
        f"subjectAltName={subject_alt_name}\nextendedKeyUsage=serverAuth",
    )


def make_pki(folder):
    """Writes ca.pem, server.pem/.key, client.pem/.key (trusted) and
    rogue_client.pem/.key (from rogue_ca, not trusted)."""
    _ca(folder, "ca", "/CN=wsx test CA")
    _ca(folder, "rogue_ca", "/CN=wsx rogue CA")
    make_server_certificate(folder, "server", "/CN=localhost")
    _leaf(folder, "client", "ca", "/CN=wsx test client", "extendedKeyUsage=clientAuth")
    _leaf(folder, "rogue_client", "rogue_ca", "/CN=wsx rogue client", "extendedKeyUsage=clientAuth")
