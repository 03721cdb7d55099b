# The transfer medium of the mock ceremony (Ceremony/MEDIUM.md): a FAT32 file system in one
# image file, MEDIUM_IMAGE, as on a USB stick; made with mkfs.vfat (dosfstools), written and
# read with mtools, never mounted, no root needed. Sourced inside a party's sandbox
# (isolated_shell, Ceremony/lib/isolation.sh); D is then the party's own view of the transcript.
#
# On the medium, as in a view: /ceremony.json, /transfer/NAME, /audit/NAME. Each site keeps, in
# its view, .medium-sums: the SHA-256 of each transcript file as it stood when the medium last
# changed hands (both sites had those). A sender writes only what changed since; a receiver
# copies in every file the medium holds.

export MTOOLS_SKIP_CHECK=1

# The medium's size: 34 MiB, a little over the smallest FAT32 volume of 512-byte clusters.
MEDIUM_MIB=34

# A blank medium: MEDIUM_MIB MiB of zeros (a new USB stick, or one wiped).
medium_new() {
  mkdir -p "$(dirname "$MEDIUM_IMAGE")"
  rm -f "$MEDIUM_IMAGE"
  dd if=/dev/zero of="$MEDIUM_IMAGE" bs=1M count="$MEDIUM_MIB" status=none
}

# True when the medium holds no file system (its first 64 KiB are zeros).
medium_is_blank() { [ "$(head -c 65536 "$MEDIUM_IMAGE" | tr -d '\000' | wc -c)" -eq 0 ]; }

# Puts a FAT32 file system on a blank medium, in place.
medium_format_if_blank() {
  if medium_is_blank; then mkfs.vfat -F 32 -s 1 -n MEDIUM -i 0 "$MEDIUM_IMAGE" >/dev/null; fi
}

# The medium's digest, as read aloud: SHA-256 in groups of four hex digits.
medium_digest() { sha256sum "$MEDIUM_IMAGE" | cut -c1-64; }
medium_spoken() { printf '%s' "$1" | cut -c1-32 | sed 's/..../& /g; s/ $//'; }

# The transcript files of a view (paths relative to it), one a line.
view_files() {
  (cd "$1" && { [ ! -f ceremony.json ] || echo ceremony.json; find transfer audit -type f 2>/dev/null; } | LC_ALL=C sort)
}

# Records files of view $1 (paths relative to it, on standard input) as both sites now have them.
view_remember() {
  local view=$1 sums=$1/.medium-sums f
  touch "$sums"
  while IFS= read -r f; do
    awk -v f="$f" 'substr($0, 67) != f' "$sums" > "$sums.new"
    (cd "$view" && sha256sum "$f") >> "$sums.new"
    mv "$sums.new" "$sums"
  done
}

# The sender: writes every transcript file of view $1 that changed since the last hand-over.
# Prints how many files it wrote, and their names.
medium_write() {
  local view=$1 written=()
  medium_format_if_blank
  local f folder
  while IFS= read -r f; do
    if [ -f "$view/.medium-sums" ] && grep -qxF "$(cd "$view" && sha256sum "$f")" "$view/.medium-sums"; then continue; fi
    folder=$(dirname "$f")
    if [ "$folder" != . ] && ! mdir -i "$MEDIUM_IMAGE" -b "::/$folder" >/dev/null 2>&1; then
      mmd -i "$MEDIUM_IMAGE" "::/$folder"
    fi
    mcopy -o -i "$MEDIUM_IMAGE" "$view/$f" "::/$f"
    written+=("$f")
  done < <(view_files "$view")
  [ "${#written[@]}" -eq 0 ] || printf '%s\n' "${written[@]}" | view_remember "$view"
  echo "   $PARTY writes ${#written[@]} file(s) onto the medium: ${written[*]:-nothing new}"
}

# The files the medium holds (paths without the leading ::/), one a line.
medium_files() { mdir -i "$MEDIUM_IMAGE" -b -/ ::/ 2>/dev/null | grep -v '/$' | sed 's|^::/||' || true; }

# The receiver: copies every file on the medium into view $1, and remembers them.
medium_read() {
  local view=$1 f files=()
  while IFS= read -r f; do
    [ -n "$f" ] || continue
    mkdir -p "$view/$(dirname "$f")"
    mcopy -n -o -i "$MEDIUM_IMAGE" "::/$f" "$view/$f"
    files+=("$f")
  done < <(medium_files)
  [ "${#files[@]}" -eq 0 ] || printf '%s\n' "${files[@]}" | view_remember "$view"
  echo "   $PARTY copies ${#files[@]} file(s) from the medium into its view of the transcript"
}

# The medium's overwrite with zeros when no site signs it (the last trip, after the closing).
medium_zero() { dd if=/dev/zero of="$MEDIUM_IMAGE" bs=1M count="$MEDIUM_MIB" conv=notrunc status=none; }
