#!/usr/bin/env bash
# Regenerates the seed corpus in Fuzz/corpus/<target>/ (small files, committed):
# the BIP38 specification vectors (Tests/TestSupport/Vectors/spec-vectors.json)
# as text and as raw Base58Check payloads, hand-made edge cases, and every
# file of a 2-card mock ceremony run through the real executables (envelopes,
# payloads, the face spool, labels and a journal record). The ceremony is
# throwaway: its passphrases and keys protect nothing.
#
#   Fuzz/make-seeds.sh      (needs `swift build` and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$(swift build --show-bin-path)}
[ -x "$BIN/passphrase-site" ] || swift build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
D=$work/ceremony

"$BIN/passphrase-site" init --ceremony "$D" >/dev/null
"$BIN/key-site" init --ceremony "$D" >/dev/null
"$BIN/passphrase-site" propose --ceremony "$D" --cards 2 --batch-size 2 >/dev/null
"$BIN/key-site" endorse --ceremony "$D" >/dev/null
"$BIN/passphrase-site" issue --ceremony "$D" --batch 1 >/dev/null
cp "$(ls "$D"/site-a/work/batch-0001/*.rec | head -1)" "$work/journal.rec"
"$BIN/key-site" mint --ceremony "$D" --batch 1 >/dev/null
"$BIN/passphrase-site" verify --ceremony "$D" --batch 1 >/dev/null
"$BIN/passphrase-site" seal --ceremony "$D" --batch 1 >/dev/null
"$BIN/passphrase-site" close --ceremony "$D" >/dev/null
"$BIN/key-site" close --ceremony "$D" >/dev/null

rm -rf Fuzz/corpus
python3 - "$D" "$work/journal.rec" <<'PY'
import base64, hashlib, json, os, sys

ceremony, journal = sys.argv[1], sys.argv[2]
ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

def b58decode_check(text):
    n = 0
    for c in text:
        n = n * 58 + ALPHABET.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    raw = b"\0" * (len(text) - len(text.lstrip("1"))) + raw
    payload, check = raw[:-4], raw[-4:]
    assert hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] == check
    return payload

def seed(target, name, data):
    folder = os.path.join("Fuzz/corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

vectors = json.load(open("Tests/TestSupport/Vectors/spec-vectors.json"))
fields = {"encrypted_key": "encrypted-key", "passphrase_code": "intermediate-code",
          "confirmation_code": "confirmation-code", "unencrypted_wif": "wif", "bitcoin_address": "address"}
for v in vectors:
    for field, target in fields.items():
        text = v.get(field)
        if not text:
            continue
        seed(target, v["id"] + ".txt", text)
        seed(target, v["id"] + ".raw", b58decode_check(text))
        seed("base58check", f'{v["id"]}-{target}.txt', text)
    pp = v["passphrase"].encode()
    seed("passphrase-file", v["id"], pp)
    seed("passphrase-file", v["id"] + "-newline", pp + b"\n")
for name, text in {"empty": "", "one": "1", "ones": "1111", "z": "z", "leading-ones": "11111z", "bad-char": "0OIl"}.items():
    seed("base58check", name + ".txt", text)
for name, data in {"empty": b"", "crlf": b"XXXX-XXXX\r\n", "nul": b"a\0b", "invalid-utf8": b"\xc3\x28\xff",
                   "lone-newline": b"\n", "decomposed": "e\u0301".encode(), "over-limit": b"A" * 4097}.items():
    seed("passphrase-file", name, data)

kinds = {"site-key-declaration": "payload-site-declaration", "ceremony-manifest": "payload-manifest",
         "intermediate-batch": "payload-intermediate-batch", "key-batch": "payload-key-batch",
         "confirmation-report": "payload-confirmation-report", "retention-statement": "payload-retention-statement",
         "closing-manifest": "payload-closing-manifest"}
files = [os.path.join(ceremony, "ceremony.json")] + sorted(
    os.path.join(ceremony, "transfer", n) for n in os.listdir(os.path.join(ceremony, "transfer")) if n.endswith(".json"))
for path in files:
    raw = open(path, "rb").read()
    name = os.path.basename(path)
    seed("envelope", name, raw)
    payload = base64.b64decode(json.loads(raw)["payload"])
    kind = json.loads(payload)["type"]
    seed(kinds[kind], name, payload)
# Regression seeds: the inputs behind the bugs found (Docs/Hardening.md), fixed since.
manifest = json.loads(open(os.path.join("Fuzz/corpus/payload-manifest", "ceremony.json")).read())
for name, edit in {"cards-int-max": ("cards", 2**63 - 1), "first-lot-int-max": ("first_lot", 2**63 - 1),
                   "first-lot-negative": ("first_lot", -1), "cards-zero": ("cards", 0)}.items():
    m = json.loads(json.dumps(manifest)); m["body"][edit[0]] = edit[1]
    seed("payload-manifest", name + ".json", json.dumps(m, sort_keys=True, separators=(",", ":")))
m = json.loads(json.dumps(manifest)); m["body"]["policy"]["group"] = 2**63 - 1
seed("payload-manifest", "policy-group-int-max.json", json.dumps(m, sort_keys=True, separators=(",", ":")))
batch = json.loads(open("Fuzz/corpus/payload-intermediate-batch/batch-0001.intermediate.json").read())
batch["body"]["cards"][0]["intermediate_code"] = "z" * 30000
seed("payload-intermediate-batch", "long-code.json", json.dumps(batch, sort_keys=True, separators=(",", ":")))
batch = json.loads(open("Fuzz/corpus/payload-intermediate-batch/batch-0001.intermediate.json").read())
batch["ceremony"] = "\n" + batch["ceremony"]
seed("payload-intermediate-batch", "newline-in-ceremony.json", json.dumps(batch, sort_keys=True, separators=(",", ":")))
seed("face-spool", "batch-0001.faces.json", open(os.path.join(ceremony, "printed/site-b/batch-0001.faces.json"), "rb").read())
seed("secret-record", "batch-0001.labels", open(os.path.join(ceremony, "printed/site-a/batch-0001.labels"), "rb").read())
seed("secret-record", "journal.rec", open(journal, "rb").read())
seed("secret-record", "edge", b"a: b\n\n\nc:\nd:  e\nno colon\n:x\n")
PY
for dir in Fuzz/corpus/*/; do echo "$(ls "$dir" | wc -l) seeds  $(cat "$dir"* | wc -c) bytes  $dir"; done
