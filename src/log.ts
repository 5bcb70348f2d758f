// Structured logs (pino, JSON lines on stdout). CoreDNS-format text goes in `msg`.

import { pino, type Logger } from 'pino';

export type { Logger };

export const rootLogger: Logger = pino({
  level: process.env.KDNS_LOG_LEVEL ?? 'info',
  base: { pid: process.pid },
});

export function pluginLogger(plugin: string): Logger {
  return rootLogger.child({ plugin });
}
