#!/usr/bin/env bash
# Prepare a machine to run the test suite: system tools, then the package.
#
#   bash scripts/ci_setup.sh && python -m pytest -q
#
# System packages (Debian/Ubuntu, apt) are installed only when missing:
#   libreoffice-calc    soffice --headless, to recalculate workbooks and render PDFs
#   poppler-utils       pdftoppm, to turn PDFs into images in the tests
#   fonts-wqy-microhei  a Chinese font, so PDFs show 中文 instead of boxes
# Then the package itself, editable, with its test extras, into the `python` on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-python}"
SUDO=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi
command -v "$PY" >/dev/null 2>&1 || PY=python3

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if ! command -v fc-list >/dev/null 2>&1; then
    need+=(fontconfig fonts-wqy-microhei)
elif [ -z "$(fc-list :lang=zh family 2>/dev/null)" ]; then
    need+=(fonts-wqy-microhei)
fi

if [ "${#need[@]}" -gt 0 ]; then
    echo "ci_setup: installing ${need[*]}"
    if [ "$(id -u)" -ne 0 ] && [ "${#SUDO[@]}" -eq 0 ]; then
        echo "ci_setup: 缺少系统软件包 / missing system packages: ${need[*]}" >&2
        echo "ci_setup: 请以 root 运行本脚本，或手动安装 / run as root or install them yourself" >&2
        exit 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "ci_setup: 不是 Debian/Ubuntu（没有 apt-get），请手动安装：${need[*]}" >&2
        echo "ci_setup: no apt-get here; install these yourself: ${need[*]}" >&2
        exit 1
    fi
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi

if ! "$PY" -m pip --version >/dev/null 2>&1; then
    "$PY" -m ensurepip --upgrade || {
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-pip
    }
fi

pip_args=(install -e '.[test]')
# A distribution's own Python (PEP 668) refuses pip installs unless told.
if "$PY" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))'; then
    pip_args+=(--break-system-packages)
fi
"$PY" -m pip "${pip_args[@]}"

echo "ci_setup: soffice=$(command -v soffice) pdftoppm=$(command -v pdftoppm) zh-fonts=$(fc-list :lang=zh family 2>/dev/null | head -n 1)"
