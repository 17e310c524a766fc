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

/* Linux's sun_path: 108 bytes, no NUL needed when it is full. */
#define WSK_SUN_PATH_MAX 108

struct wsk_sockaddr_un {
	uint16_t family;
	char path[WSK_SUN_PATH_MAX];
};

/* A decoded address's text: the longer of a full sun_path and an IPv6 text
 * with its %scope (73 bytes), rounded up to a multiple of 4 (the struct's
 * alignment). */
#define WSK_ADDR_TEXT_MAX 112
_Static_assert(WSK_ADDR_TEXT_MAX >= WSK_SUN_PATH_MAX &&
	       WSK_ADDR_TEXT_MAX % 4 == 0, "a sun_path fits, 4-byte aligned");

/* A decoded address. text is the numeric host (with any %scope) or the
 * AF_UNIX path bytes; abstract marks a Linux abstract name (CPython: bytes). */
struct wsk_addr_text {
	int32_t family;
	uint32_t port;
	uint32_t flowinfo;
	uint32_t scope_id;
	uint32_t abstract;
	uint32_t len;
	char text[WSK_ADDR_TEXT_MAX];
};

int wsk_sockaddr_in(const char *host, uint32_t port, void *sa,
		    wsk_socklen *salen);
int wsk_sockaddr_in6(const char *host, uint32_t port, uint32_t flowinfo,
		     uint32_t scope_id, void *sa, wsk_socklen *salen);
wsk_socklen wsk_sockaddr_in_bytes(const void *addr4, uint16_t port_be, void *sa);
wsk_socklen wsk_sockaddr_in6_bytes(const void *addr16, uint16_t port_be,
				   uint32_t flowinfo, uint32_t scope_id,
				   void *sa);
int wsk_sockaddr_un(const uint8_t *path, uint32_t len, void *sa,
		    wsk_socklen *salen);
int wsk_sockaddr_decode(const void *sa, wsk_socklen salen, uint32_t proto,
			struct wsk_addr_text *out);

int wsk_decode_in(const void *sa, wsk_socklen salen, struct wsk_addr_text *out);
int wsk_decode_in6(const void *sa, wsk_socklen salen,
		   struct wsk_addr_text *out);
int wsk_decode_un(const void *sa, wsk_socklen salen, struct wsk_addr_text *out);
/* Fills family, port (from network order), text and len of an IP address. */
void wsk_decode_ip(int af, const void *addr, uint16_t port_be,
		   struct wsk_addr_text *out);
void wsk_append_scope(char *text, uint32_t size, const uint8_t *addr,
		      uint32_t scope_id);

/* ---- AF_NETLINK, AF_PACKET, AF_TIPC, AF_CAN, AF_VSOCK -----------------------
 * Their tuples are integers, with AF_PACKET's and AF_CAN's interface name
 * first and AF_PACKET's hardware address last. Decoded, they share the storage of struct
 * wsk_addr_text (family first) as struct wsk_addr_tuple: CPython's tuple is
 * [name if has_name] + ints[0..nints) + [bytes if has_bytes], every integer
 * unsigned as CPython builds it.
 */
enum {
	WSK_AF_NETLINK = 16,
	WSK_AF_PACKET = 17,
	WSK_AF_CAN = 29,
	WSK_AF_TIPC = 30,
	WSK_AF_ALG = 38,
	WSK_AF_VSOCK = 40,
};

/* AF_CAN protocols whose addresses differ (CAN_RAW and CAN_BCM: the
 * interface alone). */
enum {
	WSK_CAN_RAW = 1,
	WSK_CAN_BCM = 2,
	WSK_CAN_ISOTP = 6,
	WSK_CAN_J1939 = 7,
};

enum {
	WSK_TIPC_ADDR_NAMESEQ = 1,
	WSK_TIPC_ADDR_NAME = 2,
	WSK_TIPC_ADDR_ID = 3,
	WSK_TIPC_CLUSTER_SCOPE = 2,
};

struct wsk_sockaddr_nl {
	uint16_t family;
	uint16_t pad;
	uint32_t pid;
	uint32_t groups;
};

struct wsk_sockaddr_ll {
	uint16_t family;
	uint16_t protocol;	/* network order */
	int32_t ifindex;
	uint16_t hatype;
	uint8_t pkttype;
	uint8_t halen;
	uint8_t addr[8];
};

/* addr: NAMESEQ {type, lower, upper}, NAME {type, instance, domain},
 * ID {ref, node} (the kernel's order: ref first). */
struct wsk_sockaddr_tipc {
	uint16_t family;
	uint8_t addrtype;
	int8_t scope;
	uint32_t addr[3];
};

struct wsk_sockaddr_vm {
	uint16_t family;
	uint16_t reserved1;
	uint32_t port;
	uint32_t cid;
	uint8_t flags;
	uint8_t zero[3];
};

/* can_addr: ISO-TP {rx_id, tx_id}; J1939 {name (a u64 over addr[0..1]),
 * pgn, addr (a u8)}. Linux's union starts at offset 8 either way. */
struct wsk_sockaddr_can {
	uint16_t family;
	uint16_t pad;
	int32_t ifindex;
	uint32_t addr[4];
};

/* sockaddr_alg's strings, each NUL-terminated inside its field. */
#define WSK_ALG_TYPE_SIZE 14
#define WSK_ALG_NAME_SIZE 64

struct wsk_sockaddr_alg {
	uint16_t family;
	uint8_t type[WSK_ALG_TYPE_SIZE];
	uint32_t feat;
	uint32_t mask;
	uint8_t name[WSK_ALG_NAME_SIZE];
};

/* A decoded address as Python's tuple of ints, an interface name and raw
 * bytes: TIPC's is the longest (addrtype, three values, scope: 5 ints);
 * AF_PACKET's name is an interface name and its bytes sll_addr (8). When
 * wide is set, ints[0] and ints[1] are the high and low halves of one
 * 64-bit int (J1939's NAME). */
struct wsk_addr_tuple {
	int32_t family;
	uint32_t nints;
	uint32_t wide;
	uint32_t ints[5];
	uint32_t has_name;
	uint32_t name_len;
	char name[WSK_IFNAMSIZ + 4];
	uint32_t has_bytes;
	uint32_t bytes_len;
	uint8_t bytes[8];
};

_Static_assert(sizeof(struct wsk_addr_tuple) <= sizeof(struct wsk_addr_text),
	       "wsk_addr_tuple shares wsk_addr_text's storage");

/* Encoders: 0 and *salen set, or a negative errno (-EINVAL: TIPC's
 * "Invalid address type", a CAN protocol without an address form;
 * -ENAMETOOLONG: an AF_ALG string that fills its field). Interface names are
 * resolved by the caller. */
int wsk_sockaddr_nl(uint32_t pid, uint32_t groups, void *sa, wsk_socklen *salen);
int wsk_sockaddr_ll(uint32_t ifindex, uint32_t proto, uint32_t pkttype,
		    uint32_t hatype, const uint8_t *addr, uint32_t addrlen,
		    void *sa, wsk_socklen *salen);
int wsk_sockaddr_tipc(uint32_t addrtype, uint32_t v1, uint32_t v2, uint32_t v3,
		      uint32_t scope, void *sa, wsk_socklen *salen);
int wsk_sockaddr_vm(uint32_t cid, uint32_t port, void *sa, wsk_socklen *salen);
int wsk_sockaddr_can(uint32_t proto, uint32_t ifindex, uint64_t v1,
		     uint32_t v2, uint32_t v3, void *sa, wsk_socklen *salen);
int wsk_sockaddr_alg(const uint8_t *type, uint32_t typelen,
		     const uint8_t *name, uint32_t namelen, uint32_t feat,
		     uint32_t mask, void *sa, wsk_socklen *salen);

/* Decoders (struct wsk_addr_text storage, read as struct wsk_addr_tuple).
 * TIPC answers -EINVAL for an unknown addrtype (CPython's ValueError). */
int wsk_decode_nl(const void *sa, wsk_socklen salen, struct wsk_addr_text *out);
int wsk_decode_ll(const void *sa, wsk_socklen salen, struct wsk_addr_text *out);
int wsk_decode_tipc(const void *sa, wsk_socklen salen,
		    struct wsk_addr_text *out);
int wsk_decode_vm(const void *sa, wsk_socklen salen, struct wsk_addr_text *out);
int wsk_decode_can(const void *sa, wsk_socklen salen, uint32_t proto,
		   struct wsk_addr_text *out);
/* Names an interface index into t (CPython's SIOCGIFNAME): '' for index 0
 * or an index without a name. */
void wsk_decode_ifname(int32_t ifindex, struct wsk_addr_tuple *t);
/* Copies min(salen, size) bytes of sa into a zeroed dst (short addresses
 * decode as CPython reads its zero-filled buffer). */
void wsk_sockaddr_fetch(void *dst, uint32_t size, const void *sa,
			wsk_socklen salen);
/* Copies a built sockaddr of size bytes to sa and sets *salen: 0. */
int wsk_sockaddr_put(const void *src, uint32_t size, void *sa,
		     wsk_socklen *salen);
/* Decodes as the tuple (a, b) of family (netlink, vsock): 0. */
int wsk_decode_pair(int32_t family, uint32_t a, uint32_t b,
		    struct wsk_addr_text *out);

#endif
