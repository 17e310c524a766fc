/*
 * What the addon's files share: N-API result and argument helpers, and the
 * readiness entry points (readiness.c) that wasock.c registers and calls.
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
napi_value f_pollCancel(napi_env env, napi_callback_info info);
napi_value f_pollClose(napi_env env, napi_callback_info info);
napi_value f_pollCount(napi_env env, napi_callback_info info);
/* Stops watching fd; called before every close(fd). */
void readiness_forget(int fd);

#endif
