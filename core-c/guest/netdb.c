/*
 * <netdb.h> for guests: the wasock core's netdb (the same code the
 * TypeScript library runs: getaddrinfo's flags and sort, /etc/services and
 * /etc/protocols read through the host). Names and addresses are looked up
 * by the host (lookup_host.c), which decides which names a guest may
 * resolve.
 */
#include <netdb.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasock/core.h>
#include <wasock/netdb.h>
#include <wasock/resolv.h>
#include "errno_map.h"

int h_errno;
int *__h_errno_location(void) { return &h_errno; }

static struct wsk_gai_out gai;

struct ai_block {
	struct addrinfo ai;
	uint8_t addr[WSK_GAI_ADDRMAX];
};

void freeaddrinfo(struct addrinfo *ai)
{
	while (ai) {
		struct addrinfo *next = ai->ai_next;

		free(ai->ai_canonname);
		free(ai);
		ai = next;
	}
}

int getaddrinfo(const char *restrict host, const char *restrict serv,
		const struct addrinfo *restrict hints,
		struct addrinfo **restrict res)
{
	int family = 0, socktype = 0, proto = 0, flags = 0, n, i;
	struct addrinfo *head = 0, **tail = &head;

	if (!res)
		return EAI_FAIL;
	*res = 0;
	if (hints) {
		family = hints->ai_family;
		socktype = hints->ai_socktype;
		proto = hints->ai_protocol;
		flags = hints->ai_flags;
	}
	memset(&gai, 0, sizeof gai);
	n = wsk_getaddrinfo(host, serv, family, socktype, proto, flags, &gai);
	if (n == WSK_GAI_LOOKUP)
		return EAI_NONAME;
	if (n < 0)
		return n;
	for (i = 0; i < n && i < (int)gai.count; i++) {
		struct ai_block *b = calloc(1, sizeof *b);
		const struct wsk_gai_entry *e = &gai.entries[i];

		if (!b) {
			freeaddrinfo(head);
			return EAI_MEMORY;
		}
		b->ai.ai_flags = flags;
		b->ai.ai_family = e->family;
		b->ai.ai_socktype = e->socktype;
		b->ai.ai_protocol = e->protocol;
		b->ai.ai_addrlen = e->addrlen;
		memcpy(b->addr, e->addr, e->addrlen <= sizeof b->addr ? e->addrlen : sizeof b->addr);
		b->ai.ai_addr = (struct sockaddr *)b->addr;
		if (i == 0 && gai.canonname) {
			b->ai.ai_canonname = strdup(gai.canonname);
			if (!b->ai.ai_canonname) {
				free(b);
				freeaddrinfo(head);
				return EAI_MEMORY;
			}
		}
		*tail = &b->ai;
		tail = &b->ai.ai_next;
	}
	*res = head;
	return head ? 0 : EAI_NONAME;
}

const char *gai_strerror(int code)
{
	return wsk_gai_strerror(code);
}

int getnameinfo(const struct sockaddr *restrict sa, socklen_t salen,
		char *restrict host, socklen_t hostlen, char *restrict serv,
		socklen_t servlen, int flags)
{
	int r = wsk_getnameinfo_full(sa, salen, host, host ? hostlen : 0,
				     serv, serv ? servlen : 0, flags);

	return r == WSK_GAI_LOOKUP ? EAI_NONAME : r;
}

/* ---- the static hostent/servent/protoent, as glibc's ----------------------- */

static struct hostent he;
static char *he_aliases[WSK_HOST_ADDRS + 1];
static char *he_addrs[WSK_HOST_ADDRS + 1];
static uint8_t he_bytes[WSK_HOST_ADDRS][16];

static struct hostent *hostent_from_core(void)
{
	struct wsk_hostent *h = wsk_hostent_out();
	char *p = h->names;
	uint32_t i, na = 0;

	he.h_addrtype = h->family;
	he.h_length = h->family == AF_INET6 ? 16 : 4;
	he.h_name = p;
	for (i = 0; i < h->nnames; i++) {
		if (i > 0 && na < WSK_HOST_ADDRS)
			he_aliases[na++] = p;
		p += strlen(p) + 1;
	}
	he_aliases[na] = 0;
	for (i = 0; i < h->naddrs && i < WSK_HOST_ADDRS; i++) {
		memcpy(he_bytes[i], h->addrs[i].addr, 16);
		he_addrs[i] = (char *)he_bytes[i];
	}
	he_addrs[i] = 0;
	he.h_aliases = he_aliases;
	he.h_addr_list = he_addrs;
	return &he;
}

struct hostent *gethostbyname2(const char *name, int af)
{
	int r;

	if (!name || (af != AF_INET && af != AF_INET6)) {
		h_errno = NO_RECOVERY;
		return 0;
	}
	r = wsk_gethostbyname(name, af);
	if (r) {
		h_errno = -r;
		return 0;
	}
	return hostent_from_core();
}

struct hostent *gethostbyname(const char *name)
{
	return gethostbyname2(name, AF_INET);
}

struct hostent *gethostbyaddr(const void *addr, socklen_t len, int af)
{
	int r;

	if (!addr || (af == AF_INET && len != 4) || (af == AF_INET6 && len != 16) ||
	    (af != AF_INET && af != AF_INET6)) {
		h_errno = NO_RECOVERY;
		return 0;
	}
	r = wsk_gethostbyaddr(addr, af);
	if (r) {
		h_errno = -r;
		return 0;
	}
	return hostent_from_core();
}

static struct servent se;
static char *se_aliases[1];

static struct servent *servent_from_core(void)
{
	struct wsk_servent *s = wsk_servent_out();

	se.s_name = s->name;
	se.s_aliases = se_aliases;
	se.s_port = (int)wsk_htons((uint16_t)s->port);
	se.s_proto = s->proto;
	return &se;
}

struct servent *getservbyname(const char *name, const char *proto)
{
	return name && wsk_getservbyname(name, proto) ? servent_from_core() : 0;
}

struct servent *getservbyport(int port, const char *proto)
{
	return wsk_getservbyport(wsk_ntohs((uint16_t)port), proto) ? servent_from_core() : 0;
}

static struct protoent pe;
static char pe_name[64];
static char *pe_aliases[1];

struct protoent *getprotobyname(const char *name)
{
	int n = name ? wsk_getprotobyname(name) : -1;

	if (n < 0)
		return 0;
	strncpy(pe_name, name, sizeof pe_name - 1);
	pe.p_name = pe_name;
	pe.p_aliases = pe_aliases;
	pe.p_proto = n;
	return &pe;
}

const char *hstrerror(int err)
{
	switch (err) {
	case HOST_NOT_FOUND: return "Unknown host";
	case TRY_AGAIN: return "Host name lookup failure";
	case NO_RECOVERY: return "Unknown server error";
	case NO_DATA: return "No address associated with name";
	default: return "Resolver internal error";
	}
}

void herror(const char *s)
{
	fprintf(stderr, "%s%s%s\n", s && *s ? s : "", s && *s ? ": " : "", hstrerror(h_errno));
}
