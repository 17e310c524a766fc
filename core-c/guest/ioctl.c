/*
 * ioctl() for wasock guests: the four socket requests whose argument is one
 * int (FIONREAD = SIOCINQ, SIOCOUTQ, SIOCATMARK, FIONBIO, Linux numbers from
 * the SDK's <sys/ioctl.h>) go to the host's `ioctl` import; any other request
 * is ENOTTY, as Linux answers for a request a descriptor does not know.
 *
 * This definition replaces wasi-libc's ioctl (the SDK's object is linked
 * before libc.a), so what wasi-libc did for descriptors that are not sockets
 * is done here, the same way: when the host answers ENOTSOCK (a WASI file,
 * pipe or terminal of the guest), FIONBIO becomes fcntl(F_SETFL, O_NONBLOCK)
 * and FIONREAD asks WASI's poll_oneoff how many bytes are readable. A host
 * with no ioctl for this guest (ENOSYS) still gets FIONBIO through fcntl, and
 * FIONREAD the WASI way for a descriptor that is not a socket; for a socket
 * the WASI count would be a wrong number (wasi-libc's 0), so it stays ENOSYS.
 */
#include <sys/ioctl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>
#include <wasi/api.h>
#include <wasock/host.h>
#include <wasock/linux.h>
#include "errno_map.h"

/* err: the libc's (WASI) numbering; a host's Linux errno goes through
 * wsk_guest_errno first. */
static int fail(int err)
{
	errno = err;
	return -1;
}

static int set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, fl);
}

/* WASI's count of readable bytes: an fd_read subscription beside a clock
 * that expires at once, so the call never waits. */
static int wasi_readable(int fd, int *out)
{
	__wasi_subscription_t sub[2] = {
		{ .u.tag = __WASI_EVENTTYPE_FD_READ,
		  .u.u.fd_read.file_descriptor = fd },
		{ .u.tag = __WASI_EVENTTYPE_CLOCK,
		  .u.u.clock.id = __WASI_CLOCKID_MONOTONIC },
	};
	__wasi_event_t ev[2];
	__wasi_size_t n = 0, i;
	__wasi_errno_t err = __wasi_poll_oneoff(sub, ev, 2, &n);

	if (err)
		return fail(err);
	*out = 0;
	for (i = 0; i < n; i++) {
		if (ev[i].type != __WASI_EVENTTYPE_FD_READ)
			continue;
		if (ev[i].error)
			return fail(ev[i].error);
		*out = ev[i].fd_readwrite.nbytes > INT32_MAX
			? INT32_MAX : (int)ev[i].fd_readwrite.nbytes;
	}
	return 0;
}

/* Whether the host knows fd as a socket (its type is asked for). */
static int is_socket(int fd)
{
	int type;
	socklen_t len = sizeof type;

	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
}

/* A descriptor the host does not take, or a host without ioctl: what
 * wasi-libc's ioctl does, where that is right. */
static int fallback(int fd, int request, int *arg, int host_err)
{
	int sock = host_err == WSK_ENOSYS && is_socket(fd);

	switch (request) {
	case FIONBIO:
		return set_nonblock(fd, *arg);
	case FIONREAD:
		return sock ? fail(ENOSYS) : wasi_readable(fd, arg);
	default: /* SIOCOUTQ, SIOCATMARK: socket requests */
		return fail(sock ? ENOSYS : ENOTTY);
	}
}

int ioctl(int fd, int request, ...)
{
	va_list ap;
	int *arg;
	int32_t v;
	int err;

	if (request != FIONREAD && request != SIOCOUTQ &&
	    request != SIOCATMARK && request != FIONBIO)
		return fail(ENOTTY);
	va_start(ap, request);
	arg = va_arg(ap, int *);
	va_end(ap);
	if (!arg)
		return fail(EFAULT);
	v = request == FIONBIO ? *arg : 0;
	err = wsk_host_ioctl(fd, (uint32_t)request, &v);
	if (err == WSK_ENOTSOCK || err == WSK_ENOSYS)
		return fallback(fd, request, arg, err);
	if (err)
		return fail(wsk_guest_errno(err));
	if (request != FIONBIO)
		*arg = v;
	return 0;
}

int sockatmark(int fd)
{
	int at = 0;

	return ioctl(fd, SIOCATMARK, &at) < 0 ? -1 : at;
}
