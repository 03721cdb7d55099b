#!/usr/bin/env bash
# Builds every libFuzzer target in Fuzz/Targets into $FUZZ_OUT (default .build/fuzz).
#
# SwiftPM cannot build a library with -sanitize=fuzzer and link it into a
# harness without a main, so this compiles the three library modules the
# parsers live in (CryptoCore, BIP38, Ceremony; and Token, which Ceremony
# imports) straight from Sources/ with swiftc, each instrumented
# (-sanitize=fuzzer,address) into a static library,
# then links one executable per target: Fuzz/Support/*.swift + Fuzz/Targets/NAME.swift.
# The C libraries are the system ones the package uses, found through the
# package's own module maps (Sources/CLibraries/*). Ceremony is built with
# -enable-testing so targets may reach internal checks (@testable import).
#
#   Fuzz/build.sh                 every target
#   Fuzz/build.sh envelope wif    only these
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${FUZZ_OUT:-.build/fuzz}
SWIFTC=${SWIFTC:-swiftc}
SANITIZERS=${FUZZ_SANITIZERS:-fuzzer,address}
FLAGS=(-swift-version 6 -package-name bip38_2fkg -O -g -sanitize="$SANITIZERS" -parse-as-library -use-ld=lld)
INCLUDES=()
for map in Sources/CLibraries/*/; do
  if [ -d "${map}include" ]; then INCLUDES+=(-I "${map}include"); else INCLUDES+=(-I "${map%/}"); fi
done
# CSalsa, the package's own C kernel (scrypt's ROMix, Sources/CKernels/CSalsa), for CryptoCore.
INCLUDES+=(-I Sources/CKernels/CSalsa/include)
# p11-kit's pkcs11.h (CPKCS11, for Token: site keys in a PKCS#11 token) is under its own include folder.
INCLUDES+=(-Xcc "$(pkg-config --cflags-only-I p11-kit-1 | sed 's/ *$//')")
LIBS=(-lCICU -lCSalsa -lsecp256k1 -lsodium -lcrypto -lqrencode -licuuc)
mkdir -p "$OUT/lib"

# CICU is a C target (ICU behind plain C types, Sources/CLibraries/CICU): a static library of its one file.
if [ ! -f "$OUT/lib/libCICU.a" ] || [ Sources/CLibraries/CICU/cicu.c -nt "$OUT/lib/libCICU.a" ]; then
  echo "fuzz: building CICU"
  ${CC:-clang} -O2 -g -fPIC -I Sources/CLibraries/CICU/include -c Sources/CLibraries/CICU/cicu.c -o "$OUT/lib/cicu.o"
  ar rcs "$OUT/lib/libCICU.a" "$OUT/lib/cicu.o"
fi

# CSalsa likewise: a static library of salsa.c (which includes widths.inc and kernel.inc).
if [ ! -f "$OUT/lib/libCSalsa.a" ] || [ Sources/CKernels/CSalsa/salsa.c -nt "$OUT/lib/libCSalsa.a" ] \
  || [ Sources/CKernels/CSalsa/widths.inc -nt "$OUT/lib/libCSalsa.a" ] \
  || [ Sources/CKernels/CSalsa/kernel.inc -nt "$OUT/lib/libCSalsa.a" ]; then
  echo "fuzz: building CSalsa"
  ${CC:-clang} -O2 -g -fPIC -I Sources/CKernels/CSalsa/include -c Sources/CKernels/CSalsa/salsa.c -o "$OUT/lib/csalsa.o"
  ar rcs "$OUT/lib/libCSalsa.a" "$OUT/lib/csalsa.o"
fi

# build_module NAME SOURCE...: a static library and its .swiftmodule, rebuilt
# when a source (or a module it imports) is newer.
build_module() {
  local name=$1; shift
  local lib="$OUT/lib/lib$name.a"
  if [ -f "$lib" ] && [ -z "$(find "$@" "$OUT/lib" -name '*.swift*' -newer "$lib" ! -name "$name.swift*" 2>/dev/null | head -1)" ]; then
    return
  fi
  echo "fuzz: building $name (instrumented)"
  "$SWIFTC" "${FLAGS[@]}" -enable-testing -module-name "$name" -emit-module -emit-module-path "$OUT/lib/$name.swiftmodule" \
    -emit-library -static -o "$lib" -I "$OUT/lib" "${INCLUDES[@]}" "$@"
}

build_module CryptoCore Sources/CryptoCore/*.swift
build_module BIP38 Sources/BIP38/*.swift
build_module Token Sources/Token/*.swift
# shellcheck disable=SC2046
build_module Ceremony $(find Sources/Ceremony -name '*.swift' | sort)

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for file in Fuzz/Targets/*.swift; do targets+=("$(basename "$file" .swift)"); done
fi
for name in "${targets[@]}"; do
  source=Fuzz/Targets/$name.swift
  [ -f "$source" ] || { echo "fuzz: no target $name ($source)" >&2; exit 64; }
  binary=$OUT/$name
  if [ -x "$binary" ] && [ -z "$(find "$source" Fuzz/Support "$OUT/lib" -newer "$binary" -type f | head -1)" ]; then continue; fi
  echo "fuzz: linking $name"
  "$SWIFTC" "${FLAGS[@]}" -module-name "Fuzz_${name//-/_}" -I "$OUT/lib" "${INCLUDES[@]}" \
    Fuzz/Support/*.swift "$source" -L "$OUT/lib" -lCeremony -lToken -lBIP38 -lCryptoCore "${LIBS[@]}" -o "$binary"
done
