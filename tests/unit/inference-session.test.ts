/** @jest-environment <rootDir>/tests/support/onnx-environment.mjs */
// ONNX sessions: CUDA asked for on a machine without it falls back to the CPU and says so (once); runs check
// their input. This project installs onnxruntime-node without its CUDA provider (.npmrc), so here CUDA is
// never available and the fallback is a real check.
import { Writable } from 'node:stream';
import path from 'node:path';
import { pino } from 'pino';
import { openModelSession } from '../../src/inference/session.ts';
import { REPO_ROOT } from '../support/service.ts';

const ONNX = path.join(REPO_ROOT, 'tests/fixtures/models/cu-k-tiny-fixture.onnx');

/** A pino logger whose lines are collected. */
function capturingLogger() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).trim().split('\n')) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

test('cuda asked for without CUDA runs on the CPU, with one warning that names the error', async () => {
  const { log, lines } = capturingLogger();
  const first = await openModelSession(ONNX, { executionProvider: 'cuda', log });
  const second = await openModelSession(ONNX, { executionProvider: 'cuda', log });
  try {
    expect(first.provider).toBe('cpu');
    expect(second.provider).toBe('cpu');
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toMatch(/ONNX_EXECUTION_PROVIDER is cuda but CUDA cannot be used \(.+\): running models on the CPU/);
    expect(warnings[0].error).toMatch(/\w/);
    const { mean, std } = await first.run(new Float32Array(2 * 225), 2);
    expect([mean.length, std.length]).toEqual([2 * 271, 2 * 271]);
  } finally {
    await first.release();
    await second.release();
  }
});

test('a CPU session reads its shapes from the graph and checks its input', async () => {
  const session = await openModelSession(ONNX, { executionProvider: 'cpu', threads: 1 });
  try {
    expect(session).toMatchObject({ provider: 'cpu', inputDimension: 225, outputDimension: 271 });
    await expect(session.run(new Float32Array(224), 1)).rejects.toThrow(/224 descriptor values do not make 1 rows of 225/);
    expect(await session.run(new Float32Array(0), 0)).toEqual({ mean: new Float32Array(0), std: new Float32Array(0) });
    const { std } = await session.run(new Float32Array(3 * 225).fill(1), 3);
    expect(std.every((s) => Number.isFinite(s) && s >= 0)).toBe(true);
  } finally {
    await session.release();
  }
});
