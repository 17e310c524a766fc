/*
 * Timeout bookkeeping for the seed's three modes. A socket's timeout is a
 * double in seconds as Python keeps it: negative for blocking (None), 0 for
 * non-blocking, positive for a deadline. One deadline spans a whole
 * operation, however many partial transfers and wake-ups it takes.
 */
#include <wasock/core.h>
#include <wasock/linux.h>

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
 * Waits until fd is ready for `events` or the deadline passes. The caller has
 * already seen EAGAIN, so this runs only on the slow path. Returns 0 when
 * ready (or in error: the next attempt reports it), WSK_ETIMEOUT, or -errno.
 */
int wsk_wait_ready(int fd, int events, double timeout, int64_t deadline)
{
	struct wsk_pollfd p;
	uint32_t n;
	int ms, err;

	for (;;) {
		ms = -1;
		if (timeout > 0) {
			ms = wsk_deadline_left_ms(deadline);
			if (ms == 0)
				return WSK_ETIMEOUT;
		}
		p.fd = fd;
		p.events = (int16_t)events;
		p.revents = 0;
		n = 0;
		err = wsk_host_poll(&p, 1, ms, &n);
		if (err == WSK_EINTR)
			continue;
		if (err)
			return -err;
		if (n > 0)
			return 0;
	}
}

/*
 * The retry rule shared by every blocking operation: err is the host's
 * answer to one attempt. Returns 1 to try again, 0 to report err as is.
 * Only timeout mode waits on EAGAIN: in the other modes it is the caller's
 * error (in blocking mode it can only come from SO_RCVTIMEO/SO_SNDTIMEO,
 * which CPython also reports rather than retries).
 */
int wsk_should_retry(int *err, int fd, int events, double timeout,
		     int64_t deadline)
{
	int w;

	if (*err == WSK_EINTR)
		return 1;
	if (*err != WSK_EAGAIN || timeout <= 0)
		return 0;
	w = wsk_wait_ready(fd, events, timeout, deadline);
	if (w == 0)
		return 1;
	*err = -w;
	return 0;
}
