#!/bin/sh
# System tools the print tests drive: LibreOffice (the .xlsx tables open and convert to PDF),
# Chromium (the HTML report is rendered, screenshotted and printed), DejaVu fonts (Vietnamese
# diacritics in both) and poppler-utils (pdftotext reads the PDFs back).
# Idempotent and non-interactive: safe to run on every CI job; does nothing when all are present.
set -eu

PACKAGES="libreoffice-calc chromium fonts-dejavu-core poppler-utils"

missing=""
for pkg in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done
if [ -z "$missing" ]; then
    echo "install-system-deps: already installed:$(printf ' %s' $PACKAGES)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
# env: sudo resets the environment, and apt must never stop to ask a question in CI
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
# shellcheck disable=SC2086  # word splitting of the package list is intended
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
