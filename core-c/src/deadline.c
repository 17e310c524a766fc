/*
 * Timeout bookkeeping for the three modes of Python's socket module
 * (blocking, non-blocking, timeout). A socket's timeout is a double in
 * seconds as Python keeps it: negative for blocking (None), 0 for
 * non-blocking, positive for a deadline. One deadline spans a whole
 * operation, however many partial transfers and wake-ups it takes.
 *
 * Everything here but the clock read is a pure rule: an errno, a mode and a
 * deadline in, what to do next out. The loops that act on it are
 * wsk_sock_call (sock_call.c) for the sync paths and the Promise API's
 * driver in the TypeScript library.
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
 * THE rule of the operation loop, shared by the sync loop (wsk_sock_call in
 * sock_call.c, which waits in the host's poll import) and by the Promise API
 * (which awaits readiness on the event loop, then calls again): err is the errno of one attempt,
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
 * connected; a wait (as wsk_next_step) is for POLLOUT, after which the
 * outcome is wsk_connect_result() (sock_conn.c). EINPROGRESS waits in timeout
 * mode (and in blocking mode under WSK_STEP_ASYNC); an interrupted connect
 * goes on in the kernel, so EINTR waits in every mode but non-blocking.
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
