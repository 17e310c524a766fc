/*
 * The exchange area between the TypeScript library and its core instance:
 * fixed buffers in linear memory that calls read their inputs from and write
 * their outputs to, so no call allocates. Guests never use it; they pass
 * their own memory. The layout is struct wsk_scratch (scratch.h).
 */
#include <wasock/core.h>
#include "scratch.h"

static struct wsk_scratch scratch;

WSK_EXPORT("wsk_scratch")
struct wsk_scratch *wsk_scratch(void) { return &scratch; }
