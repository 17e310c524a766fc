/*
 * getifaddrs() for wasock guests: the host's IPv4 and IPv6 interface
 * addresses (the `ifaddrs_named` import) as glibc's list of struct ifaddrs.
 * The netmask is made from the prefix length; a link-local IPv6 address
 * carries its interface as sin6_scope_id, as glibc sets it. There are no
 * AF_PACKET entries (the host sends none), so an interface without an
 * address is not listed; if_nameindex() lists every interface.
 */
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wasock/host.h>
#include "errno_map.h"
#include "host_list.h"

/* The first guess at the number of addresses. */
#define LIST_GUESS 32

union sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* One entry, one allocation (freeifaddrs frees the chain link by link). */
struct entry {
	struct ifaddrs ifa;
	union sa addr, mask, ifu;
	char name[IF_NAMESIZE];
};

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* An address of family fam from its 4 or 16 bytes. */
static void put_addr(union sa *u, int fam, const unsigned char *bytes,
		     uint32_t scope)
{
	memset(u, 0, sizeof *u);
	u->sa.sa_family = fam;
	if (fam == AF_INET) {
		memcpy(&u->in.sin_addr, bytes, 4);
		return;
	}
	memcpy(&u->in6.sin6_addr, bytes, 16);
	u->in6.sin6_scope_id = scope;
}

/* The netmask of a prefix: plen leading one bits (at most 32 or 128). */
static void put_mask(union sa *u, int fam, uint32_t plen)
{
	unsigned char b[16] = { 0 };
	unsigned i, max = fam == AF_INET ? 32 : 128;

	if (plen > max)
		plen = max;
	for (i = 0; i < plen / 8; i++)
		b[i] = 0xff;
	if (plen % 8)
		b[i] = (unsigned char)(0xff << (8 - plen % 8));
	put_addr(u, fam, b, 0);
}

/* fe80::/10 and ff02::/16 name an interface's link. */
static int link_scoped(const unsigned char *a)
{
	return (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
	       (a[0] == 0xff && (a[1] & 0x0f) == 0x02);
}

static struct entry *make_entry(const unsigned char *r)
{
	struct entry *e = calloc(1, sizeof *e);
	int fam = (int)get32(r + WSK_IFA_FAMILY);
	uint32_t index = get32(r + WSK_IFA_INDEX);
	const unsigned char *a = r + WSK_IFA_ADDR;
	uint32_t scope = fam == AF_INET6 && link_scoped(a) ? index : 0;

	if (!e)
		return 0;
	memcpy(e->name, r + WSK_IFA_NAME, IF_NAMESIZE);
	e->name[IF_NAMESIZE - 1] = 0;
	put_addr(&e->addr, fam, a, scope);
	put_mask(&e->mask, fam, get32(r + WSK_IFA_PREFIXLEN));
	e->ifa.ifa_name = e->name;
	e->ifa.ifa_flags = get32(r + WSK_IFA_FLAGS);
	e->ifa.ifa_addr = &e->addr.sa;
	e->ifa.ifa_netmask = &e->mask.sa;
	if (get32(r + WSK_IFA_HAS_IFU)) {
		put_addr(&e->ifu, fam, r + WSK_IFA_IFU, scope);
		e->ifa.ifa_broadaddr = &e->ifu.sa;
	}
	return e;
}

/* The host's records, *n_out of them, in a buffer of malloc. */
static unsigned char *records(uint32_t *n_out)
{
	return wsk_guest_host_list(wsk_host_ifaddrs_named, WSK_IFA_SIZE, LIST_GUESS, n_out);
}

void freeifaddrs(struct ifaddrs *ifa)
{
	while (ifa) {
		struct ifaddrs *next = ifa->ifa_next;

		free(ifa);
		ifa = next;
	}
}

int getifaddrs(struct ifaddrs **out)
{
	struct ifaddrs *head = 0, **tail = &head;
	uint32_t n = 0, i;
	unsigned char *rec = records(&n);

	if (!rec)
		return -1;
	for (i = 0; i < n; i++) {
		int fam = (int)get32(rec + (size_t)i * WSK_IFA_SIZE + WSK_IFA_FAMILY);
		struct entry *e;

		if (fam != AF_INET && fam != AF_INET6)
			continue; /* a family this SDK cannot lay out */
		e = make_entry(rec + (size_t)i * WSK_IFA_SIZE);
		if (!e) {
			free(rec);
			freeifaddrs(head);
			errno = ENOMEM;
			return -1;
		}
		*tail = &e->ifa;
		tail = &e->ifa.ifa_next;
	}
	free(rec);
	*out = head;
	return 0;
}
