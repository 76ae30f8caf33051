#!/bin/sh
# Install Debian's headless-capable Chromium for the HTML end-to-end test; a no-op when present.
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
