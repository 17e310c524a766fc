/*
 * libFuzzer harness for the resolver's parsers: the first byte picks one
 * (DNS reply for A/AAAA/PTR, hosts by name/address, services, protocols,
 * resolv.conf, nsswitch.conf, gai.conf, host-name syntax and query
 * encoding), the rest is its input. Built with
 * -fsanitize=fuzzer,address,undefined by tests/native/fuzz_resolv.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wasock/core.h>
#include <wasock/resolv.h>

static struct wsk_dns_answer ans;
static struct wsk_hostent he;
static struct wsk_resconf rc;
static struct wsk_gaiconf gc;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t a4[4] = { 10, 0, 0, 1 };
	static const uint8_t a6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 };
	const char *t = (const char *)data + 1;
	uint32_t n = (uint32_t)size - 1;
	struct wsk_servent se;
	struct wsk_nss nss;
	int num;
	char name[WSK_DNAME_MAX];

	if (size < 1)
		return 0;
	switch (data[0] % 11) {
	case 0:
		wsk_dns_parse(data + 1, n, 0x1234, "www.test", WSK_DNS_A, &ans);
		break;
	case 1:
		wsk_dns_parse(data + 1, n, 0x1234, "www.test", WSK_DNS_AAAA, &ans);
		break;
	case 2:
		wsk_dns_parse(data + 1, n, 0x1234, "1.0.0.10.in-addr.arpa", WSK_DNS_PTR, &ans);
		wsk_dns_name(data + 1, n, n / 2, name, sizeof name);
		break;
	case 3:
		wsk_hosts_byname(t, n, "foo", 0, &he);
		wsk_hosts_byname(t, n, "localhost", WSK_AF_INET, &he);
		wsk_hosts_byname(t, n, "foo", WSK_AF_INET6, &he);
		break;
	case 4:
		wsk_hosts_byaddr(t, n, WSK_AF_INET, a4, &he);
		wsk_hosts_byaddr(t, n, WSK_AF_INET6, a6, &he);
		break;
	case 5:
		wsk_services_byname(t, n, "http", 0, &se);
		wsk_services_byname(t, n, "domain", "udp", &se);
		wsk_services_byport(t, n, 80, "tcp", &se);
		break;
	case 6:
		wsk_protocols_byname(t, n, "tcp", &num);
		break;
	case 7:
		wsk_resolv_conf_parse(t, n, &rc);
		break;
	case 8:
		wsk_nsswitch_parse(t, n, &nss);
		break;
	case 9:
		wsk_gai_conf_parse(t, n, &gc);
		break;
	case 10: {
		/* A name as text: res_hnok, then the query for it. */
		static char text[1024];
		static uint8_t q[WSK_DNS_UDP_MAX];
		uint32_t l = n < sizeof text - 1 ? n : sizeof text - 1;

		memcpy(text, t, l);
		text[l] = 0;
		wsk_res_hnok(text);
		wsk_dns_mkquery(text, WSK_DNS_A, 1, q, sizeof q);
		break;
	}
	}
	return 0;
}
