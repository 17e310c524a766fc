/*
 * Differential test of the core's text, byte-order and error-table functions
 * against glibc on this machine: a corpus of tricky inputs (CPython's
 * test_socket cases and glibc edge cases), then millions of random and
 * mutated inputs. Prints "native text: N checks, M mismatches"; exits 1 on
 * any mismatch. Optional argv[1]: PRNG seed; argv[2]: iteration scale.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <wasock/core.h>

static unsigned long long checks, mismatches;
/* How many inputs glibc accepted: evidence the random phases reach past the
 * first character. */
static unsigned long long ok_pton4, ok_pton6, ok_aton;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static void show(const char *s)
{
	putc('"', stderr);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			putc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	putc('"', stderr);
}

static void show_bytes(const unsigned char *b, int n)
{
	for (int i = 0; i < n; i++)
		fprintf(stderr, "%02x", b[i]);
}

static void fail(const char *what)
{
	mismatches++;
	if (mismatches <= 30)
		fprintf(stderr, "MISMATCH %s: ", what);
}

static void end_fail(void)
{
	if (mismatches <= 30)
		putc('\n', stderr);
}

/* ---- inet_pton ---------------------------------------------------------- */

static void check_pton(int af, const char *s)
{
	unsigned char want[16], got[16];
	int n = af == AF_INET ? 4 : 16;

	memset(want, 0xAA, sizeof want);
	memset(got, 0xAA, sizeof got);
	int r = inet_pton(af, s, want);
	int q = wsk_inet_pton(af == AF_INET ? WSK_AF_INET : WSK_AF_INET6, s,
			      got);
	checks++;
	if (r == 1)
		*(af == AF_INET ? &ok_pton4 : &ok_pton6) += 1;
	if (r != q || (r == 1 && memcmp(want, got, n)) ||
	    (r != 1 && memcmp(got, "\xAA\xAA\xAA\xAA\xAA\xAA\xAA\xAA"
				   "\xAA\xAA\xAA\xAA\xAA\xAA\xAA\xAA", 16))) {
		fail(af == AF_INET ? "inet_pton(AF_INET)" : "inet_pton(AF_INET6)");
		if (mismatches <= 30) {
			show(s);
			fprintf(stderr, " glibc %d ", r);
			show_bytes(want, n);
			fprintf(stderr, " core %d ", q);
			show_bytes(got, n);
		}
		end_fail();
	}
}

static void check_pton_both(const char *s)
{
	check_pton(AF_INET, s);
	check_pton(AF_INET6, s);
}

static void check_pton_badaf(void)
{
	static const int afs[] = { AF_UNSPEC, AF_UNIX, 3, 9, 11, 17, -1, 1000 };
	unsigned char dst[16];

	for (size_t i = 0; i < sizeof afs / sizeof afs[0]; i++) {
		errno = 0;
		int r = inet_pton(afs[i], "1.2.3.4", dst);
		int q = wsk_inet_pton(afs[i], "1.2.3.4", dst);
		checks++;
		if (r != -1 || q != -errno) {
			fail("inet_pton bad af");
			if (mismatches <= 30)
				fprintf(stderr, "af %d glibc %d errno %d core %d",
					afs[i], r, errno, q);
			end_fail();
		}
	}
}

/* ---- inet_ntop ---------------------------------------------------------- */

static void check_ntop_size(int af, const unsigned char *a, socklen_t size)
{
	char want[64], got[64];

	memset(want, 'Z', sizeof want);
	memset(got, 'Z', sizeof got);
	errno = 0;
	const char *r = inet_ntop(af, a, want, size);
	int e = errno;
	int q = wsk_inet_ntop(af == AF_INET ? WSK_AF_INET : WSK_AF_INET6, a,
			      got, size);
	checks++;
	int ok = r ? q == 0 && !strcmp(want, got)
		   : q == -e && !memcmp(want, got, sizeof want);
	if (!ok) {
		fail(af == AF_INET ? "inet_ntop(AF_INET)" : "inet_ntop(AF_INET6)");
		if (mismatches <= 30) {
			show_bytes(a, af == AF_INET ? 4 : 16);
			fprintf(stderr, " size %u glibc %s errno %d core %d ",
				(unsigned)size, r ? want : "NULL", e, q);
			if (!q)
				show(got);
		}
		end_fail();
	}
}

static void check_ntop(int af, const unsigned char *a)
{
	char buf[64];

	check_ntop_size(af, a, 64);
	/* Sizes around the exact fit exercise the ENOSPC boundary. */
	if (inet_ntop(af, a, buf, sizeof buf)) {
		socklen_t n = (socklen_t)strlen(buf);

		check_ntop_size(af, a, n + 1);
		check_ntop_size(af, a, n);
		check_ntop_size(af, a, rnd_below(n + 1));
	}
	/* Round trip: the core reads back what glibc printed. */
	if (inet_ntop(af, a, buf, sizeof buf))
		check_pton(af, buf);
}

static void check_ntop_badaf(void)
{
	unsigned char a[16] = { 0 };
	char buf[64];

	for (int af = -2; af < 50; af++) {
		if (af == AF_INET || af == AF_INET6)
			continue;
		errno = 0;
		const char *r = inet_ntop(af, a, buf, sizeof buf);
		int q = wsk_inet_ntop(af, a, buf, sizeof buf);
		checks++;
		if (r || q != -errno) {
			fail("inet_ntop bad af");
			if (mismatches <= 30)
				fprintf(stderr, "af %d errno %d core %d", af, errno, q);
			end_fail();
		}
	}
}

/* Random address biased to many zero groups, ffff and small values. */
static void rnd_addr6(unsigned char *a)
{
	unsigned mode = rnd_below(8);

	for (int i = 0; i < 8; i++) {
		unsigned w, k = rnd_below(10);

		if (k < 5)
			w = 0;
		else if (k == 5)
			w = 0xffff;
		else if (k == 6)
			w = rnd_below(16);
		else if (k == 7)
			w = rnd_below(256) << (rnd_below(2) * 8);
		else
			w = (unsigned)rnd() & 0xffff;
		a[2 * i] = (unsigned char)(w >> 8);
		a[2 * i + 1] = (unsigned char)w;
	}
	/* Force the v4-compatible / v4-mapped prefixes some of the time. */
	if (mode == 0)
		memset(a, 0, 12);
	else if (mode == 1) {
		memset(a, 0, 10);
		a[10] = a[11] = 0xff;
	} else if (mode == 2)
		memset(a, 0, 10);
	else if (mode == 3 && rnd_below(2))
		memset(a, 0, 16 - rnd_below(5));
}

/* ---- inet_aton / inet_ntoa ---------------------------------------------- */

static void check_aton(const char *s)
{
	struct in_addr want = { 0x5a5a5a5a };
	uint32_t got = 0x5a5a5a5a;
	int r = inet_aton(s, &want);
	int q = wsk_inet_aton(s, &got);

	checks++;
	ok_aton += r == 1;
	if (r != q || (r && want.s_addr != got) || (!r && got != 0x5a5a5a5a)) {
		fail("inet_aton");
		if (mismatches <= 30) {
			show(s);
			fprintf(stderr, " glibc %d %08x core %d %08x", r,
				ntohl(want.s_addr), q, ntohl(got));
		}
		end_fail();
	}
	/* A NULL result pointer only validates. */
	checks++;
	if (wsk_inet_aton(s, NULL) != r) {
		fail("inet_aton(NULL)");
		if (mismatches <= 30)
			show(s);
		end_fail();
	}
}

static void check_ntoa(uint32_t be)
{
	struct in_addr in = { be };
	char got[16];

	wsk_inet_ntoa(be, got);
	checks++;
	if (strcmp(inet_ntoa(in), got)) {
		fail("inet_ntoa");
		if (mismatches <= 30)
			fprintf(stderr, "%08x glibc %s core %s", be, inet_ntoa(in), got);
		end_fail();
	}
}

/* One aton part in a random base, sometimes out of range or overlong. */
static int rnd_part(char *p)
{
	uint64_t v;
	unsigned k = rnd_below(6);

	if (k == 0)
		v = rnd_below(256);
	else if (k == 1)
		v = rnd_below(65536);
	else if (k == 2)
		v = rnd() & 0xffffffffu;
	else if (k == 3)
		v = rnd() >> rnd_below(64);
	else if (k == 4)
		v = 0xffffffffull + rnd_below(3) - 1;
	else
		v = rnd_below(16);
	switch (rnd_below(4)) {
	case 0:
		return sprintf(p, "0%*s%llo", (int)rnd_below(3), "",
			       (unsigned long long)v);
	case 1:
		return sprintf(p, "0%c%0*llx", rnd_below(2) ? 'x' : 'X',
			       (int)rnd_below(12), (unsigned long long)v);
	default:
		return sprintf(p, "%llu", (unsigned long long)v);
	}
}

static void rnd_aton_string(char *s)
{
	static const char tails[][6] = { "", "", "", " ", "\t", "\nzz", " 1.x",
					 "x", ".", "..", "\xa0", "\v", "\r", "8",
					 "9", "0x", "g" };
	int parts = 1 + (int)rnd_below(5), n = 0;

	for (int i = 0; i < parts; i++) {
		if (i)
			s[n++] = '.';
		n += rnd_part(s + n);
	}
	strcpy(s + n, tails[rnd_below(sizeof tails / sizeof tails[0])]);
	/* sprintf's "0%*s" pads with spaces: turn them into more zeros. */
	for (char *p = s; p < s + n; p++)
		if (*p == ' ')
			*p = '0';
}

/* ---- random strings and mutation ---------------------------------------- */

static void rnd_string(char *s, const char *alphabet, unsigned maxlen)
{
	unsigned n = rnd_below(maxlen + 1), k = (unsigned)strlen(alphabet);

	for (unsigned i = 0; i < n; i++)
		s[i] = alphabet[rnd_below(k)];
	s[n] = 0;
}

/* Deletes, inserts or replaces a character or two. s has room for 8 more. */
static void mutate(char *s, const char *alphabet)
{
	unsigned k = (unsigned)strlen(alphabet), times = 1 + rnd_below(2);

	while (times--) {
		size_t n = strlen(s);
		unsigned op = rnd_below(3), at = rnd_below((unsigned)n + 1);

		if (op == 0 && n) {
			if (at == n)
				at--;
			memmove(s + at, s + at + 1, n - at);
		} else if (op == 1) {
			memmove(s + at + 1, s + at, n - at + 1);
			s[at] = alphabet[rnd_below(k)];
		} else if (n) {
			if (at == n)
				at--;
			s[at] = alphabet[rnd_below(k)];
		}
	}
}

/* ---- error tables ------------------------------------------------------- */

static void check_strerror(int e)
{
	char buf[64], want[64];

	snprintf(want, sizeof want, "%s", strerror(e));
	const char *got = wsk_strerror(e, buf, sizeof buf);
	checks++;
	if (strcmp(want, got)) {
		fail("strerror");
		if (mismatches <= 30)
			fprintf(stderr, "%d glibc \"%s\" core \"%s\"", e, want, got);
		end_fail();
	}
	/* A short buffer truncates an unknown-error text, as strerror_r does. */
	for (uint32_t size = 1; size < 20; size += 3) {
		char small[20], w2[20];

		got = wsk_strerror(e, small, size);
		if (got != small)
			continue;
		size_t n = strlen(want) < size - 1 ? strlen(want) : size - 1;

		memcpy(w2, want, n);
		w2[n] = 0;
		checks++;
		if (strcmp(w2, got)) {
			fail("strerror truncated");
			if (mismatches <= 30)
				fprintf(stderr, "%d size %u \"%s\"", e, size, got);
			end_fail();
		}
	}
}

static void check_errno_name(int e)
{
	const char *want = strerrorname_np(e), *got = wsk_errno_name(e);

	/* glibc names 0 "0"; it has no E-name (CPython's errorcode agrees). */
	if (e == 0)
		want = NULL;
	/* Node (libuv) and CPython spell 95 ENOTSUP; glibc says EOPNOTSUPP. */
	if (e == EOPNOTSUPP)
		want = "ENOTSUP";
	checks++;
	if (want ? !got || strcmp(want, got) : got != NULL) {
		fail("errno name");
		if (mismatches <= 30)
			fprintf(stderr, "%d glibc %s core %s", e,
				want ? want : "NULL", got ? got : "NULL");
		end_fail();
	}
}

static void check_gai(int e)
{
	checks++;
	if (strcmp(gai_strerror(e), wsk_gai_strerror(e))) {
		fail("gai_strerror");
		if (mismatches <= 30)
			fprintf(stderr, "%d glibc \"%s\" core \"%s\"", e,
				gai_strerror(e), wsk_gai_strerror(e));
		end_fail();
	}
}

/* ---- byte order and memory helpers -------------------------------------- */

static void check_byteorder(uint32_t x)
{
	uint16_t h = (uint16_t)x;

	checks += 4;
	if (htonl(x) != wsk_htonl(x) || ntohl(x) != wsk_ntohl(x) ||
	    htons(h) != wsk_htons(h) || ntohs(h) != wsk_ntohs(h)) {
		fail("byte order");
		if (mismatches <= 30)
			fprintf(stderr, "%08x", x);
		end_fail();
	}
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void check_mem(void)
{
	unsigned char a[64], b[64], c[64];
	char s[64];
	size_t n = rnd_below(64);

	for (int i = 0; i < 64; i++) {
		a[i] = (unsigned char)rnd();
		b[i] = rnd_below(4) ? a[i] : (unsigned char)rnd();
	}
	memcpy(c, b, sizeof c);
	checks += 4;
	if (sign(memcmp(a, b, n)) != sign(wsk_memcmp(a, b, n)))
		fail("memcmp"), end_fail();
	if (wsk_memcpy(c, a, n) != c || memcmp(c, a, n) ||
	    memcmp(c + n, b + n, 64 - n))
		fail("memcpy"), end_fail();
	int v = (int)rnd();
	if (wsk_memset(c, v, n) != c || memcmp(c + n, b + n, 64 - n))
		fail("memset"), end_fail();
	for (size_t i = 0; i < n; i++)
		if (c[i] != (unsigned char)v)
			fail("memset"), end_fail();
	rnd_string(s, "abc\x80\xff", 63);
	if (strlen(s) != wsk_strlen(s))
		fail("strlen"), end_fail();
}

/* ---- corpus ------------------------------------------------------------- */

static const char *const pton_corpus[] = {
	/* CPython testIPv4toString */
	"0.0.0.0", "255.0.255.0", "170.170.170.170", "1.2.3.4",
	"255.255.255.255", "0.0.0.", "300.0.0.0", "a.0.0.0", "1.2.3.4.5", "::1",
	/* CPython testIPv6toString */
	"::", "0::0", "1::", "45ef:76cb:1a:56ef:afeb:bac:1924:aeae",
	"ad42:abc::127:0:254:2", "12:a::", "0x20::", ":::", "::0::", "1::abc::",
	"1::abc::def", "1:2:3:4:5:6", "1:2:3:4:5:6:", "1:2:3:4:5:6:7:8:0",
	"1:2:3:4:5:6:7:8:", "::254.42.23.64", "42::a29b:254.42.23.64",
	"42:a8b9:0:2:ffff:a29b:254.42.23.64", "255.254.253.252", "1::260.2.3.0",
	"1::0.be.e.0", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:0",
	"0.100.200.0:3:4:5:6:7:8",
	/* glibc edge cases */
	"", ".", "...", "1.2.3", "1.2.3.4 ", " 1.2.3.4", "01.2.3.4", "1.02.3.4",
	"0.0.0.00", "00.0.0.0", "1.2.3.256", "1.2.3.-1", "1..2.3", "1.2..3.4",
	"1.2.3.4\n", "4294967295", "0x1.2.3.4", "1.2.3.4.", ".1.2.3.4",
	"255.255.255.255.", "1.2.3.04", "1.2.3.0", "1:2:3:4:5:6:7:8",
	"1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::3:4:5:6:7:8",
	"1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", ":1::", "1::2:", ":", "::ffff",
	"::ffff:1.2.3.4", "::ffff:1.2.3", "::ffff:1.2.3.4.5", "::ffff:01.2.3.4",
	"::1.2.3.4", "1.2.3.4::", "::1.2.3.4:", "::12345", "::01234",
	"::0001", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5::1.2.3.4",
	"1:2:3:4:5:6::1.2.3.4", "::ffff:255.255.255.255", "FFFF::ABCD",
	"fFfF::aBcD", "g::", "::g", "1:::2", "1::2::3", "::1:2:3:4:5:6:7",
	"1:2:3:4:5:6:7::", "::0:0:0:0:0:0:0", "0:0:0:0:0:0:0::", "::.1.2.3",
	"::1..2.3", "::a1.2.3.4", "::1.2.3.4a", "1.2.3.4%eth0", "::1%lo",
	"[::1]", "::1 ", " ::1", "::ffff:0.0.0.0", "::0.0.0.0", "::0.0.0.1",
	"::0.1.0.0", "0:0:0:0:0:ffff:1.2.3.4", "0:0:0:0:0:fffe:1.2.3.4",
	"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
	"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "00000::", "0000::",
	"::00001", "1::2:3.4.5.6", "1::2:3:4.5.6.7", "::1.2.3.4.5",
	"::1.2.3.", "::1.2.3.4.", "::256.0.0.0",
};

static const char *const aton_corpus[] = {
	"0.0.0.0", "255.0.255.0", "170.170.170.170", "1.2.3.4",
	"255.255.255.255", "0.0.0.", "300.0.0.0", "a.0.0.0", "1.2.3.4.5", "::1",
	"", " ", "1", "0", "4294967295", "4294967296", "01", "08", "0x", "0X",
	"0x1", "0xg", "0xffffffff", "0x100000000", "037777777777",
	"040000000000", "1.2", "1.16777215", "1.16777216", "1.2.3",
	"1.2.65535", "1.2.65536", "1.2.3.4 ", "1.2.3.4 junk", "1.2.3.4\tx",
	"1.2.3.4\n", "1.2.3.4\v", "1.2.3.4\f", "1.2.3.4\r", "1.2.3.4x",
	"1.2.3.4.", "1.2.3.", "1..2", ".1", "1.", " 1.2.3.4", "+1.2.3.4",
	"-1", "0x7f.1", "0177.0.0.1", "127.1", "0x7f000001", "017700000001",
	"00000000000000000000000000001", "0x0000000000000000000000000001",
	"99999999999999999999999999", "0xffffffffffffffffff",
	"1.2.3.4\xa0", "1.2.3.4\x85", "256.1", "1.256.1", "0x100.1",
	"1.0x100.1", "0400.1", "0.0.0.0x", "0x.1", "1.0x", "09.1", "1.09",
	"1 2", "1\t", "1.2.3.0x100", "1.2.3.0xff", "1.2.3.0377", "1.2.3.0400",
	"0xFF.0XFF.0Xff.0xfF", "1e1", "1.2.3.4\x01",
};

static void run_corpus(void)
{
	for (size_t i = 0; i < sizeof pton_corpus / sizeof pton_corpus[0]; i++)
		check_pton_both(pton_corpus[i]);
	for (size_t i = 0; i < sizeof aton_corpus / sizeof aton_corpus[0]; i++) {
		check_aton(aton_corpus[i]);
		check_pton(AF_INET, aton_corpus[i]);
	}
	/* CPython testStringToIPv4 / testStringToIPv6 */
	static const unsigned char v4[][4] = {
		{ 1, 0, 1, 0 }, { 0xaa, 0x55, 0xaa, 0x55 }, { 255, 255, 255, 255 },
		{ 1, 2, 3, 4 }, { 0, 0, 0, 0 }, { 10, 100, 0, 9 },
	};
	for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++) {
		uint32_t be;

		check_ntop(AF_INET, v4[i]);
		memcpy(&be, v4[i], 4);
		check_ntoa(be);
	}
	static const unsigned char v6[][16] = {
		{ 0 },
		{ [15] = 1 },
		{ 0x0a, 0xef, 0x0b, 0x01, 0x05, 0x06, 0x10, 0x01, 0xff, 0xff, 0x99,
		  0x97, 0x00, 0x55, 0x01, 0x70 },
		{ [10] = 0xff, [11] = 0xff },
		{ [10] = 0xff, [11] = 0xff, [15] = 1 },
		{ [10] = 0xff, [11] = 0xff, [12] = 1, [13] = 2, [14] = 3, [15] = 4 },
		{ [12] = 1, [13] = 2, [14] = 3, [15] = 4 },
		{ [12] = 1 },
		{ [13] = 1 },
		{ [14] = 1 },
		{ [11] = 1 },
		{ [10] = 0xff, [11] = 0xfe, [12] = 1 },
		{ [0] = 1, [10] = 0xff, [11] = 0xff, [12] = 1 },
		{ [0] = 0x20, [1] = 0x01, [2] = 0x0d, [3] = 0xb8, [15] = 1 },
		{ [0] = 0x20, [1] = 0x01, [2] = 0x0d, [3] = 0xb8, [5] = 1,
		  [15] = 1 },
		{ [1] = 1, [5] = 1, [11] = 1 },
		{ [1] = 1, [7] = 1, [15] = 1 },
		{ [3] = 1, [5] = 1, [9] = 1, [13] = 1 },
		{ 0xfe, 0x80, [14] = 0xff, [15] = 0xff },
	};
	for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++)
		check_ntop(AF_INET6, v6[i]);
	check_pton_badaf();
	check_ntop_badaf();
}

/* ---- random phases ------------------------------------------------------ */

static void run_random(unsigned long scale)
{
	static const char v6_alphabet[] = "0123456789abcdefABCDEFxX.: ";
	static const char aton_alphabet[] = "0123456789abcdefABCDEFxX.: \t";
	char s[128];
	unsigned char a[16];

	for (unsigned long i = 0; i < 1000000 * scale; i++) {
		/* Raw random strings over the address alphabet. */
		rnd_string(s, v6_alphabet, i & 1 ? 12 : 44);
		check_pton_both(s);
		rnd_string(s, aton_alphabet, i & 1 ? 8 : 24);
		check_aton(s);
	}
	for (unsigned long i = 0; i < 500000 * scale; i++) {
		/* Valid text from random addresses, then small mutations of it. */
		rnd_addr6(a);
		check_ntop(AF_INET6, a);
		inet_ntop(AF_INET6, a, s, sizeof s);
		mutate(s, v6_alphabet);
		check_pton_both(s);
		/* Uncompressed and v4-tailed spellings glibc never prints. */
		snprintf(s, sizeof s, "%x:%x:%x:%x:%x:%x:%u.%u.%u.%u",
			 a[0] << 8 | a[1], a[2] << 8 | a[3], a[4] << 8 | a[5],
			 a[6] << 8 | a[7], a[8] << 8 | a[9], a[10] << 8 | a[11],
			 a[12], a[13], a[14], a[15]);
		if (rnd_below(2))
			mutate(s, v6_alphabet);
		check_pton(AF_INET6, s);

		uint32_t be = (uint32_t)rnd();
		memcpy(a, &be, 4);
		if (rnd_below(4) == 0)
			a[rnd_below(4)] = (unsigned char)rnd_below(10);
		check_ntop(AF_INET, a);
		memcpy(&be, a, 4);
		check_ntoa(be);
		inet_ntop(AF_INET, a, s, sizeof s);
		mutate(s, "0123456789.");
		check_pton(AF_INET, s);
		check_aton(s);

		rnd_aton_string(s);
		check_aton(s);
		if (rnd_below(2)) {
			mutate(s, aton_alphabet);
			check_aton(s);
		}
		check_byteorder((uint32_t)rnd());
		if ((i & 7) == 0)
			check_mem();
	}
}

static void run_tables(void)
{
	for (int e = -1; e <= 200; e++) {
		check_strerror(e);
		check_errno_name(e);
	}
	static const int extreme[] = { INT_MIN, INT_MIN + 1, -1000, 4095, 4096,
				       100000, INT_MAX };
	for (size_t i = 0; i < sizeof extreme / sizeof extreme[0]; i++) {
		check_strerror(extreme[i]);
		check_errno_name(extreme[i]);
	}
	for (int e = -400; e <= 400; e++)
		check_gai(e);
	check_gai(INT_MIN);
	check_gai(INT_MAX);
}

int main(int argc, char **argv)
{
	unsigned long scale = 1;

	if (argc > 1)
		rng_state = strtoull(argv[1], NULL, 0) | 1;
	if (argc > 2)
		scale = strtoul(argv[2], NULL, 0);
	run_corpus();
	run_tables();
	run_random(scale);
	printf("native text: %llu checks, %llu mismatches\n", checks, mismatches);
	printf("  glibc accepted %llu IPv4 and %llu IPv6 inet_pton inputs, "
	       "%llu inet_aton inputs\n", ok_pton4, ok_pton6, ok_aton);
	return mismatches != 0;
}
