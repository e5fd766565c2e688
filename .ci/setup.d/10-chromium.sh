#!/usr/bin/env bash
# Headless Chromium and its WebDriver, from Debian's packages: the CLI's HTML report test (cli: ReportInBrowserTest)
# opens the report in chromium; the dashboard's browser tests (server: DashboardBrowserTest) drive chromium through
# Selenium and Debian's chromedriver (package chromium-driver, the same version as chromium).
# Run by ./run-tests: does nothing when both are there; installs them when root; otherwise stops saying what to do.
set -euo pipefail
have_chromium() { command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ]; }
have_driver() { [ -x /usr/bin/chromedriver ]; }
if have_chromium && have_driver; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium or chromedriver is missing (the report and dashboard tests open pages in it) and this is not root:" \
    "install Debian's 'chromium' and 'chromium-driver' packages (sudo apt-get install chromium chromium-driver)," \
    "then run ./run-tests again" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium or chromedriver is missing and there is no apt-get here: install Chromium and its chromedriver" \
    "with this system's package manager (binaries /usr/bin/chromium and /usr/bin/chromedriver)" >&2
  exit 1
fi
echo "installing Debian's chromium and chromium-driver (apt-get update; apt-get install chromium chromium-driver)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
command -v chromium >/dev/null
[ -x /usr/bin/chromedriver ]
