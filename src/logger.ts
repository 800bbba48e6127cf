// One pino logger for the process: JSON lines on stdout.
import { pino } from 'pino';

export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'xasgraph' } });
export type Logger = typeof logger;
