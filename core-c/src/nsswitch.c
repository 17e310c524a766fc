/*
 * The `hosts:` line of nsswitch.conf: which sources answer, in which
 * order. The core implements `files` and `dns`; other services (mdns,
 * myhostname, resolve, ...) are skipped. The one action it keeps is
 * [NOTFOUND=return] (stop after a source that answered "no such name").
 */
#include <wasock/core.h>
#include <wasock/resolv.h>

static void action(struct wsk_nss *nss, struct wsk_span f)
{
	uint32_t i;

	if (nss->n == 0)
		return;
	/* "[NOTFOUND=return]", maybe among other items; not "!NOTFOUND". */
	for (i = 0; i + 15 <= f.n; i++) {
		struct wsk_span s = { f.p + i, 15 };

		if (wsk_span_is_nocase(s, "NOTFOUND=return") &&
		    (i == 0 || f.p[i - 1] != '!'))
			nss->stop_notfound[nss->n - 1] = 1;
	}
}

static void sources(struct wsk_nss *nss, struct wsk_span rest)
{
	struct wsk_span f;

	while (wsk_next_field(&rest, &f)) {
		if (f.n && f.p[0] == '[') {
			action(nss, f);
			continue;
		}
		if (nss->n >= sizeof nss->src)
			break;
		if (wsk_span_is(f, "files"))
			nss->src[nss->n++] = WSK_NSS_FILES;
		else if (wsk_span_is(f, "dns"))
			nss->src[nss->n++] = WSK_NSS_DNS;
	}
}

void wsk_nsswitch_parse(const char *text, uint32_t len, struct wsk_nss *nss)
{
	const char *pos = text, *end = text + len;
	struct wsk_span line, key;
	int seen = 0;

	wsk_memset(nss, 0, sizeof *nss);
	while (wsk_next_line(&pos, end, &line)) {
		if (!wsk_next_field(&line, &key))
			continue;
		/* "hosts:" as one field, or "hosts" then ":". */
		if (wsk_span_is(key, "hosts:")) {
			seen = 1;
			sources(nss, line);
		} else if (wsk_span_is(key, "hosts") && line.n) {
			struct wsk_span colon;

			if (wsk_next_field(&line, &colon) && colon.p[0] == ':') {
				colon.p++;
				colon.n--;
				seen = 1;
				sources(nss, colon);
				sources(nss, line);
			}
		}
	}
	if (!seen) {
		/* glibc's default for hosts: "dns [!UNAVAIL=return] files". */
		nss->src[0] = WSK_NSS_DNS;
		nss->src[1] = WSK_NSS_FILES;
		nss->n = 2;
	}
}
