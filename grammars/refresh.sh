#!/usr/bin/env bash
# Refresh grammars/tree-sitter-c.wasm from the tree-sitter-c package on the npm registry.
# The wasm is committed so that installing iomem-lens never builds or downloads a grammar.
# Usage: grammars/refresh.sh [VERSION]   (default: the version recorded in PROVENANCE.md)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-$(sed -n 's/^- version: //p' "$here/PROVENANCE.md")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "tree-sitter-c@$version" >/dev/null)
tar -xzf "$tmp"/tree-sitter-c-*.tgz -C "$tmp" package/tree-sitter-c.wasm package/LICENSE
cp "$tmp/package/tree-sitter-c.wasm" "$here/tree-sitter-c.wasm"
cp "$tmp/package/LICENSE" "$here/LICENSE.tree-sitter-c"
sum=$(sha256sum "$here/tree-sitter-c.wasm" | cut -d' ' -f1)
cat > "$here/PROVENANCE.md" <<MD
# Where the C grammar comes from

- package: tree-sitter-c (npm registry), file \`tree-sitter-c.wasm\` of its tarball
- version: $version
- sha256: $sum
- licence: MIT (LICENSE.tree-sitter-c)

It is loaded by web-tree-sitter (see package.json for its version). Refresh with
\`grammars/refresh.sh [VERSION]\`, then run \`npm test\`: the front-end tests pin the node
shapes the analysis relies on.
MD
echo "tree-sitter-c $version -> $here/tree-sitter-c.wasm ($sum)"
