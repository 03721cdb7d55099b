#!/usr/bin/env bash
# The mock production ceremony: the steps of Ceremony/RUNBOOK.md, each printed with its id (== A-2.1 ...).
#
# Three parties, each working only in its own folder plus transfer/:
#   site A  (passphrase site)  site-a/, printed/site-a/
#   site B  (key site)         site-b/, printed/site-b/
#   auditor                    reads everything, writes audit/; its key folder is outside the
#                              ceremony folder (AUDITOR_KEYS, default: the ceremony folder's name + .auditor)
# Every file that crosses between the sites is a signed DSSE bundle in transfer/.
#
# Usage: Ceremony/run-ceremony.sh   (settings: Ceremony/ceremony.conf, or the environment)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ceremony.conf
source "$here/ceremony.conf"
BIN=${BIN:-$(cd "$here/.." && swift build --show-bin-path)}
D=$CEREMONY_DIR
AUD=${AUDITOR_KEYS:-${D%/}.auditor}

# step ID TEXT: one step of Ceremony/RUNBOOK.md, by its id (the runbook's order; DocsTests checks it).
step() { local id=$1; shift; printf '\n== %s %s\n' "$id" "$*"; }
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { t = b - a; printf "%d cards in %.1f s (%.1f cards/s)", n, t, (t > 0 ? n / t : 0) }'; }

# Each site runs without network access where the machine allows it.
if unshare --net true 2>/dev/null; then ISOLATE=(unshare --net); isolation="each site runs in its own network namespace (no network)"
elif unshare --net --map-root-user true 2>/dev/null; then ISOLATE=(unshare --net --map-root-user); isolation="each site runs in its own user and network namespace (no network)"
else ISOLATE=(); isolation="unshare is not permitted here: sites run with the machine's network"
fi
A() { "${ISOLATE[@]}" "$BIN/passphrase-site" "$@" --ceremony "$D"; }
B() { "${ISOLATE[@]}" "$BIN/key-site" "$@" --ceremony "$D"; }

fault_phase=""
if [ -n "$FAULT" ]; then
  fault_phase=$("$BIN/ceremony-fault" list | awk -v f="$FAULT" '$1 == f { print $2 }')
  [ -n "$fault_phase" ] || { echo "unknown fault $FAULT (see: $BIN/ceremony-fault list)" >&2; exit 64; }
  [ "$fault_phase" != during ] || { echo "$FAULT changes how a site draws randomness; only the in-process mock ceremony (the audit tests) can play it" >&2; exit 64; }
fi

if [ -e "$D" ]; then
  [ -f "$D/ceremony.json" ] || { echo "$D exists and is not a mock ceremony folder: refusing to replace it" >&2; exit 1; }
  rm -rf "$D"
fi
if [ -e "$AUD" ]; then
  [ -f "$AUD/signing-key.seed" ] || { echo "$AUD exists and is not a mock auditor key folder: refusing to replace it" >&2; exit 1; }
  rm -rf "$AUD"
fi
mkdir -p "$D"
echo "mock ceremony: $CARDS cards in batches of $BATCH_SIZE, $NETWORK, into $D"
echo "$isolation"
[ -z "$FAULT" ] || echo "INJECTED FAULT: $FAULT ($fault_phase)"

step P-1 "Pre-check, witness: the air gap (each site runs without network)"
echo "   $isolation"
step P-2 "Pre-check, witness: the digests of the tools, compared aloud with the published ones"
for tool in passphrase-site key-site card-print ceremony-audit; do
  sha256sum "$BIN/$tool" | awk -v t="$tool" '{ printf "   %-16s %s\n", t, $1 }'
done
step P-3 "Pre-check, witness: the media (a mock ceremony has one folder and no removable media)"
echo "   ceremony folder $D, auditor keys $AUD"

step S-1.1 "Set-up, site A operator: site A makes its signing key; read its short form aloud"
A init
step S-1.2 "Set-up, site B operator: site B makes its signing key; read its short form aloud"
B init
step S-1.3 "Set-up, site A operator: propose the manifest naming both keys"
A propose --cards "$CARDS" --batch-size "$BATCH_SIZE" --first-lot "$FIRST_LOT" --network "$NETWORK" \
  --alphabet "$ALPHABET" --length "$LENGTH" --group "$GROUP"
step S-1.4 "Set-up, site B operator: check the manifest names its key, and countersign"
B endorse
step S-1.5 "Set-up, auditor: commit to the sample's random value (kept outside the ceremony folder)"
"$BIN/ceremony-audit" commit "$D" --key-folder "$AUD"
batches=$(( (CARDS + BATCH_SIZE - 1) / BATCH_SIZE ))
digest() { sha256sum "$1" | awk '{ print substr($1, 1, 16) }'; }

a_time=0; b_time=0
for b in $(seq 1 "$batches"); do
  bn=$(printf 'batch-%04d' "$b")
  step A-2.1 "Batch $b, site A operator: issue passphrases and intermediate codes (one scrypt(16384,8,8) per card)"
  t0=$(now); A issue --batch "$b"; t1=$(now)
  a_time=$(awk -v x="$a_time" -v a="$t0" -v b="$t1" 'BEGIN { print x + b - a }')
  step A-2.2 "Batch $b, site A operator: print the scratch-off labels"
  "$BIN/card-print" labels --ceremony "$D" --batch "$b"
  step A-2.3 "Batch $b, witness: transfer/$bn.intermediate.json crosses to site B; its digest read aloud at both ends"
  echo "   sha256 $(digest "$D/transfer/$bn.intermediate.json")"
  step B-3.1 "Batch $b, site B operator: verify the bundle and mint keys, addresses, confirmation codes"
  t0=$(now); B mint --batch "$b"; t1=$(now)
  b_time=$(awk -v x="$b_time" -v a="$t0" -v b="$t1" 'BEGIN { print x + b - a }')
  step B-3.2 "Batch $b, site B operator: print the card faces"
  "$BIN/card-print" faces --ceremony "$D" --batch "$b" --denomination "$DENOMINATION"
  step B-3.3 "Batch $b, witness: transfer/$bn.keys.json crosses to site A (no encrypted key in it); its digest read aloud"
  echo "   sha256 $(digest "$D/transfer/$bn.keys.json")"
  if [ "$fault_phase" = after-mint ]; then "$BIN/ceremony-fault" inject "$FAULT" --ceremony "$D" --batch "$b"; fi
  step A-4.1 "Batch $b, site A operator: check every confirmation code against its passphrase"
  A verify --batch "$b" || { [ -n "$FAULT" ] || exit 1; echo "   (verification failed: continuing so the audit can report it)"; }
  step A-4.2 "Batch $b, site A operator: destroy the batch's passphrases (seal)"
  A seal --batch "$b" ${FAULT:+--void-failed}
done

step X-5.1 "Assembly: join labels and card faces by serial"
"$BIN/card-print" assemble --ceremony "$D" --denomination "$DENOMINATION"
# The mock run logs one exception, as a witness would for anything that departs from the runbook.
"$BIN/ceremony-audit" log-exception "$D" --role witness --step X-5.1 \
  --reason "mock ceremony: the cards are assembled on screen, not printed"
step X-5.2 "Mock only, auditor: keep the mock audit's copy of the spools in mock-secrets/"
"$BIN/ceremony-audit" mock-secrets "$D"
step X-5.3 "Site A operator: destroy the label spools (printed/site-a/), recorded in a signed retention statement"
A destroy-spools
step X-5.4 "Site B operator: destroy the face spools (printed/site-b/), recorded in a signed retention statement"
B destroy-spools

step C-6.1 "Close, site A operator: the closing manifest of every payload digest and the exception log's head; read aloud"
A close
step C-6.2 "Close, site B operator: recompute and countersign the closing manifest; read its digest aloud"
B close
if [ "$fault_phase" = after-close ]; then "$BIN/ceremony-fault" inject "$FAULT" --ceremony "$D"; fi

step U-7.1 "Audit, auditor: production mode (no card secrets but the sample's; the spools must be gone)"
status=0
mkdir -p "$D/audit"
# The auditor opens only the sampled cards (here from mock-secrets/, standing for the physical
# cards); it writes its report beside the mock one and does not sign.
pstatus=0
"$BIN/ceremony-audit" "$D" --mode production --sample "$SAMPLE" --key-folder "$AUD" --no-countersign \
  --out "$D/audit/production" > "$D/audit/production-summary.txt" || pstatus=$?
sed 's/^/   /' "$D/audit/production-summary.txt"
step U-7.2 "Audit, auditor: mock mode (every card from mock-secrets/, with the positive control); countersigns if every check passes"
"$BIN/ceremony-audit" "$D" --mode mock --sample "$SAMPLE" --key-folder "$AUD" > "$D/audit/summary.txt" || status=$?
cat "$D/audit/summary.txt"
[ "$status" -ne 0 ] || status=$pstatus
step U-7.3 "Sign-off, everyone: print the sign-off sheet, compare its values with those read aloud, sign"
echo "   $D/audit/signoff.md"

step Q-1 "Post-check, witness: the print spools are gone"
for party in site-a site-b; do
  if [ -e "$D/printed/$party" ]; then echo "   printed/$party/ is still there"; [ "$status" -ne 0 ] || status=1
  else echo "   printed/$party/ destroyed, recorded in transfer/spools.retention-$party.json"; fi
done
step Q-2 "Post-check, witness: removable media wiped (a mock ceremony has none)"
step Q-3 "Post-check, witness: the exception log's head matches the sign-off sheet"
grep '^exceptions:' "$D/audit/summary.txt" | sed 's/^/   /' || true

printf '\n== Summary\n'
echo "cards made:      $CARDS in $batches batch(es), $NETWORK"
echo "site A:          $(rate "$CARDS" 0 "$a_time")"
echo "site B:          $(rate "$CARDS" 0 "$b_time")"
grep '^keys rebuildable' "$D/audit/summary.txt" | sed 's/^/matrix:          /'
grep '^audit ' "$D/audit/production-summary.txt" | sed 's/^/production:      /'
grep '^audit ' "$D/audit/summary.txt" | sed 's/^/verdict:         /'
echo "audit report:    $D/audit/report.md"
echo "cards:           $D/cards/index.html"
exit "$status"
