/*
 * Line and field scanning for the resolver's files. They share one shape
 * (glibc's nss_files parsers): lines, '#' to the end of a line is a
 * comment, fields separated by blanks. Spans point into the file's bytes,
 * so scanning copies nothing.
 */
#include <wasock/core.h>
#include <wasock/resolv.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int wsk_next_line(const char **pos, const char *end, struct wsk_span *line)
{
	const char *p = *pos, *eol, *hash;

	if (p >= end)
		return 0;
	for (eol = p; eol < end && *eol != '\n'; eol++)
		;
	/* A NUL ends the line as it ends glibc's fgets'd buffer. */
	for (hash = p; hash < eol && *hash != '#' && *hash; hash++)
		;
	line->p = p;
	line->n = (uint32_t)(hash - p);
	*pos = eol < end ? eol + 1 : end;
	return 1;
}

int wsk_next_field(struct wsk_span *line, struct wsk_span *field)
{
	const char *p = line->p, *end = line->p + line->n;

	while (p < end && is_blank(*p))
		p++;
	if (p == end) {
		line->p = end;
		line->n = 0;
		return 0;
	}
	field->p = p;
	while (p < end && !is_blank(*p))
		p++;
	field->n = (uint32_t)(p - field->p);
	line->p = p;
	line->n = (uint32_t)(end - p);
	return 1;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

int wsk_span_is(struct wsk_span s, const char *z)
{
	uint32_t i;

	for (i = 0; i < s.n; i++)
		if (!z[i] || s.p[i] != z[i])
			return 0;
	return z[i] == 0;
}

int wsk_span_is_nocase(struct wsk_span s, const char *z)
{
	uint32_t i;

	for (i = 0; i < s.n; i++)
		if (!z[i] || lower((unsigned char)s.p[i]) !=
				     lower((unsigned char)z[i]))
			return 0;
	return z[i] == 0;
}

int wsk_span_copy(struct wsk_span s, char *buf, uint32_t size)
{
	if (s.n >= size)
		return 0;
	wsk_memcpy(buf, s.p, s.n);
	buf[s.n] = 0;
	return 1;
}

int wsk_span_uint(struct wsk_span s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	uint32_t i;

	if (s.n == 0)
		return 0;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
		if (v > max)
			return 0;
	}
	*out = (uint32_t)v;
	return 1;
}

int wsk_strcasecmp(const char *a, const char *b)
{
	for (; *a && lower((unsigned char)*a) == lower((unsigned char)*b);
	     a++, b++)
		;
	return lower((unsigned char)*a) - lower((unsigned char)*b);
}

int wsk_strcmp(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	return (unsigned char)*a - (unsigned char)*b;
}
