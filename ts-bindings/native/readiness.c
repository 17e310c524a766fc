/*
 * Readiness on the event loop, for wasock/promises: the handles, the ready
 * list and its dispatch, and the N-API entry points. The backends that watch
 * descriptors are readiness_uv.c and readiness_epoll.c (readiness.h is the
 * interface between them and this file).
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
 * Two backends feed the list, one per JS environment, chosen by pollSetup:
 *  - libuv (readiness_uv.c; Node): a uv_poll_t per descriptor, and a check
 *    handle, run right after the poll phase, that flushes the list.
 *  - epoll (readiness_epoll.c; runtimes whose N-API has no usable libuv,
 *    Bun and Deno): one epoll instance per JS environment that the JS
 *    thread polls without blocking once per loop turn while operations wait
 *    (pollRun: JS dispatches the list itself), and a helper thread that is
 *    handed the blocking wait (pollPark) only when such a poll found
 *    nothing, and then wakes the JS thread once (readiness_wake).
 *
 * Closing a descriptor through the addon (close, and so the core's close)
 * drops its watch first: a closed number that is reused must not inherit a
 * registration. A stale report for a reused number only wakes a waiter
 * early; its retry finds EAGAIN and waits again. A descriptor closed while
 * waited for, behind the Promise API's back (through the sync API's close,
 * or by close(2) itself, found by pollCheck), is listed with POLLNVAL soon
 * after (kick), and its waiters fail with EBADF instead of waiting forever.
 *
 * Events are the pollfd bits the core uses (POLLIN 1, POLLOUT 4). State is
 * per thread (_Thread_local): each JS environment, main or worker, runs its
 * own loop on its own thread. Copies of the library's JS on one thread that
 * load this file all get one exports object from the runtime, and share one
 * setup and one dispatch through it (readiness.ts). Every entry point
 * returns 0 or -errno.
 */
#include "readiness.h"

#include <dlfcn.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local struct wsk_ready *ready_env;

/* ---- arming, the list, the dispatch ----------------------------------- */

/* Arms, re-arms or disarms the watch to match p->want. */
static int watch_sync(struct wsk_watch *p)
{
	int ev = p->want & (POLLIN | POLLOUT);
	if (ev == p->active)
		return 0;
	int r = p->w->be->arm(p, ev);
	p->active = r < 0 ? 0 : ev;
	return r;
}

/* A watch keeps the loop alive while it waits, unless its socket was unref'd. */
static int holds(const struct wsk_watch *p)
{
	return p->want && !p->unref;
}

/* Counts the watches that hold the loop; the backend may hold it meanwhile. */
static void count_hold(struct wsk_watch *p, int before)
{
	struct wsk_ready *w = p->w;
	int after = holds(p);
	if (before == after)
		return;
	if (after ? w->holding++ == 0 : --w->holding == 0) {
		if (w->be->hold)
			w->be->hold(w, after);
	}
}

static void set_want(struct wsk_watch *p, int want)
{
	int before = holds(p);
	p->want = want;
	count_hold(p, before);
}

static void set_unref(struct wsk_watch *p, int unref)
{
	int before = holds(p);
	p->unref = unref;
	if (p->w->be->set_ref)
		p->w->be->set_ref(p, !unref);
	count_hold(p, before);
}

void readiness_flush(struct wsk_ready *w)
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
	/* A backend JS polls keeps a registration armed between waits, as after
	 * its own polls: a later report that nobody waits for disarms it
	 * (readiness_take). Disarming here, after a wake-up from the helper
	 * thread, cost an epoll_ctl to disarm and one to re-arm per descriptor
	 * the next time it was waited for. */
	if (w->be->run)
		return;
	for (size_t i = 0; i < n; i++) {
		int fd = w->list[2 * i];
		struct wsk_watch *p = readiness_watch(w, fd);
		if (p && !p->closing && watch_sync(p) < 0)
			set_want(p, 0); /* cannot wait again: its retry reports */
	}
}

void readiness_report(struct wsk_watch *p, int ev)
{
	struct wsk_ready *w = p->w;
	ev &= p->want;
	set_want(p, p->want & ~ev);
	if (!ev) {
		watch_sync(p); /* woken for nothing still awaited */
		return;
	}
	if (w->nready == w->list_cap)
		readiness_flush(w);
	w->list[2 * w->nready] = p->fd;
	w->list[2 * w->nready + 1] = ev;
	w->nready++;
}

static void list_append(struct wsk_ready *w, int fd, int ev)
{
	w->list[2 * w->nready] = fd;
	w->list[2 * w->nready + 1] = ev;
	w->nready++;
}

void readiness_take(struct wsk_watch *p, int ev)
{
	ev &= p->want;
	set_want(p, p->want & ~ev);
	if (ev) {
		list_append(p->w, p->fd, ev);
		return;
	}
	int left = p->want;
	if (watch_sync(p) < 0 && left) {
		set_want(p, 0);
		list_append(p->w, p->fd, left);
	}
}

/* What run finds: the gone waits, then the backend's. The list is empty
 * before (nothing else appends on such a backend) and at most full after. */
static int run(struct wsk_ready *w)
{
	size_t room = w->list_cap - w->nready;
	size_t n = w->ngone < room ? w->ngone : room;
	for (size_t i = 0; i < n; i++)
		list_append(w, w->gone[2 * (w->ngone - 1 - i)],
			    w->gone[2 * (w->ngone - 1 - i) + 1]);
	w->ngone -= n;
	if (n && (w->holding -= n) == 0 && w->be->hold)
		w->be->hold(w, 0);
	if (w->ngone) {
		w->be->kick(w); /* the rest at the next run */
		return 0;
	}
	return w->be->run && w->nready < w->list_cap ? w->be->run(w) : 0;
}

void readiness_wake(struct wsk_ready *w)
{
	run(w);
	if (w->nready)
		readiness_flush(w); /* JS polls again or parks */
	else if (w->be->park)
		w->be->park(w); /* woken for nothing: wait again */
}

/* ---- watches and the environment -------------------------------------- */

void readiness_freed(struct wsk_watch *p)
{
	if (p->w)
		p->w->live--;
	free(p);
}

/* fd, waited for, was closed behind the Promise API's back: it is listed
 * with POLLNVAL (its waiters fail with EBADF: the number may already name
 * another file). Until then it keeps the loop alive as a wait would. */
static int gone_add(struct wsk_ready *w, int fd)
{
	if (w->ngone == w->gone_cap) {
		size_t cap = w->gone_cap ? 2 * w->gone_cap : 16;
		int32_t *g = realloc(w->gone, 2 * cap * sizeof *g);
		if (!g)
			return -ENOMEM;
		w->gone = g;
		w->gone_cap = cap;
	}
	w->gone[2 * w->ngone] = fd;
	w->gone[2 * w->ngone + 1] = POLLNVAL;
	w->ngone++;
	if (w->holding++ == 0 && w->be->hold)
		w->be->hold(w, 1);
	return 0;
}

/* Drops fd's watch; `report`: its waiters, if any, are still in JS. */
static void forget(int fd, int report)
{
	struct wsk_ready *w = ready_env;
	struct wsk_watch *p = readiness_watch(w, fd);
	if (!p)
		return;
	w->tab[fd] = NULL;
	if (report && p->want && w->be->kick && gone_add(w, fd) == 0)
		w->be->kick(w);
	set_want(p, 0);
	p->closing = 1;
	w->be->drop(w, p);
}

void readiness_forget(int fd)
{
	forget(fd, 1);
}

/* The environment is going away: it frees its own references, and no
 * N-API call is made here (some runtimes have no handle scope now). Also
 * undoes a pollSetup that failed. */
static void cleanup(void *arg)
{
	struct wsk_ready *w = arg;
	if (w->be->stop)
		w->be->stop(w);
	for (size_t i = 0; i < w->cap; i++) {
		struct wsk_watch *p = w->tab[i];
		if (p) {
			w->tab[i] = NULL;
			p->closing = 1;
			p->w = NULL;
			w->be->drop(w, p);
		}
	}
	w->be->destroy(w);
	free(w->gone);
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

/* ---- N-API entry points ----------------------------------------------- */

/* pollSetup(dispatch(count), receiver, list: Int32Array, threaded) -> 0.
 * Once per thread: -EEXIST after that, as nothing but the first dispatch is
 * ever called (readiness.ts shares it among the copies of the library on the
 * thread, and fails its import on EEXIST). dispatch reads `count` (fd,
 * events) pairs from list. threaded: the epoll-thread backend instead of
 * libuv. */
napi_value f_pollSetup(napi_env env, napi_callback_info info)
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
	const struct readiness_backend *be =
		threaded ? &readiness_epoll : &readiness_uv;
	struct wsk_ready *w = calloc(1, be->ready_size);
	if (!w)
		RET_ERR(ENOMEM);
	w->be = be;
	w->env = env;
	w->list = ldata;
	w->list_cap = llen / 2;
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
	int r = be->start(w, name);
	if (r < 0) {
		cleanup(w);
		return ret_int(env, r);
	}
	napi_add_env_cleanup_hook(env, cleanup, w);
	ready_env = w;
	return ret_int(env, 0);
}

/* fd's watch, made (not armed) if it has none: 0, or -errno. */
static int watch_get(struct wsk_ready *w, int fd, struct wsk_watch **out)
{
	if (!w)
		return -ENOTCONN;
	if (fd < 0)
		return -EBADF;
	if ((size_t)fd >= w->cap) {
		size_t cap = w->cap ? w->cap : 64;
		while (cap <= (size_t)fd)
			cap *= 2;
		struct wsk_watch **t = realloc(w->tab, cap * sizeof *t);
		if (!t)
			return -ENOMEM;
		memset(t + w->cap, 0, (cap - w->cap) * sizeof *t);
		w->tab = t;
		w->cap = cap;
	}
	struct wsk_watch *p = w->tab[fd];
	if (!p) {
		p = calloc(1, w->be->watch_size);
		if (!p)
			return -ENOMEM;
		p->w = w;
		p->fd = fd;
		int r = w->be->watch_init ? w->be->watch_init(p) : 0;
		if (r < 0) {
			free(p);
			return r;
		}
		w->tab[fd] = p;
		w->live++;
	}
	*out = p;
	return 0;
}

/* What is ready now, listed for JS: the pairs, or -errno. JS reads the
 * list before anything appends again. */
static napi_value poll_listed(napi_env env, struct wsk_ready *w)
{
	int r = run(w);
	size_t n = w->nready;
	w->nready = 0;
	return ret_int(env, r < 0 ? r : (int64_t)n);
}

/* pollWait(fd, events, poll) -> pairs listed | -errno: fd is listed for
 * dispatch when ready. With poll, on a backend JS polls, the wait is
 * registered and then whatever is ready now is listed, as pollRun does (fd
 * itself, if it is ready already): one call where a wait that follows a send
 * would make two, and the wait already counts while the poll's reports are
 * taken, so the loop's hold is never dropped and taken again in between. */
napi_value f_pollWait(napi_env env, napi_callback_info info)
{
	ARGS(3);
	I32(fd, 0);
	I32(events, 1);
	I32(poll, 2);
	struct wsk_ready *w = ready_env;
	struct wsk_watch *p;
	int r = watch_get(w, fd, &p);
	if (r < 0)
		return ret_int(env, r);
	set_want(p, p->want | (events & (POLLIN | POLLOUT)));
	r = watch_sync(p);
	if (r < 0) {
		set_want(p, 0);
		return ret_int(env, r);
	}
	return poll && w->be->run ? poll_listed(env, w) : ret_int(env, 0);
}

/* pollRef(fd, on) -> 0 | -errno: whether fd's waits keep the loop alive
 * (Node's socket.ref()/unref()); kept until pollClose. */
napi_value f_pollRef(napi_env env, napi_callback_info info)
{
	ARGS(2);
	I32(fd, 0);
	I32(on, 1);
	struct wsk_watch *p;
	int r = watch_get(ready_env, fd, &p);
	if (r < 0)
		return ret_int(env, r);
	if (p->unref != !on)
		set_unref(p, !on);
	return ret_int(env, 0);
}

/* pollCancel(fd, events) -> 0: those events are no longer awaited. */
napi_value f_pollCancel(napi_env env, napi_callback_info info)
{
	ARGS(2);
	I32(fd, 0);
	I32(events, 1);
	struct wsk_watch *p = readiness_watch(ready_env, fd);
	if (p) {
		set_want(p, p->want & ~events);
		watch_sync(p);
	}
	return ret_int(env, 0);
}

/* pollClose(fd) -> 0: drops fd's watch (the descriptor stays open). */
napi_value f_pollClose(napi_env env, napi_callback_info info)
{
	ARGS(1);
	I32(fd, 0);
	forget(fd, 0); /* JS has failed its waiters */
	return ret_int(env, 0);
}

/* pollRun() -> pairs listed, or -errno: on a backend JS polls, what is ready
 * now, without blocking; JS dispatches the list itself. -ENOTSUP on libuv. */
napi_value f_pollRun(napi_env env, napi_callback_info info)
{
	(void)info;
	struct wsk_ready *w = ready_env;
	if (!w || !w->be->run)
		RET_ERR(ENOTSUP);
	return poll_listed(env, w);
}

/* pollPark() -> 0 | -errno: on a backend JS polls, a poll found nothing:
 * the backend calls dispatch once something may be ready. */
napi_value f_pollPark(napi_env env, napi_callback_info info)
{
	(void)info;
	struct wsk_ready *w = ready_env;
	if (!w || !w->be->park)
		RET_ERR(ENOTSUP);
	return ret_int(env, w->be->park(w));
}

/* pollCheck() -> watches waited for: each whose registration no longer
 * stands (its descriptor was closed behind the library's back) is dropped
 * and listed with POLLNVAL soon after. */
napi_value f_pollCheck(napi_env env, napi_callback_info info)
{
	(void)info;
	struct wsk_ready *w = ready_env;
	size_t waiting = 0;
	for (size_t fd = 0; w && fd < w->cap; fd++) {
		struct wsk_watch *p = w->tab[fd];
		if (!p || !p->want)
			continue;
		waiting++;
		if (w->be->check(p) < 0)
			forget((int)fd, 1);
	}
	return ret_int(env, (int64_t)waiting);
}

/* pollCount() -> watches not yet freed on this thread (leak checks). */
napi_value f_pollCount(napi_env env, napi_callback_info info)
{
	(void)info;
	return ret_int(env, ready_env ? (int64_t)ready_env->live : 0);
}
