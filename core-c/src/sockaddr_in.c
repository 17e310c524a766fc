/*
 * AF_INET addresses: ('host', port) <-> struct sockaddr_in. Hosts here are
 * already numeric or one of the two symbolic forms of Python's socket
 * module; names are resolved by the caller first (the codec answers
 * WSK_ADDR_NAME for them).
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include <wasock/sockaddr.h>

static int streq(const char *a, const char *b)
{
	size_t n = wsk_strlen(b);

	return wsk_strlen(a) == n && wsk_memcmp(a, b, n) == 0;
}

/* Python's special forms: '' is INADDR_ANY, '<broadcast>' INADDR_BROADCAST.
 * Returns 1 when host was one of them. */
static int symbolic_in(const char *host, uint32_t *addr_be)
{
	if (host[0] == 0) {
		*addr_be = 0;
		return 1;
	}
	if (streq(host, "<broadcast>")) {
		*addr_be = 0xffffffffu;
		return 1;
	}
	return 0;
}

/* The sockaddr of a network-order address and port; returns its length. */
wsk_socklen wsk_sockaddr_in_bytes(const void *addr4, uint16_t port_be, void *sa)
{
	struct wsk_sockaddr_in in;

	wsk_memset(&in, 0, sizeof in);
	in.family = WSK_AF_INET;
	in.port = port_be;
	wsk_memcpy(&in.addr, addr4, 4);
	wsk_memcpy(sa, &in, sizeof in);
	return sizeof in;
}

WSK_EXPORT("wsk_sockaddr_in")
int wsk_sockaddr_in(const char *host, uint32_t port, void *sa,
		    wsk_socklen *salen)
{
	uint32_t addr;

	if (!symbolic_in(host, &addr) &&
	    wsk_inet_pton(WSK_AF_INET, host, &addr) != 1)
		return WSK_ADDR_NAME;
	*salen = wsk_sockaddr_in_bytes(&addr, wsk_htons((uint16_t)port), sa);
	return 0;
}

/* An IP address and port as CPython's tuple has them: af, the numeric
 * text (plain inet_ntop) and the port in host order. */
void wsk_decode_ip(int af, const void *addr, uint16_t port_be,
		   struct wsk_addr_text *out)
{
	out->family = af;
	out->port = wsk_ntohs(port_be);
	wsk_inet_ntop(af, addr, out->text, sizeof out->text);
	out->len = (uint32_t)wsk_strlen(out->text);
}

int wsk_decode_in(const void *sa, wsk_socklen salen, struct wsk_addr_text *out)
{
	struct wsk_sockaddr_in in;

	if (salen < sizeof in)
		return -WSK_EINVAL;
	wsk_memcpy(&in, sa, sizeof in);
	wsk_decode_ip(WSK_AF_INET, &in.addr, in.port, out);
	return 0;
}
