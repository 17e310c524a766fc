/*
 * The resolver's files, fetched through the host (never a guest's file
 * system) and kept here between calls. Each call asks the host whether
 * the file changed (one cheap import call carrying the generation the core
 * holds), so an edited /etc/hosts is seen at once, as glibc sees it, while
 * an unchanged one is not copied again.
 *
 * Fixed capacities replace malloc: a longer file is read up to its last
 * complete line that fits (glibc would read it all). The hosts buffer is
 * sized for the multi-megabyte block lists some machines install as
 * /etc/hosts; untouched pages of it cost no memory.
 */
#include <wasock/core.h>
#include <wasock/resolv.h>

#define KB 1024u

/* Room for the hosts file: the library's resolver reads block lists of
 * megabytes; a guest's host resolves for it and never gives it the hosts
 * file, so the guest SDK builds with a token buffer (a wasm object file has
 * no uninitialised-data section: the room would be 8 MiB of zeros in it). */
#ifndef WSK_RFILE_HOSTS_KB
#define WSK_RFILE_HOSTS_KB 8192
#endif

/* The others: several times the stock file (Debian's
 * /etc/services is 13 KiB, protocols 3 KiB, gai.conf 3 KiB; resolv.conf and
 * nsswitch.conf are a few lines). */
static char hosts_buf[WSK_RFILE_HOSTS_KB * KB], services_buf[64 * KB];
static char protocols_buf[16 * KB], resolv_buf[16 * KB];
static char nss_buf[8 * KB], gai_buf[16 * KB];

static struct rfile {
	char *buf;
	uint32_t cap, len, gen;
} files[WSK_RFILE_COUNT] = {
	{ hosts_buf, sizeof hosts_buf, 0, 0 },
	{ services_buf, sizeof services_buf, 0, 0 },
	{ protocols_buf, sizeof protocols_buf, 0, 0 },
	{ resolv_buf, sizeof resolv_buf, 0, 0 },
	{ nss_buf, sizeof nss_buf, 0, 0 },
	{ gai_buf, sizeof gai_buf, 0, 0 },
};

/* A truncated copy ends at its last newline: no half line is parsed. */
static uint32_t whole_lines(const char *buf, uint32_t n)
{
	while (n > 0 && buf[n - 1] != '\n')
		n--;
	return n;
}

static void refresh(struct rfile *f, int id)
{
	uint32_t len = 0, gen = f->gen;

	if (wsk_host_resolver_file(id, f->buf, f->cap, &len, &gen) != 0) {
		/* Unreadable is empty, as a missing file is to glibc. */
		f->len = 0;
		f->gen = 0;
		return;
	}
	if (gen == f->gen)
		return;
	f->gen = gen;
	f->len = len <= f->cap ? len : whole_lines(f->buf, f->cap);
}

const char *wsk_rfile(int id, uint32_t *len)
{
	struct rfile *f;

	if (id < 0 || id >= WSK_RFILE_COUNT) {
		*len = 0;
		return "";
	}
	f = &files[id];
	refresh(f, id);
	*len = f->len;
	return f->buf;
}

uint32_t wsk_rfile_gen(int id)
{
	uint32_t len;

	wsk_rfile(id, &len);
	return files[id].gen;
}
