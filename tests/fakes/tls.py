"""TLS for the fakes: a trustme test CA whose server certificate covers 127.0.0.1.

Fakes serve HTTPS with it (``LocalServer(ca=...)`` in :mod:`tests.fakes.server`); clients trust
it through its bundle file, an ``ssl`` context or a ``requests`` session.
"""

from __future__ import annotations

import base64
import hashlib
import ssl
import tempfile
from pathlib import Path

import requests
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import serialization


class LocalCA:
    """A throwaway certificate authority whose server certificate covers 127.0.0.1."""

    def __init__(self) -> None:
        self._ca = trustme.CA()
        self._server_cert = self._ca.issue_cert("127.0.0.1", "localhost")
        self._dir = tempfile.TemporaryDirectory(prefix="perfbot-ca-")
        self.cert_path = Path(self._dir.name) / "ca.pem"
        self._ca.cert_pem.write_to_path(str(self.cert_path))

    def server_context(self) -> ssl.SSLContext:
        """TLS context for a fake server."""
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._server_cert.configure_cert(ctx)
        return ctx

    def client_context(self) -> ssl.SSLContext:
        """TLS context trusting only this CA (for httpx/urllib clients)."""
        ctx = ssl.create_default_context()
        self._ca.configure_trust(ctx)
        return ctx

    def server_spki_sha256(self) -> str:
        """Base64 SHA-256 of the fake servers' public key, for Chromium's
        ``--ignore-certificate-errors-spki-list`` (trust these servers and nothing else)."""
        pem = self._server_cert.cert_chain_pems[0].bytes()
        spki = x509.load_pem_x509_certificate(pem).public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(hashlib.sha256(spki).digest()).decode()

    def requests_session(self) -> requests.Session:
        """A ``requests`` session that trusts this CA and ignores ``REQUESTS_CA_BUNDLE``/proxies."""
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.cert_path)
        return session

    def close(self) -> None:
        """Delete the CA bundle file."""
        self._dir.cleanup()
