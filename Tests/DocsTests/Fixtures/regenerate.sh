#!/bin/sh
# Regenerates example-ceremony/, the throwaway mock ceremony that Docs/Bundles.md
# and Docs/Audit.md quote, by running the real site executables (README, "A ceremony
# by hand"): 4 cards in 2 batches, stopped after `key-site close` (before any audit).
# Then rewrites the example blocks in Docs/*.md from the new files.
#
# Usage, from the package root, after `swift build`:
#   sh Tests/DocsTests/Fixtures/regenerate.sh              new ceremony, then rewrite the examples
#   sh Tests/DocsTests/Fixtures/regenerate.sh --docs-only  rewrite the examples from the current files
# Then run `swift test --filter DocsTests`: it names every value the prose still
# quotes from the old ceremony (the worked commitment example, the human form of
# the closing digest, the audit examples in Docs/Audit.md).
#
# Everything in example-ceremony/ (signing keys, passphrases on the labels,
# encrypted keys on the faces) is throwaway: it never guarded anything.
set -eu
bin=${BIN:-.build/debug}
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" != --docs-only ]; then
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
d=$work/ceremony
"$bin/passphrase-site" init --ceremony "$d"
"$bin/key-site" init --ceremony "$d"
"$bin/passphrase-site" propose --ceremony "$d" --cards 4 --batch-size 2
"$bin/key-site" endorse --ceremony "$d"
"$bin/ceremony-audit" commit "$d" --key-folder "$work/auditor"
for b in 1 2; do
    "$bin/passphrase-site" issue --ceremony "$d" --batch $b
    "$bin/key-site" mint --ceremony "$d" --batch $b
    "$bin/passphrase-site" verify --ceremony "$d" --batch $b
    "$bin/passphrase-site" seal --ceremony "$d" --batch $b
done
"$bin/passphrase-site" close --ceremony "$d"
"$bin/key-site" close --ceremony "$d"
rm -rf "$here/example-ceremony"
mkdir -p "$here/example-ceremony"
(cd "$d" && find . -type f | sort | while read -r f; do
    mkdir -p "$here/example-ceremony/$(dirname "$f")"
    cp "$f" "$here/example-ceremony/$f"
done)
fi
# Rewrite every example block in the docs from the new files: a block right after a
# heading "#### Payload: `PATH`" gets PATH's payload decoded and pretty-printed, one
# after "#### File: `PATH`" gets PATH's text exactly. A block whose first line is
# "$ COMMAND --help" gets that command's help at 80 columns (Docs/CLI.md).
python3 - "$here/example-ceremony" "$here/../../../Docs" "$(cd "$bin" && pwd)" <<'PY'
import base64, json, os, re, subprocess, sys
root, docs, bin = sys.argv[1], sys.argv[2], sys.argv[3]
heading = re.compile(r"^#### (Payload|File): `([^`]+)`\s*$")
help_line = re.compile(r"^\$ (\S+)((?: [a-z][a-z0-9-]*)*) --help$")
# The tables of checks and faults in Docs/Audit.md, from the code's own values: the
# checks of an audit of a copy of the example, the faults of `ceremony-fault list`.
import shutil, tempfile
with tempfile.TemporaryDirectory() as scratch:
    shutil.copytree(root, os.path.join(scratch, "c"))
    audit = subprocess.run([os.path.join(bin, "ceremony-audit"), os.path.join(scratch, "c"), "--json", "--no-countersign"],
                           capture_output=True, text=True)
checks = [(c["id"], c["summary"]) for c in json.loads(audit.stdout)["checks"]]
order = [c for c, _ in checks]
faults = []
for line in subprocess.run([os.path.join(bin, "ceremony-fault"), "list"], capture_output=True, text=True, check=True).stdout.splitlines():
    fault, phase, caught, summary = line.split("\t")
    caught = sorted(caught.split(","), key=order.index)
    faults.append(f"| `{fault}` | {summary} | {phase} | {', '.join(f'`{c}`' for c in caught)} |")
tables = {
    "checks": [f"| `{c}` | {summary} |" for c, summary in checks],
    "faults": faults,
}
table_start = re.compile(r"^<!-- (checks|faults): generated")

for name in sorted(os.listdir(docs)):
    if not name.endswith(".md"):
        continue
    path = os.path.join(docs, name)
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i, changed = [], 0, False
    while i < len(lines):
        out.append(lines[i])
        h = help_line.match(lines[i]) if i > 0 and lines[i - 1].startswith("```") else None
        m = heading.match(lines[i])
        t = table_start.match(lines[i])
        i += 1
        if t:
            out.extend(lines[i:i + 2])                    # the table's header and rule, kept
            i += 2
            while i < len(lines) and not lines[i].startswith("<!-- end"):
                i += 1
            out.extend(tables[t.group(1)])
            changed = True
            continue
        if h:
            command = [os.path.join(bin, h.group(1))] + h.group(2).split() + ["--help"]
            text = subprocess.run(command, capture_output=True, text=True, check=True,
                                  env=dict(os.environ, COLUMNS="80")).stdout.rstrip("\n")
            while i < len(lines) and lines[i] != "```":
                i += 1
            out.extend(text.split("\n"))
            changed = True
            continue
        if not m:
            continue
        while i < len(lines) and not lines[i].startswith("```"):
            out.append(lines[i]); i += 1
        out.append(lines[i]); i += 1                      # the opening fence, kept
        while i < len(lines) and lines[i] != "```":
            i += 1                                        # the old content, dropped
        source = os.path.join(root, m.group(2))
        if m.group(1) == "Payload":
            payload = base64.b64decode(json.load(open(source))["payload"])
            text = json.dumps(json.loads(payload), indent=2, sort_keys=True, ensure_ascii=False)
        else:
            text = open(source, encoding="utf-8").read().rstrip("\n")
        out.extend(text.split("\n"))
        changed = True
    if changed:
        open(path, "w", encoding="utf-8").write("\n".join(out))
        print(f"rewrote the examples in Docs/{name}", file=sys.stderr)
PY
