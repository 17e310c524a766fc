#!/bin/sh
# Builds and runs the native differential test of the core's numeric
# getaddrinfo/getnameinfo against glibc. Run from anywhere:
#     sh tests/native/run_netdb.sh [seed] [random-iterations]
set -eu
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
src="core-c/src/getaddrinfo.c core-c/src/gai_service.c
     core-c/src/getnameinfo.c core-c/src/sockaddr_in.c core-c/src/sockaddr_in6.c
     core-c/src/inet_pton.c core-c/src/inet_ntop.c core-c/src/inet_aton.c
     core-c/src/byteorder.c core-c/src/str.c core-c/src/mem_builtins.c
     core-c/src/rtext.c core-c/src/rfile.c core-c/src/hosts.c
     core-c/src/services.c core-c/src/lookup.c core-c/src/dns_msg.c
     core-c/src/dns_query.c core-c/src/resolv_conf.c core-c/src/nsswitch.c
     core-c/src/gai_conf.c core-c/src/gai_sort.c
     tests/native/host_stub_resolv.c"
# shellcheck disable=SC2086
gcc -std=c11 -O2 -Wall -Wextra -Werror -Icore-c/include $src \
	tests/native/test_netdb.c -o "$out/test_netdb"
"$out/test_netdb" "$@"
# res_hnok (which names nss_dns would ask a server for) against glibc's.
gcc -std=c11 -O2 -Wall -Wextra -Werror -Icore-c/include core-c/src/dns_msg.c \
	core-c/src/str.c core-c/src/rtext.c core-c/src/mem_builtins.c \
	tests/native/test_hnok.c -o "$out/test_hnok"
"$out/test_hnok"
