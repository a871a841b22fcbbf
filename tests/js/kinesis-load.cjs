#!/usr/bin/env node
'use strict';
// Benchmark load generator: puts records as fast as it can for a while, then reads the whole stream
// back from TRIM_HORIZON on all shards at once and checks every acknowledged record came back once.
//
//   node tests/js/kinesis-load.cjs --endpoint http://127.0.0.1:4566 --http 1 --seconds 10
//
// Options (environment fallback in brackets):
//   --endpoint URL        [KINESIS_ENDPOINT]  default http://127.0.0.1:4566
//   --http 1|2            [KINESIS_HTTP]      HTTP/1.1 keep-alive, or the SDK's default HTTP/2 handler
//   --record-size BYTES   [LOAD_RECORD_SIZE]  1024 (at least 24)
//   --batch N             [LOAD_BATCH]        records per PutRecords, 500
//   --concurrency N       [LOAD_CONCURRENCY]  PutRecords requests in flight, 8 (all processes together)
//   --processes N         [LOAD_PROCESSES]    node processes sharing the load, 2: one node process tops out
//                                             near one core (~15 µs of CPU per 1 KiB record in the SDK), so
//                                             a single process would measure itself, not the server. The
//                                             concurrent requests are dealt out between them (and the
//                                             read-back's shards too); this process only coordinates.
//   --shards N            [LOAD_SHARDS]       4
//   --seconds S           [LOAD_SECONDS]      measured put phase, 10
//   --warmup-seconds S                        unmeasured puts first (connections, JIT), 1; the read-back
//                                             is warmed up too: each process reads its shards from
//                                             TRIM_HORIZON for min(S, 2) s, unmeasured, before the
//                                             measured read of everything from TRIM_HORIZON
//   --stream NAME                             default: a new unique name
//   --go-file PATH                            after the stream is ACTIVE, wait (≤ 60 s) for PATH to
//                                             exist before putting: kinesis-visibility.cjs writes it
//                                             once its LATEST iterators are in place
//   --read-after-file PATH                    before reading back, wait (≤ 180 s) for PATH to exist:
//                                             kinesis-visibility.cjs writes it when it stops, so its
//                                             polling does not share the server with the read-back
//   --no-read-back                            stop after the put phase (the benchmark's run beside a poller)
//   --keep                                    do not delete the stream at the end
//
// Record layout (big-endian): bytes 0–7 the send time as a float64 of Unix milliseconds
// (performance.timeOrigin + performance.now(), taken just before the PutRecords call); 8–15 a record
// id (worker << 32 | counter); 16 is 1 for warm-up records; the rest is filler.
//
// Prints one JSON object on stdout; progress goes to stderr. Exit code 0 when the read-back check
// passed, 1 when it did not, 2 when the run could not be made (the server refused the stream, …).

const fs = require('node:fs');
const { parseArgs } = require('node:util');
const { sdk, settingsFromEnv, createClient, uniqueName, waitFor, waitForStreamActive, percentile, wallClockMs } = require('./lib/kinesis.cjs');

const HEADER_BYTES = 17;

/** A record's id as carried across processes: "worker:counter". */
const idOf = (worker, counter) => `${worker}:${counter}`;

function options() {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      http: { type: 'string' },
      'record-size': { type: 'string' },
      batch: { type: 'string' },
      concurrency: { type: 'string' },
      processes: { type: 'string' },
      child: { type: 'boolean', default: false },
      shards: { type: 'string' },
      seconds: { type: 'string' },
      'warmup-seconds': { type: 'string' },
      stream: { type: 'string' },
      'go-file': { type: 'string' },
      'read-after-file': { type: 'string' },
      keep: { type: 'boolean', default: false },
      'no-read-back': { type: 'boolean', default: false },
    },
  });
  const env = process.env;
  const settings = settingsFromEnv({ ...env, KINESIS_ENDPOINT: values.endpoint || env.KINESIS_ENDPOINT, KINESIS_HTTP: values.http || env.KINESIS_HTTP });
  const num = (v, fallback) => (v === undefined || v === '' ? fallback : Number(v));
  const o = {
    settings,
    recordSize: num(values['record-size'] ?? env.LOAD_RECORD_SIZE, 1024),
    batch: num(values.batch ?? env.LOAD_BATCH, 500),
    concurrency: num(values.concurrency ?? env.LOAD_CONCURRENCY, 8),
    processes: num(values.processes ?? env.LOAD_PROCESSES, 2),
    child: values.child,
    shards: num(values.shards ?? env.LOAD_SHARDS, 4),
    seconds: num(values.seconds ?? env.LOAD_SECONDS, 10),
    warmupSeconds: num(values['warmup-seconds'], 1),
    stream: values.stream || uniqueName('load'),
    goFile: values['go-file'],
    readAfterFile: values['read-after-file'],
    keep: values.keep,
    readBack: !values['no-read-back'],
  };
  if (!(o.recordSize >= 24) || !(o.batch >= 1 && o.batch <= 500) || !(o.concurrency >= 1) || !(o.processes >= 1 && o.processes <= 16) || !(o.shards >= 1) || !(o.seconds > 0)) {
    throw new Error(`bad options: ${JSON.stringify({ ...o, settings: undefined })}`);
  }
  return o;
}

const log = (message) => process.stderr.write(`[load] ${message}\n`);

/** One producer: PutRecords of `batch` records in a loop until `endAt`; warm-up until `measureFrom` (wall-clock ms, shared by the processes). */
async function produce(client, o, worker, clock, stats) {
  // One set of record buffers per producer, rewritten for each request once the previous one is answered (the SDK
  // has base64-encoded them by then): the generator's own allocations would otherwise be a good part of its CPU.
  const buffers = Array.from({ length: o.batch }, () => Buffer.alloc(o.recordSize, worker + 1));
  let counter = 0;
  while (wallClockMs() < clock.endAt) {
    const warm = wallClockMs() < clock.measureFrom ? 1 : 0;
    const entries = new Array(o.batch);
    for (let i = 0; i < o.batch; i++) {
      const data = buffers[i];
      data.writeBigUInt64BE((BigInt(worker) << 32n) | BigInt(counter + i), 8);
      data[16] = warm;
      entries[i] = { Data: data, PartitionKey: `${worker}-${counter + i}` };
    }
    const sentAt = wallClockMs();
    for (const entry of entries) {
      entry.Data.writeDoubleBE(sentAt, 0);
    }
    const started = performance.now();
    let response;
    try {
      response = await client.send(new sdk.PutRecordsCommand({ StreamName: o.stream, Records: entries }));
    } catch (e) {
      stats.errors.push(`${e.name}: ${e.message}`.slice(0, 300));
      stats.failedIds.push(...entries.map((_, i) => idOf(worker, counter + i)));
      counter += o.batch;
      if (stats.errors.length > 50) {
        throw new Error(`too many PutRecords errors, last: ${stats.errors[stats.errors.length - 1]}`);
      }
      continue;
    }
    const elapsed = performance.now() - started;
    response.Records.forEach((r, i) => {
      if (r.ErrorCode) {
        stats.failedIds.push(idOf(worker, counter + i));
      }
    });
    const ok = o.batch - (response.FailedRecordCount || 0);
    stats.acknowledged += ok;
    if (!warm) {
      stats.latencies.push(elapsed);
      stats.measuredRecords += ok;
      stats.measuredRequests++;
    }
    counter += o.batch;
  }
  stats.attemptedPerWorker[worker] = counter;
}

/** Reads one shard from TRIM_HORIZON until `untilMs` (wall clock) or its end, checking nothing: the read path's warm-up. */
async function warmRead(client, o, shardId, untilMs) {
  const { ShardIterator } = await client.send(new sdk.GetShardIteratorCommand({ StreamName: o.stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
  let next = ShardIterator;
  while (next && wallClockMs() < untilMs) {
    const response = await client.send(new sdk.GetRecordsCommand({ ShardIterator: next, Limit: 10000 }));
    next = response.NextShardIterator;
    if (response.Records.length === 0 && !(response.MillisBehindLatest > 0)) {
      break;
    }
  }
}

/** Reads one shard from TRIM_HORIZON until it is caught up (or closed), marking each record id seen. */
async function readBack(client, o, shardId, seen, result) {
  const { ShardIterator } = await client.send(new sdk.GetShardIteratorCommand({ StreamName: o.stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
  let next = ShardIterator;
  while (next) {
    const response = await client.send(new sdk.GetRecordsCommand({ ShardIterator: next, Limit: 10000 }));
    result.calls++;
    for (const record of response.Records) {
      result.records++;
      const data = record.Data;
      if (data.byteLength !== o.recordSize) {
        result.wrongSize++;
        continue;
      }
      if (data[16] === 2) {
        result.canned++; // from kinesis-canned.cjs (the SDK's own read ceiling): no ids to check
        continue;
      }
      const id = Buffer.from(data.buffer, data.byteOffset, data.byteLength).readBigUInt64BE(8);
      const worker = Number(id >> 32n);
      const counter = Number(id & 0xffffffffn);
      const marks = seen[worker];
      if (!marks || counter >= marks.length) {
        result.unknown++;
      } else if (marks[counter]) {
        result.duplicates++;
      } else {
        marks[counter] = 1;
      }
    }
    next = response.NextShardIterator;
    if (response.Records.length === 0 && !(response.MillisBehindLatest > 0)) {
      break;
    }
  }
}

async function listShardIds(client, stream) {
  const ids = [];
  let page = await client.send(new sdk.ListShardsCommand({ StreamName: stream }));
  ids.push(...page.Shards.map((s) => s.ShardId));
  while (page.NextToken) {
    page = await client.send(new sdk.ListShardsCommand({ NextToken: page.NextToken }));
    ids.push(...page.Shards.map((s) => s.ShardId));
  }
  return ids;
}

/** A child process: puts for its share of the producers, then reads back its share of the shards, as the parent asks. */
function runChild(o) {
  // One attempt per PutRecords: an SDK retry of a request the server already stored would put its records twice,
  // and the read-back check could not tell that from a server duplicating records.
  const client = createClient(o.settings, { maxSockets: Math.max(o.concurrency, o.shards) + 2, maxAttempts: 1 });
  const reply = (message) => { if (process.connected) process.send(message); };
  process.on('message', (message) => {
    (async () => {
      if (message.cmd === 'ready') {
        // Loaded, and a connection made, before the shared clock starts.
        await client.send(new sdk.DescribeStreamSummaryCommand({ StreamName: o.stream }));
        reply({ cmd: 'ready' });
      } else if (message.cmd === 'put') {
        const stats = { acknowledged: 0, measuredRecords: 0, measuredRequests: 0, latencies: [], errors: [], failedIds: [], attemptedPerWorker: [] };
        await Promise.all(message.workers.map((w) => produce(client, o, w, message.clock, stats)));
        reply({ cmd: 'put', stats });
      } else if (message.cmd === 'warm-read') {
        await Promise.all(message.shards.map((id) => warmRead(client, o, id, message.untilMs)));
        reply({ cmd: 'warm-read' });
      } else if (message.cmd === 'read') {
        const seen = message.attempted.map((n) => new Uint8Array(n));
        const read = { records: 0, calls: 0, duplicates: 0, unknown: 0, wrongSize: 0, canned: 0 };
        await Promise.all(message.shards.map((id) => readBack(client, o, id, seen, read)));
        reply({ cmd: 'read', read, seen });
      } else {
        client.destroy();
        process.disconnect();
      }
    })().catch((e) => {
      reply({ cmd: 'error', error: `${e.name}: ${e.message}` });
    });
  });
}

/** Starts the worker processes; each answers one message per request with the same `cmd`. */
function startChildren(o) {
  const { fork } = require('node:child_process');
  // The children take the parent's options but not its coordination files (flag and value both).
  const argv = [];
  for (let i = 2; i < process.argv.length; i++) {
    if (process.argv[i] === '--go-file' || process.argv[i] === '--read-after-file') i++;
    else argv.push(process.argv[i]);
  }
  return Array.from({ length: o.processes }, () => {
    const child = fork(__filename, [...argv, '--stream', o.stream, '--child'], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const pending = [];
    child.on('message', (m) => {
      const waiter = pending.shift();
      if (!waiter) return;
      if (m.cmd === 'error') waiter.reject(new Error(`load process ${child.pid}: ${m.error}`));
      else waiter.resolve(m);
    });
    child.on('error', (e) => {
      for (const waiter of pending.splice(0)) waiter.reject(new Error(`load process ${child.pid}: ${e.message}`));
    });
    child.on('exit', (code) => {
      for (const waiter of pending.splice(0)) waiter.reject(new Error(`load process ${child.pid} exited with ${code}`));
    });
    return {
      ask: (message) => new Promise((resolve, reject) => {
        if (!child.connected) {
          reject(new Error(`load process ${child.pid} is gone`));
          return;
        }
        pending.push({ resolve, reject });
        child.send(message);
      }),
      stop: () => { if (child.connected) child.send({ cmd: 'stop' }); },
      kill: () => child.kill('SIGKILL'),
    };
  });
}

async function main() {
  const o = options();
  if (o.child) {
    runChild(o);
    return undefined;
  }

  const client = createClient(o.settings, { maxSockets: o.shards + 2, maxAttempts: 3 });
  const report = {
    endpoint: o.settings.endpoint, http: o.settings.httpVersion, stream: o.stream, shards: o.shards,
    recordSize: o.recordSize, batch: o.batch, concurrency: o.concurrency, processes: o.processes, seconds: o.seconds, warmupSeconds: o.warmupSeconds,
  };
  let children = [];
  try {
    try {
      await client.send(new sdk.CreateStreamCommand({ StreamName: o.stream, ShardCount: o.shards }));
      await waitForStreamActive(client, o.stream, { timeoutMs: 60000 });
    } catch (e) {
      report.error = `creating the stream failed: ${e.name} (HTTP ${e.$metadata?.httpStatusCode ?? 'none'}): ${e.message}`;
      process.stdout.write(JSON.stringify(report) + '\n');
      return 2;
    }
    log(`stream ${o.stream} ACTIVE with ${o.shards} shards`);
    children = startChildren(o);
    if (o.goFile) {
      await waitFor(`${o.goFile} to appear`, () => fs.existsSync(o.goFile), { timeoutMs: 60000, intervalMs: 20 })
        .catch(() => log(`no ${o.goFile} after 60 s; putting anyway`));
    }

    // Producers are dealt out round-robin; the clock is wall-clock time, common to every process, started once
    // every process has loaded the SDK and made a first call. A short lead lets each receive its orders first.
    await Promise.all(children.map((child) => child.ask({ cmd: 'ready' })));
    const start = wallClockMs() + 50;
    const clock = { measureFrom: start + o.warmupSeconds * 1000, endAt: start + (o.warmupSeconds + o.seconds) * 1000 };
    log(`putting for ${o.warmupSeconds} s warm-up + ${o.seconds} s with ${o.concurrency} x PutRecords of ${o.batch} x ${o.recordSize} B from ${o.processes} process(es)`);
    const shares = children.map((_, c) => Array.from({ length: o.concurrency }, (_, w) => w).filter((w) => w % children.length === c));
    const puts = await Promise.all(children.map((child, c) => child.ask({ cmd: 'put', workers: shares[c], clock })));
    const measuredSeconds = (wallClockMs() - clock.measureFrom) / 1000;
    const stats = { acknowledged: 0, measuredRecords: 0, measuredRequests: 0, latencies: [], errors: [], failedIds: [], attempted: new Array(o.concurrency).fill(0) };
    for (const { stats: s } of puts) {
      stats.acknowledged += s.acknowledged;
      stats.measuredRecords += s.measuredRecords;
      stats.measuredRequests += s.measuredRequests;
      stats.latencies.push(...s.latencies);
      stats.errors.push(...s.errors);
      stats.failedIds.push(...s.failedIds);
      s.attemptedPerWorker.forEach((n, w) => { if (n !== undefined && n !== null) stats.attempted[w] = n; });
    }
    stats.latencies.sort((a, b) => a - b);
    report.put = {
      records: stats.measuredRecords,
      requests: stats.measuredRequests,
      recordsPerSecond: stats.measuredRecords / measuredSeconds,
      megabytesPerSecond: (stats.measuredRecords * o.recordSize) / measuredSeconds / (1024 * 1024),
      latencyMs: { p50: percentile(stats.latencies, 0.5), p99: percentile(stats.latencies, 0.99), max: stats.latencies[stats.latencies.length - 1] ?? null },
      acknowledgedIncludingWarmup: stats.acknowledged,
      failedRecords: stats.failedIds.length,
      errors: stats.errors.slice(0, 5),
    };
    log(`put ${stats.acknowledged} records (${Math.round(report.put.recordsPerSecond)} records/s measured)`);
    if (o.readAfterFile) {
      await waitFor(`${o.readAfterFile} to appear`, () => fs.existsSync(o.readAfterFile), { timeoutMs: 180000, intervalMs: 50 })
        .catch(() => log(`no ${o.readAfterFile} after 180 s; reading back anyway`));
    }
    if (!o.readBack) {
      process.stdout.write(JSON.stringify(report) + '\n');
      return report.put.failedRecords === 0 ? 0 : 1;
    }
    const shardIds = await listShardIds(client, o.stream);
    const shardShares = children.map((_, c) => shardIds.filter((_, i) => i % children.length === c));
    const readWarmupSeconds = Math.min(o.warmupSeconds, 2);
    if (readWarmupSeconds > 0) {
      log(`warming up the read path for ${readWarmupSeconds} s`);
      const untilMs = wallClockMs() + readWarmupSeconds * 1000;
      await Promise.all(children.map((child, c) => child.ask({ cmd: 'warm-read', shards: shardShares[c], untilMs })));
    }
    log('reading back');

    const readStart = wallClockMs();
    const reads = await Promise.all(children.map((child, c) => child.ask({ cmd: 'read', shards: shardShares[c], attempted: stats.attempted })));
    const readSeconds = (wallClockMs() - readStart) / 1000;
    const read = { records: 0, calls: 0, duplicates: 0, unknown: 0, wrongSize: 0, canned: 0 };
    const seen = stats.attempted.map((n) => new Uint8Array(n));
    for (const r of reads) {
      for (const key of Object.keys(read)) read[key] += r.read[key];
      // A record read by two processes (two shards returned it) is a duplicate too.
      r.seen.forEach((marks, w) => marks.forEach((mark, counter) => {
        if (!mark) return;
        if (seen[w][counter]) read.duplicates++;
        else seen[w][counter] = 1;
      }));
    }
    report.read = { records: read.records, calls: read.calls, seconds: readSeconds, recordsPerSecond: read.records / readSeconds, warmupSeconds: readWarmupSeconds };

    // Every acknowledged record must come back exactly once; records that failed may not.
    // A record whose PutRecords failed may or may not be stored (the server may have stored it before the answer
    // was lost): both are right, and the ones that were are counted apart.
    const failed = new Set(stats.failedIds);
    let missing = 0;
    let failedButStored = 0;
    seen.forEach((marks, worker) => marks.forEach((mark, counter) => {
      const isFailed = failed.has(idOf(worker, counter));
      if (!mark && !isFailed) {
        missing++;
      } else if (mark && isFailed) {
        failedButStored++;
      }
    }));
    report.check = {
      expected: stats.acknowledged,
      read: read.records,
      missing,
      duplicates: read.duplicates,
      failedButStored,
      unexpected: read.unknown,
      wrongSize: read.wrongSize,
    };
    report.check.ok = missing === 0 && read.duplicates === 0 && report.check.unexpected === 0 && read.wrongSize === 0;
    if (read.canned > 0) {
      // The canned endpoint keeps nothing: its answers measure the client, and there is nothing to check, unless
      // they came mixed with real records.
      report.check = { canned: read.canned, ok: read.canned === read.records ? null : false };
    }
    log(`read ${read.records} records in ${readSeconds.toFixed(1)} s; check ${report.check.ok === null ? 'not made (canned records)' : report.check.ok ? 'passed' : 'FAILED'}`);
    process.stdout.write(JSON.stringify(report) + '\n');
    return report.check.ok !== false ? 0 : 1;
  } catch (e) {
    report.error = `${e.name}: ${e.message}`;
    process.stdout.write(JSON.stringify(report) + '\n');
    return 2;
  } finally {
    for (const child of children) child.stop();
    setTimeout(() => children.forEach((child) => child.kill()), 5000).unref();
    if (!o.keep) {
      await client.send(new sdk.DeleteStreamCommand({ StreamName: o.stream, EnforceConsumerDeletion: true })).catch(() => {});
    }
    client.destroy();
  }
}

main().then((code) => { if (code !== undefined) process.exitCode = code; }, (e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exitCode = 2;
});
