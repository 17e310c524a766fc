/*
 * AF_PACKET addresses: (ifname, proto[, pkttype[, hatype[, addr]]]) <->
 * struct sockaddr_ll. The caller turns the name into an index (CPython's
 * SIOCGIFINDEX); decoding names the index through the host, '' when it has
 * none, as CPython's SIOCGIFNAME does.
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include <wasock/sockaddr.h>

/* Values are stored as CPython does: proto in network order (0-65535 checked
 * by the caller), pkttype and hatype truncated to their C fields. */
WSK_EXPORT("wsk_sockaddr_ll")
int wsk_sockaddr_ll(uint32_t ifindex, uint32_t proto, uint32_t pkttype,
		    uint32_t hatype, const uint8_t *addr, uint32_t addrlen,
		    void *sa, wsk_socklen *salen)
{
	struct wsk_sockaddr_ll ll;

	if (addrlen > sizeof ll.addr)
		return -WSK_EINVAL;
	wsk_memset(&ll, 0, sizeof ll);
	ll.family = WSK_AF_PACKET;
	ll.protocol = wsk_htons((uint16_t)proto);
	ll.ifindex = (int32_t)ifindex;
	ll.pkttype = (uint8_t)pkttype;
	ll.hatype = (uint16_t)hatype;
	if (addrlen)
		wsk_memcpy(ll.addr, addr, addrlen);
	ll.halen = (uint8_t)addrlen;
	return wsk_sockaddr_put(&ll, sizeof ll, sa, salen);
}

int wsk_decode_ll(const void *sa, wsk_socklen salen, struct wsk_addr_text *out)
{
	struct wsk_sockaddr_ll ll;
	struct wsk_addr_tuple t;
	uint32_t halen;

	wsk_sockaddr_fetch(&ll, sizeof ll, sa, salen);
	wsk_memset(&t, 0, sizeof t);
	t.family = WSK_AF_PACKET;
	wsk_decode_ifname(ll.ifindex, &t);
	t.nints = 3;
	t.ints[0] = wsk_ntohs(ll.protocol);
	t.ints[1] = ll.pkttype;
	t.ints[2] = ll.hatype;
	/* CPython's y# with sll_halen: never more than the field holds. */
	halen = ll.halen < sizeof ll.addr ? ll.halen : sizeof ll.addr;
	t.has_bytes = 1;
	t.bytes_len = halen;
	wsk_memcpy(t.bytes, ll.addr, halen);
	wsk_memcpy(out, &t, sizeof t);
	return 0;
}
