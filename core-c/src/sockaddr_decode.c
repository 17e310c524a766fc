/*
 * One entry point that turns any sockaddr the kernel returned (recvfrom,
 * accept, getsockname, getpeername) into the parts of CPython's tuple.
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include <wasock/sockaddr.h>

/* Returns 0, or -EAFNOSUPPORT for a family without a codec (the caller then
 * falls back to CPython's (family, sa_data) form), or -EINVAL for an AF_TIPC
 * address of an unknown type (CPython's ValueError). AF_NETLINK, AF_PACKET,
 * AF_TIPC, AF_CAN and AF_VSOCK fill `out` as a struct wsk_addr_tuple. proto
 * is the socket's protocol: AF_CAN's tuple is the protocol's, not the
 * address's, as in CPython's makesockaddr. */
WSK_EXPORT("wsk_sockaddr_decode")
int wsk_sockaddr_decode(const void *sa, wsk_socklen salen, uint32_t proto,
			struct wsk_addr_text *out)
{
	uint16_t family;

	wsk_memset(out, 0, sizeof *out);
	if (salen < sizeof family)
		return -WSK_EINVAL;
	wsk_memcpy(&family, sa, sizeof family);
	out->family = family;
	switch (family) {
	case WSK_AF_INET:
		return wsk_decode_in(sa, salen, out);
	case WSK_AF_INET6:
		return wsk_decode_in6(sa, salen, out);
	case WSK_AF_UNIX:
		return wsk_decode_un(sa, salen, out);
	case WSK_AF_NETLINK:
		return wsk_decode_nl(sa, salen, out);
	case WSK_AF_PACKET:
		return wsk_decode_ll(sa, salen, out);
	case WSK_AF_TIPC:
		return wsk_decode_tipc(sa, salen, out);
	case WSK_AF_CAN:
		return wsk_decode_can(sa, salen, proto, out);
	case WSK_AF_VSOCK:
		return wsk_decode_vm(sa, salen, out);
	}
	return -WSK_EAFNOSUPPORT;
}
