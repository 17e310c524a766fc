/*
 * Data transfer in the seed's three modes. Each call tries the operation
 * first and waits only on EAGAIN: a ready socket costs one host call.
 * Buffers are opaque addresses passed to the host untouched, so they may
 * name memory outside this instance (the library's JS buffers).
 *
 * `tried` is the errno of an attempt the caller already made itself (0 for
 * none). The library makes the first attempt natively, because a crossing
 * into Wasm and back costs ~15% of a small-message round trip; only an
 * attempt that would block or was interrupted comes here, and the rule for
 * what happens next stays in this one place.
 */
#include <wasock/core.h>
#include <wasock/linux.h>

WSK_EXPORT("wsk_recvfrom")
int wsk_recvfrom(int fd, void *buf, uint32_t len, int flags, void *sa,
		 wsk_socklen *salen, double timeout, int tried)
{
	int64_t deadline = wsk_deadline_start(timeout);
	uint32_t n;
	int err = tried;

	if (err && !wsk_should_retry(&err, fd, WSK_POLLIN, timeout, deadline))
		return -err;
	do {
		n = 0;
		err = wsk_host_recvfrom(fd, buf, len, flags, sa, salen, &n);
		if (!err)
			return (int)n;
	} while (wsk_should_retry(&err, fd, WSK_POLLIN, timeout, deadline));
	return -err;
}

WSK_EXPORT("wsk_sendto")
int wsk_sendto(int fd, const void *buf, uint32_t len, int flags,
	       const void *sa, wsk_socklen salen, double timeout, int tried)
{
	int64_t deadline = wsk_deadline_start(timeout);
	uint32_t n;
	int err = tried;

	if (err && !wsk_should_retry(&err, fd, WSK_POLLOUT, timeout, deadline))
		return -err;
	do {
		n = 0;
		err = wsk_host_sendto(fd, buf, len, flags, sa, salen, &n);
		if (!err)
			return (int)n;
	} while (wsk_should_retry(&err, fd, WSK_POLLOUT, timeout, deadline));
	return -err;
}

/*
 * One deadline covers every partial send, as in CPython: a peer that reads
 * slowly cannot stretch a 1 s timeout into many. Returns 0, or -errno /
 * WSK_ETIMEOUT with *sent telling how much went out before the failure.
 */
WSK_EXPORT("wsk_sendall")
int wsk_sendall(int fd, const void *buf, uint32_t len, int flags,
		double timeout, uint32_t *sent, int tried)
{
	int64_t deadline = wsk_deadline_start(timeout);
	uintptr_t p = (uintptr_t)buf;
	uint32_t done = 0, n;
	int err = tried;

	if (err && !wsk_should_retry(&err, fd, WSK_POLLOUT, timeout, deadline)) {
		*sent = 0;
		return -err;
	}
	while (done < len) {
		n = 0;
		err = wsk_host_sendto(fd, (const void *)(p + done), len - done,
				      flags, 0, 0, &n);
		if (!err) {
			done += n;
			continue;
		}
		if (!wsk_should_retry(&err, fd, WSK_POLLOUT, timeout, deadline)) {
			*sent = done;
			return -err;
		}
	}
	*sent = done;
	return 0;
}
