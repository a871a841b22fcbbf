#!/usr/bin/env bash
# Installs what the tests and the video features need on a fresh Debian machine that has only the
# .NET SDK and Node.js: Debian's ffmpeg (RTMP publisher, ffprobe), Chromium (WebRTC publisher and
# HLS playback in tests), iproute2 (network namespaces for WebRTC tests) and faketime (libfaketime: the video
# tiering test runs the host with its wall clock moved to an hour boundary), the AWS CLI (awscli v2: the Kinesis API
# is tested with it as a user would drive it), then the npm packages
# pinned in infra/package.json (Azurite, the AWS SDK clients, kinesalite, hls.js, playwright-core).
# Safe to run again: it installs only what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || missing+=(ffmpeg)
command -v chromium >/dev/null || missing+=(chromium)
command -v ip >/dev/null && command -v tc >/dev/null || missing+=(iproute2)
command -v faketime >/dev/null || missing+=(faketime)
[ -x /usr/bin/aws ] || missing+=(awscli)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    echo "setup.sh: please install these Debian packages: ${missing[*]}" >&2
    exit 2
  fi
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "setup.sh: installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp=node_modules/.installed-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup.sh: installing infra/ npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
