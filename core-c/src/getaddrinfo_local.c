/*
 * getaddrinfo without the network, for an event loop that answers on its
 * own thread what the hosts file decides and hands only DNS to a worker.
 * Apart from getaddrinfo.c because it needs the core's own resolver
 * (lookup.c), which a guest's build leaves out: a guest's names are looked
 * up by its host.
 */
#include <wasock/core.h>
#include <wasock/netdb.h>
#include <wasock/resolv.h>

WSK_EXPORT("wsk_getaddrinfo_local")
int wsk_getaddrinfo_local(const char *host, const char *serv, int family,
			  int socktype, int proto, int flags,
			  struct wsk_gai_out *out)
{
	return wsk_getaddrinfo_by(host, serv, family, socktype, proto, flags,
				  out, wsk_lookup_name_local);
}
