/*
 * AF_CAN addresses, whose form is the socket's protocol's (CPython's
 * getsockaddrarg and makesockaddr switch on it):
 *   CAN_RAW, CAN_BCM  (interface,)
 *   CAN_ISOTP         (interface, rx_id, tx_id)        'k', 'k'
 *   CAN_J1939         (interface, name, pgn, addr)     'K', 'I', 'B'
 * The caller turns the interface name into an index (CPython's SIOCGIFINDEX,
 * '' is 0: any interface) and wraps each value to its C type.
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include <wasock/sockaddr.h>

/* v1, v2, v3: ISO-TP's rx_id and tx_id (v1 truncated to canid_t); J1939's
 * name, pgn and addr (truncated to a u8). Unused for CAN_RAW and CAN_BCM. */
WSK_EXPORT("wsk_sockaddr_can")
int wsk_sockaddr_can(uint32_t proto, uint32_t ifindex, uint64_t v1,
		     uint32_t v2, uint32_t v3, void *sa, wsk_socklen *salen)
{
	struct wsk_sockaddr_can can;

	wsk_memset(&can, 0, sizeof can);
	can.family = WSK_AF_CAN;
	can.ifindex = (int32_t)ifindex;
	switch (proto) {
	case WSK_CAN_RAW:
	case WSK_CAN_BCM:
		break;
	case WSK_CAN_ISOTP:
		can.addr[0] = (uint32_t)v1;
		can.addr[1] = v2;
		break;
	case WSK_CAN_J1939:
		wsk_memcpy(&can.addr[0], &v1, sizeof v1);
		can.addr[2] = v2;
		can.addr[3] = (uint8_t)v3;
		break;
	default:
		return -WSK_EINVAL;
	}
	return wsk_sockaddr_put(&can, sizeof can, sa, salen);
}

int wsk_decode_can(const void *sa, wsk_socklen salen, uint32_t proto,
		   struct wsk_addr_text *out)
{
	struct wsk_sockaddr_can can;
	struct wsk_addr_tuple t;
	uint64_t name;

	wsk_sockaddr_fetch(&can, sizeof can, sa, salen);
	wsk_memset(&t, 0, sizeof t);
	t.family = WSK_AF_CAN;
	wsk_decode_ifname(can.ifindex, &t);
	switch (proto) {
	case WSK_CAN_ISOTP:
		t.nints = 2;
		t.ints[0] = can.addr[0];
		t.ints[1] = can.addr[1];
		break;
	case WSK_CAN_J1939:
		wsk_memcpy(&name, &can.addr[0], sizeof name);
		t.nints = 4;
		t.wide = 1;
		t.ints[0] = (uint32_t)(name >> 32);
		t.ints[1] = (uint32_t)name;
		t.ints[2] = can.addr[2];
		t.ints[3] = can.addr[3] & 0xff;
		break;
	default:
		/* CPython's (interface,) for every other protocol. */
		break;
	}
	wsk_memcpy(out, &t, sizeof t);
	return 0;
}
