/*
 * The Linux numbering the core itself relies on. Everything crossing the host
 * ABI uses Linux values whatever the toolchain's libc says (wasi-libc, for
 * one, has WASI numbers), so the core names them here instead of including
 * <errno.h> or <sys/socket.h>.
 */
#ifndef WASOCK_LINUX_H
#define WASOCK_LINUX_H

/* errno, as the host imports return it (asm-generic/errno*.h). */
enum {
	WSK_EPERM = 1,
	WSK_EINTR = 4,
	WSK_EBADF = 9,
	WSK_EAGAIN = 11,
	WSK_ENOMEM = 12,
	WSK_EACCES = 13,
	WSK_EFAULT = 14,
	WSK_ENODEV = 19,
	WSK_EINVAL = 22,
	WSK_ENOSPC = 28,
	WSK_EPIPE = 32,
	WSK_ENAMETOOLONG = 36,
	WSK_ENOSYS = 38,
	WSK_ENOTSOCK = 88,
	WSK_EMSGSIZE = 90,
	WSK_EOPNOTSUPP = 95,
	WSK_EAFNOSUPPORT = 97,
	WSK_EADDRINUSE = 98,
	WSK_ECONNRESET = 104,
	WSK_EISCONN = 106,
	WSK_ETIMEDOUT = 110,
	WSK_EINPROGRESS = 115,
};

/* socket(2)'s type flag: the resolver's sockets never block. */
enum {
	WSK_SOCK_NONBLOCK = 0x800,
};

enum {
	WSK_POLLIN = 0x001,
	WSK_POLLOUT = 0x004,
	WSK_POLLERR = 0x008,
	WSK_POLLHUP = 0x010,
	WSK_POLLNVAL = 0x020, /* the addon's readiness: the descriptor is gone */
};

enum {
	WSK_SOL_SOCKET = 1,
	WSK_SO_ERROR = 4,
};

struct wsk_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};

#endif
