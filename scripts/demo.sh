#!/usr/bin/env bash
# Quick start, command 1: set up, build, convert the bundled models and run them
# through the npm API in Node.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
node js/demo/run-fixtures.mjs
