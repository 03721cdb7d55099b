#!/usr/bin/env bash
# The mock production ceremony: the steps of Ceremony/RUNBOOK.md, each printed with its id (== A-2.1 ...).
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

# step ID TEXT: one step of Ceremony/RUNBOOK.md, by its id (the runbook's order; DocsTests checks it).
step() { local id=$1; shift; printf '\n== %s %s\n' "$id" "$*"; }
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

step P-1 "Pre-check, witness: the air gap (each site runs without network)"
echo "   $isolation"
step P-2 "Pre-check, witness: the digests of the tools, compared aloud with the published ones"
for tool in passphrase-site key-site card-print ceremony-audit; do
  sha256sum "$BIN/$tool" | awk -v t="$tool" '{ printf "   %-16s %s\n", t, $1 }'
done
step P-3 "Pre-check, witness: the media (the mock's medium is a blank FAT32 image; MEDIUM=0 shares one folder)"
echo "   ceremony folder $D, auditor keys $AUD"
if [ "$MEDIUM" = 1 ]; then echo "   medium $MEDIUM_IMAGE, blank ($MEDIUM_MIB MiB of zeros)"; fi

if [ "$HSM" = softhsm ]; then
  [ ! -e "$TOKENS" ] || [ -f "$TOKENS/softhsm2.conf" ] || { echo "$TOKENS exists and is not a mock token folder: refusing to replace it" >&2; exit 1; }
  rm -rf "$TOKENS"; mkdir -m 700 -p "$TOKENS/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$(cd "$TOKENS" && pwd)/tokens" > "$SOFTHSM2_CONF"
  for site in site-a site-b; do
    od -An -N8 -tx1 /dev/urandom | tr -d ' \n' > "$TOKENS/$site.pin"
    softhsm2-util --init-token --free --label "$site" --so-pin "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
      --pin "$(cat "$TOKENS/$site.pin")" > /dev/null
  done
  A_KEY=(--pkcs11-module "$SOFTHSM_MODULE" --token-label site-a); B_KEY=(--pkcs11-module "$SOFTHSM_MODULE" --token-label site-b)
else
  A_KEY=(); B_KEY=()
fi
step S-1.1 "Set-up, site A operator: site A makes its signing key; read its short form aloud"
[ "$HSM" != softhsm ] || echo "   site A's key in the SoftHSM2 token site-a ($TOKENS), made there and never extractable"
A init "${A_KEY[@]}"
handover site-a site-b
step S-1.2 "Set-up, site B operator: site B makes its signing key; read its short form aloud"
[ "$HSM" != softhsm ] || echo "   site B's key in the SoftHSM2 token site-b ($TOKENS), made there and never extractable"
B init "${B_KEY[@]}"
handover site-b site-a
step S-1.3 "Set-up, site A operator: propose the manifest naming both keys"
A propose --cards "$CARDS" --batch-size "$BATCH_SIZE" --first-lot "$FIRST_LOT" --network "$NETWORK" \
  --alphabet "$ALPHABET" --length "$LENGTH" --group "$GROUP"
handover site-a site-b
step S-1.4 "Set-up, site B operator: check the manifest names its key, and countersign"
B endorse
handover site-b auditor
step S-1.5 "Set-up, auditor: commit to the sample's random value (kept outside the ceremony folder)"
isolated auditor "$BIN/ceremony-audit" commit "$D" --key-folder "$AUD"
handover auditor site-a
batches=$(( (CARDS + BATCH_SIZE - 1) / BATCH_SIZE ))
# A bundle's digest as read aloud, from the sending site's view of the transcript.
digest() { isolated_shell "$1" "sha256sum \"\$D/$2\" | cut -c1-16"; }

a_time=0; b_time=0
for b in $(seq 1 "$batches"); do
  bn=$(printf 'batch-%04d' "$b")
  step A-2.1 "Batch $b, site A operator: issue passphrases and intermediate codes (one scrypt(16384,8,8) per card)"
  t0=$(now); A issue --batch "$b"; t1=$(now)
  a_time=$(awk -v x="$a_time" -v a="$t0" -v b="$t1" 'BEGIN { print x + b - a }')
  step A-2.2 "Batch $b, site A operator: print the scratch-off labels"
  isolated site-a "$BIN/card-print" labels --ceremony "$D" --batch "$b"
  step A-2.3 "Batch $b, witness: transfer/$bn.intermediate.json crosses to site B; its digest read aloud at both ends"
  echo "   sha256 $(digest site-a "transfer/$bn.intermediate.json")"
  handover site-a site-b
  step B-3.1 "Batch $b, site B operator: verify the bundle and mint keys, addresses, confirmation codes"
  t0=$(now); B mint --batch "$b"; t1=$(now)
  b_time=$(awk -v x="$b_time" -v a="$t0" -v b="$t1" 'BEGIN { print x + b - a }')
  step B-3.2 "Batch $b, site B operator: print the card faces"
  isolated site-b "$BIN/card-print" faces --ceremony "$D" --batch "$b" --denomination "$DENOMINATION"
  if [ "$fault_phase" = after-mint ]; then isolated fault "$BIN/ceremony-fault" inject "$FAULT" --ceremony "$D" --batch "$b"; fi
  step B-3.3 "Batch $b, witness: transfer/$bn.keys.json crosses to site A (no encrypted key in it); its digest read aloud"
  echo "   sha256 $(digest site-b "transfer/$bn.keys.json")"
  handover site-b site-a
  step A-4.1 "Batch $b, site A operator: check every confirmation code against its passphrase"
  A verify --batch "$b" || { [ -n "$FAULT" ] || exit 1; echo "   (verification failed: continuing so the audit can report it)"; }
  step A-4.2 "Batch $b, site A operator: destroy the batch's passphrases (seal); with the medium, image it for the audit and wipe it"
  if [ "$MEDIUM" = 1 ]; then
    medium_image_for_audit "$bn"
    sealed=$(A seal --batch "$b" ${FAULT:+--void-failed} --wipe-medium "$MEDIUM_IMAGE"); echo "$sealed"
    medium_check_wipe "$bn" "$sealed"
  else
    A seal --batch "$b" ${FAULT:+--void-failed}
  fi
done

step X-5.1 "Assembly: join labels and card faces by serial"
assembled=$(isolated assembly "$BIN/card-print" assemble --ceremony "$D" --denomination "$DENOMINATION")
echo "$assembled"
# The mock run logs one exception, as a witness would for anything that departs from the runbook
# (at site A, whose view of the transcript the closing manifest is made from).
isolated site-a "$BIN/ceremony-audit" log-exception "$D" --role witness --step X-5.1 \
  --reason "mock ceremony: the cards are assembled on screen, not printed"
step X-5.2 "Mock only, auditor: keep the mock audit's copy of the spools in mock-secrets/"
"$BIN/ceremony-audit" mock-secrets "$D"
step X-5.3 "Site A operator: destroy the label spools (printed/site-a/), recorded in a signed retention statement"
A destroy-spools
handover site-a site-b
step X-5.4 "Site B operator: destroy the face spools (printed/site-b/), recorded in a signed retention statement"
B destroy-spools
handover site-b site-a

step C-6.1 "Close, site A operator: the closing manifest of every payload digest and the exception log's head; read aloud"
A close
handover site-a site-b
step C-6.2 "Close, site B operator: recompute and countersign the closing manifest; read its digest aloud"
B close
handover site-b site-a
views_collect
if [ "$fault_phase" = after-close ]; then "$BIN/ceremony-fault" inject "$FAULT" --ceremony "$D"; fi
step U-7.1 "Audit, auditor: production mode (no card secrets but the sample's; the spools must be gone)"
status=0
mkdir -p "$D/audit"
# The auditor opens only the sampled cards (here from mock-secrets/, standing for the physical
# cards); it writes its report beside the mock one and does not sign.
pstatus=0
isolated auditor "$BIN/ceremony-audit" "$D" --mode production --sample "$SAMPLE" --key-folder "$AUD" --no-countersign \
  "${MEDIUM_AUDIT_IMAGES[@]}" --out "$D/audit/production" > "$D/audit/production-summary.txt" || pstatus=$?
sed 's/^/   /' "$D/audit/production-summary.txt"
step U-7.2 "Audit, auditor: mock mode (every card from mock-secrets/, with the positive control); countersigns if every check passes"
isolated auditor "$BIN/ceremony-audit" "$D" --mode mock --sample "$SAMPLE" --key-folder "$AUD" "${MEDIUM_AUDIT_IMAGES[@]}" \
  > "$D/audit/summary.txt" || status=$?
cat "$D/audit/summary.txt"
[ "$status" -ne 0 ] || status=$pstatus
if [ -f "$D/audit/report.json" ]; then
  echo "   the sampled cards were opened, so they are void:"; "$BIN/card-print" void-sample --ceremony "$D" | sed 's/^/   /'
fi
step U-7.3 "Sign-off, everyone: print the sign-off sheet, compare its values with those read aloud, sign"
echo "   $D/audit/signoff.pdf (and signoff.md)"

step Q-1 "Post-check, witness: the print spools are gone"
for party in site-a site-b; do
  if [ -e "$D/printed/$party" ]; then echo "   printed/$party/ is still there"; [ "$status" -ne 0 ] || status=1
  else echo "   printed/$party/ destroyed, recorded in transfer/spools.retention-$party.json"; fi
done
step Q-2 "Post-check, witness: the medium wiped (imaged by the auditor before each wipe)"
if [ "$MEDIUM" = 1 ]; then
  if medium_is_blank; then echo "   $MEDIUM_IMAGE: zeros"; else echo "   $MEDIUM_IMAGE is not wiped"; [ "$status" -ne 0 ] || status=1; fi
else
  echo "   no medium (one shared transfer/ folder)"
fi
step Q-3 "Post-check, witness: the exception log's head matches the sign-off sheet"
grep '^exceptions:' "$D/audit/summary.txt" | sed 's/^/   /' || true

printf '\n== Summary\n'
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
