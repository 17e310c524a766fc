/*
 * Inside the addon's readiness: what readiness.c (the handles, the list, the
 * dispatch, the N-API entry points) shares with its two backends,
 * readiness_uv.c (libuv's uv_poll) and readiness_epoll.c (an epoll instance
 * that the JS thread polls, with a helper thread for the blocking wait).
 * pollSetup picks one backend per JS
 * environment; the shared code reaches it only through struct
 * readiness_backend.
 */
#ifndef WASOCK_READINESS_H
#define WASOCK_READINESS_H

#include "addon.h"

#include <stddef.h>

struct readiness_backend;

/* One watched descriptor. A backend's own watch struct starts with it. */
struct wsk_watch {
	struct wsk_ready *w; /* NULL once the environment is gone */
	int fd;
	int want; /* POLLIN|POLLOUT still awaited */
	int active; /* events the watch is armed with; 0 disarmed */
	int unref; /* its waits do not keep the loop alive (socket.unref()) */
	int closing;
};

/* One JS environment's readiness state. A backend's own environment struct
 * starts with it. */
struct wsk_ready {
	const struct readiness_backend *be;
	napi_env env;
	napi_ref dispatch;
	napi_ref recv;
	napi_ref list_ref; /* keeps the list's Int32Array alive */
	napi_async_context actx;
	int32_t *list; /* pairs (fd, events) for dispatch */
	size_t list_cap; /* pairs */
	size_t nready; /* pairs */
	struct wsk_watch **tab; /* by descriptor */
	size_t cap;
	size_t live; /* watches not yet freed (for tests) */
	size_t holding; /* watches that wait and keep the loop alive */
	int32_t *gone; /* pairs (fd, POLLNVAL): closed behind the Promise
			* API's back while waited for, to report at the next run */
	size_t ngone, gone_cap; /* pairs */
};

/*
 * A backend. Every function returning int gives 0 or -errno. Events are
 * pollfd bits (POLLIN, POLLOUT).
 */
struct readiness_backend {
	size_t ready_size; /* its environment struct */
	size_t watch_size; /* its watch struct */
	/* Sets up w (zeroed past struct wsk_ready). On failure, what it made
	 * is left for destroy. `name` names its async resources. */
	int (*start)(struct wsk_ready *w, napi_value name);
	/* A new watch, p->w and p->fd set, not yet armed (may be NULL). */
	int (*watch_init)(struct wsk_watch *p);
	/* Arms p for ev, or disarms it when ev is 0. */
	int (*arm)(struct wsk_watch *p, int ev);
	/* A backend that JS polls itself has run and park (NULL for one that
	 * flushes on its own, as libuv's check handle does). run lists what
	 * is ready now, without blocking, each through readiness_take (up to
	 * list_cap pairs in all). park has the backend call readiness_wake
	 * once something may be ready. */
	int (*run)(struct wsk_ready *w);
	int (*park)(struct wsk_ready *w);
	/* Whether p's registration still stands: 0, or -errno when its
	 * descriptor was closed behind the library's back. */
	int (*check)(struct wsk_watch *p);
	/* Has readiness_wake called soon, on the JS thread, even with no
	 * descriptor ready: there are gone waits to report. */
	void (*kick)(struct wsk_ready *w);
	/* The number of watches that wait and keep the loop alive went from
	 * 0 to 1 (on) or back (may be NULL: the backend's handles keep the
	 * loop alive themselves). */
	void (*hold)(struct wsk_ready *w, int on);
	/* p's waits keep the loop alive (on) or not (may be NULL: hold's
	 * count covers it). */
	void (*set_ref)(struct wsk_watch *p, int on);
	/* Stops watching p and frees it (now, or once its handle closed):
	 * through readiness_freed. p->w is NULL when the environment goes. */
	void (*drop)(struct wsk_ready *w, struct wsk_watch *p);
	/* The environment is going away, before its watches are dropped (may
	 * be NULL). No N-API call. */
	void (*stop)(struct wsk_ready *w);
	/* Releases what start made, after the watches were dropped. No N-API
	 * call. */
	void (*destroy)(struct wsk_ready *w);
};

extern const struct readiness_backend readiness_uv;
extern const struct readiness_backend readiness_epoll;

/* fd's watch, or NULL (also for no environment and negative numbers). */
static inline struct wsk_watch *readiness_watch(struct wsk_ready *w, int fd)
{
	return w && fd >= 0 && (size_t)fd < w->cap ? w->tab[fd] : NULL;
}

/* p saw ev: what is awaited of it goes on the list (handed to JS when
 * full). */
void readiness_report(struct wsk_watch *p, int ev);
/* p saw ev (its registration stays armed): what is awaited of it goes on
 * the list. A report that nobody awaits re-arms p to what is still awaited,
 * or disarms it; when that fails, p's waiters are listed too (their retry
 * meets the error). */
void readiness_take(struct wsk_watch *p, int ev);
/* Woken by a parked backend, on the JS thread: runs it and hands what it
 * found to JS, or parks it again. */
void readiness_wake(struct wsk_ready *w);
/* Hands the list to JS, then re-arms or disarms each listed watch to match
 * what is still awaited. */
void readiness_flush(struct wsk_ready *w);
/* Frees a dropped watch (and counts it out of w->live while w lives). */
void readiness_freed(struct wsk_watch *p);

#endif
