/* Test guest: imports the library core's resolver_socket, which no guest's
 * host offers: it must fail to instantiate (tests/guest-dns.test.mjs). */
#include <stdint.h>

__attribute__((import_module("wasock"), import_name("resolver_socket")))
int resolver_socket(int domain, int type, int32_t *fd_out);

int main(void)
{
	int32_t fd;

	return resolver_socket(2, 2, &fd);
}
