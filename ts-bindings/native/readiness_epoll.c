/*
 * The epoll readiness backend, for runtimes whose N-API has no usable libuv
 * (Bun has no uv_poll; Deno's reports a descriptor that stays ready only
 * once). One epoll instance per JS environment. Registrations are
 * level-triggered and stay armed while their descriptor is waited for, so a
 * wait that follows a wait for the same thing (each recv of a ping-pong)
 * makes no epoll_ctl; a report that nobody waits for any more disarms
 * (readiness_take). A descriptor already ready when its wait starts is
 * reported by the next poll.
 *
 * The JS thread polls it itself, without blocking (run: epoll_wait with a
 * zero timeout, once per loop turn while operations wait), so while the loop
 * is busy a readiness event costs no thread hop. Only when such a poll found
 * nothing does JS hand the blocking wait to a helper thread (park). The
 * helper always waits in an outer epoll instance, which holds the JS
 * thread's instance one-shot: parking re-arms it (one epoll_ctl, no thread
 * wake-up), and once the inner instance has something ready the helper
 * wakes, once, and wakes the JS thread through a thread-safe function. The
 * JS thread then polls and finds the events itself; while it is busy (not
 * parked), events never wake the helper. The thread-safe function keeps the
 * loop alive only while something waits.
 *
 * An eventfd in the epoll set (kick) makes a parked helper wake JS when
 * there is something to report that no descriptor says: a waited-for
 * descriptor closed through the addon.
 */
#include "readiness.h"

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct epoll_ready {
	struct wsk_ready r; /* first */
	int epfd;
	int kickfd; /* eventfd in the epoll set: JS has something to report */
	int outer; /* the helper's epoll instance: epfd (one-shot), stopfd */
	int stopfd; /* eventfd: tells the helper thread to stop */
	struct epoll_event *evs; /* r.list_cap of them, for run */
	pthread_t thread;
	int thread_started;
	napi_threadsafe_function tsfn;
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
	for (;;) {
		struct epoll_event ev;
		int n = epoll_wait(e->outer, &ev, 1, -1);
		if (n < 0 && errno != EINTR)
			return NULL;
		if (n <= 0)
			continue;
		if (ev.data.fd == e->stopfd)
			return NULL;
		napi_call_threadsafe_function(e->tsfn, NULL,
					      napi_tsfn_nonblocking);
	}
}

/* On the JS thread, woken by the helper: JS polls (readiness.c's wake). */
static void on_readable(napi_env env, napi_value js_cb, void *context,
			void *data)
{
	(void)js_cb;
	(void)data;
	if (env)
		readiness_wake(context);
}

static int ep_start(struct wsk_ready *w, napi_value name)
{
	struct epoll_ready *e = ep_env(w);
	e->kickfd = e->stopfd = e->outer = -1;
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (e->epfd < 0)
		return -errno;
	e->outer = epoll_create1(EPOLL_CLOEXEC);
	if (e->outer < 0)
		return -errno;
	e->kickfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (e->kickfd < 0)
		return -errno;
	e->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (e->stopfd < 0)
		return -errno;
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = e->kickfd };
	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->kickfd, &ev) < 0)
		return -errno;
	ev.data.fd = e->stopfd;
	if (epoll_ctl(e->outer, EPOLL_CTL_ADD, e->stopfd, &ev) < 0)
		return -errno;
	/* Disarmed until the first park. */
	ev = (struct epoll_event){ .events = EPOLLONESHOT, .data.fd = e->epfd };
	if (epoll_ctl(e->outer, EPOLL_CTL_ADD, e->epfd, &ev) < 0)
		return -errno;
	e->evs = malloc(w->list_cap * sizeof *e->evs);
	if (!e->evs)
		return -ENOMEM;
	if (napi_create_threadsafe_function(w->env, NULL, NULL, name, 0, 1,
					    NULL, NULL, w, on_readable,
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

/* A level-triggered registration for pollfd events ev. */
static uint32_t epoll_bits(int ev)
{
	return ((ev & POLLIN) ? EPOLLIN : 0) | ((ev & POLLOUT) ? EPOLLOUT : 0);
}

static int ep_arm(struct wsk_watch *p, int ev)
{
	struct epoll_watch *q = (struct epoll_watch *)p;
	int epfd = ep_env(p->w)->epfd;
	struct epoll_event e = { .events = ev ? epoll_bits(ev) : 0,
				 .data.fd = p->fd };
	if (q->registered) {
		if (epoll_ctl(epfd, EPOLL_CTL_MOD, p->fd, &e) == 0)
			return 0;
		/* ENOENT: the registration went with the descriptor's last
		 * close, made behind the library's back; the number, open
		 * again, names another file. */
		return errno == ENOENT ? -EBADF : -errno;
	}
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, p->fd, &e) < 0)
		return -errno;
	q->registered = 1;
	return 0;
}

/* The same events again: a registration that went with the descriptor's
 * last close fails (ENOENT, or EBADF once the number is free). */
static int ep_check(struct wsk_watch *p)
{
	struct epoll_event e = { .events = epoll_bits(p->active),
				 .data.fd = p->fd };
	if (!p->active)
		return 0;
	return epoll_ctl(ep_env(p->w)->epfd, EPOLL_CTL_MOD, p->fd, &e) < 0 ?
		       -errno :
		       0;
}

/* Everything ready now, without blocking: each through readiness_take. */
static int ep_run(struct wsk_ready *w)
{
	struct epoll_ready *e = ep_env(w);
	int n = epoll_wait(e->epfd, e->evs, (int)w->list_cap, 0);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		int fd = e->evs[i].data.fd;
		uint32_t bits = e->evs[i].events;
		if (fd == e->kickfd) {
			uint64_t v;
			if (read(fd, &v, sizeof v) < 0) { /* already reset */
			}
			continue;
		}
		struct wsk_watch *p = readiness_watch(w, fd);
		if (!p || p->closing)
			continue;
		int ev = 0;
		if (bits & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
			ev |= POLLIN;
		if (bits & (EPOLLOUT | EPOLLHUP | EPOLLERR))
			ev |= POLLOUT;
		readiness_take(p, ev);
	}
	return 0;
}

/* Re-arms the helper's one-shot watch on the JS thread's epoll instance:
 * if something is ready already, it wakes at once. */
static int ep_park(struct wsk_ready *w)
{
	struct epoll_ready *e = ep_env(w);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT,
				  .data.fd = e->epfd };
	return epoll_ctl(e->outer, EPOLL_CTL_MOD, e->epfd, &ev) < 0 ? -errno :
								       0;
}

static void ep_kick(struct wsk_ready *w)
{
	uint64_t one = 1;
	if (write(ep_env(w)->kickfd, &one, sizeof one) < 0) {
		/* the counter is full: it is readable already */
	}
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
	if (!e->thread_started)
		return;
	uint64_t one = 1;
	if (write(e->stopfd, &one, sizeof one) == sizeof one)
		pthread_join(e->thread, NULL);
}

static void ep_destroy(struct wsk_ready *w)
{
	struct epoll_ready *e = ep_env(w);
	if (e->epfd >= 0)
		close(e->epfd);
	if (e->kickfd >= 0)
		close(e->kickfd);
	if (e->outer >= 0)
		close(e->outer);
	if (e->stopfd >= 0)
		close(e->stopfd);
	free(e->evs);
}

const struct readiness_backend readiness_epoll = {
	.ready_size = sizeof(struct epoll_ready),
	.watch_size = sizeof(struct epoll_watch),
	.start = ep_start,
	.watch_init = NULL,
	.arm = ep_arm,
	.run = ep_run,
	.park = ep_park,
	.check = ep_check,
	.kick = ep_kick,
	.hold = ep_hold,
	.set_ref = NULL,
	.drop = ep_drop,
	.stop = ep_stop,
	.destroy = ep_destroy,
};
