// Progress for command-line tools: a redrawn bar on a terminal, plain lines (every 10 %) elsewhere (CI, logs).

export interface Progress {
  update(done: number, detail?: string): void;
  finish(summary: string): void;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const interactive = Boolean(stream.isTTY) && process.env.CI !== 'true';
  let lastDecile = -1;
  return {
    update(done, detail = '') {
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      if (interactive) {
        const width = 30;
        const filled = Math.round(fraction * width);
        stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${detail}`.padEnd(100));
      } else {
        const decile = Math.floor(fraction * 10);
        if (decile > lastDecile) {
          lastDecile = decile;
          stream.write(`${label}: ${done}/${total} (${Math.round(fraction * 100)} %) ${detail}\n`);
        }
      }
    },
    finish(summary) {
      if (interactive) stream.write('\n');
      stream.write(`${label}: ${summary}\n`);
    },
  };
}
