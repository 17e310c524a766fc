// An echo server in a process of its own, for the event-loop benchmarks whose peer is not on
// the measured loop (async-net.mjs's *-xp tests): one thread, epoll, non-blocking sockets with
// TCP_NODELAY, any number of connections, each echoing what it receives. Listens on 127.0.0.1
// (port chosen by the kernel), prints the port, and exits when its standard input closes (the
// benchmark that started it is gone).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bench.h"

// What one connection may have received but not yet sent back; a peer that sends more than
// this without reading its echoes is not a ping-pong or echo benchmark.
#define BACKLOG_MAX 65536
#define EVENTS 256

struct conn {
	int fd;
	unsigned events; // what epoll watches for it
	size_t len;      // bytes in buf still to send
	unsigned char buf[BACKLOG_MAX];
};

static int ep;

static void drop(struct conn *c) {
	close(c->fd);
	free(c);
}

// Sends what c holds; 0 when all went, 1 when the socket is full, -1 on error.
static int flush(struct conn *c) {
	size_t off = 0;
	while (off < c->len) {
		ssize_t k = send(c->fd, c->buf + off, c->len - off, MSG_NOSIGNAL);
		if (k < 0 && errno == EAGAIN) break;
		if (k <= 0) return -1;
		off += (size_t)k;
	}
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	return c->len ? 1 : 0;
}

// Echoes what is there; -1 when the connection is done. While echoes wait for room, it reads
// nothing more (the peer is not reading them either).
static int serve(struct conn *c) {
	int r = flush(c);
	while (r == 0) {
		ssize_t n = recv(c->fd, c->buf, sizeof c->buf, 0);
		if (n < 0 && errno == EAGAIN) break;
		if (n <= 0) return -1;
		c->len = (size_t)n;
		r = flush(c);
	}
	if (r < 0) return -1;
	unsigned want = c->len ? EPOLLOUT : EPOLLIN;
	if (want == c->events) return 0;
	c->events = want;
	struct epoll_event ev = { .events = want, .data.ptr = c };
	return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void accept_all(int lst) {
	int fd, one = 1;
	while ((fd = accept4(lst, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		struct conn *c = malloc(sizeof *c);
		if (!c) die("malloc");
		c->fd = fd;
		c->events = EPOLLIN;
		c->len = 0;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
	}
}

int main(void) {
	int lst = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;
	if (lst < 0 || setsockopt(lst, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(lst, (struct sockaddr *)&a, sizeof a) < 0 || listen(lst, 4096) < 0 ||
	    getsockname(lst, (struct sockaddr *)&a, &alen) < 0)
		die("listen");
	ep = epoll_create1(EPOLL_CLOEXEC);
	// data.ptr NULL: the listener; &ep: standard input.
	struct epoll_event le = { .events = EPOLLIN, .data.ptr = NULL }, ie = { .events = EPOLLIN, .data.ptr = &ep };
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lst, &le) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ie) < 0)
		die("epoll");
	printf("%d\n", ntohs(a.sin_port));
	fflush(stdout);
	struct epoll_event evs[EVENTS];
	for (;;) {
		int n = epoll_wait(ep, evs, EVENTS, -1);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0) die("epoll_wait");
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL) accept_all(lst);
			else if (evs[i].data.ptr == &ep) return 0;
			else if (serve(evs[i].data.ptr) < 0) drop(evs[i].data.ptr);
		}
	}
}
