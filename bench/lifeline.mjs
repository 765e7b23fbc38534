// Preloaded (`node --import ./bench/lifeline.mjs …`) into the server processes bench/run.ts
// starts: when the bench's IPC channel closes (the bench exited, even by SIGKILL), the server is
// sent SIGTERM and shuts down gracefully (so a --cpu-prof profile is still written). The channel
// is unref'd so it never keeps the server alive, and nothing else in the server changes.
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
