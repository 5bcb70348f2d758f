#!/usr/bin/env sh
# Makes `npx kdns` run this checkout's build: npm links the bins of dependencies
# into node_modules/.bin, but never a package's own bin.
set -e
chmod +x dist/src/main.js
mkdir -p node_modules/.bin
ln -sf ../../dist/src/main.js node_modules/.bin/kdns
