/*
 * The libuv readiness backend (Node): a uv_poll_t per descriptor on the
 * environment's own loop, and a check handle, run right after the poll
 * phase, that flushes the ready list. A handle stays started while its
 * descriptor waits in the list, so a ping-pong makes no epoll_ctl per
 * message. Started handles keep the loop alive (unless unref'd): no hold
 * is needed.
 */
#include "readiness.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <uv.h>

struct uv_ready {
	struct wsk_ready r; /* first */
	uv_loop_t *loop;
	uv_check_t *check; /* flushes the list after each poll phase */
	uv_idle_t *idle; /* kick: a loop iteration that does not block */
};

struct uv_watch {
	struct wsk_watch p; /* first: freed as one */
	uv_poll_t h; /* h.data is p */
};

static struct uv_ready *uv_env(struct wsk_ready *w)
{
	return (struct uv_ready *)w;
}

static uv_poll_t *handle_of(struct wsk_watch *p)
{
	return &((struct uv_watch *)p)->h;
}

static void on_check(uv_check_t *c)
{
	uv_check_stop(c);
	readiness_flush(c->data);
}

static void on_poll(uv_poll_t *h, int status, int uvev)
{
	struct wsk_watch *p = h->data;
	struct wsk_ready *w = p->w;
	int ev = 0;
	if (status < 0)
		ev = p->want; /* the retry reports the error */
	if (uvev & (UV_READABLE | UV_DISCONNECT))
		ev |= POLLIN;
	if (uvev & UV_WRITABLE)
		ev |= POLLOUT;
	int was_empty = w->nready == 0;
	readiness_report(p, ev);
	if (was_empty && w->nready)
		uv_check_start(uv_env(w)->check, on_check);
}

static void on_idle(uv_idle_t *h)
{
	uv_idle_stop(h);
	readiness_wake(h->data);
}

static int uv_start(struct wsk_ready *w, napi_value name)
{
	struct uv_ready *u = uv_env(w);
	(void)name;
	if (napi_get_uv_event_loop(w->env, &u->loop) != napi_ok)
		return -EINVAL;
	u->check = malloc(sizeof *u->check);
	if (!u->check || uv_check_init(u->loop, u->check) != 0) {
		free(u->check); /* never initialized: nothing to close */
		u->check = NULL;
		return -ENOMEM;
	}
	u->check->data = w;
	u->idle = malloc(sizeof *u->idle);
	if (!u->idle || uv_idle_init(u->loop, u->idle) != 0) {
		free(u->idle);
		u->idle = NULL;
		return -ENOMEM;
	}
	u->idle->data = w;
	return 0;
}

/* libuv drops a closed descriptor's registration silently: whether the
 * number is still open is all there is to ask. */
static int uv_check_fd(struct wsk_watch *p)
{
	return fcntl(p->fd, F_GETFD) < 0 ? -errno : 0;
}

/* An active idle handle keeps the loop alive and its poll phase from
 * blocking; its callback reports. */
static void uv_kick(struct wsk_ready *w)
{
	uv_idle_start(uv_env(w)->idle, on_idle);
}

static int uv_watch_init(struct wsk_watch *p)
{
	uv_poll_t *h = handle_of(p);
	int r = uv_poll_init_socket(uv_env(p->w)->loop, h, p->fd);
	h->data = p;
	return r; /* libuv errors are -errno */
}

static int uv_arm(struct wsk_watch *p, int ev)
{
	if (ev == 0)
		return uv_poll_stop(handle_of(p));
	return uv_poll_start(handle_of(p),
			     ((ev & POLLIN) ? UV_READABLE : 0) |
				     ((ev & POLLOUT) ? UV_WRITABLE : 0),
			     on_poll);
}

/* An unref'd socket's handle does not keep the loop alive, started or not. */
static void uv_set_ref(struct wsk_watch *p, int on)
{
	if (on)
		uv_ref((uv_handle_t *)handle_of(p));
	else
		uv_unref((uv_handle_t *)handle_of(p));
}

static void on_closed(uv_handle_t *h)
{
	readiness_freed(h->data);
}

static void uv_drop(struct wsk_ready *w, struct wsk_watch *p)
{
	(void)w;
	uv_close((uv_handle_t *)handle_of(p), on_closed);
}

static void free_handle(uv_handle_t *h)
{
	free(h);
}

static void uv_destroy(struct wsk_ready *w)
{
	struct uv_ready *u = uv_env(w);
	if (u->check)
		uv_close((uv_handle_t *)u->check, free_handle);
	if (u->idle)
		uv_close((uv_handle_t *)u->idle, free_handle);
}

const struct readiness_backend readiness_uv = {
	.ready_size = sizeof(struct uv_ready),
	.watch_size = sizeof(struct uv_watch),
	.start = uv_start,
	.watch_init = uv_watch_init,
	.arm = uv_arm,
	.run = NULL,
	.park = NULL,
	.check = uv_check_fd,
	.kick = uv_kick,
	.hold = NULL,
	.set_ref = uv_set_ref,
	.drop = uv_drop,
	.stop = NULL,
	.destroy = uv_destroy,
};
