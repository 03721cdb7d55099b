#!/usr/bin/env python3
"""Verify a DSSE envelope with an independent implementation (securesystemslib).

    dsse_verify.py ENVELOPE.json PUBKEY_HEX [PUBKEY_HEX ...] [--payload-type TYPE]

Every given Ed25519 public key (raw 32 bytes, hex) must have signed the
envelope: the threshold is the number of keys. Each key's keyid is computed
here as the hex SHA-256 of the raw public key (the project's convention), so a
keyid mismatch fails too. The pre-authentication encoding and the signature
check are securesystemslib's (signature check by pyca/cryptography), not ours.

Prints one line. Exit 0: valid; 1: invalid; 2: usage or set-up error.
"""

import argparse
import hashlib
import json
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("envelope")
    parser.add_argument("keys", nargs="+", metavar="PUBKEY_HEX")
    parser.add_argument("--payload-type")
    args = parser.parse_args()

    try:
        from securesystemslib import dsse
        from securesystemslib.signer import SSlibKey
        import cryptography  # noqa: F401  (the Ed25519 backend; refuse the pure-Python fallback)
    except ImportError as error:
        print(f"SETUP: securesystemslib with cryptography is not installed ({error}); run `make test-deps`")
        return 2

    try:
        keys = []
        for public_hex in args.keys:
            raw = bytes.fromhex(public_hex)
            if len(raw) != 32:
                raise ValueError(f"public key {public_hex[:16]}... is not 32 bytes")
            keyid = hashlib.sha256(raw).hexdigest()
            keys.append(SSlibKey(keyid, "ed25519", "ed25519", {"public": raw.hex()}))
    except ValueError as error:
        print(f"SETUP: {error}")
        return 2

    try:
        with open(args.envelope, "rb") as handle:
            envelope = dsse.Envelope.from_dict(json.load(handle))
        if args.payload_type is not None and envelope.payload_type != args.payload_type:
            raise ValueError(f"payloadType {envelope.payload_type}, expected {args.payload_type}")
        accepted = envelope.verify(keys, len(keys))
    except Exception as error:  # any parse or verification failure is a rejection
        print(f"INVALID: {args.envelope}: {type(error).__name__}: {error}")
        return 1

    print(f"VALID: {args.envelope}: {len(accepted)} signature(s), payloadType {envelope.payload_type}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
