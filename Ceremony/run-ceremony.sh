#!/usr/bin/env bash
# The mock production ceremony, as the operators' runbook.
#
# Three parties, each working only in its own folder plus transfer/:
#   site A  (passphrase site)  site-a/, printed/site-a/
#   site B  (key site)         site-b/, printed/site-b/
#   auditor                    reads everything, writes audit/; its key folder is outside the
#                              ceremony folder (AUDITOR_KEYS, default: the ceremony folder's name + .auditor)
# Every file that crosses between the sites is a signed DSSE bundle in transfer/. By default
# each party runs in its own sandbox and the bundles cross on a medium image (Ceremony/MEDIUM.md,
# Ceremony/lib/isolation.sh); MEDIUM=0 shares one transfer/ folder instead.
#
# Usage: Ceremony/run-ceremony.sh   (settings: Ceremony/ceremony.conf, or the environment)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ceremony.conf
source "$here/ceremony.conf"
BIN=${BIN:-$(cd "$here/.." && swift build --show-bin-path)}
D=$CEREMONY_DIR
AUD=${AUDITOR_KEYS:-${D%/}.auditor}

step() { printf '\n== %s\n' "$*"; }
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { t = b - a; printf "%d cards in %.1f s (%.1f cards/s)", n, t, (t > 0 ? n / t : 0) }'; }

# Each party in its own sandbox where the machine allows it (Ceremony/lib/isolation.sh); the
# bundles cross on the medium (Ceremony/lib/medium.sh) unless MEDIUM=0.
# shellcheck source=lib/isolation.sh
source "$here/lib/isolation.sh"
# shellcheck source=lib/medium.sh
source "$here/lib/medium.sh"
isolation_detect
MEDIUM=${MEDIUM:-1}
[ "$ISOLATION" = sandbox ] || MEDIUM=0
MEDIUM_IMAGE=${D%/}.medium/medium.img
MEDIUM_AUDIT_IMAGES=()
# HSM=softhsm: both sites keep their keys in SoftHSM2 tokens, in a token folder beside the
# ceremony folder (never inside it: the audit's default deny covers it); PINs from files there
# (softhsm2-util takes a new token's throwaway mock PINs on its command line; the sites never do).
HSM=${HSM:-}; TOKENS=${D%/}.tokens; A_PIN=(); B_PIN=()
if [ "$HSM" = softhsm ]; then
  SOFTHSM_MODULE=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}; export SOFTHSM2_CONF=$TOKENS/softhsm2.conf
  A_PIN=(--pin-file "$TOKENS/site-a.pin"); B_PIN=(--pin-file "$TOKENS/site-b.pin")
elif [ -n "$HSM" ]; then echo "HSM=$HSM: only HSM=softhsm is known" >&2; exit 64
fi
A() { isolated site-a "$BIN/passphrase-site" "$@" --ceremony "$D" "${A_PIN[@]}"; }
B() { isolated site-b "$BIN/key-site" "$@" --ceremony "$D" "${B_PIN[@]}"; }

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
# The sites' views and the medium, beside the folder (Ceremony/MEDIUM.md), from an earlier run.
for extra in "${D%/}.views" "${D%/}.medium"; do
  [ -e "$extra" ] || continue
  if find "$extra" -mindepth 1 -maxdepth 1 ! -name site-a ! -name site-b ! -name '*.img' | grep -q .; then
    echo "$extra exists and is not a mock ceremony's views or medium: refusing to replace it" >&2; exit 1
  fi
  rm -rf "$extra"
done
mkdir -p "$D" "$AUD"
echo "mock ceremony: $CARDS cards in batches of $BATCH_SIZE, $NETWORK, into $D"
echo "$isolation"
if [ "$MEDIUM" = 1 ]; then
  medium_new
  echo "medium: bundles cross on a FAT32 image, $MEDIUM_IMAGE (mkfs.vfat, mtools; each site keeps its own view of the transcript in ${D}.views/)"
else
  echo "medium: none; bundles cross in one shared folder, $D/transfer"
fi
[ -z "$FAULT" ] || echo "INJECTED FAULT: $FAULT ($fault_phase)"

step "1. Set-up: each site makes its signing key; both compare the short forms aloud"
if [ "$HSM" = softhsm ]; then
  [ ! -e "$TOKENS" ] || [ -f "$TOKENS/softhsm2.conf" ] || { echo "$TOKENS exists and is not a mock token folder: refusing to replace it" >&2; exit 1; }
  rm -rf "$TOKENS"; mkdir -m 700 -p "$TOKENS/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$(cd "$TOKENS" && pwd)/tokens" > "$SOFTHSM2_CONF"
  for site in site-a site-b; do
    od -An -N8 -tx1 /dev/urandom | tr -d ' \n' > "$TOKENS/$site.pin"
    softhsm2-util --init-token --free --label "$site" --so-pin "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
      --pin "$(cat "$TOKENS/$site.pin")" > /dev/null
  done
  echo "   keys in SoftHSM2 tokens site-a and site-b ($TOKENS), made there and never extractable"
  A init --pkcs11-module "$SOFTHSM_MODULE" --token-label site-a
  handover site-a site-b
  B init --pkcs11-module "$SOFTHSM_MODULE" --token-label site-b
  handover site-b site-a
else
  A init
  handover site-a site-b
  B init
  handover site-b site-a
fi
step "   Site A proposes the manifest; site B checks it names its key and countersigns"
A propose --cards "$CARDS" --batch-size "$BATCH_SIZE" --first-lot "$FIRST_LOT" --network "$NETWORK" \
  --alphabet "$ALPHABET" --length "$LENGTH" --group "$GROUP"
handover site-a site-b
B endorse
handover site-b auditor
step "   The auditor commits to the sample's random value; the value stays in its key folder, outside the ceremony"
isolated auditor "$BIN/ceremony-audit" commit "$D" --key-folder "$AUD"
handover auditor site-a
batches=$(( (CARDS + BATCH_SIZE - 1) / BATCH_SIZE ))

a_time=0; b_time=0
for b in $(seq 1 "$batches"); do
  step "2. Batch $b: site A issues passphrases and intermediate codes (one scrypt(16384,8,8) per card)"
  t0=$(now); A issue --batch "$b"; t1=$(now)
  a_time=$(awk -v x="$a_time" -v a="$t0" -v b="$t1" 'BEGIN { print x + b - a }')
  echo "   site A prints its labels:"; isolated site-a "$BIN/card-print" labels --ceremony "$D" --batch "$b"
  echo "   transfer/$(printf 'batch-%04d' "$b").intermediate.json crosses to site B"
  handover site-a site-b
  step "3. Batch $b: site B verifies the bundle and mints keys, addresses, confirmation codes"
  t0=$(now); B mint --batch "$b"; t1=$(now)
  b_time=$(awk -v x="$b_time" -v a="$t0" -v b="$t1" 'BEGIN { print x + b - a }')
  echo "   site B prints its card faces:"
  isolated site-b "$BIN/card-print" faces --ceremony "$D" --batch "$b" --denomination "$DENOMINATION"
  if [ "$fault_phase" = after-mint ]; then isolated fault "$BIN/ceremony-fault" inject "$FAULT" --ceremony "$D" --batch "$b"; fi
  echo "   transfer/$(printf 'batch-%04d' "$b").keys.json crosses to site A (no encrypted key in it)"
  handover site-b site-a
  step "4. Batch $b: site A checks every confirmation code, then destroys the passphrases"
  A verify --batch "$b" || { [ -n "$FAULT" ] || exit 1; echo "   (verification failed: continuing so the audit can report it)"; }
  if [ "$MEDIUM" = 1 ]; then
    medium_image_for_audit "$(printf 'batch-%04d' "$b")"
    sealed=$(A seal --batch "$b" ${FAULT:+--void-failed} --wipe-medium "$MEDIUM_IMAGE"); echo "$sealed"
    medium_check_wipe "$(printf 'batch-%04d' "$b")" "$sealed"
  else
    A seal --batch "$b" ${FAULT:+--void-failed}
  fi
done

step "5. Assembly joins labels and card faces by serial"
assembled=$(isolated assembly "$BIN/card-print" assemble --ceremony "$D" --denomination "$DENOMINATION")
echo "$assembled"

step "6. Closing manifest: every payload digest and the auditor's commitment, signed by A, countersigned by B"
A close
handover site-a site-b
B close
handover site-b site-a
views_collect
if [ "$fault_phase" = after-close ]; then "$BIN/ceremony-fault" inject "$FAULT" --ceremony "$D"; fi

step "7. Audit: the sample is drawn with the auditor's value; it countersigns if every check passes"
status=0
mkdir -p "$D/audit"
# Production mode first: the auditor reads only the sampled cards' labels and faces, as it
# would open only those physical cards; it writes its report beside the mock one and does not sign.
pstatus=0
isolated auditor "$BIN/ceremony-audit" "$D" --mode production --sample "$SAMPLE" --key-folder "$AUD" --no-countersign \
  "${MEDIUM_AUDIT_IMAGES[@]}" --out "$D/audit/production" > "$D/audit/production-summary.txt" || pstatus=$?
echo "   production mode (no card secrets but the sample's):"; sed 's/^/   /' "$D/audit/production-summary.txt"
echo "   mock mode (every card, with the positive control):"
isolated auditor "$BIN/ceremony-audit" "$D" --mode mock --sample "$SAMPLE" --key-folder "$AUD" "${MEDIUM_AUDIT_IMAGES[@]}" \
  > "$D/audit/summary.txt" || status=$?
cat "$D/audit/summary.txt"
[ "$status" -ne 0 ] || status=$pstatus
if [ -f "$D/audit/report.json" ]; then
  echo "   the sampled cards were opened, so they are void:"; "$BIN/card-print" void-sample --ceremony "$D" | sed 's/^/   /'
fi

step "Summary"
echo "cards made:      $CARDS in $batches batch(es), $NETWORK"
echo "isolation:       $ISOLATION"
if [ "$MEDIUM" = 1 ]; then
  on_medium=$(grep -c '^- \*\*[^*]*\*\* .*`image:medium' "$D/audit/report.md" 2>/dev/null || true)
  echo "medium:          $(( ${#MEDIUM_AUDIT_IMAGES[@]} / 2 )) image(s) searched by the audit, ${on_medium:-0} finding(s) on them; wiped at each seal and at the end"
else
  echo "medium:          none (one shared transfer/ folder)"
fi
echo "site A:          $(rate "$CARDS" 0 "$a_time")"
echo "site B:          $(rate "$CARDS" 0 "$b_time")"
grep '^keys rebuildable' "$D/audit/summary.txt" | sed 's/^/matrix:          /'
grep '^share 2 held' "$D/audit/summary.txt" | sed 's/^/exposure:        /'
grep '^audit ' "$D/audit/production-summary.txt" | sed 's/^/production:      /'
grep '^audit ' "$D/audit/summary.txt" | sed 's/^/verdict:         /'
echo "audit report:    $D/audit/report.md"
echo "cards:           $D/cards/index.html"
echo "holder's page:   $D/cards/verify.html (sha256 ${assembled##* sha256 })"
exit "$status"
