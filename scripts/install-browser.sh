#!/usr/bin/env bash
# Installs Debian's Chromium for the test that opens the report in a real headless browser.
# Optional: without it that single test is skipped with a message. Never fails the install.
set -u
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  echo "chromium: already installed"
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium: installing Debian's chromium package (for the report browser test)"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null 2>&1 \
    && echo "chromium: installed" || echo "chromium: could not be installed; the browser test will be skipped"
else
  echo "chromium: not installed and no root/apt-get here; the browser test will be skipped"
fi
exit 0
