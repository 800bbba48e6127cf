// Keeps the embedded PostgreSQL of this process running: when the server dies (killed, crashed, stopped by
// someone else) it is started again, after RESTART_DELAYS_MS (1 s, then doubling up to 30 s while starts keep
// failing, e.g. while the dead server's last backends still hold its shared memory). Meanwhile the pools see
// refused connections (requests answer SERVICE_UNAVAILABLE, /readyz 503) and reconnect by themselves once it is
// back. `health()` says how long the server has been down, for /healthz: a database that stays down past the
// configured limit makes the process unhealthy, so that an orchestrator restarts it.
import type { Logger } from '../logger.ts';
import { PostgresProcess } from './embedded-server.ts';

/** Wait before the n-th restart attempt (the last repeats). */
export const RESTART_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000] as const;

export interface EmbeddedHealth {
  /** The server accepts connections (as far as its process goes). */
  up: boolean;
  /** Since when it has been down (ms since the epoch); null while up. */
  downSince: number | null;
  /** Restarts after a crash, since this process started it. */
  restarts: number;
}

export class EmbeddedSupervisor {
  private current: PostgresProcess;
  private downSince: number | null = null;
  private restarts = 0;
  private stopping = false;
  private timer: NodeJS.Timeout | null = null;

  /** Watch `first` (already started); `startAgain` starts a new server after a crash. */
  constructor(
    first: PostgresProcess,
    private readonly startAgain: () => Promise<PostgresProcess>,
    private readonly log: Logger,
  ) {
    this.current = first;
    this.watch(first);
  }

  health(): EmbeddedHealth {
    return { up: this.downSince === null, downSince: this.downSince, restarts: this.restarts };
  }

  /** Stop supervising and stop the server (fast shutdown). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current.stop();
  }

  /** Synchronous last resort when the process exits without stop(). */
  signalStop(): void {
    this.stopping = true;
    this.current.signalStop();
  }

  private watch(server: PostgresProcess): void {
    void server.exited.then(() => {
      if (this.stopping) return;
      this.downSince = Date.now();
      this.log.error({ pid: server.pid }, 'the embedded PostgreSQL died: restarting it');
      this.schedule(0);
    });
  }

  private schedule(attempt: number): void {
    const delay = RESTART_DELAYS_MS[Math.min(attempt, RESTART_DELAYS_MS.length - 1)]!;
    this.timer = setTimeout(() => void this.restart(attempt), delay);
  }

  private async restart(attempt: number): Promise<void> {
    this.timer = null;
    if (this.stopping) return;
    try {
      const server = await this.startAgain();
      if (this.stopping) {
        await server.stop();
        return;
      }
      this.current = server;
      this.restarts += 1;
      this.log.warn({ pid: server.pid, downMs: Date.now() - (this.downSince ?? Date.now()), attempt: attempt + 1 }, 'the embedded PostgreSQL is running again');
      this.downSince = null;
      this.watch(server);
    } catch (err) {
      this.log.error({ err, attempt: attempt + 1 }, 'the embedded PostgreSQL could not be restarted: trying again');
      this.schedule(attempt + 1);
    }
  }
}
