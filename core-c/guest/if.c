/*
 * <net/if.h> for wasock guests: interface names and indexes, as the host
 * sees them (the `if_nametoindex`, `if_indextoname` and `if_nameindex`
 * imports). errno as glibc sets it: ENXIO for an index with no interface.
 */
#include <net/if.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wasock/host.h>
#include <wasock/linux.h>
#include "errno_map.h"
#include "host_list.h"

_Static_assert(IF_NAMESIZE == WSK_IF_NAMESIZE, "IF_NAMESIZE is the ABI's");

/* The first guess at the number of interfaces: a host with more is asked
 * again with room for them all (host_list.c). */
#define LIST_GUESS 16

unsigned int if_nametoindex(const char *name)
{
	uint32_t index = 0;
	int err;

	if (!name || !memchr(name, 0, IF_NAMESIZE)) {
		errno = ENODEV;
		return 0;
	}
	err = wsk_host_if_nametoindex(name, &index);
	if (err) {
		errno = wsk_guest_errno(err);
		return 0;
	}
	return index;
}

char *if_indextoname(unsigned int index, char *name)
{
	int err = wsk_host_if_indextoname(index, name, IF_NAMESIZE);

	if (err) {
		errno = err == WSK_ENODEV ? ENXIO : wsk_guest_errno(err);
		return 0;
	}
	return name;
}

/* The host's records, *n_out of them, in a buffer of malloc. */
static unsigned char *records(uint32_t *n_out)
{
	return wsk_guest_host_list(wsk_host_if_nameindex, WSK_IFNI_SIZE, LIST_GUESS, n_out);
}

/* One block, as musl: the array (ended by a zero entry), then the names. */
struct if_nameindex *if_nameindex(void)
{
	uint32_t n = 0, i;
	unsigned char *rec = records(&n);
	struct if_nameindex *list;
	char *names;

	if (!rec)
		return 0;
	list = malloc((n + 1) * sizeof *list + (size_t)n * IF_NAMESIZE);
	if (!list) {
		free(rec);
		errno = ENOBUFS;
		return 0;
	}
	names = (char *)(list + n + 1);
	for (i = 0; i < n; i++) {
		const unsigned char *r = rec + (size_t)i * WSK_IFNI_SIZE;

		memcpy(&list[i].if_index, r + WSK_IFNI_INDEX, 4);
		memcpy(names, r + WSK_IFNI_NAME, IF_NAMESIZE);
		names[IF_NAMESIZE - 1] = 0;
		list[i].if_name = names;
		names += IF_NAMESIZE;
	}
	list[n].if_index = 0;
	list[n].if_name = 0;
	free(rec);
	return list;
}

void if_freenameindex(struct if_nameindex *list)
{
	free(list);
}
