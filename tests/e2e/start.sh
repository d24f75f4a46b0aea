# tests/e2e/start.sh - how an end-to-end script run as `sh tests/e2e/NAME.sh
# BINARY` starts: $bin is BINARY as an absolute path, $root the repository
# (the working directory from here on), $tmp a directory removed at exit.
# Sourced first thing: `. "$(dirname "$0")/start.sh"` ($0 and $1 are the
# script's own). Scripts that must also stop a server or unmount at exit set
# their own trap instead.
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
