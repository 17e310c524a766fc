/*
 * The core's wsk_res_hnok against glibc's res_hnok: fixed cases, then
 * random names over the characters that matter (escapes, dots, dashes,
 * non-printables) and long names around the 63/255 limits.
 */
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <wasock/resolv.h>

int main(void)
{
	static const char alpha[] = "a-_.\\0129Z%<>*\x7f\x80 ";
	static const char *fixed[] = {
		"", ".", "a.", ".a", "a..b", "-x.invalid", "x-.y", "a.-b", "\\-b",
		"\\045b", "a\\", "a\\0", "a\\25", "a\\256", "a\\065", "<broadcast>",
		"10.199.7.1%veth0", "a_b", "*.x", "a b", 0,
	};
	char buf[600];
	long bad = 0, it;
	int i, j, len;

	for (i = 0; fixed[i]; i++)
		if (!res_hnok(fixed[i]) != !wsk_res_hnok(fixed[i]) && bad++ < 10)
			printf("hnok '%s': glibc %d, core %d\n", fixed[i],
			       res_hnok(fixed[i]), wsk_res_hnok(fixed[i]));
	srand(1);
	for (it = 0; it < 500000; it++) {
		len = rand() % (it % 7 == 0 ? 300 : 12);
		for (j = 0; j < len; j++)
			buf[j] = rand() % 10 < 5 ? (char)('a' + rand() % 3)
						 : alpha[rand() % (sizeof alpha - 1)];
		if (it % 13 == 0)
			for (j = 0; j < len; j++)
				buf[j] = j % 64 == 63 ? '.' : 'a';
		if (it % 17 == 0)
			for (j = 0; j < len; j++)
				buf[j] = j && j % (1 + it % 70) == 0 ? '.' : 'b';
		buf[len] = 0;
		if (!res_hnok(buf) != !wsk_res_hnok(buf) && bad++ < 10)
			printf("hnok '%s': glibc %d, core %d\n", buf, res_hnok(buf),
			       wsk_res_hnok(buf));
	}
	printf("native hnok: %ld names, %ld mismatches\n", it, bad);
	return bad != 0;
}
