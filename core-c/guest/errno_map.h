/* Linux errno (what the host imports return) -> the guest libc's errno
 * (wasi-libc uses WASI numbers). Names the libc lacks map to EIO. */
#ifndef WSK_GUEST_ERRNO_MAP_H
#define WSK_GUEST_ERRNO_MAP_H
#include <errno.h>

static const unsigned short wsk_errno_map[134] = {
	[1] = EPERM, [2] = ENOENT, [3] = ESRCH, [4] = EINTR, [5] = EIO,
	[6] = ENXIO, [7] = E2BIG, [8] = ENOEXEC, [9] = EBADF, [10] = ECHILD,
	[11] = EAGAIN, [12] = ENOMEM, [13] = EACCES, [14] = EFAULT,
	[16] = EBUSY, [17] = EEXIST, [18] = EXDEV, [19] = ENODEV,
	[20] = ENOTDIR, [21] = EISDIR, [22] = EINVAL, [23] = ENFILE,
	[24] = EMFILE, [25] = ENOTTY, [26] = ETXTBSY, [27] = EFBIG,
	[28] = ENOSPC, [29] = ESPIPE, [30] = EROFS, [31] = EMLINK,
	[32] = EPIPE, [33] = EDOM, [34] = ERANGE, [35] = EDEADLK,
	[36] = ENAMETOOLONG, [37] = ENOLCK, [38] = ENOSYS, [39] = ENOTEMPTY,
	[40] = ELOOP, [42] = ENOMSG, [43] = EIDRM, [67] = ENOLINK, [71] = EPROTO, [72] = EMULTIHOP,
	[74] = EBADMSG, [75] = EOVERFLOW, [84] = EILSEQ, [88] = ENOTSOCK,
	[89] = EDESTADDRREQ, [90] = EMSGSIZE, [91] = EPROTOTYPE,
	[92] = ENOPROTOOPT, [93] = EPROTONOSUPPORT, [95] = EOPNOTSUPP, [97] = EAFNOSUPPORT,
	[98] = EADDRINUSE, [99] = EADDRNOTAVAIL, [100] = ENETDOWN,
	[101] = ENETUNREACH, [102] = ENETRESET, [103] = ECONNABORTED,
	[104] = ECONNRESET, [105] = ENOBUFS, [106] = EISCONN,
	[107] = ENOTCONN, [110] = ETIMEDOUT,
	[111] = ECONNREFUSED, [113] = EHOSTUNREACH,
	[114] = EALREADY, [115] = EINPROGRESS, [116] = ESTALE,
	[122] = EDQUOT, [125] = ECANCELED, [130] = EOWNERDEAD,
	[131] = ENOTRECOVERABLE,
	/* No WASI names: ENODATA, ETIME, ESHUTDOWN (EPIPE), EHOSTDOWN
	 * (EHOSTUNREACH), ESOCKTNOSUPPORT/EPFNOSUPPORT (their nearest). */
	[61] = ENOMSG, [62] = ETIMEDOUT, [108] = EPIPE, [112] = EHOSTUNREACH,
	[94] = EPROTONOSUPPORT, [96] = EAFNOSUPPORT,
};

static inline int wsk_guest_errno(int linux_err)
{
	if (linux_err > 0 && linux_err < (int)(sizeof wsk_errno_map / sizeof wsk_errno_map[0]) &&
	    wsk_errno_map[linux_err])
		return wsk_errno_map[linux_err];
	return EIO;
}
#endif
