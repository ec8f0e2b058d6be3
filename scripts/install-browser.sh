#!/bin/sh
# Install what tests/test_report_html_browser.py needs: headless Chromium, its driver, selenium.
# Debian/Ubuntu, as root (CI images). The browser test does the apt part itself when run as root
# with CI or APEXLINT_INSTALL_BROWSER=1 set; this script is for doing it by hand.
set -eu

if [ "$(id -u)" -ne 0 ]; then
    echo "install-browser.sh: run as root (apt-get installs system packages)" >&2
    exit 2
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser.sh: apt-get not found; install Chromium and chromedriver with your package manager" >&2
    exit 2
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium chromium-driver
"${PYTHON:-python3}" -m pip install 'selenium>=4.20,<5'

chromium --version
chromedriver --version
