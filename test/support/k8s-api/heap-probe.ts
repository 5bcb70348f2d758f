// Preloaded into a kdns process under test (`node --expose-gc --import <this>`):
// on SIGUSR2 it collects garbage and writes the heap in use to stderr as
// "heap-used BYTES", so a soak test can see the heap of another process.

process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  process.stderr.write(`heap-used ${process.memoryUsage().heapUsed}\n`);
});
