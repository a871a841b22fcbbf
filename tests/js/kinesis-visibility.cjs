#!/usr/bin/env node
'use strict';
// Put-to-visible latency: a GetRecords poller in its own process (so a busy producer's event loop
// cannot delay its clock) that reads every shard from LATEST in a tight loop — straight on when a
// call returned records, after 1 ms when it returned none — and measures, for every record it sees,
// receive time minus the send time the producer wrote into the record's first 8 bytes (float64
// big-endian Unix milliseconds, the layout kinesis-load.cjs writes; warm-up records are skipped).
//
// Two ways to run it:
//   - beside kinesis-load.cjs on the same stream (what the benchmark does): the latency under full
//     load. Start this first with --stream NAME --ready-file F and the load generator with
//     --stream NAME --go-file F, so the load starts only once these LATEST iterators exist.
//       node tests/js/kinesis-visibility.cjs --stream S --ready-file /tmp/go &
//       node tests/js/kinesis-load.cjs --stream S --go-file /tmp/go
//   - alone with --produce-rate R: it makes its own stream and a light producer of R single-record
//     PutRecord calls a second for --seconds, the latency of an otherwise idle server.
//
// Options: --endpoint URL [KINESIS_ENDPOINT], --http 1|2 [KINESIS_HTTP], --stream NAME,
//   --ready-file PATH (written once the LATEST iterators exist), --done-file PATH (written when this
//   poller stops, whatever the outcome), --wait-seconds S (for the stream to become ACTIVE, 60), --idle-ms MS (stop
//   once records were seen and none came for this long, 3000), --max-seconds S (hard stop, 180),
//   --produce-rate R, --seconds S (own producer's measured duration, 10), --warmup-seconds S (own producer:
//   this long first of records marked warm-up, seen but not measured, 0), --record-size BYTES (own producer, 1024),
//   --shards N (own stream, 1), --limit N (GetRecords Limit, 10000).
// Prints one JSON object on stdout: records seen, how many were measured (not warm-up), latency
// percentiles, and with --produce-rate how many were produced (after the warm-up). Compare `measured` with what the
// producer put: a poller that follows NextShardIterator must see every record (kinesalite, for one,
// skips records put while a GetRecords is being answered). Exit code 0 when a record was measured.

const fs = require('node:fs');
const { parseArgs } = require('node:util');
const { sdk, settingsFromEnv, createClient, uniqueName, sleep, waitFor, waitForStreamActive, percentile, wallClockMs } = require('./lib/kinesis.cjs');

const log = (message) => process.stderr.write(`[visibility] ${message}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      http: { type: 'string' },
      stream: { type: 'string' },
      'ready-file': { type: 'string' },
      'done-file': { type: 'string' },
      'wait-seconds': { type: 'string', default: '60' },
      'idle-ms': { type: 'string', default: '3000' },
      'max-seconds': { type: 'string', default: '180' },
      'produce-rate': { type: 'string', default: '0' },
      seconds: { type: 'string', default: '10' },
      'warmup-seconds': { type: 'string', default: '0' },
      'record-size': { type: 'string', default: '1024' },
      shards: { type: 'string', default: '1' },
      limit: { type: 'string', default: '10000' },
    },
  });
  const env = process.env;
  const o = {
    settings: settingsFromEnv({ ...env, KINESIS_ENDPOINT: values.endpoint || env.KINESIS_ENDPOINT, KINESIS_HTTP: values.http || env.KINESIS_HTTP }),
    stream: values.stream,
    readyFile: values['ready-file'],
    doneFile: values['done-file'],
    waitSeconds: Number(values['wait-seconds']),
    idleMs: Number(values['idle-ms']),
    maxSeconds: Number(values['max-seconds']),
    produceRate: Number(values['produce-rate']),
    seconds: Number(values.seconds),
    warmupSeconds: Number(values['warmup-seconds']),
    recordSize: Number(values['record-size']),
    shards: Number(values.shards),
    limit: Number(values.limit),
  };
  if (!o.stream && !(o.produceRate > 0)) {
    throw new Error('give --stream NAME (another process produces) or --produce-rate R (this one does)');
  }
  return o;
}

async function waitUntilActive(client, stream, timeoutMs) {
  await waitFor(`stream ${stream} to exist and be ACTIVE`, async () => {
    try {
      const { StreamDescriptionSummary: s } = await client.send(new sdk.DescribeStreamSummaryCommand({ StreamName: stream }));
      return s.StreamStatus === 'ACTIVE';
    } catch (e) {
      if (e.name === 'ResourceNotFoundException') {
        return false;
      }
      throw e;
    }
  }, { timeoutMs, intervalMs: 20 });
}

async function openShardIds(client, stream) {
  const ids = [];
  let page = await client.send(new sdk.ListShardsCommand({ StreamName: stream }));
  for (;;) {
    ids.push(...page.Shards.filter((s) => !s.SequenceNumberRange.EndingSequenceNumber).map((s) => s.ShardId));
    if (!page.NextToken) {
      return ids;
    }
    page = await client.send(new sdk.ListShardsCommand({ NextToken: page.NextToken }));
  }
}

/** Polls one shard until `state.stop`; pushes one latency (ms) per non-warm-up record. */
async function poll(client, shardIterator, limit, state) {
  let next = shardIterator;
  while (next && !state.stop) {
    let response;
    try {
      response = await client.send(new sdk.GetRecordsCommand({ ShardIterator: next, Limit: limit }));
    } catch (e) {
      if (e.name === 'ResourceNotFoundException') {
        state.stop = true; // the producer deleted its stream: the run is over
        return;
      }
      throw e;
    }
    const receivedAt = wallClockMs();
    state.calls++;
    if (response.Records.length === 0) {
      state.emptyCalls++;
      await sleep(1);
    } else {
      state.lastRecordAt = Date.now();
      for (const record of response.Records) {
        const data = Buffer.from(record.Data.buffer, record.Data.byteOffset, record.Data.byteLength);
        state.records++;
        if (data.length < 17 || data[16] === 1) {
          continue;
        }
        state.latencies.push(receivedAt - data.readDoubleBE(0));
      }
    }
    next = response.NextShardIterator;
  }
}

/** The light producer of --produce-rate: one single-record PutRecord per tick, paced on a schedule. */
async function produceSteadily(client, o, state) {
  const interval = 1000 / o.produceRate;
  const filler = Buffer.alloc(o.recordSize - 17, 1);
  const start = performance.now();
  const warmupMs = o.warmupSeconds * 1000;
  for (let i = 0; performance.now() - start < warmupMs + o.seconds * 1000 && !state.stop; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) {
      await sleep(wait);
    }
    const data = Buffer.allocUnsafe(o.recordSize);
    data.writeBigUInt64BE(BigInt(i), 8);
    data[16] = due - start < warmupMs ? 1 : 0; // warm-up records are seen but not measured
    filler.copy(data, 17);
    data.writeDoubleBE(wallClockMs(), 0);
    await client.send(new sdk.PutRecordCommand({ StreamName: o.stream, Data: data, PartitionKey: String(i) }));
    if (data[16] === 0) {
      state.produced++; // the records that count, as `measured` does
    }
  }
}

async function main() {
  const o = options();
  const ownStream = !o.stream;
  o.stream = o.stream || uniqueName('vis');
  const client = createClient(o.settings, { maxSockets: 64, maxAttempts: 3 });
  const state = { stop: false, records: 0, calls: 0, emptyCalls: 0, latencies: [], lastRecordAt: 0, produced: 0 };
  const report = { endpoint: o.settings.endpoint, http: o.settings.httpVersion, stream: o.stream, mode: ownStream ? `own producer at ${o.produceRate} records/s` : 'external producer' };
  try {
    if (ownStream) {
      await client.send(new sdk.CreateStreamCommand({ StreamName: o.stream, ShardCount: o.shards }));
      await waitForStreamActive(client, o.stream, { timeoutMs: o.waitSeconds * 1000 });
    } else {
      await waitUntilActive(client, o.stream, o.waitSeconds * 1000);
    }
    const shardIds = await openShardIds(client, o.stream);
    const iterators = await Promise.all(shardIds.map(async (shardId) =>
      (await client.send(new sdk.GetShardIteratorCommand({ StreamName: o.stream, ShardId: shardId, ShardIteratorType: 'LATEST' }))).ShardIterator));
    log(`polling ${shardIds.length} shards of ${o.stream} from LATEST`);
    if (o.readyFile) {
      fs.writeFileSync(o.readyFile, 'ready\n');
    }

    const started = Date.now();
    const watchdog = setInterval(() => {
      const idle = state.lastRecordAt > 0 && Date.now() - state.lastRecordAt > o.idleMs;
      const producing = ownStream && state.produced === 0;
      if ((idle && !producing) || Date.now() - started > o.maxSeconds * 1000) {
        state.stop = true;
      }
    }, 50);
    const pollers = Promise.all(shardIds.map((id, i) => poll(client, iterators[i], o.limit, state)));
    if (ownStream) {
      await produceSteadily(client, o, state);
    }
    await pollers;
    clearInterval(watchdog);

    const sorted = state.latencies.sort((a, b) => a - b);
    report.records = state.records;
    report.measured = sorted.length;
    if (ownStream) {
      report.produced = state.produced;
    }
    report.calls = state.calls;
    report.emptyCalls = state.emptyCalls;
    report.latencyMs = {
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted[sorted.length - 1] ?? null,
      mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null,
    };
    process.stdout.write(JSON.stringify(report) + '\n');
    return sorted.length > 0 ? 0 : 1;
  } catch (e) {
    report.error = `${e.name} (HTTP ${e.$metadata?.httpStatusCode ?? 'none'}): ${e.message}`;
    process.stdout.write(JSON.stringify(report) + '\n');
    return 2;
  } finally {
    state.stop = true;
    if (o.doneFile) {
      fs.writeFileSync(o.doneFile, 'done\n');
    }
    if (ownStream) {
      await client.send(new sdk.DeleteStreamCommand({ StreamName: o.stream })).catch(() => {});
    }
    client.destroy();
  }
}

main().then((code) => { process.exitCode = code; }, (e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exitCode = 2;
});
