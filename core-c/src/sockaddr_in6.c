/*
 * AF_INET6 addresses: ('host', port, flowinfo, scope_id) <-> sockaddr_in6.
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include <wasock/sockaddr.h>

/* The sockaddr of a network-order address and port; returns its length. */
wsk_socklen wsk_sockaddr_in6_bytes(const void *addr16, uint16_t port_be,
				   uint32_t flowinfo, uint32_t scope_id,
				   void *sa)
{
	struct wsk_sockaddr_in6 in6;

	wsk_memset(&in6, 0, sizeof in6);
	in6.family = WSK_AF_INET6;
	in6.port = port_be;
	in6.flowinfo = wsk_htonl(flowinfo);
	wsk_memcpy(in6.addr, addr16, 16);
	in6.scope_id = scope_id;
	wsk_memcpy(sa, &in6, sizeof in6);
	return sizeof in6;
}

WSK_EXPORT("wsk_sockaddr_in6")
int wsk_sockaddr_in6(const char *host, uint32_t port, uint32_t flowinfo,
		     uint32_t scope_id, void *sa, wsk_socklen *salen)
{
	uint8_t addr[16];

	wsk_memset(addr, 0, sizeof addr);
	/* '' means the wildcard for INET6 too; '<broadcast>' does not exist. */
	if (host[0] != 0 && wsk_inet_pton(WSK_AF_INET6, host, addr) != 1)
		return WSK_ADDR_NAME;
	*salen = wsk_sockaddr_in6_bytes(addr, wsk_htons((uint16_t)port),
					flowinfo, scope_id, sa);
	return 0;
}

static int is_link_scoped(const uint8_t *a)
{
	int unicast = a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
	int multicast = a[0] == 0xff && (a[1] & 0x0f) == 0x02;

	return unicast || multicast;
}

/*
 * glibc's getnameinfo(NI_NUMERICHOST) suffix: '%ifname' for a link-scoped
 * address whose interface exists, '%N' for any other non-zero scope.
 * Appends to text (NUL-terminated, `size` bytes in all).
 */
void wsk_append_scope(char *text, uint32_t size, const uint8_t *addr,
		      uint32_t scope_id)
{
	size_t at = wsk_strlen(text);
	char name[WSK_IFNAMSIZ + WSK_U32_DIGITS + 1];

	if (scope_id == 0 || at + sizeof name + 1 > size)
		return;
	if (!is_link_scoped(addr) ||
	    wsk_host_if_indextoname(scope_id, name, WSK_IFNAMSIZ) != 0)
		wsk_utoa(scope_id, name);
	name[sizeof name - 1] = 0;
	text[at] = '%';
	wsk_memcpy(text + at + 1, name, wsk_strlen(name) + 1);
}

int wsk_decode_in6(const void *sa, wsk_socklen salen,
		   struct wsk_addr_text *out)
{
	struct wsk_sockaddr_in6 in6;

	if (salen < sizeof in6)
		return -WSK_EINVAL;
	wsk_memcpy(&in6, sa, sizeof in6);
	/* CPython's make_ipv6_addr: plain inet_ntop, the scope is the tuple's. */
	wsk_decode_ip(WSK_AF_INET6, in6.addr, in6.port, out);
	out->flowinfo = wsk_ntohl(in6.flowinfo);
	out->scope_id = in6.scope_id;
	return 0;
}
