/*
 * Creating, connecting, accepting and closing in the three modes of Python's
 * socket module. The mode lives in the descriptor's O_NONBLOCK flag exactly
 * as CPython keeps it: set whenever a timeout is in force (timeout >= 0), so
 * poll() and not the kernel decides how long an operation may take.
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include "sock_call.h"

WSK_EXPORT("wsk_settimeout")
int wsk_settimeout(int fd, double timeout)
{
	return -wsk_host_set_nonblock(fd, timeout >= 0);
}

WSK_EXPORT("wsk_socket")
int wsk_socket(int family, int type, int proto, double timeout)
{
	int32_t fd = -1;
	int err = wsk_host_socket(family, type, proto, &fd);

	if (err)
		return -err;
	if (timeout >= 0 && (err = wsk_host_set_nonblock(fd, 1))) {
		wsk_host_close(fd);
		return -err;
	}
	return fd;
}

struct accept_op {
	void *sa;
	wsk_socklen *salen;
	wsk_socklen cap; /* *salen as the caller gave it, for every attempt */
	int32_t nfd;	 /* out */
};

static int accept_once(int fd, void *ctx)
{
	struct accept_op *o = ctx;

	*o->salen = o->cap;
	o->nfd = -1;
	return wsk_host_accept(fd, o->sa, o->salen, 0, &o->nfd);
}

/* tried: errno of an attempt the caller already made (0 for none), as in
 * sock_io.c: the library tries accept natively first. */
WSK_EXPORT("wsk_accept")
int wsk_accept(int fd, void *sa, wsk_socklen *salen, double timeout,
	       int tried)
{
	struct accept_op o = { sa, salen, *salen, -1 };
	struct wsk_sock_call c = { fd, WSK_POLLIN, 0, accept_once,
				   wsk_next_step, &o };
	int r = wsk_sock_call(&c, timeout, tried);

	return r < 0 ? r : o.nfd;
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

/* The attempt after a wait: the outcome, as an errno. */
static int connect_outcome(int fd, void *ctx)
{
	(void)ctx;
	return -wsk_connect_result(fd);
}

/*
 * connect(2) in the three modes, as CPython's internal_connect: the first
 * answer is connect(2)'s own (or tried: the errno of the caller's own first
 * attempt, 0 when none was made, as for wsk_accept), what follows it is
 * wsk_sock_call's loop under wsk_connect_step's rule (deadline.c), waiting
 * for writability and then reading the outcome. A timeout is WSK_ETIMEOUT
 * (connect_ex turns it into EAGAIN as CPython does).
 */
WSK_EXPORT("wsk_connect")
int wsk_connect(int fd, const void *sa, wsk_socklen salen, double timeout,
		int tried)
{
	struct wsk_sock_call c = { fd, WSK_POLLOUT, WSK_CALL_CONNECT,
				   connect_outcome, wsk_connect_step, 0 };
	int err = tried ? tried : wsk_host_connect(fd, sa, salen);

	if (!err)
		return 0;
	return wsk_sock_call(&c, timeout, err);
}

/* ECONNRESET on close means the peer went first; the descriptor is gone
 * either way, so CPython does not report it, and neither do we. */
WSK_EXPORT("wsk_close")
int wsk_close(int fd)
{
	int err = wsk_host_close(fd);

	return err == WSK_ECONNRESET ? 0 : -err;
}
