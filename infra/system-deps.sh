#!/usr/bin/env bash
# The system (Debian) packages SafeLoop's tests need: ONE list, used by both
# `./dev test` and `.ci/run`. Installs what is missing with apt-get when run as
# root (or through password-less sudo); otherwise names the packages and fails.
#   infra/system-deps.sh           check, install what is missing
#   infra/system-deps.sh --check   check only (exit 1 and name what is missing)
set -euo pipefail

# Debian package        what shows it is installed                       why
DEPS="
chromium                ${SAFELOOP_CHROMIUM:-/usr/bin/chromium}          e2e tests drive Debian's Chromium (no browser downloads)
zbar-tools              zbarimg                                          QR labels and risk cards are decoded like a phone would
poppler-utils           pdftoppm                                         PDFs are rasterised and read (pdftoppm, pdftotext)
fonts-dejavu-core       /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf  Latin text stamped on photos
fonts-wqy-microhei      /usr/share/fonts/truetype/wqy/wqy-microhei.ttc   Chinese text on photos, labels and cards
mosquitto               /usr/sbin/mosquitto                              the MQTT broker ./dev start embeds and the IoT tests run
"

present() {
  case "$1" in
    /*) [ -e "$1" ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
while read -r package check _why; do
  [ -n "$package" ] || continue
  present "$check" || missing+=("$package")
done <<< "$DEPS"

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "${1:-}" = "--check" ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  exit 1
fi

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo)
else
  as_root=(cannot)
fi
if [ "${as_root[*]}" = cannot ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "SafeLoop's tests need these system packages: ${missing[*]}" >&2
  echo "Install them (Debian/Ubuntu):  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
