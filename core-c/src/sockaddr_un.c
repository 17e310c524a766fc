/*
 * AF_UNIX addresses: a path (str or bytes) <-> struct sockaddr_un, with
 * Linux's abstract names (a leading NUL, length from salen, no terminator)
 * and autobind (an empty name).
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include <wasock/sockaddr.h>

/* CPython's rule: an abstract (or empty) name may fill sun_path entirely; a
 * regular path needs room for its NUL. Too long is -ENAMETOOLONG. */
WSK_EXPORT("wsk_sockaddr_un")
int wsk_sockaddr_un(const uint8_t *path, uint32_t len, void *sa,
		    wsk_socklen *salen)
{
	struct wsk_sockaddr_un un;
	int abstract = len == 0 || path[0] == 0;
	uint32_t room = abstract ? sizeof un.path : sizeof un.path - 1;

	if (len > room)
		return -WSK_ENAMETOOLONG;
	wsk_memset(&un, 0, sizeof un);
	un.family = WSK_AF_UNIX;
	wsk_memcpy(un.path, path, len);
	*salen = (wsk_socklen)(WSK_SUN_PATH_OFFSET + len + !abstract);
	wsk_memcpy(sa, &un, *salen);
	return 0;
}

/* An abstract name is every byte salen covers; a path ends at its NUL or at
 * salen, whichever is first. An unnamed socket decodes to an empty path. */
int wsk_decode_un(const void *sa, wsk_socklen salen, struct wsk_addr_text *out)
{
	const uint8_t *path = (const uint8_t *)sa + WSK_SUN_PATH_OFFSET;
	uint32_t n = 0, max;

	if (salen > sizeof(struct wsk_sockaddr_un))
		salen = sizeof(struct wsk_sockaddr_un);
	max = salen > WSK_SUN_PATH_OFFSET ? salen - WSK_SUN_PATH_OFFSET : 0;
	out->family = WSK_AF_UNIX;
	out->abstract = max > 0 && path[0] == 0;
	if (out->abstract)
		n = max;
	else
		while (n < max && path[n])
			n++;
	wsk_memcpy(out->text, path, n);
	out->text[n] = 0;
	out->len = n;
	return 0;
}
