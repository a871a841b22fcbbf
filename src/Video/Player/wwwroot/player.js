'use strict';
// The player page: pick a stream, watch it live, or pick a range on the timeline of recorded footage and play it.
// Everything goes through the Kinesis Video Streams-style API on this host, then hls.js plays the session URL.
(() => {
  const $ = (id) => document.getElementById(id);
  const video = $('video');
  const streamSelect = $('stream');
  const statusLine = $('status');
  const timeline = $('timeline');
  const bars = $('bars');
  const selection = $('selection');
  const state = { errors: [], events: [], mode: 'idle', engine: null, sessionUrl: null, hls: null, fragments: [], range: null };
  window.videoPlayer = state; // tests and curious users read this

  const MAX_FRAGMENT_PAGES = 60; // a day of 2-second fragments is 44 pages of 1000
  const MAX_EVENTS = 200; // the playback event log keeps the newest entries
  // hls.js starts three target durations from the live edge whatever the window. With the API's default window of 5
  // fragments, a player that falls behind for a few seconds (a busy machine, a slow first load) finds the window has
  // slid past its position, and hls.js aborts the load and stalls at the hole. 15 fragments (30 s at 2 s) leave room to
  // fall behind and let the viewer rewind a little.
  const LIVE_WINDOW_FRAGMENTS = 15;

  // What the player did, newest last: playlist windows, fragment loads and appends, seeks and stalls. Enough to tell
  // why playback stopped (a hole, a window that moved on) without a debugger.
  function logEvent(name, detail) {
    state.events.push({ at: Math.round(performance.now()), name, t: Math.round(video.currentTime * 1000) / 1000, ...detail });
    if (state.events.length > MAX_EVENTS) state.events.splice(0, state.events.length - MAX_EVENTS);
  }

  function status(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle('error', !!isError);
  }

  async function api(operation, body) {
    const response = await fetch('/' + operation, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) {
      const type = response.headers.get('x-amzn-ErrorType') || 'Error';
      throw new Error(`${type}: ${json.Message || json.message || response.status}`);
    }
    return json;
  }

  async function loadStreams() {
    const names = [];
    let token;
    do {
      const page = await api('listStreams', token ? { NextToken: token } : {});
      for (const s of page.StreamInfoList || []) names.push(s.StreamName);
      token = page.NextToken;
    } while (token && names.length < 10000);
    const wanted = new URLSearchParams(location.search).get('stream') || streamSelect.value;
    streamSelect.replaceChildren(...names.map((n) => new Option(n, n)));
    if (wanted && !names.includes(wanted)) streamSelect.add(new Option(wanted, wanted));
    if (wanted) streamSelect.value = wanted;
    status(names.length ? `${names.length} stream(s)` : 'No streams yet: publish to rtmp://HOST:1935/live/{stream}');
  }

  function play(url, mode) {
    if (state.hls) state.hls.destroy();
    state.errors.length = 0;
    state.events.length = 0;
    state.mode = mode;
    state.sessionUrl = url;
    if (!window.Hls || !Hls.isSupported()) {
      if (video.canPlayType('application/vnd.apple.mpegurl')) { state.engine = 'native'; video.src = url; video.play().catch(() => {}); return; }
      status('This browser cannot play HLS (no Media Source Extensions).', true);
      return;
    }
    state.engine = 'hls.js';
    const hls = new Hls({ liveSyncDurationCount: 3, enableWorker: true });
    state.hls = hls;
    hls.on(Hls.Events.ERROR, (_, data) => {
      state.errors.push({ type: data.type, details: data.details, fatal: data.fatal, at: video.currentTime });
      logEvent('error', { details: data.details, fatal: data.fatal, sn: data.frag && data.frag.sn });
      if (data.fatal) status(`Playback error: ${data.details}`, true);
    });
    const round = (x) => Math.round(x * 1000) / 1000;
    hls.on(Hls.Events.LEVEL_UPDATED, (_, { details }) => logEvent('playlist', {
      first: details.startSN, last: details.endSN, start: round(details.fragmentStart), end: round(details.edge),
    }));
    hls.on(Hls.Events.FRAG_LOADING, (_, { frag }) => logEvent('load', { sn: frag.sn, start: round(frag.start) }));
    hls.on(Hls.Events.FRAG_BUFFERED, (_, { frag }) => logEvent('buffered', { sn: frag.sn, start: round(frag.start), end: round(frag.end) }));
    // Start once media is buffered, not on the manifest: a playing element with nothing to decode counts as a stall.
    hls.once(Hls.Events.FRAG_BUFFERED, () => video.play().catch(() => {}));
    hls.loadSource(url);
    hls.attachMedia(video);
  }

  async function watchLive() {
    const stream = streamSelect.value;
    if (!stream) return status('Pick a stream first.', true);
    try {
      const { HLSStreamingSessionURL } = await api('getHLSStreamingSessionURL', {
        StreamName: stream, PlaybackMode: 'LIVE', DiscontinuityMode: 'ON_DISCONTINUITY', DisplayFragmentTimestamp: 'ALWAYS', Expires: 43200,
        MaxMediaPlaylistFragmentResults: LIVE_WINDOW_FRAGMENTS,
      });
      status(`Live: ${stream}`);
      play(HLSStreamingSessionURL, 'live');
    } catch (e) {
      status(e.message, true);
    }
  }

  async function playRange(start, end) {
    const stream = streamSelect.value;
    if (!stream) return status('Pick a stream first.', true);
    try {
      const { HLSStreamingSessionURL } = await api('getHLSStreamingSessionURL', {
        StreamName: stream, PlaybackMode: 'ON_DEMAND', DiscontinuityMode: 'ON_DISCONTINUITY', DisplayFragmentTimestamp: 'ALWAYS', Expires: 43200,
        MaxMediaPlaylistFragmentResults: 5000,
        HLSFragmentSelector: { FragmentSelectorType: 'SERVER_TIMESTAMP', TimestampRange: { StartTimestamp: start / 1000, EndTimestamp: end / 1000 } },
      });
      status(`Recorded: ${stream}, ${new Date(start).toLocaleString()} to ${new Date(end).toLocaleString()}`);
      play(HLSStreamingSessionURL, 'ondemand');
    } catch (e) {
      status(e.message, true);
    }
  }

  function viewSpan() {
    const hours = Number($('span').value);
    const end = Date.now();
    return { start: end - hours * 3600e3, end };
  }

  async function loadTimeline() {
    const stream = streamSelect.value;
    bars.replaceChildren();
    state.fragments = [];
    if (!stream) return;
    const { start, end } = viewSpan();
    let token;
    let pages = 0;
    try {
      do {
        const body = token ? { StreamName: stream, NextToken: token, MaxResults: 1000 } : {
          StreamName: stream, MaxResults: 1000,
          FragmentSelector: { FragmentSelectorType: 'SERVER_TIMESTAMP', TimestampRange: { StartTimestamp: start / 1000, EndTimestamp: end / 1000 } },
        };
        const page = await api('listFragments', body);
        for (const f of page.Fragments || []) {
          state.fragments.push({ start: f.ServerTimestamp * 1000, end: f.ServerTimestamp * 1000 + f.FragmentLengthInMilliseconds });
        }
        token = page.NextToken;
      } while (token && ++pages < MAX_FRAGMENT_PAGES);
    } catch (e) {
      status(e.message, true);
      return;
    }
    drawTimeline(start, end);
  }

  function drawTimeline(start, end) {
    // Merge fragments that touch (within a second) into one bar, so a day of footage is a handful of elements.
    const merged = [];
    for (const f of state.fragments.sort((a, b) => a.start - b.start)) {
      const last = merged[merged.length - 1];
      if (last && f.start - last.end < 1000) last.end = Math.max(last.end, f.end);
      else merged.push({ ...f });
    }
    const span = end - start;
    bars.replaceChildren(...merged.map((b) => {
      const el = document.createElement('div');
      el.style.left = `${((b.start - start) / span) * 100}%`;
      el.style.width = `${((b.end - b.start) / span) * 100}%`;
      el.title = `${new Date(b.start).toLocaleString()} to ${new Date(b.end).toLocaleTimeString()}`;
      return el;
    }));
    const axis = $('axis');
    axis.replaceChildren(...[0, 0.25, 0.5, 0.75, 1].map((p) => {
      const el = document.createElement('span');
      el.style.left = `${p * 100}%`;
      el.textContent = new Date(start + p * span).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      return el;
    }));
    timeline.dataset.start = String(start);
    timeline.dataset.end = String(end);
  }

  function toLocalInput(ms) {
    const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60e3);
    return d.toISOString().slice(0, 19);
  }

  function timeAt(clientX) {
    const rect = timeline.getBoundingClientRect();
    const p = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
    return Number(timeline.dataset.start) + p * (Number(timeline.dataset.end) - Number(timeline.dataset.start));
  }

  function showSelection(a, b) {
    const start = Number(timeline.dataset.start);
    const span = Number(timeline.dataset.end) - start;
    selection.hidden = false;
    selection.style.left = `${((Math.min(a, b) - start) / span) * 100}%`;
    selection.style.width = `${(Math.abs(b - a) / span) * 100}%`;
    $('from').value = toLocalInput(Math.min(a, b));
    $('to').value = toLocalInput(Math.max(a, b));
  }

  let dragFrom = null;
  timeline.addEventListener('pointerdown', (e) => { dragFrom = timeAt(e.clientX); timeline.setPointerCapture(e.pointerId); });
  timeline.addEventListener('pointermove', (e) => { if (dragFrom !== null) showSelection(dragFrom, timeAt(e.clientX)); });
  timeline.addEventListener('pointerup', (e) => {
    if (dragFrom === null) return;
    const to = timeAt(e.clientX);
    const from = dragFrom;
    dragFrom = null;
    if (Math.abs(to - from) < 2000) return; // a click, not a drag
    showSelection(from, to);
    playRange(Math.min(from, to), Math.max(from, to));
  });

  $('play-range').addEventListener('click', () => {
    const from = new Date($('from').value).getTime();
    const to = new Date($('to').value).getTime();
    if (!(from < to)) return status('Pick a start before the end.', true);
    playRange(from, to);
  });
  $('live').addEventListener('click', watchLive);
  for (const name of ['seeking', 'waiting', 'playing']) video.addEventListener(name, () => logEvent(name, {}));
  $('refresh').addEventListener('click', () => loadStreams().then(loadTimeline).catch((e) => status(e.message, true)));
  $('span').addEventListener('change', loadTimeline);
  streamSelect.addEventListener('change', loadTimeline);

  video.addEventListener('timeupdate', () => {
    const date = state.hls && state.hls.playingDate;
    $('clock').textContent = date ? date.toLocaleString() : '';
  });

  // Deep links: ?stream=NAME&mode=live or &mode=ondemand&start=ISO&end=ISO start playing straight away.
  async function start() {
    const wanted = new URLSearchParams(location.search).get('stream');
    if (wanted) { streamSelect.add(new Option(wanted, wanted)); streamSelect.value = wanted; }
    await loadStreams().catch((e) => status(e.message, true));
    await loadTimeline();
    const q = new URLSearchParams(location.search);
    if (q.get('mode') === 'live') await watchLive();
    else if (q.get('mode') === 'ondemand' && q.get('start') && q.get('end')) await playRange(Date.parse(q.get('start')), Date.parse(q.get('end')));
  }
  start().catch((e) => status(e.message, true));
})();
