/*
 * The exchange area between the TypeScript library and its core instance:
 * fixed buffers in linear memory that calls read their inputs from and write
 * their outputs to, so no call allocates. Guests never use it; they pass
 * their own memory.
 */
#include <wasock/core.h>
#include <wasock/sockaddr.h>

static struct {
	uint8_t sa[WSK_SOCKADDR_MAX];
	wsk_socklen salen;
	uint32_t count;
	int32_t fds[2];
	struct wsk_addr_text addr;
	char text[1024];
	uint8_t opt[1024];
} scratch;

WSK_EXPORT("wsk_scratch_sa")
void *wsk_scratch_sa(void) { return scratch.sa; }
WSK_EXPORT("wsk_scratch_salen")
wsk_socklen *wsk_scratch_salen(void) { return &scratch.salen; }
WSK_EXPORT("wsk_scratch_count")
uint32_t *wsk_scratch_count(void) { return &scratch.count; }
WSK_EXPORT("wsk_scratch_fds")
int32_t *wsk_scratch_fds(void) { return scratch.fds; }
WSK_EXPORT("wsk_scratch_addr")
struct wsk_addr_text *wsk_scratch_addr(void) { return &scratch.addr; }
WSK_EXPORT("wsk_scratch_text")
char *wsk_scratch_text(void) { return scratch.text; }
WSK_EXPORT("wsk_scratch_opt")
uint8_t *wsk_scratch_opt(void) { return scratch.opt; }
