/*
 * AF_ALG addresses: (type, name[, feat[, mask]]) -> struct sockaddr_alg, for
 * bind only: Linux never hands one back (getsockname is EOPNOTSUPP, accept
 * gives no peer address). feat and mask are CPython's 'H', truncated by the
 * caller; each string must leave room for its NUL, as CPython checks.
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include <wasock/sockaddr.h>

WSK_EXPORT("wsk_sockaddr_alg")
int wsk_sockaddr_alg(const uint8_t *type, uint32_t typelen,
		     const uint8_t *name, uint32_t namelen, uint32_t feat,
		     uint32_t mask, void *sa, wsk_socklen *salen)
{
	struct wsk_sockaddr_alg alg;

	if (typelen >= sizeof alg.type || namelen >= sizeof alg.name)
		return -WSK_ENAMETOOLONG;
	wsk_memset(&alg, 0, sizeof alg);
	alg.family = WSK_AF_ALG;
	wsk_memcpy(alg.type, type, typelen);
	wsk_memcpy(alg.name, name, namelen);
	alg.feat = feat;
	alg.mask = mask;
	return wsk_sockaddr_put(&alg, sizeof alg, sa, salen);
}
