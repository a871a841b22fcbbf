#!/usr/bin/env node
'use strict';
// The load generator's own ceiling: a Kinesis endpoint that does no work. It answers CreateStream,
// DescribeStreamSummary (ACTIVE), ListShards, DeleteStream and PutRecords (every record accepted, one
// canned sequence number) at once, so a kinesis-load.cjs run against it measures what the AWS SDK and
// the generator can send on this machine, for reading the other targets' figures against. For the
// read-back it answers GetShardIterator and GetRecords with prebuilt answers of canned records (as many
// per shard as were put, dealt out evenly; each answer carries up to --answer-bytes of data, as our
// host's default GetRecordsMaxBytes), marked canned in the record header (byte 16 = 2) so the load
// generator counts them without checking ids: what the SDK can read on this machine.
//
//   node tests/js/kinesis-canned.cjs --port 4599 [--shards 4] [--answer-bytes 1048576]
//
// Binds 127.0.0.1 only; HTTP/1.1 only. It stops when killed (the benchmark stops it by process id).

const http = require('node:http');
const { parseArgs } = require('node:util');

const { values } = parseArgs({ options: { port: { type: 'string' }, shards: { type: 'string', default: '4' }, 'answer-bytes': { type: 'string', default: '1048576' } } });
const port = Number(values.port);
const shards = Number(values.shards);
const answerBytes = Number(values['answer-bytes']);
if (!(port > 0 && port < 65536) || !(shards >= 1) || !(answerBytes >= 1)) {
  throw new Error('usage: kinesis-canned.cjs --port N [--shards N] [--answer-bytes N]');
}

const json = (value) => Buffer.from(JSON.stringify(value));
const shardList = Array.from({ length: shards }, (_, i) => ({
  ShardId: `shardId-${String(i).padStart(12, '0')}`,
  HashKeyRange: { StartingHashKey: '0', EndingHashKey: '340282366920938463463374607431768211455' },
  SequenceNumberRange: { StartingSequenceNumber: '0' },
}));
const answers = {
  CreateStream: json({}),
  DeleteStream: json({}),
  DescribeStreamSummary: json({ StreamDescriptionSummary: { StreamName: 'canned', StreamStatus: 'ACTIVE', OpenShardCount: shards, RetentionPeriodHours: 24, StreamCreationTimestamp: 0, EnhancedMonitoring: [] } }),
  ListShards: json({ Shards: shardList }),
};
const putAnswers = new Map(); // by record count

/** A PutRecords answer for `count` records, made once per count. */
function putAnswer(count) {
  let answer = putAnswers.get(count);
  if (!answer) {
    const record = { SequenceNumber: '49000000000000000000000000000000000000000000000000000001', ShardId: shardList[0].ShardId };
    answer = json({ FailedRecordCount: 0, Records: Array.from({ length: count }, () => record) });
    putAnswers.set(count, answer);
  }
  return answer;
}

const marker = Buffer.from('"PartitionKey"');
const dataMarker = Buffer.from('"Data":"');

// Read-back state: records put per shard (dealt out evenly), and the record size, learnt from the first PutRecords.
const putPerShard = new Array(shards).fill(0);
let nextShard = 0;
let recordSize = 0;
const recordAnswers = new Map(); // by record count: the Records array's bytes

function countPut(text, count) {
  if (recordSize === 0 && count > 0) {
    const at = text.indexOf(dataMarker);
    const end = text.indexOf(34 /* " */, at + dataMarker.length);
    recordSize = Buffer.from(text.subarray(at + dataMarker.length, end).toString('latin1'), 'base64').length;
  }
  for (let i = 0; i < count; i++) {
    putPerShard[nextShard]++;
    nextShard = (nextShard + 1) % shards;
  }
}

/** `{"Records":[…count canned records…]` (without the rest of the answer), made once per count. */
function recordsPart(count) {
  let part = recordAnswers.get(count);
  if (!part) {
    const data = Buffer.alloc(Math.max(recordSize, 24), 7);
    data[16] = 2; // canned: the load generator counts it and checks nothing else
    const record = JSON.stringify({
      SequenceNumber: '49000000000000000000000000000000000000000000000000000001',
      ApproximateArrivalTimestamp: 1764570000.123,
      Data: data.toString('base64'),
      PartitionKey: 'canned',
    });
    part = Buffer.from(`{"Records":[${Array.from({ length: count }, () => record).join(',')}]`);
    recordAnswers.set(count, part);
  }
  return part;
}

/** A GetRecords answer from a canned iterator "canned:SHARD:SERVED": the next records of that shard's share. */
function getRecords(text) {
  const [, shard, served] = String(JSON.parse(text).ShardIterator).split(':').map(Number);
  const perAnswer = Math.max(1, Math.floor(answerBytes / Math.max(recordSize, 1)));
  const count = Math.max(0, Math.min(perAnswer, putPerShard[shard] - served));
  const left = putPerShard[shard] - served - count;
  const tail = Buffer.from(`,"NextShardIterator":"canned:${shard}:${served + count}","MillisBehindLatest":${left > 0 ? 1000 : 0}}`);
  return [recordsPart(count), tail];
}

http.createServer((request, response) => {
  const operation = String(request.headers['x-amz-target'] || '').split('.')[1] || '';
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    let body = answers[operation];
    if (operation === 'PutRecords') {
      // Count the records by their PartitionKey members: cheap, and enough for a generator that sends well-formed requests.
      const text = Buffer.concat(chunks);
      let count = 0;
      for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length)) count++;
      countPut(text, count);
      body = putAnswer(count);
    } else if (operation === 'GetShardIterator') {
      const shard = shardList.findIndex((s) => s.ShardId === JSON.parse(Buffer.concat(chunks).toString()).ShardId);
      body = json({ ShardIterator: `canned:${Math.max(shard, 0)}:0` });
    } else if (operation === 'GetRecords') {
      const [records, tail] = getRecords(Buffer.concat(chunks).toString());
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': records.length + tail.length });
      response.write(records);
      response.end(tail);
      return;
    }
    if (!body) {
      body = json({ __type: 'UnknownOperationException', message: `${operation} is not answered by the canned endpoint` });
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'content-length': body.length });
    } else {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': body.length });
    }
    response.end(body);
  });
}).listen(port, '127.0.0.1');
