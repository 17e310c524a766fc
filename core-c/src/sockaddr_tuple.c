/*
 * What the integer-tuple codecs (AF_NETLINK, AF_PACKET, AF_TIPC, AF_CAN,
 * AF_VSOCK) share: reading a possibly short sockaddr, handing a built one
 * out, the interface name of AF_PACKET and AF_CAN, and the two-integer tuple
 * of netlink and vsock.
 */
#include <wasock/core.h>
#include <wasock/sockaddr.h>

void wsk_sockaddr_fetch(void *dst, uint32_t size, const void *sa,
			wsk_socklen salen)
{
	wsk_memset(dst, 0, size);
	wsk_memcpy(dst, sa, salen < size ? salen : size);
}

int wsk_sockaddr_put(const void *src, uint32_t size, void *sa,
		     wsk_socklen *salen)
{
	wsk_memcpy(sa, src, size);
	*salen = size;
	return 0;
}

void wsk_decode_ifname(int32_t ifindex, struct wsk_addr_tuple *t)
{
	t->has_name = 1;
	if (ifindex &&
	    wsk_host_if_indextoname((uint32_t)ifindex, t->name,
				    WSK_IFNAMSIZ) == 0) {
		t->name[WSK_IFNAMSIZ - 1] = 0;
		t->name_len = (uint32_t)wsk_strlen(t->name);
	} else {
		t->name[0] = 0;
		t->name_len = 0;
	}
}

int wsk_decode_pair(int32_t family, uint32_t a, uint32_t b,
		    struct wsk_addr_text *out)
{
	struct wsk_addr_tuple t;

	wsk_memset(&t, 0, sizeof t);
	t.family = family;
	t.nints = 2;
	t.ints[0] = a;
	t.ints[1] = b;
	wsk_memcpy(out, &t, sizeof t);
	return 0;
}
