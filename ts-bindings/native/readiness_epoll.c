/*
 * The epoll-thread readiness backend, for runtimes whose N-API has no usable
 * libuv (Bun has no uv_poll; Deno's reports a descriptor that stays ready
 * only once). One epoll instance per JS environment, watched by one helper
 * thread, with EPOLLONESHOT so a descriptor reported once is not reported
 * again until re-armed; the helper thread queues what it saw and wakes the
 * JS thread through a thread-safe function, which reports and flushes. The
 * thread-safe function keeps the loop alive only while something waits.
 */
#include "readiness.h"

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct epoll_ready {
	struct wsk_ready r; /* first */
	int epfd;
	int wakefd; /* eventfd: tells the helper thread to stop */
	pthread_t thread;
	int thread_started;
	napi_threadsafe_function tsfn;
	pthread_mutex_t mu; /* guards the four below */
	int32_t *seen; /* pairs (fd, events) the helper thread saw */
	size_t nseen, seen_cap;
	int scheduled; /* a tsfn call is on its way */
};

struct epoll_watch {
	struct wsk_watch p; /* first: freed as one */
	int registered; /* added to the epoll set */
};

static struct epoll_ready *ep_env(struct wsk_ready *w)
{
	return (struct epoll_ready *)w;
}

static void *helper_main(void *arg)
{
	struct epoll_ready *e = arg;
	struct epoll_event evs[64];
	for (;;) {
		int n = epoll_wait(e->epfd, evs, 64, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		int call = 0;
		pthread_mutex_lock(&e->mu);
		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == e->wakefd) {
				pthread_mutex_unlock(&e->mu);
				return NULL;
			}
			if (e->nseen == e->seen_cap) {
				size_t cap = e->seen_cap ? 2 * e->seen_cap : 64;
				int32_t *s = realloc(e->seen, 2 * cap * sizeof *s);
				if (!s)
					break; /* out of memory: these reports are lost */
				e->seen = s;
				e->seen_cap = cap;
			}
			uint32_t bits = evs[i].events;
			int ev = 0;
			if (bits & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
				ev |= POLLIN;
			if (bits & (EPOLLOUT | EPOLLHUP | EPOLLERR))
				ev |= POLLOUT;
			e->seen[2 * e->nseen] = evs[i].data.fd;
			e->seen[2 * e->nseen + 1] = ev;
			e->nseen++;
		}
		if (e->nseen && !e->scheduled) {
			e->scheduled = 1;
			call = 1;
		}
		pthread_mutex_unlock(&e->mu);
		if (call)
			napi_call_threadsafe_function(e->tsfn, NULL,
						      napi_tsfn_nonblocking);
	}
}

/* On the JS thread: what the helper thread saw goes through
 * readiness_report, then to JS. */
static void on_seen(napi_env env, napi_value js_cb, void *context, void *data)
{
	struct epoll_ready *e = context;
	(void)js_cb;
	(void)data;
	if (!env)
		return; /* the environment is going away */
	for (;;) {
		int32_t batch[2 * 64];
		size_t n;
		pthread_mutex_lock(&e->mu);
		n = e->nseen < 64 ? e->nseen : 64;
		memcpy(batch, e->seen + 2 * (e->nseen - n), 2 * n * sizeof *batch);
		e->nseen -= n;
		if (n == 0)
			e->scheduled = 0;
		pthread_mutex_unlock(&e->mu);
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			struct wsk_watch *p = readiness_watch(&e->r, batch[2 * i]);
			if (!p || p->closing)
				continue;
			p->active = 0; /* a one-shot report disarms */
			readiness_report(p, batch[2 * i + 1]);
		}
	}
	readiness_flush(&e->r);
}

static int ep_start(struct wsk_ready *w, napi_value name)
{
	struct epoll_ready *e = ep_env(w);
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	e->wakefd = e->epfd < 0 ? -1 : eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (e->wakefd < 0)
		return -errno;
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = e->wakefd };
	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->wakefd, &ev) < 0)
		return -errno;
	if (pthread_mutex_init(&e->mu, NULL) != 0)
		return -ENOMEM;
	if (napi_create_threadsafe_function(w->env, NULL, NULL, name, 0, 1,
					    NULL, NULL, e, on_seen,
					    &e->tsfn) != napi_ok)
		return -EINVAL;
	napi_unref_threadsafe_function(w->env, e->tsfn);
	if (pthread_create(&e->thread, NULL, helper_main, e) != 0) {
		napi_release_threadsafe_function(e->tsfn, napi_tsfn_abort);
		return -EAGAIN;
	}
	e->thread_started = 1;
	return 0;
}

static int ep_arm(struct wsk_watch *p, int ev)
{
	struct epoll_watch *q = (struct epoll_watch *)p;
	struct epoll_event e = { .events = 0, .data.fd = p->fd };
	if (ev)
		e.events = ((ev & POLLIN) ? EPOLLIN : 0) |
			   ((ev & POLLOUT) ? EPOLLOUT : 0) | EPOLLONESHOT;
	int op = q->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(ep_env(p->w)->epfd, op, p->fd, &e) < 0)
		return -errno;
	q->registered = 1;
	return 0;
}

static void ep_hold(struct wsk_ready *w, int on)
{
	if (on)
		napi_ref_threadsafe_function(w->env, ep_env(w)->tsfn);
	else
		napi_unref_threadsafe_function(w->env, ep_env(w)->tsfn);
}

static void ep_drop(struct wsk_ready *w, struct wsk_watch *p)
{
	if (((struct epoll_watch *)p)->registered)
		epoll_ctl(ep_env(w)->epfd, EPOLL_CTL_DEL, p->fd, NULL);
	readiness_freed(p);
}

static void ep_stop(struct wsk_ready *w)
{
	struct epoll_ready *e = ep_env(w);
	uint64_t one = 1;
	if (e->thread_started &&
	    write(e->wakefd, &one, sizeof one) == sizeof one)
		pthread_join(e->thread, NULL);
}

static void ep_destroy(struct wsk_ready *w)
{
	struct epoll_ready *e = ep_env(w);
	if (e->epfd >= 0)
		close(e->epfd);
	if (e->wakefd >= 0)
		close(e->wakefd);
	free(e->seen);
}

const struct readiness_backend readiness_epoll = {
	.ready_size = sizeof(struct epoll_ready),
	.watch_size = sizeof(struct epoll_watch),
	.start = ep_start,
	.watch_init = NULL,
	.arm = ep_arm,
	.hold = ep_hold,
	.set_ref = NULL,
	.drop = ep_drop,
	.stop = ep_stop,
	.destroy = ep_destroy,
};
