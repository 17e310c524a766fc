/*
 * AF_TIPC addresses: (addr_type, v1, v2, v3[, scope]) <-> struct
 * sockaddr_tipc, for TIPC_ADDR_NAMESEQ (type, lower, upper), TIPC_ADDR_NAME
 * (type, instance, -) and TIPC_ADDR_ID (node, ref, -). Every value is
 * CPython's 'I' (wrapped to 32 bits by the caller), then truncated to its C
 * field; the scope defaults to TIPC_CLUSTER_SCOPE (the caller's).
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include <wasock/sockaddr.h>

WSK_EXPORT("wsk_sockaddr_tipc")
int wsk_sockaddr_tipc(uint32_t addrtype, uint32_t v1, uint32_t v2, uint32_t v3,
		      uint32_t scope, void *sa, wsk_socklen *salen)
{
	struct wsk_sockaddr_tipc tipc;

	wsk_memset(&tipc, 0, sizeof tipc);
	tipc.family = WSK_AF_TIPC;
	tipc.addrtype = (uint8_t)addrtype;
	tipc.scope = (int8_t)scope;
	/* CPython compares the full int, before truncation to addrtype. */
	switch (addrtype) {
	case WSK_TIPC_ADDR_NAMESEQ:
		tipc.addr[0] = v1;
		tipc.addr[1] = v2;
		tipc.addr[2] = v3;
		break;
	case WSK_TIPC_ADDR_NAME:
		tipc.addr[0] = v1;
		tipc.addr[1] = v2;
		break;
	case WSK_TIPC_ADDR_ID:
		tipc.addr[0] = v2;	/* ref */
		tipc.addr[1] = v1;	/* node */
		break;
	default:
		return -WSK_EINVAL;
	}
	return wsk_sockaddr_put(&tipc, sizeof tipc, sa, salen);
}

int wsk_decode_tipc(const void *sa, wsk_socklen salen,
		    struct wsk_addr_text *out)
{
	struct wsk_sockaddr_tipc tipc;
	struct wsk_addr_tuple t;

	wsk_sockaddr_fetch(&tipc, sizeof tipc, sa, salen);
	wsk_memset(&t, 0, sizeof t);
	t.family = WSK_AF_TIPC;
	t.nints = 5;
	t.ints[0] = tipc.addrtype;
	switch (tipc.addrtype) {
	case WSK_TIPC_ADDR_NAMESEQ:
		t.ints[1] = tipc.addr[0];
		t.ints[2] = tipc.addr[1];
		t.ints[3] = tipc.addr[2];
		break;
	case WSK_TIPC_ADDR_NAME:
		t.ints[1] = tipc.addr[0];
		t.ints[2] = tipc.addr[1];
		t.ints[3] = tipc.addr[1];	/* CPython repeats the instance */
		break;
	case WSK_TIPC_ADDR_ID:
		t.ints[1] = tipc.addr[1];	/* node */
		t.ints[2] = tipc.addr[0];	/* ref */
		t.ints[3] = 0;
		break;
	default:
		wsk_memcpy(out, &t, sizeof t);
		return -WSK_EINVAL;
	}
	/* A signed char passed to 'I': -1 is 4294967295. */
	t.ints[4] = (uint32_t)(int32_t)tipc.scope;
	wsk_memcpy(out, &t, sizeof t);
	return 0;
}
