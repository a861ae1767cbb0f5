#!/bin/sh
# install-deps.sh — install the Debian 12 packages CariLab builds, runs and tests with.
# Installs only what is missing; uses sudo when not run as root.
set -eu

packages="
  gcc libc6-dev pkg-config meson ninja-build gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev
  libopenblas-dev zlib1g-dev libpng-dev libjpeg62-turbo-dev libsqlite3-dev sqlite3 libcairo2-dev
  libpango1.0-dev fonts-dejavu-core
  desktop-file-utils appstream-util
  xvfb xauth x11-utils fonts-cantarell
  clang libclang-rt-14-dev
  libjson-glib-dev python3-numpy python3-torch python3-opencv python3-onnx
  openmpi-bin libopenmpi-dev
"

missing=""
for p in $packages; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
  esac
done

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo"
else
  echo "install-deps: missing packages:$missing" >&2
  echo "install-deps: run this script as root or install sudo" >&2
  exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -qq
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
