#!/bin/sh
# Fuzzes the resolver's parsers (tests/native/fuzz_resolv.c) with clang's
# libFuzzer + ASan/UBSan for a bounded time, from the committed seed corpus
# tests/fuzz/resolv (new inputs go to a temporary copy). Needs clang and
# its runtime (Debian: clang, libclang-rt-*-dev). Usage: fuzz_resolv.sh [seconds]
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
src="core-c/src/rtext.c core-c/src/hosts.c core-c/src/services.c
     core-c/src/protocols.c core-c/src/resolv_conf.c core-c/src/nsswitch.c
     core-c/src/gai_conf.c core-c/src/dns_msg.c core-c/src/inet_pton.c
     core-c/src/inet_aton.c core-c/src/str.c core-c/src/byteorder.c"
# shellcheck disable=SC2086
clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Icore-c/include $src tests/native/fuzz_resolv.c -o "$out/fuzz"
mkdir -p "$out/corpus"
cp tests/fuzz/resolv/* "$out/corpus/" 2>/dev/null || true
"$out/fuzz" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 "$out/corpus" 2>&1 |
	grep -E 'stat::number_of_executed_units|Done|ERROR|SUMMARY' || true
test ! -e crash-* || { echo "fuzz_resolv: crash found"; exit 1; }
