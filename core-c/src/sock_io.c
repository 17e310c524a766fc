/*
 * Data transfer in the three modes of Python's socket module. Each call
 * tries the operation first and waits only on EAGAIN: a ready socket costs
 * one host call. Buffers are opaque addresses passed to the host untouched,
 * so they may name memory outside this instance (the library's JS buffers).
 *
 * `tried` is the errno of an attempt the caller already made itself (0 for
 * none). The library makes the first attempt natively, because a crossing
 * into Wasm and back costs ~15% of a small-message round trip; only an
 * attempt that would block or was interrupted comes here, and what happens
 * next is wsk_sock_call's loop (sock_call.c) under wsk_next_step's rule.
 */
#include <wasock/core.h>
#include <wasock/linux.h>
#include "sock_call.h"

struct recv_op {
	void *buf;
	uint32_t len;
	int flags;
	void *sa;
	wsk_socklen *salen;
	uint32_t n; /* out */
};

static int recv_once(int fd, void *ctx)
{
	struct recv_op *o = ctx;

	o->n = 0;
	return wsk_host_recvfrom(fd, o->buf, o->len, o->flags, o->sa, o->salen,
				 &o->n);
}

/* One send of what is left; sendto's whole buffer is "what is left". */
struct send_op {
	uintptr_t buf;
	uint32_t len;
	int flags;
	const void *sa;
	wsk_socklen salen;
	uint32_t done; /* out: bytes sent */
};

static int send_once(int fd, void *ctx)
{
	struct send_op *o = ctx;
	uint32_t n = 0;
	int err = wsk_host_sendto(fd, (const void *)(o->buf + o->done),
				  o->len - o->done, o->flags, o->sa, o->salen,
				  &n);

	if (!err)
		o->done += n;
	return err;
}

/* sendall: sends until nothing is left, so only a failure ends an attempt
 * early and the loop's one deadline covers every partial send. */
static int send_rest(int fd, void *ctx)
{
	struct send_op *o = ctx;
	int err;

	while (o->done < o->len)
		if ((err = send_once(fd, o)))
			return err;
	return 0;
}

WSK_EXPORT("wsk_recvfrom")
int wsk_recvfrom(int fd, void *buf, uint32_t len, int flags, void *sa,
		 wsk_socklen *salen, double timeout, int tried)
{
	struct recv_op o = { buf, len, flags, sa, salen, 0 };
	struct wsk_sock_call c = { fd, WSK_POLLIN, 0, recv_once, wsk_next_step,
				   &o };
	int r = wsk_sock_call(&c, timeout, tried);

	return r < 0 ? r : (int)o.n;
}

WSK_EXPORT("wsk_sendto")
int wsk_sendto(int fd, const void *buf, uint32_t len, int flags,
	       const void *sa, wsk_socklen salen, double timeout, int tried)
{
	struct send_op o = { (uintptr_t)buf, len, flags, sa, salen, 0 };
	struct wsk_sock_call c = { fd, WSK_POLLOUT, 0, send_once,
				   wsk_next_step, &o };
	int r = wsk_sock_call(&c, timeout, tried);

	return r < 0 ? r : (int)o.done;
}

/*
 * One deadline covers every partial send, as in CPython: a peer that reads
 * slowly cannot stretch a 1 s timeout into many. Returns 0, or -errno /
 * WSK_ETIMEOUT with *sent telling how much went out before the failure.
 */
WSK_EXPORT("wsk_sendall")
int wsk_sendall(int fd, const void *buf, uint32_t len, int flags,
		double timeout, uint32_t *sent, int tried)
{
	struct send_op o = { (uintptr_t)buf, len, flags, 0, 0, 0 };
	struct wsk_sock_call c = { fd, WSK_POLLOUT, 0, send_rest,
				   wsk_next_step, &o };
	int r = wsk_sock_call(&c, timeout, tried);

	*sent = o.done;
	return r;
}

/* sendmsg and recvmsg: msg is the host ABI's record (host.h WSK_MSG_*),
 * passed through untouched like a data buffer. A message goes out or comes
 * in whole in one call, so an attempt is the one host call. */
struct msg_op {
	void *msg;
	int flags;
	uint32_t n; /* out */
};

static int sendmsg_once(int fd, void *ctx)
{
	struct msg_op *o = ctx;

	o->n = 0;
	return wsk_host_sendmsg(fd, o->msg, o->flags, &o->n);
}

static int recvmsg_once(int fd, void *ctx)
{
	struct msg_op *o = ctx;

	o->n = 0;
	return wsk_host_recvmsg(fd, o->msg, o->flags, &o->n);
}

static int msg_call(int fd, void *msg, int flags, int events,
		    int (*once)(int, void *), double timeout, int tried)
{
	struct msg_op o = { msg, flags, 0 };
	struct wsk_sock_call c = { fd, events, 0, once, wsk_next_step, &o };
	int r = wsk_sock_call(&c, timeout, tried);

	return r < 0 ? r : (int)o.n;
}

WSK_EXPORT("wsk_sendmsg")
int wsk_sendmsg(int fd, const void *msg, int flags, double timeout, int tried)
{
	return msg_call(fd, (void *)(uintptr_t)msg, flags, WSK_POLLOUT,
			sendmsg_once, timeout, tried);
}

WSK_EXPORT("wsk_recvmsg")
int wsk_recvmsg(int fd, void *msg, int flags, double timeout, int tried)
{
	return msg_call(fd, msg, flags, WSK_POLLIN, recvmsg_once, timeout,
			tried);
}
