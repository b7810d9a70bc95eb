#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what is missing (Debian 12 packages), then configures and builds into ./build.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="gcc g++ libc6-dev pkg-config meson ninja-build python3 libcsv-dev libinih-dev libgsl-dev libcmocka-dev valgrind clang libclang-rt-14-dev libcairo2-dev libpango1.0-dev fonts-noto-cjk poppler-utils chromium-headless-shell libxlsxwriter-dev scdoc python3-openpyxl groff man-db python3-cffi python3-dev python3-pytest python3-numpy python3-pandas python3-setuptools python3-venv python3-pip"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -f build/build.ninja ]; then
    meson setup build >/dev/null
fi
ninja -C build
