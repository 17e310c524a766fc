/*
 * The Linux numbering the core itself relies on. Everything crossing the host
 * ABI uses Linux values whatever the toolchain's libc says (wasi-libc, for
 * one, has WASI numbers), so the core names them here instead of including
 * <errno.h> or <sys/socket.h>.
 */
#ifndef WASOCK_LINUX_H
#define WASOCK_LINUX_H

enum {
	WSK_EINTR = 4,
	WSK_EBADF = 9,
	WSK_EAGAIN = 11,
	WSK_EFAULT = 14,
	WSK_EINVAL = 22,
	WSK_ENOSPC = 28,
	WSK_EPIPE = 32,
	WSK_ENAMETOOLONG = 36,
	WSK_EAFNOSUPPORT = 97,
	WSK_ECONNRESET = 104,
	WSK_EISCONN = 106,
	WSK_ETIMEDOUT = 110,
	WSK_EINPROGRESS = 115,
};

enum {
	WSK_POLLIN = 0x001,
	WSK_POLLOUT = 0x004,
	WSK_POLLERR = 0x008,
	WSK_POLLHUP = 0x010,
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
