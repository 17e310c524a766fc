/*
 * The wasock N-API addon: one function per syscall for the TypeScript host
 * (wasock.c), and readiness on the event loop for the Promise API
 * (readiness.c and its backends). This header is what their files share:
 * the N-API result and argument helpers, and the readiness entry points
 * that wasock.c registers and calls.
 *
 * The sign convention, for every function the addon exports:
 *  - it returns a JS number: the call's result (>= 0; 0 when the call has
 *    none) on success, -errno on failure, errno in Linux numbering (read
 *    right after the failing syscall; libuv's error codes, which readiness
 *    passes on, are the same -errno on Linux). It throws nothing itself.
 *  - wrong JS argument types -> -EINVAL (the TS layer validates first); an
 *    offset or length that is not an integer in range -> -EFAULT.
 * Exceptions, each documented at its function:
 *  - what answers with text or a list returns it on success and -errno on
 *    failure: gethostname, ifIndexToName (a string), ifNameIndex (an array);
 *  - getaddrinfo, like its libc function, answers in the
 *    EAI_* numbering: a negative EAI_* code (glibc's), or [EAI_SYSTEM,
 *    errno] when the error is a system one (and for bad argument types);
 *  - clockNs returns a time in nanoseconds (a double);
 *  - version (a number) and ioctls (an object) are values, not functions.
 *
 * Buffers: a data buffer is passed as (buf, off, len); buf is an
 * ArrayBuffer or any ArrayBufferView (off is relative to the view). "mem" is
 * the same kind of buffer; struct inputs and outputs live at offsets in it;
 * an offset of -1 means NULL. Every descriptor the addon creates is
 * close-on-exec; every send adds MSG_NOSIGNAL.
 */
#ifndef WASOCK_ADDON_H
#define WASOCK_ADDON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>

#include <errno.h>
#include <stdint.h>

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Largest integer a double holds exactly (2^53). */
#define MAX_SAFE 9007199254740992.0

/* ---- result helpers -------------------------------------------------- */

static inline napi_value ret_int(napi_env env, int64_t v)
{
	napi_value r;
	if (LIKELY(v >= INT32_MIN && v <= INT32_MAX))
		napi_create_int32(env, (int32_t)v, &r);
	else
		napi_create_double(env, (double)v, &r);
	return r;
}

/* Return -errno (errno captured by the caller into e). */
#define RET_ERR(e) return ret_int(env, -(int64_t)(e))
/* Return ssize_t-like result of a syscall, or -errno. */
#define RET_SYS(expr)                               \
	do {                                        \
		int64_t r_ = (int64_t)(expr);       \
		if (UNLIKELY(r_ < 0))               \
			r_ = -(int64_t)errno;       \
		return ret_int(env, r_);            \
	} while (0)

/* ---- argument helpers ------------------------------------------------ */

static inline int arg_i32(napi_env env, napi_value v, int32_t *out)
{
	return napi_get_value_int32(env, v, out) == napi_ok ? 0 : -EINVAL;
}

#define ARGS(n)                                                              \
	napi_value argv[n];                                                  \
	size_t argc = n;                                                     \
	if (UNLIKELY(napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != \
		     napi_ok))                                               \
		RET_ERR(EINVAL)

#define I32(var, idx)                                        \
	int32_t var;                                         \
	do {                                                 \
		if (UNLIKELY(arg_i32(env, argv[idx], &var))) \
			RET_ERR(EINVAL);                     \
	} while (0)

/* readiness.c: the Promise API's readiness on the event loop. Each f_X is
 * the function behind the addon's property X (as in wasock.c). */
napi_value f_pollSetup(napi_env env, napi_callback_info info);
napi_value f_pollWait(napi_env env, napi_callback_info info);
napi_value f_pollRef(napi_env env, napi_callback_info info);
napi_value f_pollCancel(napi_env env, napi_callback_info info);
napi_value f_pollClose(napi_env env, napi_callback_info info);
napi_value f_pollCount(napi_env env, napi_callback_info info);
napi_value f_pollRun(napi_env env, napi_callback_info info);
napi_value f_pollPark(napi_env env, napi_callback_info info);
napi_value f_pollCheck(napi_env env, napi_callback_info info);
/* Stops watching fd; called before every close(fd). */
void readiness_forget(int fd);

#endif
