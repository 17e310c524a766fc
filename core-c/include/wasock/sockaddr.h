/*
 * The Linux sockaddr layouts as they cross the host ABI, and the decoded form
 * the core hands to its callers. One codec per family lives in
 * core-c/src/sockaddr_<family>.c.
 */
#ifndef WASOCK_SOCKADDR_H
#define WASOCK_SOCKADDR_H

#include <stdint.h>
#include <wasock/host.h>

#define WSK_SUN_PATH_OFFSET 2
#define WSK_IFNAMSIZ 16
/* sockaddr_storage: the largest address any family returns. */
#define WSK_SOCKADDR_MAX 128

/* The host is not a name: resolve it and call the codec again. */
#define WSK_ADDR_NAME 1

struct wsk_sockaddr_in {
	uint16_t family;
	uint16_t port;
	uint32_t addr;
	uint8_t zero[8];
};

struct wsk_sockaddr_in6 {
	uint16_t family;
	uint16_t port;
	uint32_t flowinfo;
	uint8_t addr[16];
	uint32_t scope_id;
};

struct wsk_sockaddr_un {
	uint16_t family;
	char path[108];
};

/* A decoded address. text is the numeric host (with any %scope) or the
 * AF_UNIX path bytes; abstract marks a Linux abstract name (CPython: bytes). */
struct wsk_addr_text {
	int32_t family;
	uint32_t port;
	uint32_t flowinfo;
	uint32_t scope_id;
	uint32_t abstract;
	uint32_t len;
	char text[112];
};

int wsk_sockaddr_in(const char *host, uint32_t port, void *sa,
		    wsk_socklen *salen);
int wsk_sockaddr_in6(const char *host, uint32_t port, uint32_t flowinfo,
		     uint32_t scope_id, void *sa, wsk_socklen *salen);
int wsk_sockaddr_un(const uint8_t *path, uint32_t len, void *sa,
		    wsk_socklen *salen);
int wsk_sockaddr_decode(const void *sa, wsk_socklen salen,
			struct wsk_addr_text *out);

int wsk_decode_in(const void *sa, wsk_socklen salen, struct wsk_addr_text *out);
int wsk_decode_in6(const void *sa, wsk_socklen salen,
		   struct wsk_addr_text *out);
int wsk_decode_un(const void *sa, wsk_socklen salen, struct wsk_addr_text *out);
void wsk_append_scope(char *text, uint32_t size, const uint8_t *addr,
		      uint32_t scope_id);

#endif
