/*
 * Readiness on the event loop, for wasock/promises.
 *
 * The Promise API waits for readiness here instead of in poll(2). Each
 * descriptor gets one watch at its first wait, reused by every later one and
 * armed only while some operation waits (an idle descriptor neither keeps
 * the loop alive nor wakes it).
 *
 * Readiness is delivered in batches: what one loop iteration finds ready is
 * appended to a list, and the whole list goes to one JS function per thread,
 * dispatch(count), through one napi_make_callback on a real receiver object,
 * so promise reactions run before the loop goes on. With a thousand busy
 * sockets that is one JS entry and one microtask checkpoint per iteration
 * instead of one per descriptor. The list is an Int32Array that JS owns and
 * reads in place (pairs fd, events); a full list is handed over at once.
 * After the dispatch each listed descriptor is re-armed or disarmed to match
 * what is still awaited: the next wait, asked for during the dispatch (the
 * next recv of a ping-pong), finds its watch as it was.
 *
 * Two backends feed the list:
 *  - libuv (Node, Deno): a uv_poll_t per descriptor, and a check handle,
 *    run right after the poll phase, that flushes the list. A handle stays
 *    started while its descriptor waits in the list, so a ping-pong makes no
 *    epoll_ctl per message.
 *  - thread (runtimes whose N-API has no libuv, such as Bun): one epoll
 *    instance per JS environment, watched by one helper thread, with
 *    EPOLLONESHOT so a descriptor reported once is not reported again until
 *    re-armed; the helper thread queues what it saw and wakes the JS thread
 *    through a thread-safe function, which flushes. The thread-safe function
 *    keeps the loop alive only while something waits.
 *
 * Closing a descriptor through the addon (close, and so the core's close)
 * drops its watch first: a closed number that is reused must not inherit a
 * registration. A stale report for a reused number only wakes a waiter
 * early; its retry finds EAGAIN and waits again.
 *
 * Events are the pollfd bits the core uses (POLLIN 1, POLLOUT 4). State is
 * per thread (_Thread_local): each JS environment, main or worker, runs its
 * own loop on its own thread.
 */
#include "addon.h"

#include <dlfcn.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <uv.h>

struct wsk_ready;

/* One watched descriptor. */
struct wsk_watch {
	uv_poll_t h; /* libuv backend; first: the handle's address is ours */
	struct wsk_ready *w;
	int fd;
	int want; /* POLLIN|POLLOUT still awaited */
	int active; /* events the watch is armed with; 0 disarmed */
	int registered; /* thread backend: added to the epoll set */
	int closing;
};

/* One JS environment's readiness state. */
struct wsk_ready {
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
	int threaded;
	/* libuv backend */
	uv_loop_t *loop;
	uv_check_t *check; /* flushes the list after each poll phase */
	/* thread backend */
	int epfd;
	int wakefd; /* eventfd: tells the helper thread to stop */
	pthread_t thread;
	int thread_started;
	napi_threadsafe_function tsfn;
	size_t waiting; /* watches with want != 0: the tsfn is ref'd while > 0 */
	pthread_mutex_t mu; /* guards the four below */
	int32_t *seen; /* pairs (fd, events) the helper thread saw */
	size_t nseen, seen_cap;
	int scheduled; /* a tsfn call is on its way */
};

static _Thread_local struct wsk_ready *ready_env;

/* ---- shared: arming, the list, the dispatch --------------------------- */

/* fd's watch, or NULL (also for no environment and negative numbers). */
static struct wsk_watch *watch_of(struct wsk_ready *w, int fd)
{
	return w && fd >= 0 && (size_t)fd < w->cap ? w->tab[fd] : NULL;
}

static int epoll_bits(int want)
{
	return ((want & POLLIN) ? EPOLLIN : 0) |
	       ((want & POLLOUT) ? EPOLLOUT : 0);
}

static int uv_bits(int want)
{
	return ((want & POLLIN) ? UV_READABLE : 0) |
	       ((want & POLLOUT) ? UV_WRITABLE : 0);
}

static void uvpoll_on(uv_poll_t *h, int status, int uvev);

/* Arms, re-arms or disarms the watch to match p->want. */
static int watch_sync(struct wsk_watch *p)
{
	struct wsk_ready *w = p->w;
	int ev = p->want & (POLLIN | POLLOUT);
	if (ev == p->active)
		return 0;
	if (!w->threaded) {
		if (ev == 0) {
			uv_poll_stop(&p->h);
			p->active = 0;
			return 0;
		}
		int r = uv_poll_start(&p->h, uv_bits(ev), uvpoll_on);
		p->active = r < 0 ? 0 : ev;
		return r;
	}
	struct epoll_event e = { .events = 0, .data.fd = p->fd };
	if (ev)
		e.events = (uint32_t)epoll_bits(ev) | EPOLLONESHOT;
	int op = p->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(w->epfd, op, p->fd, &e) < 0) {
		p->active = 0;
		return -errno;
	}
	p->registered = 1;
	p->active = ev;
	return 0;
}

/* The thread backend keeps the loop alive only while something waits. */
static void set_want(struct wsk_watch *p, int want)
{
	struct wsk_ready *w = p->w;
	if (w->threaded && !p->want != !want) {
		if (want && w->waiting++ == 0)
			napi_ref_threadsafe_function(w->env, w->tsfn);
		else if (!want && --w->waiting == 0)
			napi_unref_threadsafe_function(w->env, w->tsfn);
	}
	p->want = want;
}

/* Hands the list to JS, then matches each listed watch to what is still
 * awaited. */
static void flush(struct wsk_ready *w)
{
	napi_env env = w->env;
	size_t n = w->nready;
	if (n == 0)
		return;
	napi_handle_scope scope;
	napi_value fn, recv, argv[1], res;
	napi_open_handle_scope(env, &scope);
	napi_get_reference_value(env, w->dispatch, &fn);
	napi_get_reference_value(env, w->recv, &recv);
	napi_create_uint32(env, (uint32_t)n, &argv[0]);
	if (napi_make_callback(env, w->actx, recv, fn, 1, argv, &res) ==
	    napi_pending_exception) {
		napi_value e;
		napi_get_and_clear_last_exception(env, &e);
		napi_fatal_exception(env, e);
	}
	napi_close_handle_scope(env, scope);
	/* The list is ours again: JS read it during the call, and nothing
	 * appends until this returns. */
	w->nready = 0;
	for (size_t i = 0; i < n; i++) {
		int fd = w->list[2 * i];
		struct wsk_watch *p = watch_of(w, fd);
		if (p && !p->closing && watch_sync(p) < 0)
			set_want(p, 0); /* cannot wait again: its retry reports */
	}
}

/* p saw `ev` (pollfd bits): what was awaited of it goes on the list. */
static void report(struct wsk_watch *p, int ev)
{
	struct wsk_ready *w = p->w;
	ev &= p->want;
	set_want(p, p->want & ~ev);
	if (!ev) {
		watch_sync(p); /* woken for nothing still awaited */
		return;
	}
	if (w->nready == w->list_cap)
		flush(w);
	w->list[2 * w->nready] = p->fd;
	w->list[2 * w->nready + 1] = ev;
	w->nready++;
}

/* ---- libuv backend ---------------------------------------------------- */

static void on_check(uv_check_t *c);

static void uvpoll_on(uv_poll_t *h, int status, int uvev)
{
	struct wsk_watch *p = (struct wsk_watch *)h;
	struct wsk_ready *w = p->w;
	int ev = 0;
	if (status < 0)
		ev = p->want; /* the retry reports the error */
	if (uvev & (UV_READABLE | UV_DISCONNECT))
		ev |= POLLIN;
	if (uvev & UV_WRITABLE)
		ev |= POLLOUT;
	int was_empty = w->nready == 0;
	report(p, ev);
	if (was_empty && w->nready)
		uv_check_start(w->check, on_check);
}

static void on_check(uv_check_t *c)
{
	uv_check_stop(c);
	flush(c->data);
}

/* ---- thread backend --------------------------------------------------- */

static void *helper_main(void *arg)
{
	struct wsk_ready *w = arg;
	struct epoll_event evs[64];
	for (;;) {
		int n = epoll_wait(w->epfd, evs, 64, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		int call = 0;
		pthread_mutex_lock(&w->mu);
		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == w->wakefd) {
				pthread_mutex_unlock(&w->mu);
				return NULL;
			}
			if (w->nseen == w->seen_cap) {
				size_t cap = w->seen_cap ? 2 * w->seen_cap : 64;
				int32_t *s = realloc(w->seen, 2 * cap * sizeof *s);
				if (!s)
					break; /* out of memory: these reports are lost */
				w->seen = s;
				w->seen_cap = cap;
			}
			uint32_t e = evs[i].events;
			int ev = 0;
			if (e & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
				ev |= POLLIN;
			if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR))
				ev |= POLLOUT;
			w->seen[2 * w->nseen] = evs[i].data.fd;
			w->seen[2 * w->nseen + 1] = ev;
			w->nseen++;
		}
		if (w->nseen && !w->scheduled) {
			w->scheduled = 1;
			call = 1;
		}
		pthread_mutex_unlock(&w->mu);
		if (call)
			napi_call_threadsafe_function(w->tsfn, NULL,
						      napi_tsfn_nonblocking);
	}
}

/* On the JS thread: what the helper thread saw goes through report(). */
static void on_seen(napi_env env, napi_value js_cb, void *context, void *data)
{
	struct wsk_ready *w = context;
	(void)js_cb;
	(void)data;
	if (!env)
		return; /* the environment is going away */
	for (;;) {
		int32_t batch[2 * 64];
		size_t n;
		pthread_mutex_lock(&w->mu);
		n = w->nseen < 64 ? w->nseen : 64;
		memcpy(batch, w->seen + 2 * (w->nseen - n), 2 * n * sizeof *batch);
		w->nseen -= n;
		if (n == 0)
			w->scheduled = 0;
		pthread_mutex_unlock(&w->mu);
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			int fd = batch[2 * i];
			struct wsk_watch *p = watch_of(w, fd);
			if (!p || p->closing)
				continue;
			p->active = 0; /* a one-shot report disarms */
			report(p, batch[2 * i + 1]);
		}
	}
	flush(w);
}

static int thread_start(napi_env env, struct wsk_ready *w, napi_value name)
{
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->epfd < 0 || w->wakefd < 0)
		return -errno;
	struct epoll_event e = { .events = EPOLLIN, .data.fd = w->wakefd };
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->wakefd, &e) < 0)
		return -errno;
	if (pthread_mutex_init(&w->mu, NULL) != 0)
		return -ENOMEM;
	if (napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL,
					    NULL, w, on_seen,
					    &w->tsfn) != napi_ok)
		return -EINVAL;
	napi_unref_threadsafe_function(env, w->tsfn);
	if (pthread_create(&w->thread, NULL, helper_main, w) != 0)
		return -EAGAIN;
	w->thread_started = 1;
	return 0;
}

/* ---- the environment -------------------------------------------------- */

static void free_watch(uv_handle_t *h)
{
	struct wsk_watch *p = (struct wsk_watch *)h;
	if (p->w)
		p->w->live--;
	free(p);
}

static void free_handle(uv_handle_t *h)
{
	free(h);
}

static void drop(struct wsk_ready *w, struct wsk_watch *p)
{
	p->closing = 1;
	if (!w->threaded) {
		uv_close((uv_handle_t *)&p->h, free_watch);
		return;
	}
	if (p->registered)
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, p->fd, NULL);
	free_watch((uv_handle_t *)p);
}

void wsk_poll_forget(int fd)
{
	struct wsk_ready *w = ready_env;
	struct wsk_watch *p = watch_of(w, fd);
	if (!p)
		return;
	w->tab[fd] = NULL;
	set_want(p, 0);
	drop(w, p);
}

/* The environment is going away: it frees its own references, and no
 * N-API call is made here (some runtimes have no handle scope now). */
static void cleanup(void *arg)
{
	struct wsk_ready *w = arg;
	if (w->threaded && w->thread_started) {
		uint64_t one = 1;
		if (write(w->wakefd, &one, sizeof one) == sizeof one)
			pthread_join(w->thread, NULL);
	}
	for (size_t i = 0; i < w->cap; i++) {
		struct wsk_watch *p = w->tab[i];
		if (p) {
			w->tab[i] = NULL;
			p->closing = 1;
			if (!w->threaded) {
				p->w = NULL;
				uv_close((uv_handle_t *)&p->h, free_watch);
			} else {
				free(p);
			}
		}
	}
	if (w->check)
		uv_close((uv_handle_t *)w->check, free_handle);
	if (w->threaded) {
		if (w->epfd >= 0)
			close(w->epfd);
		if (w->wakefd >= 0)
			close(w->wakefd);
		free(w->seen);
	}
	free(w->tab);
	if (ready_env == w)
		ready_env = NULL;
	free(w);
}

/* Keeps this addon mapped for the rest of the process. Node unloads an addon
 * when an environment that loaded it goes (a worker's), and only then runs
 * that loop's closing handles: their close callbacks, here, would be gone. */
static void pin_self(void)
{
	Dl_info info;
	if (dladdr((void *)pin_self, &info) && info.dli_fname)
		dlopen(info.dli_fname, RTLD_NOW | RTLD_NODELETE);
}

static pthread_once_t pin_once = PTHREAD_ONCE_INIT;

/* pollSetup(dispatch(count), receiver, list: Int32Array, threaded) -> 0.
 * Once per thread. dispatch reads `count` (fd, events) pairs from list.
 * threaded: the helper-thread backend instead of libuv. */
napi_value wsk_poll_setup(napi_env env, napi_callback_info info)
{
	ARGS(4);
	napi_valuetype t0, t1;
	napi_typedarray_type lt;
	size_t llen;
	void *ldata;
	bool threaded;
	if (napi_typeof(env, argv[0], &t0) != napi_ok || t0 != napi_function ||
	    napi_typeof(env, argv[1], &t1) != napi_ok || t1 != napi_object ||
	    napi_get_typedarray_info(env, argv[2], &lt, &llen, &ldata, NULL,
				     NULL) != napi_ok ||
	    lt != napi_int32_array || llen < 2 ||
	    napi_get_value_bool(env, argv[3], &threaded) != napi_ok)
		RET_ERR(EINVAL);
	if (ready_env)
		RET_ERR(EEXIST);
	pthread_once(&pin_once, pin_self);
	struct wsk_ready *w = calloc(1, sizeof *w);
	if (!w)
		RET_ERR(ENOMEM);
	w->env = env;
	w->list = ldata;
	w->list_cap = llen / 2;
	w->threaded = threaded;
	w->epfd = w->wakefd = -1;
	napi_value name;
	if (napi_create_reference(env, argv[0], 1, &w->dispatch) != napi_ok ||
	    napi_create_reference(env, argv[1], 1, &w->recv) != napi_ok ||
	    napi_create_reference(env, argv[2], 1, &w->list_ref) != napi_ok ||
	    napi_create_string_utf8(env, "wasock:poll", NAPI_AUTO_LENGTH,
				    &name) != napi_ok ||
	    napi_async_init(env, argv[1], name, &w->actx) != napi_ok) {
		free(w);
		RET_ERR(EINVAL);
	}
	int r = 0;
	if (threaded) {
		r = thread_start(env, w, name);
	} else {
		w->check = malloc(sizeof *w->check);
		if (!w->check)
			r = -ENOMEM;
		else if (napi_get_uv_event_loop(env, &w->loop) != napi_ok ||
			 uv_check_init(w->loop, w->check) != 0)
			r = -EINVAL;
		else
			w->check->data = w;
	}
	if (r < 0) {
		/* Nothing was started that the cleanup could not undo. */
		if (w->check && !w->loop)
			free(w->check);
		else if (w->check)
			uv_close((uv_handle_t *)w->check, free_handle);
		w->check = NULL;
		cleanup(w);
		return ret_int(env, r);
	}
	napi_add_env_cleanup_hook(env, cleanup, w);
	ready_env = w;
	return ret_int(env, 0);
}

/* pollWait(fd, events) -> 0 | -errno: fd is listed for dispatch when ready. */
napi_value wsk_poll_wait(napi_env env, napi_callback_info info)
{
	ARGS(2);
	I32(fd, 0);
	I32(events, 1);
	struct wsk_ready *w = ready_env;
	if (!w)
		RET_ERR(ENOTCONN);
	if (fd < 0)
		RET_ERR(EBADF);
	if ((size_t)fd >= w->cap) {
		size_t cap = w->cap ? w->cap : 64;
		while (cap <= (size_t)fd)
			cap *= 2;
		struct wsk_watch **t = realloc(w->tab, cap * sizeof *t);
		if (!t)
			RET_ERR(ENOMEM);
		memset(t + w->cap, 0, (cap - w->cap) * sizeof *t);
		w->tab = t;
		w->cap = cap;
	}
	struct wsk_watch *p = w->tab[fd];
	if (!p) {
		p = calloc(1, sizeof *p);
		if (!p)
			RET_ERR(ENOMEM);
		if (!w->threaded) {
			int r = uv_poll_init_socket(w->loop, &p->h, fd);
			if (r < 0) {
				free(p);
				return ret_int(env, r); /* libuv errors are -errno */
			}
		}
		p->w = w;
		p->fd = fd;
		w->tab[fd] = p;
		w->live++;
	}
	set_want(p, p->want | (events & (POLLIN | POLLOUT)));
	int r = watch_sync(p);
	if (r < 0) {
		set_want(p, 0);
		return ret_int(env, r);
	}
	return ret_int(env, 0);
}

/* pollCancel(fd, events) -> 0: those events are no longer awaited. */
napi_value wsk_poll_cancel(napi_env env, napi_callback_info info)
{
	ARGS(2);
	I32(fd, 0);
	I32(events, 1);
	struct wsk_watch *p = watch_of(ready_env, fd);
	if (p) {
		set_want(p, p->want & ~events);
		watch_sync(p);
	}
	return ret_int(env, 0);
}

/* pollClose(fd) -> 0: drops fd's watch (the descriptor stays open). */
napi_value wsk_poll_close(napi_env env, napi_callback_info info)
{
	ARGS(1);
	I32(fd, 0);
	wsk_poll_forget(fd);
	return ret_int(env, 0);
}

/* pollCount() -> watches not yet freed on this thread (leak checks). */
napi_value wsk_poll_count(napi_env env, napi_callback_info info)
{
	(void)info;
	return ret_int(env, ready_env ? (int64_t)ready_env->live : 0);
}
