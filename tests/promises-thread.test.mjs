// The Promise API's tests again on the addon's other readiness backend: its own
// epoll thread (readiness_epoll.c), which runtimes without libuv in N-API use (Bun).
// The backend is chosen when wasock/promises is first imported.
process.env.WASOCK_POLL = 'thread';
await Promise.all([import('./promises.test.mjs'), import('./streams.test.mjs')]);
