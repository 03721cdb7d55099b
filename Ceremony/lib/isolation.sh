# Sourced by Ceremony/run-ceremony.sh: how each party of the mock ceremony is kept apart.
#
# With bubblewrap (Debian's bubblewrap) and user namespaces, each party runs in its own
# sandbox: new mount, network, PID, IPC and UTS namespaces, no capabilities, a private /tmp,
# the machine's system folders read-only, and of the ceremony only what is its own:
#   site-a    site-a/, printed/site-a/, its own view of the transcript, the medium
#   site-b    site-b/, printed/site-b/, its own view of the transcript, the medium
#   auditor   the whole ceremony folder read-only; audit/, its key folder and transfer/ (its
#             countersignature of closing.json) writable; the medium and its images of it
#   assembly  printed/ read-only, cards/ writable
# A site's view of the transcript (ceremony.json, transfer/, audit/) is a folder of its own
# outside the ceremony folder, ${D}.views/site-a/, mounted in its sandbox where the ceremony
# folder is, so that the site's tools find the usual layout (CeremonyLayout) and nothing else.
#
# Where the machine allows no sandbox, isolation_detect says so on one line and the run
# falls back to one shared folder, each site in its own network namespace where unshare can.
#
# Needs: D (the ceremony folder, absolute), AUD (the auditor's key folder, absolute),
# BIN (the executables), MEDIUM (1: bundles cross on the medium, 0: in one shared transfer/),
# MEDIUM_IMAGE, and here (Ceremony/).

# Sets ISOLATION (sandbox, netns or none), ISOLATE (the fallback's prefix) and isolation (one line).
# ISOLATION=netns or none in the environment asks for less than the machine allows.
isolation_detect() {
  local wanted=${ISOLATION:-sandbox} why=""
  ISOLATE=()
  if [ "$wanted" = sandbox ]; then
    if ! command -v bwrap >/dev/null 2>&1; then why="bubblewrap is not installed"
    elif ! why=$(bwrap --unshare-all --die-with-parent --ro-bind / / true 2>&1); then
      why="bubblewrap cannot make a sandbox here (${why:-user namespaces refused})"
    else
      ISOLATION=sandbox
      isolation="isolation: sandbox (bubblewrap): each party sees only its own folders and the bundles; no network"
      return 0
    fi
  else why="ISOLATION=$wanted asked for"
  fi
  if [ "$wanted" != none ] && unshare --net true 2>/dev/null; then
    ISOLATION=netns; ISOLATE=(unshare --net)
  elif [ "$wanted" != none ] && unshare --net --map-root-user true 2>/dev/null; then
    ISOLATION=netns; ISOLATE=(unshare --net --map-root-user)
  else
    ISOLATION=none
  fi
  case $ISOLATION in
    netns) isolation="isolation: network namespace only ($why): the sites share one folder and can read each other's" ;;
    none) isolation="isolation: none ($why; unshare is not permitted): the sites share one folder and the machine's network" ;;
  esac
}

# The view of the transcript `party` keeps (site-a or site-b): ${D}.views/PARTY.
isolation_view() { printf '%s.views/%s' "$D" "$1"; }

# The library folders the executables load from outside /usr (the Swift runtime in /opt/swift).
isolation_library_folders() {
  ldd "$BIN/passphrase-site" "$BIN/ceremony-audit" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' |
    xargs -r -n 1 dirname | sort -u | grep -v -e '^/usr/' -e '^/lib' || true
}

# The bwrap arguments common to every party: system folders read-only, nothing else.
isolation_base() {
  ISOLATION_ARGS=(--unshare-all --die-with-parent --new-session --cap-drop ALL
    --ro-bind /usr /usr --ro-bind /etc /etc
    --symlink usr/bin /bin --symlink usr/sbin /sbin --symlink usr/lib /lib --symlink usr/lib64 /lib64
    --proc /proc --dev /dev --tmpfs /tmp --setenv HOME /tmp --setenv TMPDIR /tmp
    --ro-bind "$BIN" "$BIN" --ro-bind "$here/lib" "$here/lib")
  local folder
  while IFS= read -r folder; do
    [ -n "$folder" ] && ISOLATION_ARGS+=(--ro-bind "$folder" "$folder")
  done < <(isolation_library_folders)
}

# The sandbox of `party`: ISOLATION_ARGS for bwrap.
isolation_sandbox() {
  local party=$1 view d aud medium
  # bwrap binds absolute paths; the tools keep the paths as given, relative to the same
  # working folder inside the sandbox as outside.
  d=$(realpath -m "$D"); aud=$(realpath -m "$AUD"); medium=$(realpath -m "$MEDIUM_IMAGE")
  isolation_base
  case $party in
    site-a | site-b)
      local other=site-a printed=(); [ "$party" = site-b ] || other=site-b
      view=$(isolation_view "$party")
      mkdir -p "$D/$party"
      # The site's spool folder, until destroy-spools has removed it (then it stays gone).
      [ -e "$D/transfer/spools.retention-$party.json" ] || [ -e "$view/transfer/spools.retention-$party.json" ] ||
        mkdir -p "$D/printed/$party"
      # printed/ is bound whole, the other site's spools hidden under an empty folder:
      # printed/$party must not be a mount point, or destroy-spools could not remove it.
      [ ! -d "$D/printed" ] || printed+=(--bind "$d/printed" "$d/printed")
      [ ! -d "$D/printed/$other" ] || printed+=(--tmpfs "$d/printed/$other")
      if [ "$MEDIUM" = 1 ]; then
        mkdir -p "$view/transfer" "$view/audit"
        ISOLATION_ARGS+=(--bind "$(realpath -m "$view")" "$d" --bind "$d/$party" "$d/$party"
          "${printed[@]}" --bind "$medium" "$medium")
      else
        # One shared folder (MEDIUM=0): the other site's folders are hidden under empty ones.
        mkdir -p "$D/$other"
        ISOLATION_ARGS+=(--bind "$d" "$d" --tmpfs "$d/$other" "${printed[@]}")
      fi
      # HSM=softhsm: the mock's SoftHSM2 token folder (both sites' tokens, beside the ceremony folder).
      [ "${HSM:-}" != softhsm ] || ISOLATION_ARGS+=(--bind "$(realpath -m "$TOKENS")" "$(realpath -m "$TOKENS")")
      ISOLATION_ARGS+=(--dir "$PWD" --chdir "$PWD") ;;
    auditor)
      mkdir -p "$D/audit" "$AUD"
      ISOLATION_ARGS+=(--ro-bind "$d" "$d" --bind "$d/audit" "$d/audit" --bind "$aud" "$aud" --dir "$PWD" --chdir "$PWD")
      # Its countersignature goes onto the closing manifest, transfer/closing.json.
      [ ! -d "$d/transfer" ] || ISOLATION_ARGS+=(--bind "$d/transfer" "$d/transfer")
      [ "$MEDIUM" = 0 ] || ISOLATION_ARGS+=(--bind "$(dirname "$medium")" "$(dirname "$medium")") ;;
    assembly)
      mkdir -p "$D/cards"
      ISOLATION_ARGS+=(--ro-bind "$d/ceremony.json" "$d/ceremony.json" --ro-bind "$d/printed" "$d/printed"
        --bind "$d/cards" "$d/cards" --dir "$PWD" --chdir "$PWD") ;;
    fault)
      # ceremony-fault plays a dishonest party that can reach anything of site B's machine
      # and of site A's folders (the afterMint faults act there, before B hands the medium over).
      if [ "$MEDIUM" = 1 ]; then
        ISOLATION_ARGS+=(--bind "$(realpath -m "$(isolation_view site-b)")" "$d" --bind "$d/site-a" "$d/site-a"
          --bind "$d/site-b" "$d/site-b" --bind "$d/printed" "$d/printed" --bind "$medium" "$medium")
      else
        ISOLATION_ARGS+=(--bind "$d" "$d")
      fi
      ISOLATION_ARGS+=(--dir "$PWD" --chdir "$PWD") ;;
    *) echo "isolation: unknown party $party" >&2; return 64 ;;
  esac
}

# Runs a command as `party`: in its sandbox, or with the fallback's prefix.
isolated() {
  local party=$1; shift
  if [ "$ISOLATION" = sandbox ]; then
    isolation_sandbox "$party" || return
    bwrap "${ISOLATION_ARGS[@]}" "$@"
  elif [ "$party" = site-a ] || [ "$party" = site-b ]; then
    "${ISOLATE[@]}" "$@"
  else
    "$@"
  fi
}

# Runs shell text as `party`, with the medium's functions (Ceremony/lib/medium.sh) defined.
isolated_shell() {
  local party=$1; shift
  isolated "$party" env D="$D" MEDIUM_IMAGE="$MEDIUM_IMAGE" PARTY="$party" \
    bash -c "set -euo pipefail; source '$here/lib/medium.sh'; $*"
}

# --- The medium changing hands (MEDIUM=1) ---------------------------------------------------

# The sending party's part of a hand-over: writes what is new onto the medium, says so, and
# prints the medium's digest on its last line.
medium_send() {
  if [ "$1" = auditor ]; then
    # The auditor puts its declaration and sample commitment (audit/) on the medium.
    PARTY=auditor
    medium_format_if_blank
    mdir -i "$MEDIUM_IMAGE" -b ::/audit >/dev/null 2>&1 || mmd -i "$MEDIUM_IMAGE" ::/audit
    local f names=()
    for f in "$D"/audit/*.json; do
      mcopy -o -i "$MEDIUM_IMAGE" "$f" "::/audit/$(basename "$f")"; names+=("audit/$(basename "$f")")
    done
    echo "   auditor writes ${#names[@]} file(s) onto the medium: ${names[*]}"
    medium_digest
  else
    isolated_shell "$1" 'medium_write "$D"; medium_digest'
  fi
}

# The receiving party's part: reads the medium's digest, then copies the medium in.
medium_digest_at() {
  if [ "$1" = auditor ]; then medium_digest; else isolated_shell "$1" medium_digest; fi
}
medium_receive() {
  if [ "$1" = auditor ]; then
    # The auditor copies the manifest both sites signed, to commit to its sample against it.
    mcopy -n -o -i "$MEDIUM_IMAGE" ::/ceremony.json "$D/ceremony.json"
    echo "   auditor copies ceremony.json from the medium"
  else
    isolated_shell "$1" 'medium_read "$D"'
  fi
}

# The medium changes hands, from party $1 to party $2 (site-a, site-b or auditor): the sender
# writes, both read the medium's SHA-256 aloud and must hear the same, the receiver copies it in.
handover() {
  [ "$MEDIUM" = 1 ] || return 0
  local from=$1 to=$2 sent said heard
  sent=$(medium_send "$from")
  said=${sent##*$'\n'}
  [ "$sent" = "$said" ] || printf '%s\n' "${sent%$'\n'*}"
  heard=$(medium_digest_at "$to")
  if [ "$said" != "$heard" ]; then
    echo "the medium changed between $from and $to (SHA-256 $said, then $heard): refusing it" >&2
    exit 1
  fi
  echo "   the medium passes $from -> $to; both read its SHA-256 aloud: $(medium_spoken "$said") ..."
  medium_receive "$to"
}

# Before site A's seal wipes the medium, the auditor takes its image (searched by the audit).
medium_image_for_audit() {
  [ "$MEDIUM" = 1 ] || return 0
  local copy
  copy="$(dirname "$MEDIUM_IMAGE")/$1.img"
  cp --sparse=always "$MEDIUM_IMAGE" "$copy"
  MEDIUM_AUDIT_IMAGES+=(--image "medium=$copy")
  echo "   the auditor images the medium before the wipe: $copy, SHA-256 $(medium_spoken "$(sha256sum "$copy" | cut -c1-64)") ..."
}

# The digest site A signed for its wipe (from seal's output) must be that of the auditor's image.
medium_check_wipe() {
  [ "$MEDIUM" = 1 ] || return 0
  local signed image
  signed=$(printf '%s\n' "$2" | sed -n 's/.*SHA-256 before the wipe, signed: \([0-9a-f]*\).*/\1/p')
  image=$(sha256sum "$(dirname "$MEDIUM_IMAGE")/$1.img" | cut -c1-64)
  if [ "$signed" != "$image" ]; then
    echo "site A's retention statement signs the wipe of a medium (SHA-256 ${signed:-none}) that is not the auditor's image ($image)" >&2
    exit 1
  fi
  echo "   site A's retention statement signs the wipe of exactly the medium the auditor imaged"
}

# At the end: the two sites' views of the transcript must agree, file for file; the ceremony
# folder (the auditor's) then takes site A's, and the medium's last trip is imaged and wiped.
views_collect() {
  [ "$MEDIUM" = 1 ] || return 0
  local a b
  a=$(isolation_view site-a); b=$(isolation_view site-b)
  if ! diff -r "$a/transfer" "$b/transfer" >/dev/null || ! cmp -s "$a/ceremony.json" "$b/ceremony.json"; then
    echo "   the two sites' views of the transcript differ:"; diff -rq "$a/transfer" "$b/transfer" | sed 's/^/   /' || true
  else
    echo "   the two sites' views of the transcript agree: ceremony.json and $(find "$a/transfer" -type f | wc -l) bundles"
  fi
  rm -rf "$D/transfer"
  cp -p "$a/ceremony.json" "$D/ceremony.json"
  cp -rp "$a/transfer" "$D/transfer"
  medium_image_for_audit final
  medium_zero
  echo "   site A overwrites the medium with zeros (after the closing: no statement can sign this last wipe)"
}
