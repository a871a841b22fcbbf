'use strict';
// Opens the player page in headless Chromium (the Debian package, driven by playwright-core; no browser is
// downloaded) and checks that the video plays: currentTime advances by at least MIN_ADVANCE seconds and hls.js
// reports no error (and the page played through hls.js, not the browser's own HLS support). Prints one JSON line with what it saw; exits 0 when playback was good, 1 otherwise.
//
// Usage: node tests/js/video-player.cjs --url URL [--min-advance 3] [--timeout 40] [--chromium /usr/bin/chromium]
// The URL is the player page with a deep link, e.g. http://127.0.0.1:4566/player/?stream=cam1&mode=live

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const infraModules = path.resolve(__dirname, '..', '..', 'infra', 'node_modules');
const load = (name) => (fs.existsSync(path.join(infraModules, name)) ? require(path.join(infraModules, name)) : require(name));
const { chromium } = load('playwright-core');

function args(argv) {
  const out = { minAdvance: 3, timeout: 40, chromium: process.env.CHROMIUM || '/usr/bin/chromium' };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    out[key] = ['minAdvance', 'timeout'].includes(key) ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!out.url) throw new Error('--url is required');
  return out;
}

async function main() {
  const opts = args(process.argv);
  if (!fs.existsSync(opts.chromium)) throw new Error(`Chromium not found at ${opts.chromium}; install the Debian package chromium.`);
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'player-chromium-'));
  const deadline = Date.now() + opts.timeout * 1000;
  const report = { url: opts.url, ok: false, first: null, last: null, hlsErrors: [], pageErrors: [], console: [] };
  const context = await chromium.launchPersistentContext(userData, {
    executablePath: opts.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (e) => report.pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') report.console.push(m.text()); });
    await page.goto(opts.url, { waitUntil: 'load', timeout: opts.timeout * 1000 });
    const sample = () => page.evaluate(() => ({
      currentTime: document.getElementById('video').currentTime,
      status: document.getElementById('status').textContent,
      errors: (window.videoPlayer && window.videoPlayer.errors) || [],
      engine: window.videoPlayer && window.videoPlayer.engine,
      events: (window.videoPlayer && window.videoPlayer.events) || [],
      buffered: Array.from({ length: document.getElementById('video').buffered.length }, (_, i) =>
        [document.getElementById('video').buffered.start(i), document.getElementById('video').buffered.end(i)]),
    }));
    // Wait for playback to start, then for it to advance by the wanted amount.
    while (Date.now() < deadline) {
      const s = await sample();
      report.last = s;
      if (s.currentTime > 0 && !report.first) report.first = { ...s, at: Date.now() };
      if (report.first && s.currentTime - report.first.currentTime >= opts.minAdvance) break;
      if (s.errors.some((e) => e.fatal)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // A non-fatal stall reported at position 0 is headless Chromium's software decoder warming up before the first
    // frame (the buffer is whole by then); it is reported, not counted. Any error once playback runs is a failure.
    const all = report.last ? report.last.errors : [];
    report.startupStalls = all.filter((e) => !e.fatal && e.details === 'bufferStalledError' && e.at === 0);
    // hls.js warns (non-fatal bufferAppendNoProgress) when it appends a fragment whose media is already buffered, which
    // it does under heavy load when it re-requests the first fragments while starting; the media is whole and playback
    // must still advance, so in the first two seconds it is reported, not counted. Any later or fatal error fails.
    report.startupReappends = all.filter((e) => !e.fatal && e.details === 'bufferAppendNoProgress' && e.at < 2);
    // With B-frames the first picture presents a frame or two after the first audio sample (x264's reorder delay,
    // kept faithfully in the fragments), so a range that starts at a stream's first fragment has a hole of tens of
    // milliseconds before the first video frame; hls.js seeks over it (non-fatal bufferSeekOverHole). Only such a
    // jump where playback starts is reported, not counted; a hole once playback runs means missing media and fails.
    const startedAt = report.first ? report.first.currentTime : 0;
    report.startupHoles = all.filter((e) => !e.fatal && e.details === 'bufferSeekOverHole' && e.at <= startedAt + 0.5);
    // A live player that starts from the oldest fragments of the window and then finds the live edge has moved on
    // (slow start-up under load) jumps to the live edge and aborts its own requests still in flight; hls.js reports
    // that as a non-fatal 'aborted' (its INTERNAL_ABORTED, no request failed). Only such aborts where playback
    // starts are reported, not counted.
    report.startupAborts = all.filter((e) => !e.fatal && e.details === 'aborted' && e.at <= startedAt + 0.5);
    // After such a jump the media first buffered ends where the jump left a hole, and the player stalls there once
    // (non-fatal bufferStalledError) before hls.js skips the hole. Only that one stall, right after a start-up abort and
    // at the end of the first buffered range, is reported, not counted.
    const firstRangeEnd = report.first && report.first.buffered.length > 1 ? report.first.buffered[0][1] : -1;
    report.startupJumpStalls = report.startupAborts.length === 0 ? [] : all.filter((e) => !e.fatal
      && e.details === 'bufferStalledError' && e.at <= firstRangeEnd + 0.1 && e.at >= firstRangeEnd - 0.5).slice(0, 1);
    report.hlsErrors = all.filter((e) => !report.startupStalls.includes(e) && !report.startupReappends.includes(e)
      && !report.startupHoles.includes(e) && !report.startupAborts.includes(e) && !report.startupJumpStalls.includes(e));
    const advanced = report.first ? report.last.currentTime - report.first.currentTime : 0;
    report.advanced = advanced;
    // Chromium can play HLS natively too; the page must have used hls.js, which is what is under test.
    report.engine = report.last ? report.last.engine : null;
    report.ok = advanced >= opts.minAdvance && report.engine === 'hls.js' && report.hlsErrors.length === 0 && report.pageErrors.length === 0;
  } finally {
    await context.close();
    fs.rmSync(userData, { recursive: true, force: true });
  }
  // The player's event log (playlist windows, loads, appends, seeks) goes last: it explains a failure.
  report.events = report.last && report.last.events;
  if (report.last) delete report.last.events;
  if (report.first) delete report.first.events;
  console.log(JSON.stringify(report));
  process.exit(report.ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(2);
});
