/*
 * One entry point that turns any sockaddr the kernel returned (recvfrom,
 * accept, getsockname, getpeername) into the parts of CPython's tuple.
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include <wasock/sockaddr.h>

/* Returns 0, or -EAFNOSUPPORT for a family without a codec (the caller then
 * falls back to CPython's (family, sa_data) form). */
WSK_EXPORT("wsk_sockaddr_decode")
int wsk_sockaddr_decode(const void *sa, wsk_socklen salen,
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
	}
	return -WSK_EAFNOSUPPORT;
}
