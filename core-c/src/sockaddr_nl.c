/*
 * AF_NETLINK addresses: (pid, groups) <-> struct sockaddr_nl. Both are
 * CPython's 'I' (any int, wrapped to 32 bits); the wrapping is the caller's.
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include <wasock/sockaddr.h>

WSK_EXPORT("wsk_sockaddr_nl")
int wsk_sockaddr_nl(uint32_t pid, uint32_t groups, void *sa, wsk_socklen *salen)
{
	struct wsk_sockaddr_nl nl;

	wsk_memset(&nl, 0, sizeof nl);
	nl.family = WSK_AF_NETLINK;
	nl.pid = pid;
	nl.groups = groups;
	return wsk_sockaddr_put(&nl, sizeof nl, sa, salen);
}

int wsk_decode_nl(const void *sa, wsk_socklen salen, struct wsk_addr_text *out)
{
	struct wsk_sockaddr_nl nl;

	wsk_sockaddr_fetch(&nl, sizeof nl, sa, salen);
	return wsk_decode_pair(WSK_AF_NETLINK, nl.pid, nl.groups, out);
}
