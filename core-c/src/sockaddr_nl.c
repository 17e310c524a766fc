/*
 * AF_NETLINK addresses: (pid, groups) <-> struct sockaddr_nl. Both are
 * CPython's 'I' (any int, wrapped to 32 bits); the wrapping is the caller's.
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include <wasock/sockaddr.h>

void wsk_sockaddr_fetch(void *dst, uint32_t size, const void *sa,
			wsk_socklen salen)
{
	wsk_memset(dst, 0, size);
	wsk_memcpy(dst, sa, salen < size ? salen : size);
}

WSK_EXPORT("wsk_sockaddr_nl")
int wsk_sockaddr_nl(uint32_t pid, uint32_t groups, void *sa, wsk_socklen *salen)
{
	struct wsk_sockaddr_nl nl;

	wsk_memset(&nl, 0, sizeof nl);
	nl.family = WSK_AF_NETLINK;
	nl.pid = pid;
	nl.groups = groups;
	wsk_memcpy(sa, &nl, sizeof nl);
	*salen = sizeof nl;
	return 0;
}

int wsk_decode_nl(const void *sa, wsk_socklen salen, struct wsk_addr_text *out)
{
	struct wsk_sockaddr_nl nl;
	struct wsk_addr_tuple t;

	wsk_sockaddr_fetch(&nl, sizeof nl, sa, salen);
	wsk_memset(&t, 0, sizeof t);
	t.family = WSK_AF_NETLINK;
	t.nints = 2;
	t.ints[0] = nl.pid;
	t.ints[1] = nl.groups;
	wsk_memcpy(out, &t, sizeof t);
	return 0;
}
