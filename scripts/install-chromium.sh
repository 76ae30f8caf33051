#!/bin/sh
# make test: install Debian's headless-capable Chromium for the HTML end-to-end test when it is missing.
# That takes apt-get as root (a container, CI); anywhere else this says so in one line and fails.
set -eu
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"  # Debian's path, where tests/fixtures/browser.py looks after PATH
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-chromium.sh: $CHROMIUM is missing and installing it takes apt-get as root:" \
        "run 'sudo apt-get install chromium' (Debian, Ubuntu), or make test as root" >&2
    exit 1
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
