/*
 * Freestanding string and memory helpers. The core links no libc, so these
 * stand in for the few <string.h> calls it needs; plain byte loops keep them
 * obviously correct, and the data they touch is a few dozen bytes at most.
 */
#include <wasock/core.h>

size_t wsk_strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

void *wsk_memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *wsk_memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int wsk_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *l = a, *r = b;

	for (; n; n--, l++, r++)
		if (*l != *r)
			return *l - *r;
	return 0;
}

uint32_t wsk_utoa(uint32_t v, char *out)
{
	char tmp[WSK_U32_DIGITS];
	uint32_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
	return n;
}
