/*
 * select() and pselect() for wasock guests, over the SDK's poll() (Linux
 * event bits, one host call). wasi-libc's own pselect also calls poll(), but
 * it was compiled with WASI's POLLRDNORM/POLLWRNORM, which mean other things
 * in Linux numbering: linked with the SDK it never saw a descriptor writable.
 * These definitions are in the SDK's object, which the linker reads before
 * libc.a, so wasi-libc's select.o and pselect.o are never pulled in.
 *
 * fd_set is wasi-libc's: a count and a list of descriptors (FD_SET appends),
 * not a bitmap. Semantics are Linux's: descriptors >= nfds are ignored, a
 * descriptor that is not open is EBADF, the result counts each ready
 * descriptor once per set, and select() (not pselect()) leaves the time not
 * slept in *timeout.
 */
#include <sys/select.h>
#include <sys/time.h>
#include <poll.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>
#include <wasock/host.h>

/* The bits that make a descriptor ready for each set: Linux's POLLIN_SET,
 * POLLOUT_SET and POLLEX_SET (fs/select.c). */
#define IN_SET (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define OUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define EX_SET (POLLPRI)

/* What is asked of poll() for each set. */
#define IN_ASK (POLLIN | POLLRDNORM | POLLRDBAND)
#define OUT_ASK (POLLOUT | POLLWRNORM | POLLWRBAND)
#define EX_ASK (POLLPRI)

/* Up to this many distinct descriptors, the pollfd array lives on the stack
 * (512 bytes); more is one malloc, at most 3 * FD_SETSIZE entries. */
#define STACK_FDS 64

#define NS_PER_SEC 1000000000LL
#define NS_PER_MS 1000000LL
#define NS_PER_US 1000LL
#define US_PER_SEC 1000000LL

struct set_spec {
	fd_set *set;
	short ask, ready;
};

static int fail(int err)
{
	errno = err;
	return -1;
}

/* A set's list may not claim more entries than fd_set holds. */
static int set_ok(const fd_set *s)
{
	return !s || s->__nfds <= FD_SETSIZE;
}

static size_t set_len(const fd_set *s)
{
	return s ? s->__nfds : 0;
}

/* Adds (fd, ask) to the pollfd list, merging with fd's earlier entry. */
static size_t add_fd(struct pollfd *pfd, size_t n, int fd, short ask)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (pfd[i].fd == fd) {
			pfd[i].events |= ask;
			return n;
		}
	}
	pfd[n].fd = fd;
	pfd[n].events = ask;
	pfd[n].revents = 0;
	return n + 1;
}

static short revents_of(const struct pollfd *pfd, size_t n, int fd)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pfd[i].fd == fd)
			return pfd[i].revents;
	return 0;
}

/* Keeps the descriptors of the set that are ready for it; returns how many. */
static int keep_ready(const struct set_spec *sp, int nfds,
		      const struct pollfd *pfd, size_t n)
{
	fd_set *s = sp->set;
	size_t i, k = 0;

	if (!s)
		return 0;
	for (i = 0; i < s->__nfds; i++) {
		int fd = s->__fds[i];

		if (fd < nfds && (revents_of(pfd, n, fd) & sp->ready))
			s->__fds[k++] = fd;
	}
	s->__nfds = k;
	return (int)k;
}

/* The host's monotonic clock (the one the core's deadlines use). */
static long long now_ns(void)
{
	uint64_t ns = 0;

	wsk_host_clock_ns(&ns);
	return (long long)ns;
}

/* poll() until ready or until ns nanoseconds passed (ns < 0: forever); a
 * wait beyond poll()'s int milliseconds is several polls. */
static int poll_for(struct pollfd *pfd, size_t n, long long ns)
{
	long long end = ns >= 0 ? now_ns() + ns : 0;

	for (;;) {
		long long ms = ns < 0 ? -1 : (ns + NS_PER_MS - 1) / NS_PER_MS;
		int r = poll(pfd, n, ms > INT_MAX ? INT_MAX : (int)ms);

		if (r != 0 || ms <= INT_MAX)
			return r;
		ns = end - now_ns();
		if (ns <= 0)
			return 0;
	}
}

/* The common part: ns < 0 waits forever. */
static int do_select(int nfds, fd_set *rfds, fd_set *wfds, fd_set *efds,
		     long long ns)
{
	struct set_spec sets[3] = {
		{ rfds, IN_ASK, IN_SET },
		{ wfds, OUT_ASK, OUT_SET },
		{ efds, EX_ASK, EX_SET },
	};
	struct pollfd stack[STACK_FDS], *pfd = stack;
	size_t total, n = 0, i;
	int s, r;

	if (nfds < 0 || !set_ok(rfds) || !set_ok(wfds) || !set_ok(efds))
		return fail(EINVAL);
	total = set_len(rfds) + set_len(wfds) + set_len(efds);
	if (total > STACK_FDS && !(pfd = malloc(total * sizeof *pfd)))
		return fail(ENOMEM);
	for (s = 0; s < 3; s++) {
		for (i = 0; i < set_len(sets[s].set); i++) {
			int fd = sets[s].set->__fds[i];

			if (fd >= nfds)
				continue;
			if (fd < 0) { /* a bitmap cannot hold it: not open */
				r = fail(EBADF);
				goto out;
			}
			n = add_fd(pfd, n, fd, sets[s].ask);
		}
	}
	r = poll_for(pfd, n, ns);
	if (r < 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (pfd[i].revents & POLLNVAL) {
			r = fail(EBADF);
			goto out;
		}
	}
	r = 0;
	for (s = 0; s < 3; s++)
		r += keep_ready(&sets[s], nfds, pfd, n);
out:
	if (pfd != stack)
		free(pfd);
	return r;
}

int select(int nfds, fd_set *restrict rfds, fd_set *restrict wfds,
	   fd_set *restrict efds, struct timeval *restrict tv)
{
	long long ns = -1, start = 0, left;
	int r;

	if (tv) {
		/* Linux carries whole seconds out of tv_usec; what is still
		 * negative after that is EINVAL. */
		long long sec = tv->tv_sec + tv->tv_usec / US_PER_SEC;
		long long usec = tv->tv_usec % US_PER_SEC;

		if (sec < 0 || usec < 0)
			return fail(EINVAL);
		ns = sec > LLONG_MAX / NS_PER_SEC - 1 ? LLONG_MAX / 2
			: sec * NS_PER_SEC + usec * NS_PER_US;
		start = now_ns();
	}
	r = do_select(nfds, rfds, wfds, efds, ns);
	if (tv && !(r < 0 && errno == EINVAL)) {
		/* Linux leaves the time not slept in *tv. */
		left = ns - (now_ns() - start);
		if (left < 0 || r == 0)
			left = 0;
		tv->tv_sec = left / NS_PER_SEC;
		tv->tv_usec = (left % NS_PER_SEC) / NS_PER_US;
	}
	return r;
}

int pselect(int nfds, fd_set *restrict rfds, fd_set *restrict wfds,
	    fd_set *restrict efds, const struct timespec *restrict ts,
	    const sigset_t *restrict mask)
{
	long long ns = -1;

	(void)mask; /* a WASI guest receives no signals to mask */
	if (ts) {
		if (ts->tv_sec < 0 || ts->tv_nsec < 0 ||
		    ts->tv_nsec >= NS_PER_SEC)
			return fail(EINVAL);
		ns = ts->tv_sec > LLONG_MAX / NS_PER_SEC - 1 ? LLONG_MAX / 2
			: ts->tv_sec * NS_PER_SEC + ts->tv_nsec;
	}
	return do_select(nfds, rfds, wfds, efds, ns);
}
