#!/usr/bin/env node
'use strict';
// The load generator's own ceiling: a Kinesis endpoint that does no work. It answers CreateStream,
// DescribeStreamSummary (ACTIVE), ListShards, DeleteStream and PutRecords (every record accepted, one
// canned sequence number) at once, so a kinesis-load.cjs run against it measures what the AWS SDK and
// the generator can send on this machine, for reading the other targets' figures against.
//
//   node tests/js/kinesis-canned.cjs --port 4599 [--shards 4]
//
// Binds 127.0.0.1 only; HTTP/1.1 only. It stops when killed (the benchmark stops it by process id).

const http = require('node:http');
const { parseArgs } = require('node:util');

const { values } = parseArgs({ options: { port: { type: 'string' }, shards: { type: 'string', default: '4' } } });
const port = Number(values.port);
const shards = Number(values.shards);
if (!(port > 0 && port < 65536) || !(shards >= 1)) {
  throw new Error('usage: kinesis-canned.cjs --port N [--shards N]');
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
      body = putAnswer(count);
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
