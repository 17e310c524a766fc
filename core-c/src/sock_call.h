/*
 * The sync op loop (sock_call.c), internal to the core's socket ops
 * (sock_io.c, sock_conn.c): not part of the core's ABI, so it lives beside
 * them rather than in <wasock/core.h>.
 */
#ifndef WASOCK_SOCK_CALL_H
#define WASOCK_SOCK_CALL_H

#include <stdint.h>

/*
 * One socket operation, as CPython's sock_call_ex takes it: attempt(fd,
 * ctx) makes one try and returns 0 (done; its results are in ctx) or a
 * positive errno, as a host import does. rule is wsk_next_step or
 * wsk_connect_step; events (WSK_POLLIN, WSK_POLLOUT) is what a wait waits
 * for. flags WSK_CALL_CONNECT: attempt only reads an outcome, after a wait
 * that found fd ready (connect's SO_ERROR), and its answer is final.
 */
#define WSK_CALL_CONNECT 1
struct wsk_sock_call {
	int fd;
	int events;
	int flags;
	int (*attempt)(int fd, void *ctx);
	int (*rule)(int err, double timeout, int64_t deadline, int flags);
	void *ctx;
};

/* Runs c until done (0) or failed (-errno or WSK_ETIMEOUT). err: the errno
 * of an attempt the caller already made, 0 when none was. */
int wsk_sock_call(const struct wsk_sock_call *c, double timeout, int err);

#endif
