/*
 * The exchange area between the TypeScript library and its core instance
 * (scratch.c): one static struct in linear memory, found through
 * wsk_scratch(). The TypeScript side reads its field offsets and buffer
 * sizes from ts-bindings/src/core-abi.generated.ts, generated from this
 * header (tools/gen-core-abi.mjs): change the layout here only.
 */
#ifndef WASOCK_SCRATCH_H
#define WASOCK_SCRATCH_H

#include <stdint.h>
#include <wasock/host.h>
#include <wasock/sockaddr.h>

/* text takes any string the library hands the core (a host and a port side
 * by side, an AF_UNIX path of at most 108 bytes, a strerror text); the
 * library refuses a longer one before the call (no host name is longer than
 * 255 bytes on the wire). opt takes raw address and option bytes, and
 * getnameinfo's service text. */
#define WSK_SCRATCH_TEXT_SIZE 1024
#define WSK_SCRATCH_OPT_SIZE 1024

struct wsk_scratch {
	uint8_t sa[WSK_SOCKADDR_MAX];
	wsk_socklen salen;
	uint32_t count;
	int32_t fds[2];
	struct wsk_addr_text addr;
	char text[WSK_SCRATCH_TEXT_SIZE];
	uint8_t opt[WSK_SCRATCH_OPT_SIZE];
	/* recvmsg's msg_controllen and msg_flags, as the addon writes them. */
	int32_t msg_out[2];
};

/* The one instance; its fields at the offsets struct wsk_scratch gives. */
struct wsk_scratch *wsk_scratch(void);

#endif
