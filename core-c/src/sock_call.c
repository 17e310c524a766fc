/*
 * The socket-op loop: the one place the sync paths wait. Shaped like
 * CPython's sock_call_ex (Modules/socketmodule.c): the operation is a
 * function and its context, tried first and tried again as the rule says.
 * The rule itself (what an errno means in which mode, how long is left) is
 * not here but in deadline.c, because the Promise API asks the same rule and
 * does its waiting on the event loop instead.
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include "sock_call.h"

/*
 * Blocks in the host's poll import for what a step asked (ms, or
 * WSK_STEP_FOREVER). Returns 1 when fd is ready (or in error: the next
 * attempt reports it), 0 when the wait ended without readiness (a timeout
 * or a signal), or -errno.
 */
static int poll_wait(int fd, int events, int step)
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
 * err is the errno of an attempt the caller already made (0: none yet); the
 * deadline starts here, as the library starts it after its own native first
 * attempt. A wait that ends without readiness simply tries again: the next
 * EAGAIN lets the rule report the timeout. Under WSK_CALL_CONNECT the attempt
 * only reads an outcome the kernel reached (connect's SO_ERROR), so it is
 * made once, after a wait that found fd ready; a wait that did not goes back
 * to the rule as EINTR, as CPython's internal_connect does.
 */
int wsk_sock_call(const struct wsk_sock_call *c, double timeout, int err)
{
	int64_t deadline = wsk_deadline_start(timeout);
	int s, w;

	for (;;) {
		if (!err) {
			err = c->attempt(c->fd, c->ctx);
			if (!err)
				return 0;
		}
		s = c->rule(err, timeout, deadline, 0);
		if (s < 0)
			return s;
		err = 0;
		if (s == WSK_STEP_RETRY)
			continue;
		w = poll_wait(c->fd, c->events, s);
		if (w < 0)
			return w;
		if (c->flags & WSK_CALL_CONNECT) {
			if (!w) {
				err = WSK_EINTR;
				continue;
			}
			return -c->attempt(c->fd, c->ctx);
		}
	}
}
