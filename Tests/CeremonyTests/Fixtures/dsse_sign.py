#!/usr/bin/env python3
"""Sign a payload into a DSSE envelope with securesystemslib (the other direction of the interop test).

    dsse_sign.py PAYLOAD_FILE PAYLOAD_TYPE < SEED_HEX

Reads the 32-byte Ed25519 seed as hex on standard input (never on the command
line), signs the file's exact bytes with securesystemslib's DSSE Envelope and
CryptoSigner (pyca/cryptography), keyid = hex SHA-256 of the raw public key,
and prints the envelope JSON on standard output. Exit 0, or 2 on error.
"""

import hashlib
import json
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
        from securesystemslib import dsse
        from securesystemslib.signer import CryptoSigner, SSlibKey
    except ImportError as error:
        print(f"SETUP: securesystemslib with cryptography is not installed ({error}); run `make test-deps`",
              file=sys.stderr)
        return 2

    seed = bytes.fromhex(sys.stdin.read().strip())
    if len(seed) != 32:
        print("SETUP: the seed must be 32 bytes of hex on standard input", file=sys.stderr)
        return 2
    private_key = Ed25519PrivateKey.from_private_bytes(seed)
    raw_public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    public_key = SSlibKey(hashlib.sha256(raw_public).hexdigest(), "ed25519", "ed25519", {"public": raw_public.hex()})
    signer = CryptoSigner(private_key, public_key)

    with open(sys.argv[1], "rb") as handle:
        payload = handle.read()
    envelope = dsse.Envelope(payload, sys.argv[2], {})
    envelope.sign(signer)
    json.dump(envelope.to_dict(), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
