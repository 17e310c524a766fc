/*
 * A host list of unknown length: ask with room for a guess, and again with
 * room for the count the host reported, until it fits.
 */
#include <errno.h>
#include <stdlib.h>
#include "errno_map.h"
#include "host_list.h"

/* The host's count may grow between two calls (an interface or address
 * appears): ask again this many times before giving up with EAGAIN. */
#define LIST_TRIES 4

unsigned char *wsk_guest_host_list(wsk_list_import list, uint32_t size,
				   uint32_t guess, uint32_t *n_out)
{
	uint32_t max = guess, n = 0;
	unsigned char *buf;
	int tries, err;

	for (tries = 0; tries < LIST_TRIES; tries++) {
		buf = malloc((size_t)max * size + 1);
		if (!buf)
			return 0;
		err = list(buf, max, &n);
		if (err) {
			free(buf);
			errno = wsk_guest_errno(err);
			return 0;
		}
		if (n <= max) {
			*n_out = n;
			return buf;
		}
		free(buf);
		max = n;
	}
	errno = EAGAIN;
	return 0;
}
