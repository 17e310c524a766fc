/*
 * Byte order. wasm32 and the native test hosts are little endian, but the
 * conversion is written from the bytes so it is right on any host: network
 * order is "most significant byte first in memory". Compilers turn the union
 * store/load below into a single byte swap (or nothing on big endian).
 */
#include <wasock/core.h>

WSK_EXPORT("wsk_htonl")
uint32_t wsk_htonl(uint32_t x)
{
	union { unsigned char b[4]; uint32_t w; } u;

	u.b[0] = (unsigned char)(x >> 24);
	u.b[1] = (unsigned char)(x >> 16);
	u.b[2] = (unsigned char)(x >> 8);
	u.b[3] = (unsigned char)x;
	return u.w;
}

WSK_EXPORT("wsk_htons")
uint16_t wsk_htons(uint16_t x)
{
	union { unsigned char b[2]; uint16_t w; } u;

	u.b[0] = (unsigned char)(x >> 8);
	u.b[1] = (unsigned char)x;
	return u.w;
}

/* The swap is its own inverse. */
WSK_EXPORT("wsk_ntohl")
uint32_t wsk_ntohl(uint32_t x)
{
	return wsk_htonl(x);
}

WSK_EXPORT("wsk_ntohs")
uint16_t wsk_ntohs(uint16_t x)
{
	return wsk_htons(x);
}
