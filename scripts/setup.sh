#!/usr/bin/env bash
# Installs whatever is missing, then builds. Safe to run again: each step is skipped when done.
#   - Debian packages: ffmpeg (ingest tests, HLS, replays), chromium (browser tests),
#     postgresql (the test suite's throw-away server), redis-server (cluster tests), nginx + libnginx-mod-rtmp (benchmark peer),
#     zbar-tools + tesseract-ocr (the share poster tests scan its QR code and read its time line)
#   - npm packages: `npm ci` when node_modules does not match package-lock.json
#   - build: TypeScript project references + the browser bundles
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
[ -x /usr/bin/chromium ] || need+=(chromium)
# CJK glyphs for the room page and console screenshots taken by the browser tests
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
# the share poster tests: zbarimg scans the QR code, tesseract reads the printed start time
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
[ -n "$(ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata 2>/dev/null)" ] || need+=(tesseract-ocr-eng)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v nginx >/dev/null 2>&1 || need+=(nginx)
# cluster-mode tests (issue 13): a throw-away Redis 7 (npm start does not need it)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -e /usr/lib/nginx/modules/ngx_rtmp_module.so ] || need+=(libnginx-mod-rtmp)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "setup: build"
npx tsc -b
node scripts/build-web.mjs
