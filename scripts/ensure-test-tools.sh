#!/usr/bin/env bash
# The Debian packages the tests use, installed when missing (as root; otherwise it says what to
# install): Chromium for the dashboard's browser tests (required), and an aarch64 cross compiler
# with qemu's user-mode emulator, which check the NEON matmul this x86 machine cannot run natively
# (packages/tensor/test/isa-check.test.ts; skipped, saying why, without them).
set -euo pipefail
required=()
optional=()
[ -x /usr/bin/chromium ] || required+=(chromium)
command -v aarch64-linux-gnu-gcc > /dev/null || optional+=(gcc-aarch64-linux-gnu)
command -v qemu-aarch64 > /dev/null || optional+=(qemu-user)
missing=("${required[@]}" "${optional[@]}")
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "missing: run 'sudo apt-get install -y ${missing[*]}' (chromium is required by the dashboard's browser tests)" >&2
  if [ ${#required[@]} -gt 0 ]; then exit 1; fi
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ ${#required[@]} -gt 0 ]; then apt-get install -y -qq "${required[@]}" > /dev/null; fi
if [ ${#optional[@]} -gt 0 ]; then
  apt-get install -y -qq "${optional[@]}" > /dev/null ||
    echo "could not install ${optional[*]}: the NEON check will be skipped" >&2
fi
