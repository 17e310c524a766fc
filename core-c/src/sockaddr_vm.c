/*
 * AF_VSOCK addresses: (cid, port) <-> struct sockaddr_vm, both CPython's
 * 'I' (wrapped to 32 bits by the caller).
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include <wasock/sockaddr.h>

WSK_EXPORT("wsk_sockaddr_vm")
int wsk_sockaddr_vm(uint32_t cid, uint32_t port, void *sa, wsk_socklen *salen)
{
	struct wsk_sockaddr_vm vm;

	wsk_memset(&vm, 0, sizeof vm);
	vm.family = WSK_AF_VSOCK;
	vm.port = port;
	vm.cid = cid;
	return wsk_sockaddr_put(&vm, sizeof vm, sa, salen);
}

int wsk_decode_vm(const void *sa, wsk_socklen salen, struct wsk_addr_text *out)
{
	struct wsk_sockaddr_vm vm;

	wsk_sockaddr_fetch(&vm, sizeof vm, sa, salen);
	return wsk_decode_pair(WSK_AF_VSOCK, vm.cid, vm.port, out);
}
