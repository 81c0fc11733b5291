#!/usr/bin/env bash
# Installs what is missing for one purpose, then builds. Safe to run again: each step is skipped when done.
#   bash scripts/setup.sh run    (npm start)  ffmpeg (ingest, HLS, replays) and a CJK font (poster text); nothing else
#   bash scripts/setup.sh test   (npm test)   + chromium (browser tests), postgresql (the throw-away test server),
#                                             redis-server (the throw-away Redis 7 of the cluster-mode tests),
#                                             zbar-tools + tesseract-ocr (the poster tests scan its QR code, read its time),
#                                             nginx + openssl (the deployment test fronts zhibo with TLS; the cluster
#                                             tests balance nodes with it), prometheus (scrapes /metrics),
#                                             systemd (systemd-analyze verifies the unit in deploy/)
#   bash scripts/setup.sh bench               + nginx with the RTMP module (benchmark peer), redis-server (cluster bench)
# npm packages: `npm ci` only when node_modules does not hold what package-lock.json asks for
# (scripts/deps-match.mjs compares contents, not file times). Then: TypeScript build + browser bundles.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"
case "$mode" in run|test|bench) ;; *) echo "usage: bash scripts/setup.sh run|test|bench" >&2; exit 2 ;; esac

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
# CJK glyphs for the share poster (and the browser screenshots)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
if [ "$mode" = test ] || [ "$mode" = bench ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v nginx >/dev/null 2>&1 || need+=(nginx)
  # cluster mode (issue 13): a throw-away Redis 7 (npm start does not need it)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
fi
if [ "$mode" = test ]; then
  command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
  command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
  [ -n "$(ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata 2>/dev/null)" ] || need+=(tesseract-ocr-eng)
  command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
  command -v openssl >/dev/null 2>&1 || need+=(openssl)
  command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
fi
if [ "$mode" = bench ]; then
  [ -e /usr/lib/nginx/modules/ngx_rtmp_module.so ] || need+=(libnginx-mod-rtmp)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup ($mode): installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! node scripts/deps-match.mjs --verbose; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "setup: build"
npx tsc -b
node scripts/build-web.mjs
