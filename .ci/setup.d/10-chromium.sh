#!/usr/bin/env bash
# Headless Chromium for the CLI's HTML report test (cli: ReportInBrowserTest), from Debian's packages.
# Run by ./run-tests: does nothing when chromium is there; installs it when root; otherwise stops saying what to do.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing (the CLI's report test opens the report in it) and this is not root: install Debian's" \
    "'chromium' package (sudo apt-get install chromium), then run ./run-tests again" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing and there is no apt-get here: install Chromium with this system's package manager" \
    "(the binary must be /usr/bin/chromium or /usr/bin/chromium-browser)" >&2
  exit 1
fi
echo "installing Debian's chromium (apt-get update; apt-get install chromium)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null
