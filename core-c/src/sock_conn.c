/*
 * Creating, connecting, accepting and closing in the seed's three modes. The
 * mode lives in the descriptor's O_NONBLOCK flag exactly as CPython keeps it:
 * set whenever a timeout is in force (timeout >= 0), so poll() and not the
 * kernel decides how long an operation may take.
 */
#include <wasock/core.h>
#include <wasock/linux.h>

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

/* tried: errno of an attempt the caller already made (0 for none), as in
 * sock_io.c: the library tries accept natively first. */
WSK_EXPORT("wsk_accept")
int wsk_accept(int fd, void *sa, wsk_socklen *salen, double timeout,
	       int tried)
{
	int64_t deadline = wsk_deadline_start(timeout);
	wsk_socklen cap = *salen;
	int32_t nfd;
	int err = tried;

	if (err && !wsk_should_retry(&err, fd, WSK_POLLIN, timeout, deadline))
		return -err;
	do {
		*salen = cap;
		nfd = -1;
		err = wsk_host_accept(fd, sa, salen, 0, &nfd);
		if (!err)
			return nfd;
	} while (wsk_should_retry(&err, fd, WSK_POLLIN, timeout, deadline));
	return -err;
}

/*
 * connect(2) in the three modes, as CPython's internal_connect; what follows
 * the first answer is wsk_connect_step's rule (deadline.c), waiting here in
 * the host's poll. A timeout is WSK_ETIMEOUT (connect_ex turns it into
 * EAGAIN as CPython does). tried: errno of the caller's own first attempt
 * (0: none made), as for wsk_accept.
 */
WSK_EXPORT("wsk_connect")
int wsk_connect(int fd, const void *sa, wsk_socklen salen, double timeout,
		int tried)
{
	int err = tried ? tried : wsk_host_connect(fd, sa, salen);
	int64_t deadline;
	int s, w;

	if (!err)
		return 0;
	deadline = wsk_deadline_start(timeout);
	while ((s = wsk_connect_step(err, timeout, deadline, 0)) > 0) {
		w = wsk_poll_wait(fd, WSK_POLLOUT, s);
		if (w < 0)
			return w;
		if (w > 0)
			return wsk_connect_result(fd);
		err = WSK_EINTR;
	}
	return s;
}

/* ECONNRESET on close means the peer went first; the descriptor is gone
 * either way, so CPython does not report it, and neither do we. */
WSK_EXPORT("wsk_close")
int wsk_close(int fd)
{
	int err = wsk_host_close(fd);

	return err == WSK_ECONNRESET ? 0 : -err;
}
