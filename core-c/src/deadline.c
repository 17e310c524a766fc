/*
 * Timeout bookkeeping for the seed's three modes. A socket's timeout is a
 * double in seconds as Python keeps it: negative for blocking (None), 0 for
 * non-blocking, positive for a deadline. One deadline spans a whole
 * operation, however many partial transfers and wake-ups it takes.
 */
#include <wasock/core.h>
#include <wasock/linux.h>

WSK_EXPORT("wsk_deadline_start")
int64_t wsk_deadline_start(double timeout)
{
	uint64_t now = 0;

	if (timeout <= 0)
		return 0;
	wsk_host_clock_ns(&now);
	return (int64_t)now + (int64_t)(timeout * 1e9);
}

/* Milliseconds left, rounded up as CPython rounds poll() timeouts, so a
 * sub-millisecond remainder still waits rather than spinning. */
int wsk_deadline_left_ms(int64_t deadline)
{
	uint64_t now = 0;
	int64_t left;

	wsk_host_clock_ns(&now);
	left = deadline - (int64_t)now;
	if (left <= 0)
		return 0;
	if (left > (int64_t)INT32_MAX * 1000000)
		return INT32_MAX;
	return (int)((left + 999999) / 1000000);
}

/*
 * THE rule of the operation loop, shared by the sync loop below (which waits
 * in the host's poll import) and by the Promise API (which awaits readiness
 * on the event loop, then calls again): err is the errno of one attempt,
 * deadline is wsk_deadline_start(timeout) taken at the first attempt.
 * Returns
 *   WSK_STEP_RETRY (0)       try again now (EINTR);
 *   1 .. WSK_STEP_FOREVER-1  wait for readiness up to that many ms, then try
 *                            again (a wait that times out just tries again:
 *                            the next EAGAIN reports the timeout);
 *   WSK_STEP_FOREVER         wait for readiness with no limit, then try again;
 *   < 0                      fail: -errno, or WSK_ETIMEOUT.
 * Only EAGAIN waits, and only in timeout mode, or in blocking mode when the
 * descriptor is non-blocking anyway (WSK_STEP_ASYNC: the Promise API keeps
 * every descriptor non-blocking). In the sync API's blocking mode EAGAIN can
 * only come from SO_RCVTIMEO/SO_SNDTIMEO, which CPython reports.
 */
WSK_EXPORT("wsk_next_step")
int wsk_next_step(int err, double timeout, int64_t deadline, int flags)
{
	if (err == WSK_EINTR)
		return WSK_STEP_RETRY;
	if (err != WSK_EAGAIN || timeout == 0)
		return -err;
	return wsk_step_wait(timeout, deadline, flags);
}

/* How long to wait for readiness in this mode (see wsk_next_step). */
int wsk_step_wait(double timeout, int64_t deadline, int flags)
{
	int ms;

	if (timeout < 0)
		return (flags & WSK_STEP_ASYNC) ? WSK_STEP_FOREVER : -WSK_EAGAIN;
	if (timeout == 0)
		return -WSK_EAGAIN;
	ms = wsk_deadline_left_ms(deadline);
	if (ms == 0)
		return WSK_ETIMEOUT;
	return ms >= WSK_STEP_FOREVER ? WSK_STEP_FOREVER - 1 : ms;
}

/*
 * The connect rule, as CPython's internal_connect: err is connect(2)'s answer,
 * or EINTR after a wait that ended without the socket becoming writable. 0 is
 * connected; a wait (as wsk_next_step) is for POLLOUT, after which the outcome
 * is wsk_connect_result(). EINPROGRESS waits in timeout mode (and in blocking
 * mode under WSK_STEP_ASYNC); an interrupted connect goes on in the kernel, so
 * EINTR waits in every mode but non-blocking.
 */
WSK_EXPORT("wsk_connect_step")
int wsk_connect_step(int err, double timeout, int64_t deadline, int flags)
{
	if (!err)
		return 0;
	if (err == WSK_EINTR) {
		if (timeout == 0)
			return -err;
		if (timeout < 0)
			return WSK_STEP_FOREVER;
		return wsk_step_wait(timeout, deadline, flags);
	}
	if (err != WSK_EINPROGRESS || timeout == 0)
		return -err;
	if (timeout < 0 && !(flags & WSK_STEP_ASYNC))
		return -err;
	return wsk_step_wait(timeout, deadline, flags);
}

/* After writability, the outcome of a connect is SO_ERROR: 0 or -errno. */
WSK_EXPORT("wsk_connect_result")
int wsk_connect_result(int fd)
{
	int32_t soerr = 0;
	wsk_socklen len = sizeof soerr;
	int err = wsk_host_getsockopt(fd, WSK_SOL_SOCKET, WSK_SO_ERROR, &soerr,
				      &len);

	if (err)
		return -err;
	return soerr == WSK_EISCONN ? 0 : -soerr;
}

/*
 * The sync loop's wait: blocks in the host's poll import for what a step
 * asked (ms, or WSK_STEP_FOREVER). Returns 1 when fd is ready (or in error:
 * the next attempt reports it), 0 when the wait ended without readiness (a
 * timeout or a signal), or -errno.
 */
int wsk_poll_wait(int fd, int events, int step)
{
	struct wsk_pollfd p;
	uint32_t n = 0;
	int err;

	p.fd = fd;
	p.events = (int16_t)events;
	p.revents = 0;
	err = wsk_host_poll(&p, 1, step >= WSK_STEP_FOREVER ? -1 : step, &n);
	if (err == WSK_EINTR)
		return 0;
	if (err)
		return -err;
	return n > 0;
}

/*
 * The sync loop around wsk_next_step: err is the host's answer to one
 * attempt. Returns 1 to try again (now, or after waiting here), 0 to report
 * *err (WSK_ETIMEOUT reads back as -*err).
 */
int wsk_should_retry(int *err, int fd, int events, double timeout,
		     int64_t deadline)
{
	int s = wsk_next_step(*err, timeout, deadline, 0);

	if (s > 0) {
		int w = wsk_poll_wait(fd, events, s);

		s = w < 0 ? w : 0;
	}
	if (s >= 0)
		return 1;
	*err = -s;
	return 0;
}
