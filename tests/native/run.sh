#!/bin/sh
# Builds and runs the native differential test of the core's text functions
# against glibc. Run from the repository root: sh tests/native/run.sh [seed] [scale]
set -eu
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
src="core-c/src/inet_pton.c core-c/src/inet_ntop.c core-c/src/inet_aton.c
     core-c/src/inet_ntoa.c core-c/src/byteorder.c core-c/src/str.c
     core-c/src/mem_builtins.c core-c/src/errno_table.c
     core-c/src/gai_strerror.c"
# shellcheck disable=SC2086
gcc -std=c11 -O2 -Wall -Wextra -Werror -Icore-c/include $src \
	tests/native/test_text.c -o "$out/test_text"
"$out/test_text" "$@"
