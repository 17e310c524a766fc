/* What every native benchmark program shares: failing loudly, and the clock
 * its rates are measured with. */
#ifndef WASOCK_BENCH_H
#define WASOCK_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void die(const char *what) { perror(what); exit(1); }

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#endif
