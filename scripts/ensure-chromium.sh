#!/bin/sh
# Runs before `npm test`: the browser tests drive Debian's Chromium (/usr/bin/chromium) with puppeteer-core. When
# it is missing and this runs as root on Debian (a CI machine), it installs it with apt-get; otherwise it says
# loudly that the browser tests will be skipped. As root on Debian the tests then fail if Chromium is still missing.
set -eu
chromium="${ESCALATOR_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  echo "ensure-chromium: $chromium is installed; the browser tests will run"
  exit 0
fi
if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $chromium is missing; installing Debian's chromium package for the browser tests:"
  echo "ensure-chromium: + apt-get update"
  apt-get update -qq
  echo "ensure-chromium: + apt-get install -y chromium"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  if [ -x "$chromium" ]; then
    echo "ensure-chromium: installed $("$chromium" --version 2>/dev/null || echo chromium)"
    exit 0
  fi
  echo "ensure-chromium: apt-get finished but $chromium is still missing" >&2
  exit 1
fi
cat >&2 <<MESSAGE

!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!!  CHROMIUM IS MISSING ($chromium): THE WEB BOARD'S BROWSER TESTS WILL BE SKIPPED.
!!  Install it (Debian/Ubuntu: sudo apt-get install -y chromium), or point ESCALATOR_CHROMIUM at a
!!  Chromium or Chrome binary. Running as root on Debian installs it automatically.
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!

MESSAGE
exit 0
