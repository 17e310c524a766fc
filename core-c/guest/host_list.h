/* Lists the host answers in fixed-size records (if_nameindex, ifaddrs_named). */
#ifndef WASOCK_GUEST_HOST_LIST_H
#define WASOCK_GUEST_HOST_LIST_H

#include <stdint.h>

/* A host import that writes up to max records to buf and counts them all. */
typedef int (*wsk_list_import)(void *buf, uint32_t max, uint32_t *n_out);

/* Every record, *n_out of them, in a buffer of malloc; NULL with errno set.
 * guess: the first count to make room for. */
unsigned char *wsk_guest_host_list(wsk_list_import list, uint32_t size,
				   uint32_t guess, uint32_t *n_out);

#endif
