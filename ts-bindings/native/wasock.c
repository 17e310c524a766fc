/*
 * wasock N-API addon: raw socket syscalls for the TypeScript host, and the
 * module's registration. The conventions every function follows (result or
 * -errno, buffers, offsets) are at the top of addon.h.
 *
 * The data path (send/recv/sendto/recvfrom/poll) allocates nothing and creates
 * no JS objects besides the returned number; I/O goes straight into the
 * caller's memory.
 */
#include "addon.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/sockios.h>

/* The record layouts and ioctl numbers of the host import ABI. */
#include <wasock/host.h>

#define WASOCK_ADDON_VERSION 1

/*
 * An offset or length: an integral number in [-1, 2^53]. Non-numbers -> -EINVAL,
 * non-integral / out-of-range numbers -> -EFAULT.
 */
static inline int arg_off(napi_env env, napi_value v, int64_t *out)
{
	double d;
	if (UNLIKELY(napi_get_value_double(env, v, &d) != napi_ok))
		return -EINVAL;
	if (UNLIKELY(!(d >= -1.0 && d <= MAX_SAFE)))
		return -EFAULT;
	int64_t i = (int64_t)d;
	if (UNLIKELY((double)i != d))
		return -EFAULT;
	*out = i;
	return 0;
}

/* Base pointer and byte length of an ArrayBuffer or ArrayBufferView. */
static inline int arg_mem(napi_env env, napi_value v, char **base,
			  size_t *size)
{
	void *p;
	size_t n;
	/* napi_get_buffer_info accepts any ArrayBufferView (Buffer, every
	 * TypedArray, DataView) and already applies the view's byte offset. */
	if (LIKELY(napi_get_buffer_info(env, v, &p, &n) == napi_ok)) {
		*base = p;
		*size = n;
		return 0;
	}
	if (napi_get_arraybuffer_info(env, v, &p, &n) == napi_ok) {
		*base = p;
		*size = n;
		return 0;
	}
	return -EINVAL;
}

/* off/len inside [0, size]; -1 is not allowed here. */
static inline int in_bounds(int64_t off, int64_t len, size_t size)
{
	return off >= 0 && len >= 0 && (uint64_t)off + (uint64_t)len <= size;
}

/* Resolve (buf, off, len) into a pointer and length. */
static inline int arg_range(napi_env env, napi_value bufv, napi_value offv,
			    napi_value lenv, char **p, size_t *len)
{
	char *base;
	size_t size;
	int64_t off, n;
	int rc;
	if (UNLIKELY((rc = arg_mem(env, bufv, &base, &size)) != 0))
		return rc;
	if (UNLIKELY((rc = arg_off(env, offv, &off)) != 0))
		return rc;
	if (UNLIKELY((rc = arg_off(env, lenv, &n)) != 0))
		return rc;
	if (UNLIKELY(!in_bounds(off, n, size)))
		return -EFAULT;
	*p = base + off;
	*len = (size_t)n;
	return 0;
}

static inline uint32_t load_u32(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline void store_u32(char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/*
 * An optional in/out (sockaddr, socklen) pair in mem: saOff == -1 -> NULL.
 * Otherwise the uint32 at lenOff must lie in mem and saOff..saOff+*len too.
 */
static int arg_sa_out(napi_env env, napi_value memv, napi_value saoffv,
		      napi_value lenoffv, char **sa, char **lenp,
		      socklen_t *salen)
{
	char *base;
	size_t size;
	int64_t saoff, lenoff;
	int rc;
	if ((rc = arg_off(env, saoffv, &saoff)) != 0)
		return rc;
	if (saoff == -1) {
		*sa = NULL;
		*lenp = NULL;
		*salen = 0;
		return 0;
	}
	if ((rc = arg_mem(env, memv, &base, &size)) != 0)
		return rc;
	if ((rc = arg_off(env, lenoffv, &lenoff)) != 0)
		return rc;
	if (!in_bounds(lenoff, 4, size))
		return -EFAULT;
	uint32_t l = load_u32(base + lenoff);
	if (!in_bounds(saoff, l, size))
		return -EFAULT;
	*sa = base + saoff;
	*lenp = base + lenoff;
	*salen = (socklen_t)l;
	return 0;
}

/* An input (mem, off, len) block; off == -1 -> NULL (len kept). */
static int arg_in_block(napi_env env, napi_value memv, napi_value offv,
			napi_value lenv, const char **p, socklen_t *len)
{
	char *base;
	size_t size;
	int64_t off, n;
	int rc;
	if ((rc = arg_off(env, offv, &off)) != 0)
		return rc;
	if ((rc = arg_off(env, lenv, &n)) != 0)
		return rc;
	if (off == -1) {
		/* NULL with a length: setsockopt(level, name, None, optlen). */
		*p = NULL;
		*len = (socklen_t)n;
		return 0;
	}
	if ((rc = arg_mem(env, memv, &base, &size)) != 0)
		return rc;
	if (!in_bounds(off, n, size) || n > UINT32_MAX)
		return -EFAULT;
	*p = base + off;
	*len = (socklen_t)n;
	return 0;
}

#define CHECK(expr)                           \
	do {                                  \
		int rc_ = (expr);             \
		if (UNLIKELY(rc_ != 0))       \
			return ret_int(env, rc_); \
	} while (0)

/* The result r of a call with an in/out length (-errno when it failed),
 * after storing the length back when the caller passed one. */
static inline napi_value ret_len(napi_env env, int64_t r, char *lenp,
				 socklen_t len)
{
	if (UNLIKELY(r < 0))
		return ret_int(env, -(int64_t)errno);
	if (lenp)
		store_u32(lenp, len);
	return ret_int(env, r);
}

/* ---- sockets --------------------------------------------------------- */

/* socket(domain, type, proto) -> fd */
static napi_value f_socket(napi_env env, napi_callback_info info)
{
	ARGS(3);
	I32(domain, 0);
	I32(type, 1);
	I32(proto, 2);
	RET_SYS(socket(domain, type | SOCK_CLOEXEC, proto));
}

/* socketpair(domain, type, proto, mem, off) -> 0; two int32 fds at mem+off */
static napi_value f_socketpair(napi_env env, napi_callback_info info)
{
	ARGS(5);
	I32(domain, 0);
	I32(type, 1);
	I32(proto, 2);
	char *base;
	size_t size;
	int64_t off;
	CHECK(arg_mem(env, argv[3], &base, &size));
	CHECK(arg_off(env, argv[4], &off));
	if (!in_bounds(off, 8, size))
		RET_ERR(EFAULT);
	char *p = base + off;
	int sv[2];
	if (socketpair(domain, type | SOCK_CLOEXEC, proto, sv) < 0)
		RET_ERR(errno);
	memcpy(p, sv, 8);
	return ret_int(env, 0);
}

typedef int (*addr_fn)(int, const struct sockaddr *, socklen_t);

/* (fd, mem, off, len): a call that takes one input sockaddr. */
static napi_value sock_addr(napi_env env, napi_callback_info info, addr_fn fn)
{
	ARGS(4);
	I32(fd, 0);
	const char *sa;
	socklen_t len;
	CHECK(arg_in_block(env, argv[1], argv[2], argv[3], &sa, &len));
	RET_SYS(fn(fd, (const struct sockaddr *)sa, len));
}

/* bind(fd, mem, off, len) */
static napi_value f_bind(napi_env env, napi_callback_info info)
{
	return sock_addr(env, info, bind);
}

/* connect(fd, mem, off, len) */
static napi_value f_connect(napi_env env, napi_callback_info info)
{
	return sock_addr(env, info, connect);
}

/* listen(fd, backlog) */
static napi_value f_listen(napi_env env, napi_callback_info info)
{
	ARGS(2);
	I32(fd, 0);
	I32(backlog, 1);
	RET_SYS(listen(fd, backlog));
}

/* accept4(fd, mem, saOff, salenOff, flags) -> newfd */
static napi_value f_accept4(napi_env env, napi_callback_info info)
{
	ARGS(5);
	I32(fd, 0);
	I32(flags, 4);
	char *sa, *lenp;
	socklen_t salen;
	CHECK(arg_sa_out(env, argv[1], argv[2], argv[3], &sa, &lenp, &salen));
	int r = accept4(fd, (struct sockaddr *)sa, sa ? &salen : NULL,
			flags | SOCK_CLOEXEC);
	return ret_len(env, r, lenp, salen);
}

/* send(fd, buf, off, len, flags) -> n */
static napi_value f_send(napi_env env, napi_callback_info info)
{
	ARGS(5);
	I32(fd, 0);
	I32(flags, 4);
	char *p;
	size_t n;
	CHECK(arg_range(env, argv[1], argv[2], argv[3], &p, &n));
	RET_SYS(send(fd, p, n, flags | MSG_NOSIGNAL));
}

/* sendto(fd, buf, off, len, flags, mem, saOff, saLen) -> n */
static napi_value f_sendto(napi_env env, napi_callback_info info)
{
	ARGS(8);
	I32(fd, 0);
	I32(flags, 4);
	char *p;
	size_t n;
	CHECK(arg_range(env, argv[1], argv[2], argv[3], &p, &n));
	const char *sa;
	socklen_t salen;
	CHECK(arg_in_block(env, argv[5], argv[6], argv[7], &sa, &salen));
	RET_SYS(sendto(fd, p, n, flags | MSG_NOSIGNAL,
		       (const struct sockaddr *)sa, salen));
}

/* recv(fd, buf, off, len, flags) -> n */
static napi_value f_recv(napi_env env, napi_callback_info info)
{
	ARGS(5);
	I32(fd, 0);
	I32(flags, 4);
	char *p;
	size_t n;
	CHECK(arg_range(env, argv[1], argv[2], argv[3], &p, &n));
	RET_SYS(recv(fd, p, n, flags));
}

/* recvfrom(fd, buf, off, len, flags, mem, saOff, salenOff) -> n */
static napi_value f_recvfrom(napi_env env, napi_callback_info info)
{
	ARGS(8);
	I32(fd, 0);
	I32(flags, 4);
	char *p;
	size_t n;
	CHECK(arg_range(env, argv[1], argv[2], argv[3], &p, &n));
	char *sa, *lenp;
	socklen_t salen;
	CHECK(arg_sa_out(env, argv[5], argv[6], argv[7], &sa, &lenp, &salen));
	ssize_t r = recvfrom(fd, p, n, flags, (struct sockaddr *)sa,
			     sa ? &salen : NULL);
	return ret_len(env, r, lenp, salen);
}

/*
 * The iovecs of a JS array of ArrayBufferViews, into iov (room for
 * WSK_IOV_MAX, Linux's UIO_MAXIOV: a longer message is EMSGSIZE, as the
 * kernel answers). The views' memory is used in place.
 */
static int arg_iov(napi_env env, napi_value arr, struct iovec *iov,
		   size_t *n)
{
	uint32_t len;
	if (napi_get_array_length(env, arr, &len) != napi_ok)
		return -EINVAL;
	if (len > WSK_IOV_MAX)
		return -EMSGSIZE;
	for (uint32_t i = 0; i < len; i++) {
		napi_value v;
		char *p;
		size_t size;
		int rc;
		if (napi_get_element(env, arr, i, &v) != napi_ok)
			return -EINVAL;
		if ((rc = arg_mem(env, v, &p, &size)) != 0)
			return rc;
		iov[i].iov_base = p;
		iov[i].iov_len = size;
	}
	*n = len;
	return 0;
}

/* An optional control buffer: null -> none; else a view, used in place. */
static int arg_control(napi_env env, napi_value v, struct msghdr *msg)
{
	napi_valuetype t;
	char *p;
	size_t size;
	int rc;
	if (napi_typeof(env, v, &t) != napi_ok)
		return -EINVAL;
	if (t == napi_null)
		return 0;
	if ((rc = arg_mem(env, v, &p, &size)) != 0)
		return rc;
	msg->msg_control = size ? p : NULL;
	msg->msg_controllen = size;
	return 0;
}

/* The (buffers, control) arguments 1 and 2 of sendmsg and recvmsg into msg,
 * its iovecs in iov. */
static int arg_msg(napi_env env, napi_value *argv, struct iovec *iov,
		   struct msghdr *msg)
{
	int rc = arg_iov(env, argv[1], iov, &msg->msg_iovlen);
	if (rc != 0)
		return rc;
	msg->msg_iov = iov;
	return arg_control(env, argv[2], msg);
}

/* sendmsg(fd, buffers, control|null, flags, mem, saOff, saLen) -> n.
 * buffers: an array of views sent as one iovec; control: the control
 * messages in the kernel's layout; saOff -1: no address. */
static napi_value f_sendmsg(napi_env env, napi_callback_info info)
{
	ARGS(7);
	I32(fd, 0);
	I32(flags, 3);
	struct iovec iov[WSK_IOV_MAX];
	struct msghdr msg = { 0 };
	const char *sa;
	socklen_t salen;
	CHECK(arg_msg(env, argv, iov, &msg));
	CHECK(arg_in_block(env, argv[4], argv[5], argv[6], &sa, &salen));
	msg.msg_name = (void *)sa;
	msg.msg_namelen = sa ? salen : 0;
	RET_SYS(sendmsg(fd, &msg, flags | MSG_NOSIGNAL));
}

/*
 * recvmsg(fd, buffers, control|null, flags, mem, saOff, salenOff, outOff)
 * -> n. Scatters into the views of buffers; the sender's address goes to
 * (saOff, salenOff) as for recvfrom (saOff -1: none); msg_controllen and
 * msg_flags are stored as two int32s at mem+outOff. Received descriptors
 * are close-on-exec (MSG_CMSG_CLOEXEC), as every descriptor the addon
 * makes.
 */
static napi_value f_recvmsg(napi_env env, napi_callback_info info)
{
	ARGS(8);
	I32(fd, 0);
	I32(flags, 3);
	struct iovec iov[WSK_IOV_MAX];
	struct msghdr msg = { 0 };
	char *base, *sa, *lenp;
	size_t size;
	socklen_t salen;
	int64_t outoff;
	CHECK(arg_msg(env, argv, iov, &msg));
	CHECK(arg_sa_out(env, argv[4], argv[5], argv[6], &sa, &lenp, &salen));
	CHECK(arg_mem(env, argv[4], &base, &size));
	CHECK(arg_off(env, argv[7], &outoff));
	if (!in_bounds(outoff, 8, size))
		RET_ERR(EFAULT);
	msg.msg_name = sa;
	msg.msg_namelen = salen;
	ssize_t r = recvmsg(fd, &msg, flags | MSG_CMSG_CLOEXEC);
	if (r >= 0) {
		store_u32(base + outoff, (uint32_t)msg.msg_controllen);
		/* The kernel echoes MSG_CMSG_CLOEXEC in msg_flags: shown only
		 * when the caller asked for it, as CPython shows it. */
		store_u32(base + outoff + 4,
			  (uint32_t)(msg.msg_flags &
				     ~(MSG_CMSG_CLOEXEC & ~flags)));
	}
	return ret_len(env, r, lenp, msg.msg_namelen);
}

/* shutdown(fd, how) */
static napi_value f_shutdown(napi_env env, napi_callback_info info)
{
	ARGS(2);
	I32(fd, 0);
	I32(how, 1);
	RET_SYS(shutdown(fd, how));
}


/* close(fd). EINTR on Linux still closes the fd: report success. The
 * Promise API's watch on fd (readiness.c) is dropped first. */
static napi_value f_close(napi_env env, napi_callback_info info)
{
	ARGS(1);
	I32(fd, 0);
	readiness_forget(fd);
	int r = close(fd);
	if (r < 0 && errno != EINTR)
		RET_ERR(errno);
	return ret_int(env, 0);
}

/* getsockopt(fd, level, name, mem, valOff, lenOff); uint32 len in/out */
static napi_value f_getsockopt(napi_env env, napi_callback_info info)
{
	ARGS(6);
	I32(fd, 0);
	I32(level, 1);
	I32(name, 2);
	char *val, *lenp;
	socklen_t len;
	CHECK(arg_sa_out(env, argv[3], argv[4], argv[5], &val, &lenp, &len));
	int r = getsockopt(fd, level, name, val, val ? &len : NULL);
	return ret_len(env, r, lenp, len);
}

/* setsockopt(fd, level, name, mem, valOff, len) */
static napi_value f_setsockopt(napi_env env, napi_callback_info info)
{
	ARGS(6);
	I32(fd, 0);
	I32(level, 1);
	I32(name, 2);
	const char *val;
	socklen_t len;
	CHECK(arg_in_block(env, argv[3], argv[4], argv[5], &val, &len));
	RET_SYS(setsockopt(fd, level, name, val, len));
}

typedef int (*name_fn)(int, struct sockaddr *, socklen_t *);

static napi_value sock_name(napi_env env, napi_callback_info info, name_fn fn)
{
	ARGS(4);
	I32(fd, 0);
	char *sa, *lenp;
	socklen_t salen;
	CHECK(arg_sa_out(env, argv[1], argv[2], argv[3], &sa, &lenp, &salen));
	int r = fn(fd, (struct sockaddr *)sa, sa ? &salen : NULL);
	return ret_len(env, r, lenp, salen);
}

/* getsockname(fd, mem, saOff, salenOff) */
static napi_value f_getsockname(napi_env env, napi_callback_info info)
{
	return sock_name(env, info, getsockname);
}

/* getpeername(fd, mem, saOff, salenOff) */
static napi_value f_getpeername(napi_env env, napi_callback_info info)
{
	return sock_name(env, info, getpeername);
}

/* poll(mem, off, nfds, timeoutMs) -> n; struct pollfd[nfds] at mem+off */
static napi_value f_poll(napi_env env, napi_callback_info info)
{
	ARGS(4);
	char *base;
	size_t size;
	int64_t off, nfds;
	I32(timeout, 3);
	CHECK(arg_off(env, argv[1], &off));
	CHECK(arg_off(env, argv[2], &nfds));
	if (nfds < 0 || nfds > (int64_t)UINT32_MAX)
		RET_ERR(EINVAL);
	CHECK(arg_mem(env, argv[0], &base, &size));
	if (!in_bounds(off, nfds * (int64_t)sizeof(struct pollfd), size))
		RET_ERR(EFAULT);
	/* The kernel copies the array bytewise: alignment does not matter. */
	RET_SYS(poll((struct pollfd *)(base + off), (nfds_t)nfds, timeout));
}

/* setNonblock(fd, on) -> 0 */
static napi_value f_setNonblock(napi_env env, napi_callback_info info)
{
	ARGS(2);
	I32(fd, 0);
	bool b;
	int32_t on;
	if (napi_get_value_bool(env, argv[1], &b) == napi_ok)
		on = b;
	else if (arg_i32(env, argv[1], &on))
		RET_ERR(EINVAL);
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		RET_ERR(errno);
	int nfl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
	if (nfl != fl && fcntl(fd, F_SETFL, nfl) < 0)
		RET_ERR(errno);
	return ret_int(env, 0);
}

/* getNonblock(fd) -> 0/1 */
static napi_value f_getNonblock(napi_env env, napi_callback_info info)
{
	ARGS(1);
	I32(fd, 0);
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		RET_ERR(errno);
	return ret_int(env, (fl & O_NONBLOCK) ? 1 : 0);
}

/* dup(fd) -> newfd (close-on-exec) */
static napi_value f_dup(napi_env env, napi_callback_info info)
{
	ARGS(1);
	I32(fd, 0);
	RET_SYS(fcntl(fd, F_DUPFD_CLOEXEC, 0));
}

/* getInheritable(fd) -> 0/1: the inverse of FD_CLOEXEC, as os.get_inheritable. */
static napi_value f_getInheritable(napi_env env, napi_callback_info info)
{
	ARGS(1);
	I32(fd, 0);
	int flags = fcntl(fd, F_GETFD);
	if (flags < 0)
		RET_ERR(errno);
	return ret_int(env, !(flags & FD_CLOEXEC));
}

/* setInheritable(fd, on) -> 0 */
static napi_value f_setInheritable(napi_env env, napi_callback_info info)
{
	ARGS(2);
	I32(fd, 0);
	I32(on, 1);
	int flags = fcntl(fd, F_GETFD);
	if (flags < 0)
		RET_ERR(errno);
	flags = on ? flags & ~FD_CLOEXEC : flags | FD_CLOEXEC;
	RET_SYS(fcntl(fd, F_SETFD, flags));
}

/* fdType(fd) -> st_mode & S_IFMT */
static napi_value f_fdType(napi_env env, napi_callback_info info)
{
	ARGS(1);
	I32(fd, 0);
	struct stat st;
	if (fstat(fd, &st) < 0)
		RET_ERR(errno);
	return ret_int(env, st.st_mode & S_IFMT);
}

/* The ABI names the requests by their Linux numbers; this is Linux. */
_Static_assert(FIONREAD == WSK_FIONREAD && SIOCINQ == WSK_SIOCINQ &&
	       SIOCOUTQ == WSK_SIOCOUTQ && SIOCATMARK == WSK_SIOCATMARK &&
	       FIONBIO == WSK_FIONBIO, "ioctl numbers differ from the ABI's");

/*
 * ioctlInt(fd, request, value) -> int result >= 0 | -errno, for the four
 * requests whose argument is one int: FIONREAD/SIOCINQ, SIOCOUTQ and
 * SIOCATMARK (the result is the int the kernel wrote), FIONBIO (value is
 * the int passed; the result is 0). Every other request is refused here with
 * ENOTTY, whatever the caller checked: no request that takes a pointer or a
 * structure can be made through this function.
 */
static napi_value f_ioctlInt(napi_env env, napi_callback_info info)
{
	ARGS(3);
	I32(fd, 0);
	uint32_t req;
	if (napi_get_value_uint32(env, argv[1], &req) != napi_ok)
		RET_ERR(EINVAL);
	I32(value, 2);
	int arg = value;
	switch (req) {
	case FIONREAD:
	case SIOCOUTQ:
	case SIOCATMARK:
		arg = 0;
		if (ioctl(fd, req, &arg) < 0)
			RET_ERR(errno);
		return ret_int(env, arg);
	case FIONBIO:
		RET_SYS(ioctl(fd, FIONBIO, &arg));
	default:
		RET_ERR(ENOTTY);
	}
}

/* clockNs() -> CLOCK_MONOTONIC in ns (double) */
static napi_value f_clockNs(napi_env env, napi_callback_info info)
{
	(void)info;
	struct timespec ts;
	napi_value r;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		RET_ERR(errno);
	napi_create_double(env, (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec,
			   &r);
	return r;
}

/* ---- names (not on the data path) ------------------------------------ */

static napi_value make_str(napi_env env, const char *s)
{
	napi_value r;
	if (napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &r) != napi_ok)
		RET_ERR(ENOMEM);
	return r;
}

/*
 * Copy a JS string argument to a heap C string. Returns 0, -EINVAL (not a
 * string / embedded NUL) or -ENOMEM. *out must be freed.
 */
static int arg_str(napi_env env, napi_value v, char **out)
{
	size_t len;
	if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok)
		return -EINVAL;
	char *s = malloc(len + 1);
	if (!s)
		return -ENOMEM;
	if (napi_get_value_string_utf8(env, v, s, len + 1, &len) != napi_ok) {
		free(s);
		return -EINVAL;
	}
	if (strlen(s) != len) {
		free(s);
		return -EINVAL;
	}
	*out = s;
	return 0;
}

/* gethostname() -> string */
static napi_value f_gethostname(napi_env env, napi_callback_info info)
{
	(void)info;
	char buf[HOST_NAME_MAX + 2];
	if (gethostname(buf, sizeof buf - 1) < 0)
		RET_ERR(errno);
	buf[sizeof buf - 1] = 0;
	return make_str(env, buf);
}

/* ifNameToIndex(name) -> index > 0 */
static napi_value f_ifNameToIndex(napi_env env, napi_callback_info info)
{
	ARGS(1);
	char *name;
	CHECK(arg_str(env, argv[0], &name));
	errno = 0;
	unsigned idx = if_nametoindex(name);
	int e = errno;
	free(name);
	if (idx == 0)
		RET_ERR(e ? e : ENODEV);
	return ret_int(env, (int64_t)idx);
}

/* ifIndexToName(index) -> string */
static napi_value f_ifIndexToName(napi_env env, napi_callback_info info)
{
	ARGS(1);
	double d;
	if (napi_get_value_double(env, argv[0], &d) != napi_ok ||
	    !(d >= 0 && d <= UINT32_MAX) || d != (double)(uint32_t)d)
		RET_ERR(EINVAL);
	char buf[IF_NAMESIZE + 1];
	if (!if_indextoname((unsigned)d, buf))
		RET_ERR(errno);
	return make_str(env, buf);
}

/* ifNameIndex() -> [[index, name], ...] */
static napi_value f_ifNameIndex(napi_env env, napi_callback_info info)
{
	(void)info;
	struct if_nameindex *ni = if_nameindex();
	if (!ni)
		RET_ERR(errno);
	napi_value arr;
	napi_create_array(env, &arr);
	uint32_t i = 0;
	for (struct if_nameindex *p = ni; p->if_index != 0 || p->if_name;
	     p++, i++) {
		napi_value pair, v;
		napi_create_array_with_length(env, 2, &pair);
		napi_create_double(env, p->if_index, &v);
		napi_set_element(env, pair, 0, v);
		napi_set_element(env, pair, 1, make_str(env, p->if_name));
		napi_set_element(env, arr, i, pair);
	}
	if_freenameindex(ni);
	return arr;
}

/* The number of leading one bits of a netmask. */
static uint32_t prefix_len(const struct sockaddr *mask, int family)
{
	const unsigned char *b;
	size_t n;
	uint32_t bits = 0;
	if (!mask)
		return 0;
	if (family == AF_INET) {
		b = (const unsigned char *)&((const struct sockaddr_in *)mask)->sin_addr;
		n = 4;
	} else {
		b = (const unsigned char *)&((const struct sockaddr_in6 *)mask)->sin6_addr;
		n = 16;
	}
	for (size_t i = 0; i < n && b[i] == 0xff; i++)
		bits += 8;
	if (bits < n * 8)
		for (unsigned char c = b[bits / 8]; c & 0x80; c <<= 1)
			bits++;
	return bits;
}

/*
 * ifAddrs(mem, off, max) -> n | -errno: the host's IPv4/IPv6 addresses as
 * 24-byte records (family i32, prefix length u32, address[16]) at mem+off,
 * at most max. Every address, whatever its link's state, as glibc's own
 * interface check (a netlink address dump) sees them.
 */
static napi_value f_ifAddrs(napi_env env, napi_callback_info info)
{
	ARGS(3);
	char *base;
	size_t size;
	int64_t off;
	I32(max, 2);
	CHECK(arg_mem(env, argv[0], &base, &size));
	CHECK(arg_off(env, argv[1], &off));
	if (max < 0 || !in_bounds(off, (int64_t)max * 24, size))
		RET_ERR(EFAULT);
	struct ifaddrs *all;
	if (getifaddrs(&all) < 0)
		RET_ERR(errno);
	int32_t n = 0;
	for (struct ifaddrs *p = all; p && n < max; p = p->ifa_next) {
		if (!p->ifa_addr)
			continue;
		int32_t fam = p->ifa_addr->sa_family;
		if (fam != AF_INET && fam != AF_INET6)
			continue;
		char *rec = base + off + (size_t)n * 24;
		uint32_t plen = prefix_len(p->ifa_netmask, fam);
		memset(rec, 0, 24);
		memcpy(rec, &fam, 4);
		memcpy(rec + 4, &plen, 4);
		if (fam == AF_INET)
			memcpy(rec + 8, &((struct sockaddr_in *)p->ifa_addr)->sin_addr, 4);
		else
			memcpy(rec + 8, &((struct sockaddr_in6 *)p->ifa_addr)->sin6_addr, 16);
		n++;
	}
	freeifaddrs(all);
	return ret_int(env, n);
}

/* Copies name into a WSK_IF_NAMESIZE field, NUL-terminated and padded. */
static void put_name(char *dst, const char *name)
{
	size_t n = name ? strnlen(name, WSK_IF_NAMESIZE - 1) : 0;
	memset(dst, 0, WSK_IF_NAMESIZE);
	memcpy(dst, name, n);
}

/* (mem, off, max) of a record list: the area for max records of size bytes
 * (EFAULT when it does not fit mem, EINVAL for a negative max). */
static int arg_records(napi_env env, napi_value *argv, int64_t size,
		       char **area, int32_t *max)
{
	char *base;
	size_t memsize;
	int64_t off;
	int rc;
	if ((rc = arg_mem(env, argv[0], &base, &memsize)) != 0)
		return rc;
	if ((rc = arg_off(env, argv[1], &off)) != 0)
		return rc;
	if (napi_get_value_int32(env, argv[2], max) != napi_ok || *max < 0)
		return -EINVAL;
	if (!in_bounds(off, (int64_t)*max * size, memsize))
		return -EFAULT;
	*area = base + off;
	return 0;
}

/*
 * ifNameIndexRecords(mem, off, max) -> count | -errno: the interfaces as
 * WSK_IFNI_SIZE-byte records (<wasock/host.h>) at mem+off, at most max
 * written; the count is of all of them.
 */
static napi_value f_ifNameIndexRecords(napi_env env, napi_callback_info info)
{
	ARGS(3);
	char *area;
	int32_t max;
	CHECK(arg_records(env, argv, WSK_IFNI_SIZE, &area, &max));
	struct if_nameindex *ni = if_nameindex();
	if (!ni)
		RET_ERR(errno);
	int32_t n = 0;
	for (struct if_nameindex *p = ni; p->if_index != 0; p++, n++) {
		if (n >= max)
			continue;
		char *rec = area + (size_t)n * WSK_IFNI_SIZE;
		store_u32(rec + WSK_IFNI_INDEX, p->if_index);
		put_name(rec + WSK_IFNI_NAME, p->if_name);
	}
	if_freenameindex(ni);
	return ret_int(env, n);
}

/* The 4 or 16 address bytes of an AF_INET/AF_INET6 sockaddr. */
static const void *addr_bytes(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return &((const struct sockaddr_in *)sa)->sin_addr;
	return &((const struct sockaddr_in6 *)sa)->sin6_addr;
}

/* One WSK_IFA_SIZE-byte record for an AF_INET/AF_INET6 getifaddrs entry. */
static void put_ifaddr(char *rec, const struct ifaddrs *p)
{
	int32_t fam = p->ifa_addr->sa_family;
	size_t alen = fam == AF_INET ? 4 : 16;
	const struct sockaddr *ifu = p->ifa_ifu.ifu_broadaddr;
	memset(rec, 0, WSK_IFA_SIZE);
	store_u32(rec + WSK_IFA_INDEX, if_nametoindex(p->ifa_name));
	store_u32(rec + WSK_IFA_FLAGS, p->ifa_flags);
	store_u32(rec + WSK_IFA_FAMILY, (uint32_t)fam);
	store_u32(rec + WSK_IFA_PREFIXLEN, prefix_len(p->ifa_netmask, fam));
	memcpy(rec + WSK_IFA_ADDR, addr_bytes(p->ifa_addr), alen);
	if (ifu && ifu->sa_family == fam) {
		memcpy(rec + WSK_IFA_IFU, addr_bytes(ifu), alen);
		store_u32(rec + WSK_IFA_HAS_IFU, 1);
	}
	put_name(rec + WSK_IFA_NAME, p->ifa_name);
}

/*
 * ifAddrsNamed(mem, off, max) -> count | -errno: every IPv4/IPv6 address of
 * getifaddrs(3) as a WSK_IFA_SIZE-byte record (<wasock/host.h>) with its
 * interface's index, name and flags, at most max written; the count is of
 * all of them.
 */
static napi_value f_ifAddrsNamed(napi_env env, napi_callback_info info)
{
	ARGS(3);
	char *area;
	int32_t max;
	CHECK(arg_records(env, argv, WSK_IFA_SIZE, &area, &max));
	struct ifaddrs *all;
	if (getifaddrs(&all) < 0)
		RET_ERR(errno);
	int32_t n = 0;
	for (struct ifaddrs *p = all; p; p = p->ifa_next) {
		if (!p->ifa_addr || (p->ifa_addr->sa_family != AF_INET &&
				     p->ifa_addr->sa_family != AF_INET6))
			continue;
		if (n < max)
			put_ifaddr(area + (size_t)n * WSK_IFA_SIZE, p);
		n++;
	}
	freeifaddrs(all);
	return ret_int(env, n);
}

/* [EAI_SYSTEM, errno] */
static napi_value eai_system(napi_env env, int e)
{
	napi_value arr;
	napi_create_array_with_length(env, 2, &arr);
	napi_set_element(env, arr, 0, ret_int(env, EAI_SYSTEM));
	napi_set_element(env, arr, 1, ret_int(env, e));
	return arr;
}

/*
 * getaddrinfo(host|null, port|null, family, type, proto, flags)
 *   -> [[family, type, proto, canonname, sockaddr(Uint8Array)], ...]
 *    | EAI_* (a negative number, glibc numbering)
 *    | [EAI_SYSTEM, errno]  for EAI_SYSTEM (and for bad argument types,
 *                           as [EAI_SYSTEM, EINVAL]).
 * canonname is '' when the resolver gave none (as CPython reports it).
 */
static napi_value f_getaddrinfo(napi_env env, napi_callback_info info)
{
	napi_value argv[6];
	size_t argc = 6;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok)
		return eai_system(env, EINVAL);
	char *host = NULL, *port = NULL;
	int32_t v[4];
	int rc = 0;
	for (int i = 0; i < 2 && !rc; i++) {
		napi_valuetype t;
		if (napi_typeof(env, argv[i], &t) != napi_ok)
			rc = -EINVAL;
		else if (t == napi_null || t == napi_undefined)
			continue;
		else
			rc = arg_str(env, argv[i], i ? &port : &host);
	}
	for (int i = 0; i < 4 && !rc; i++)
		rc = arg_i32(env, argv[2 + i], &v[i]);
	if (rc) {
		free(host);
		free(port);
		return eai_system(env, -rc);
	}
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = v[0];
	hints.ai_socktype = v[1];
	hints.ai_protocol = v[2];
	hints.ai_flags = v[3];
	errno = 0;
	int g = getaddrinfo(host, port, &hints, &res);
	int e = errno;
	free(host);
	free(port);
	if (g == EAI_SYSTEM)
		return eai_system(env, e ? e : EIO);
	if (g != 0)
		return ret_int(env, g);

	napi_value arr;
	napi_create_array(env, &arr);
	uint32_t i = 0;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next, i++) {
		napi_value ent, ab, u8;
		void *data;
		napi_create_array_with_length(env, 5, &ent);
		napi_set_element(env, ent, 0, ret_int(env, ai->ai_family));
		napi_set_element(env, ent, 1, ret_int(env, ai->ai_socktype));
		napi_set_element(env, ent, 2, ret_int(env, ai->ai_protocol));
		napi_set_element(env, ent, 3,
				 make_str(env, ai->ai_canonname ?
						       ai->ai_canonname :
						       ""));
		napi_create_arraybuffer(env, ai->ai_addrlen, &data, &ab);
		if (ai->ai_addrlen)
			memcpy(data, ai->ai_addr, ai->ai_addrlen);
		napi_create_typedarray(env, napi_uint8_array, ai->ai_addrlen,
				       ab, 0, &u8);
		napi_set_element(env, ent, 4, u8);
		napi_set_element(env, arr, i, ent);
	}
	freeaddrinfo(res);
	return arr;
}

/* ---- sendfile (socket.sendfile) -------------------------------------- */

/*
 * A file offset argument: a Number (an integer up to 2^53) or a BigInt
 * (an off_t). Anything else -> -EINVAL, non-integral numbers -> -EFAULT.
 */
static int arg_file_off(napi_env env, napi_value v, int64_t *out)
{
	napi_valuetype t;
	if (napi_typeof(env, v, &t) != napi_ok)
		return -EINVAL;
	if (t == napi_bigint) {
		bool lossless;
		if (napi_get_value_bigint_int64(env, v, out, &lossless) != napi_ok)
			return -EINVAL;
		return lossless ? 0 : -EOVERFLOW;
	}
	double d;
	if (napi_get_value_double(env, v, &d) != napi_ok)
		return -EINVAL;
	if (!(d >= -MAX_SAFE && d <= MAX_SAFE) || (double)(int64_t)d != d)
		return -EFAULT;
	*out = (int64_t)d;
	return 0;
}

/*
 * sendfile(2) has no MSG_NOSIGNAL: a peer that closed the connection gets
 * the thread SIGPIPE. Runtimes that ignore SIGPIPE (Node does) pay one
 * sigaction(2); otherwise the signal is blocked around the call and a
 * SIGPIPE it raised is taken back before unblocking, so the caller sees
 * EPIPE only, as with every send of the addon.
 */
static ssize_t sendfile_nosignal(int out, int in, off_t *off, size_t n)
{
	struct sigaction sa;
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
		return sendfile(out, in, off, n);
	sigset_t pipe, old, pending;
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, &old);
	sigpending(&pending);
	int was_pending = sigismember(&pending, SIGPIPE);
	ssize_t r = sendfile(out, in, off, n);
	int e = errno;
	if (r < 0 && e == EPIPE && !was_pending) {
		static const struct timespec none = { 0, 0 };
		while (sigtimedwait(&pipe, NULL, &none) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return r;
}

/*
 * sendfile(outFd, inFd, offset, count) -> bytes sent | -errno: count bytes
 * of inFd from offset (a Number or a BigInt), inFd's own file offset left
 * unchanged.
 */
static napi_value f_sendfile(napi_env env, napi_callback_info info)
{
	ARGS(4);
	I32(out, 0);
	I32(in, 1);
	int64_t off, n;
	CHECK(arg_file_off(env, argv[2], &off));
	CHECK(arg_off(env, argv[3], &n));
	if (off < 0 || n < 0)
		RET_ERR(EINVAL);
	off_t pos = (off_t)off;
	RET_SYS(sendfile_nosignal(out, in, &pos, (size_t)n));
}

/* lseek(fd, offset) -> the new offset | -errno: SEEK_SET only, as
 * Python's file.seek(pos) after a sendfile. */
static napi_value f_lseek(napi_env env, napi_callback_info info)
{
	ARGS(2);
	I32(fd, 0);
	int64_t off;
	CHECK(arg_file_off(env, argv[1], &off));
	RET_SYS(lseek(fd, (off_t)off, SEEK_SET));
}

/* sethostname(buf, off, len) -> 0 | -errno: the name as bytes, no NUL
 * needed (Python's socket.sethostname). */
static napi_value f_sethostname(napi_env env, napi_callback_info info)
{
	ARGS(3);
	char *p;
	size_t n;
	CHECK(arg_range(env, argv[0], argv[1], argv[2], &p, &n));
	RET_SYS(sethostname(p, n));
}

/* ---- module ---------------------------------------------------------- */

#define FN(name, fn) \
	{ name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL }

/* The requests ioctlInt accepts, by name, from <wasock/host.h>: the one
 * source of these numbers for JavaScript. */
static napi_value ioctl_table(napi_env env)
{
	static const struct { const char *name; uint32_t req; } t[] = {
		{ "FIONREAD", WSK_FIONREAD }, { "SIOCINQ", WSK_SIOCINQ },
		{ "SIOCOUTQ", WSK_SIOCOUTQ }, { "SIOCATMARK", WSK_SIOCATMARK },
		{ "FIONBIO", WSK_FIONBIO },
	};
	napi_value obj, v;
	size_t i;

	napi_create_object(env, &obj);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		napi_create_uint32(env, t[i].req, &v);
		napi_set_named_property(env, obj, t[i].name, v);
	}
	return obj;
}

NAPI_MODULE_INIT()
{
	napi_value ver;
	napi_create_int32(env, WASOCK_ADDON_VERSION, &ver);
	napi_property_descriptor props[] = {
		FN("socket", f_socket),
		FN("socketpair", f_socketpair),
		FN("bind", f_bind),
		FN("connect", f_connect),
		FN("listen", f_listen),
		FN("accept4", f_accept4),
		FN("sendto", f_sendto),
		FN("send", f_send),
		FN("recvfrom", f_recvfrom),
		FN("sendmsg", f_sendmsg),
		FN("recvmsg", f_recvmsg),
		FN("recv", f_recv),
		FN("shutdown", f_shutdown),
		FN("close", f_close),
		FN("getsockopt", f_getsockopt),
		FN("setsockopt", f_setsockopt),
		FN("getsockname", f_getsockname),
		FN("getpeername", f_getpeername),
		FN("poll", f_poll),
		FN("setNonblock", f_setNonblock),
		FN("getNonblock", f_getNonblock),
		FN("dup", f_dup),
		FN("getInheritable", f_getInheritable),
		FN("setInheritable", f_setInheritable),
		FN("fdType", f_fdType),
		FN("gethostname", f_gethostname),
		FN("ifNameToIndex", f_ifNameToIndex),
		FN("ifIndexToName", f_ifIndexToName),
		FN("ifNameIndex", f_ifNameIndex),
		FN("ifAddrs", f_ifAddrs),
		FN("ifAddrsNamed", f_ifAddrsNamed),
		FN("ifNameIndexRecords", f_ifNameIndexRecords),
		FN("ioctlInt", f_ioctlInt),
		FN("getaddrinfo", f_getaddrinfo),
		FN("clockNs", f_clockNs),
		FN("pollSetup", f_pollSetup),
		FN("pollWait", f_pollWait),
		FN("pollRef", f_pollRef),
		FN("pollCancel", f_pollCancel),
		FN("pollClose", f_pollClose),
		FN("pollCount", f_pollCount),
		FN("sendfile", f_sendfile),
		FN("lseek", f_lseek),
		FN("sethostname", f_sethostname),
		{ "version", NULL, NULL, NULL, NULL, ver, napi_enumerable,
		  NULL },
		{ "ioctls", NULL, NULL, NULL, NULL, ioctl_table(env),
		  napi_enumerable, NULL },
	};
	if (napi_define_properties(env, exports,
				   sizeof props / sizeof props[0],
				   props) != napi_ok)
		return NULL;
	return exports;
}
