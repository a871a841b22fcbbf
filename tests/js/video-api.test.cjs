'use strict';
// The Kinesis Video Streams API through the real AWS SDK for JavaScript v3 clients
// (@aws-sdk/client-kinesis-video for streams, @aws-sdk/client-kinesis-video-archived-media for
// ListFragments and HLS), as a user would call them with an endpoint override.
//
// Environment:
//   VIDEO_ENDPOINT            http://127.0.0.1:4566
//   VIDEO_FIXTURE_STREAM      a stream name whose fragments the server already holds (created here through the API)
//   VIDEO_FIXTURE_FRAGMENTS   how many fragments it holds, all received in the last 30 seconds

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const infraModules = path.resolve(__dirname, '..', '..', 'infra', 'node_modules');
const load = (name) => (fs.existsSync(path.join(infraModules, name)) ? require(path.join(infraModules, name)) : require(name));
const kv = load('@aws-sdk/client-kinesis-video');
const archived = load('@aws-sdk/client-kinesis-video-archived-media');

const endpoint = process.env.VIDEO_ENDPOINT || 'http://127.0.0.1:4566';
const fixture = process.env.VIDEO_FIXTURE_STREAM;
const fixtureFragments = Number(process.env.VIDEO_FIXTURE_FRAGMENTS || '0');
const config = {
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDDUMMYDUMMYDUMMY', secretAccessKey: 'dummy-secret' },
  maxAttempts: 2,
};
const video = new kv.KinesisVideoClient(config);
const unique = (tag) => `sdk-${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

async function archivedClient(streamName, apiName) {
  const { DataEndpoint } = await video.send(new kv.GetDataEndpointCommand({ StreamName: streamName, APIName: apiName }));
  return new archived.KinesisVideoArchivedMediaClient({ ...config, endpoint: DataEndpoint });
}

test('CreateStream, DescribeStream, ListStreams and UpdateDataRetention', async () => {
  const name = unique('life');
  const { StreamARN } = await video.send(new kv.CreateStreamCommand({ StreamName: name, DataRetentionInHours: 24, MediaType: 'video/h264' }));
  assert.match(StreamARN, new RegExp(`^arn:aws:kinesisvideo:us-east-1:\\d{12}:stream/${name}/\\d+$`));

  const { StreamInfo } = await video.send(new kv.DescribeStreamCommand({ StreamName: name }));
  assert.equal(StreamInfo.StreamARN, StreamARN);
  assert.equal(StreamInfo.Status, 'ACTIVE');
  assert.equal(StreamInfo.DataRetentionInHours, 24);
  assert.ok(StreamInfo.CreationTime instanceof Date && !Number.isNaN(StreamInfo.CreationTime.getTime()));

  const listed = await video.send(new kv.ListStreamsCommand({ StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: name } }));
  assert.deepEqual(listed.StreamInfoList.map((s) => s.StreamName), [name]);

  await video.send(new kv.UpdateDataRetentionCommand({
    StreamARN, CurrentVersion: StreamInfo.Version, Operation: 'INCREASE_DATA_RETENTION', DataRetentionChangeInHours: 24,
  }));
  const after = await video.send(new kv.DescribeStreamCommand({ StreamARN }));
  assert.equal(after.StreamInfo.DataRetentionInHours, 48);

  await assert.rejects(
    video.send(new kv.UpdateDataRetentionCommand({ StreamARN, CurrentVersion: StreamInfo.Version, Operation: 'INCREASE_DATA_RETENTION', DataRetentionChangeInHours: 1 })),
    (e) => e.name === 'VersionMismatchException' && e.$metadata.httpStatusCode === 400,
  );

  await video.send(new kv.DeleteStreamCommand({ StreamARN }));
});

test('CreateStream twice is ResourceInUseException', async () => {
  const name = unique('dup');
  await video.send(new kv.CreateStreamCommand({ StreamName: name }));
  await assert.rejects(video.send(new kv.CreateStreamCommand({ StreamName: name })), (e) => e.name === 'ResourceInUseException');
});

test('DescribeStream of an unknown stream is ResourceNotFoundException (404) with a message', async () => {
  await assert.rejects(video.send(new kv.DescribeStreamCommand({ StreamName: unique('none') })), (e) => {
    assert.equal(e.name, 'ResourceNotFoundException');
    assert.equal(e.$metadata.httpStatusCode, 404);
    assert.ok(e.message && e.message.length > 0);
    return true;
  });
});

test('GetDataEndpoint answers this host', async () => {
  const name = unique('ep');
  await video.send(new kv.CreateStreamCommand({ StreamName: name }));
  const { DataEndpoint } = await video.send(new kv.GetDataEndpointCommand({ StreamName: name, APIName: 'LIST_FRAGMENTS' }));
  assert.equal(DataEndpoint, endpoint);
});

test('ListFragments returns the stored fragments with their timestamps', { skip: !fixture && 'VIDEO_FIXTURE_STREAM not set' }, async () => {
  await video.send(new kv.CreateStreamCommand({ StreamName: fixture })).catch((e) => { if (e.name !== 'ResourceInUseException') throw e; });
  const client = await archivedClient(fixture, 'LIST_FRAGMENTS');
  const end = new Date();
  const fragments = [];
  let NextToken;
  do {
    const page = await client.send(new archived.ListFragmentsCommand(NextToken ? { StreamName: fixture, NextToken, MaxResults: 2 } : {
      StreamName: fixture, MaxResults: 2,
      FragmentSelector: { FragmentSelectorType: 'SERVER_TIMESTAMP', TimestampRange: { StartTimestamp: new Date(end - 60_000), EndTimestamp: end } },
    }));
    fragments.push(...page.Fragments);
    NextToken = page.NextToken;
  } while (NextToken);
  assert.equal(fragments.length, fixtureFragments);
  for (const f of fragments) {
    assert.match(f.FragmentNumber, /^\d+$/);
    assert.ok(f.ServerTimestamp instanceof Date && f.ProducerTimestamp instanceof Date);
    assert.ok(f.FragmentLengthInMilliseconds > 0 && f.FragmentSizeInBytes > 0);
  }
});

test('GetHLSStreamingSessionURL gives LIVE and ON_DEMAND URLs that serve playlists', { skip: !fixture && 'VIDEO_FIXTURE_STREAM not set' }, async () => {
  await video.send(new kv.CreateStreamCommand({ StreamName: fixture })).catch((e) => { if (e.name !== 'ResourceInUseException') throw e; });
  const client = await archivedClient(fixture, 'GET_HLS_STREAMING_SESSION_URL');

  const live = await client.send(new archived.GetHLSStreamingSessionURLCommand({ StreamName: fixture, PlaybackMode: 'LIVE', Expires: 300 }));
  const master = await fetch(live.HLSStreamingSessionURL);
  assert.equal(master.status, 200);
  assert.equal(master.headers.get('content-type'), 'application/vnd.apple.mpegurl');
  const masterText = await master.text();
  assert.match(masterText, /#EXT-X-STREAM-INF:BANDWIDTH=\d+/);
  const mediaUri = masterText.trim().split('\n').pop();
  const media = await (await fetch(new URL(mediaUri, live.HLSStreamingSessionURL))).text();
  assert.match(media, /#EXT-X-MAP:URI="init\//);

  const end = new Date();
  const onDemand = await client.send(new archived.GetHLSStreamingSessionURLCommand({
    StreamName: fixture, PlaybackMode: 'ON_DEMAND', DiscontinuityMode: 'ON_DISCONTINUITY', DisplayFragmentTimestamp: 'ALWAYS',
    HLSFragmentSelector: { FragmentSelectorType: 'SERVER_TIMESTAMP', TimestampRange: { StartTimestamp: new Date(end - 60_000), EndTimestamp: end } },
  }));
  const vodMaster = await (await fetch(onDemand.HLSStreamingSessionURL)).text();
  const vod = await (await fetch(new URL(vodMaster.trim().split('\n').pop(), onDemand.HLSStreamingSessionURL))).text();
  assert.match(vod, /#EXT-X-PLAYLIST-TYPE:VOD/);
  assert.match(vod, /#EXT-X-PROGRAM-DATE-TIME:/);
  assert.match(vod, /#EXT-X-ENDLIST\n$/);
  assert.equal((vod.match(/#EXTINF:/g) || []).length, fixtureFragments);
});

test('GetHLSStreamingSessionURL with Expires below 300 is InvalidArgumentException naming it', async () => {
  const name = unique('exp');
  await video.send(new kv.CreateStreamCommand({ StreamName: name }));
  const client = await archivedClient(name, 'GET_HLS_STREAMING_SESSION_URL');
  await assert.rejects(client.send(new archived.GetHLSStreamingSessionURLCommand({ StreamName: name, Expires: 60 })), (e) => {
    assert.equal(e.name, 'InvalidArgumentException');
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.match(e.message, /Expires/);
    return true;
  });
});
