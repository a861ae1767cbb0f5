#!/bin/sh
# image-peak.sh [BUILDDIR [OTHER_IMAGE_PEAK]] — the peak resident memory of the loader decoding
# one 7000 × 7000 image (PNG, baseline JPEG, progressive JPEG) for a 224-pixel input, each load in
# a process of its own (bench/image-peak.c). OTHER_IMAGE_PEAK: the same program built against
# another libcari (say, the commit before a change), measured on the same files.
set -eu
exe=${1:-_build}/bench/image-peak
other=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$exe" make-png "$tmp/7000.png" 7000
"$exe" make-jpeg "$tmp/7000.jpg" 7000
"$exe" make-jpeg "$tmp/7000-progressive.jpg" 7000 progressive
for f in 7000.png 7000.jpg 7000-progressive.jpg; do
  printf '%s: %s bytes\n' "$f" "$(stat -c %s "$tmp/$f")"
  if [ -n "$other" ]; then
    printf 'other: '
    "$other" load "$tmp/$f" 224
  fi
  printf 'this:  '
  "$exe" load "$tmp/$f" 224
done
