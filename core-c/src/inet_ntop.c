/*
 * inet_ntop producing glibc's text byte for byte (resolv/inet_ntop.c):
 * lowercase hex without leading zeros; the longest run of two or more zero
 * groups becomes "::", the first one on a tie; an address whose first 96
 * bits are zero (and not "::" or "::1"-like, i.e. group 6 is nonzero) or
 * that is ::ffff:0:0/96 ends in a dotted quad.
 */
#include <wasock/core.h>

enum { EAFNOSUPPORT_ = 97, ENOSPC_ = 28 };

/* Writes the decimal form of v (< 1000) at p; returns the digit count. */
static int put_dec(char *p, unsigned v)
{
	int n = 0;

	if (v >= 100)
		p[n++] = (char)('0' + v / 100);
	if (v >= 10)
		p[n++] = (char)('0' + v / 10 % 10);
	p[n++] = (char)('0' + v % 10);
	return n;
}

/* Writes "a.b.c.d" without a terminator; returns its length (<= 15). */
static int put_quad(char *p, const unsigned char *a)
{
	int n = 0, i;

	for (i = 0; i < 4; i++) {
		if (i)
			p[n++] = '.';
		n += put_dec(p + n, a[i]);
	}
	return n;
}

/* Writes v in lowercase hex without leading zeros; returns the length. */
static int put_hex(char *p, unsigned v)
{
	static const char digits[] = "0123456789abcdef";
	int n = 0, shift;

	for (shift = 12; shift > 0 && !(v >> shift); shift -= 4)
		;
	for (; shift >= 0; shift -= 4)
		p[n++] = digits[v >> shift & 15];
	return n;
}

/* Copies len bytes of text plus a terminator if they fit in size. */
static int finish(char *dst, uint32_t size, const char *text, int len)
{
	if ((uint32_t)len >= size)
		return -ENOSPC_;
	wsk_memcpy(dst, text, (size_t)len);
	dst[len] = 0;
	return 0;
}

static int ntop4(const unsigned char *a, char *dst, uint32_t size)
{
	char tmp[WSK_INET_ADDRSTRLEN];

	return finish(dst, size, tmp, put_quad(tmp, a));
}

/* Finds the first longest run of zero groups; *len is 0 if shorter than 2. */
static int zero_run(const unsigned *w, int *len)
{
	int best = -1, best_len = 0, cur = -1, i;

	for (i = 0; i <= 8; i++) {
		if (i < 8 && w[i] == 0) {
			if (cur < 0)
				cur = i;
			continue;
		}
		if (cur >= 0 && i - cur > best_len) {
			best = cur;
			best_len = i - cur;
		}
		cur = -1;
	}
	if (best_len < 2) {
		*len = 0;
		return -1;
	}
	*len = best_len;
	return best;
}

static int ntop6(const unsigned char *a, char *dst, uint32_t size)
{
	char tmp[sizeof "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"];
	unsigned w[8];
	int run, run_len, i, n = 0;

	for (i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	run = zero_run(w, &run_len);
	for (i = 0; i < 8; i++) {
		if (run >= 0 && i >= run && i < run + run_len) {
			if (i == run)
				tmp[n++] = ':';
			continue;
		}
		if (i)
			tmp[n++] = ':';
		/* IPv4-compatible (::a.b.c.d) or v4-mapped (::ffff:a.b.c.d). */
		if (i == 6 && run == 0 &&
		    (run_len == 6 || (run_len == 5 && w[5] == 0xffff))) {
			n += put_quad(tmp + n, a + 12);
			break;
		}
		n += put_hex(tmp + n, w[i]);
	}
	if (run >= 0 && run + run_len == 8)
		tmp[n++] = ':';
	return finish(dst, size, tmp, n);
}

WSK_EXPORT("wsk_inet_ntop")
int wsk_inet_ntop(int af, const void *src, char *dst, uint32_t size)
{
	switch (af) {
	case WSK_AF_INET:
		return ntop4(src, dst, size);
	case WSK_AF_INET6:
		return ntop6(src, dst, size);
	default:
		return -EAFNOSUPPORT_;
	}
}
