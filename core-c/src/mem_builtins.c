/*
 * The symbols clang emits calls to even in freestanding code (struct copies,
 * large initialisers, __builtin_mem*). Natively libc provides them, so this
 * file is empty there; in the wasm build there is no libc to link.
 *
 * The loops must not be turned back into calls to themselves: the build uses
 * -ffreestanding (which implies -fno-builtin), and the attribute below makes
 * that hold even if someone compiles this file without it.
 */
#if defined(__wasm__)
#include <stddef.h>

#define WSK_NO_BUILTIN __attribute__((no_builtin))

WSK_NO_BUILTIN void *memcpy(void *restrict dst, const void *restrict src,
			    size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

/* Copies backwards when dst overlaps the tail of src. */
WSK_NO_BUILTIN void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n) {
		while (n--)
			*d++ = *s++;
	} else {
		d += n;
		s += n;
		while (n--)
			*--d = *--s;
	}
	return dst;
}

WSK_NO_BUILTIN void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

WSK_NO_BUILTIN int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *l = a, *r = b;

	for (; n; n--, l++, r++)
		if (*l != *r)
			return *l - *r;
	return 0;
}
#endif

/* ISO C wants at least one declaration in a translation unit. */
typedef int wsk_mem_builtins_unit;
