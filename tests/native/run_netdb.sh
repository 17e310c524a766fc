#!/bin/sh
# Builds and runs the native differential test of the core's numeric
# getaddrinfo/getnameinfo against glibc. Run from anywhere:
#     sh tests/native/run_netdb.sh [seed] [random-iterations]
set -eu
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
src="core-c/src/getaddrinfo.c core-c/src/gai_service.c
     core-c/src/getnameinfo.c core-c/src/sockaddr_in6.c
     core-c/src/inet_pton.c core-c/src/inet_ntop.c core-c/src/inet_aton.c
     core-c/src/byteorder.c core-c/src/str.c core-c/src/mem_builtins.c"
# shellcheck disable=SC2086
gcc -std=c11 -O2 -Wall -Wextra -Werror -Icore-c/include $src \
	tests/native/test_netdb.c -o "$out/test_netdb"
"$out/test_netdb" "$@"
