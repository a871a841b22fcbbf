'use strict';
// The publisher page: sends this browser's camera and microphone to the host over WHIP (RFC 9725): one POST of the
// SDP offer to /whip/{stream}, the answer comes back in the 201, DELETE on its Location ends it. The host is ICE-lite
// and lists its candidates in the answer, so no trickle PATCH is needed.
// Query: ?stream=NAME starts publishing at once (a token, when the stream has one, is typed in: never in the URL); &width=&height=&fps= (ideal capture size, default
// 1280x720 at 30), &degradation=maintain-resolution|maintain-framerate|balanced, &stats=SECONDS logs sender statistics.
(() => {
  const $ = (id) => document.getElementById(id);
  const query = new URLSearchParams(location.search);
  const state = { state: 'idle', stream: null, location: null, postedAt: null, answeredAt: null, connectedAt: null, error: null, stats: null };
  window.whipPublisher = state; // tests and benchmarks read this (and the console lines 'whip-publish …')
  let pc = null;
  let media = null;
  let statsTimer = null;

  function report(name, detail) {
    state.state = name;
    $('status').textContent = detail ? `${name}: ${detail}` : name;
    $('status').classList.toggle('error', name === 'failed');
    console.log(`whip-publish ${name} ${Date.now()} ${detail || ''}`.trim());
  }

  async function start() {
    const stream = $('stream').value.trim();
    if (!stream) return report('failed', 'name a stream first');
    $('start').disabled = true;
    try {
      const number = (key, fallback) => Number(query.get(key)) || fallback;
      media = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: number('width', 1280) }, height: { ideal: number('height', 720) }, frameRate: { ideal: number('fps', 30) } },
        audio: true,
      });
      $('video').srcObject = media;
      pc = new RTCPeerConnection();
      pc.onconnectionstatechange = () => {
        if (pc.connectionState === 'connected') state.connectedAt = Date.now();
        report(pc.connectionState === 'connected' ? 'publishing' : pc.connectionState, stream);
      };
      for (const track of media.getTracks()) {
        const { sender } = pc.addTransceiver(track, { direction: 'sendonly', streams: [media] });
        if (track.kind === 'video' && query.get('degradation')) {
          const parameters = sender.getParameters();
          parameters.degradationPreference = query.get('degradation');
          await sender.setParameters(parameters);
        }
      }
      await pc.setLocalDescription(await pc.createOffer());
      const headers = { 'Content-Type': 'application/sdp' };
      if ($('token').value) headers.Authorization = 'Bearer ' + $('token').value;
      state.stream = stream;
      state.postedAt = Date.now();
      report('offering', stream);
      const response = await fetch('/whip/' + encodeURIComponent(stream), { method: 'POST', headers, body: pc.localDescription.sdp });
      const body = await response.text();
      if (response.status !== 201) throw new Error(`the host answered ${response.status}: ${body}`);
      state.answeredAt = Date.now();
      state.location = new URL(response.headers.get('Location'), location.href).href;
      await pc.setRemoteDescription({ type: 'answer', sdp: body });
      report('connecting', stream);
      $('stop').disabled = false;
      $('watch').href = './?stream=' + encodeURIComponent(stream) + '&mode=live';
      const every = Number(query.get('stats'));
      if (every > 0) statsTimer = setInterval(logStats, every * 1000);
    } catch (e) {
      state.error = String(e && e.message ? e.message : e);
      report('failed', state.error);
      await stop(false);
    }
  }

  async function logStats() {
    if (!pc) return;
    const out = {};
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp') {
        out[s.kind] = {
          packetsSent: s.packetsSent, bytesSent: s.bytesSent, nackCount: s.nackCount, retransmittedPacketsSent: s.retransmittedPacketsSent,
          framesEncoded: s.framesEncoded, frameWidth: s.frameWidth, frameHeight: s.frameHeight, framesPerSecond: s.framesPerSecond,
          pliCount: s.pliCount, targetBitrate: s.targetBitrate, encoderImplementation: s.encoderImplementation,
        };
      }
    });
    state.stats = out;
    console.log(`whip-publish stats ${Date.now()} ${JSON.stringify(out)}`);
  }

  async function stop(deleteSession = true) {
    clearInterval(statsTimer);
    if (deleteSession && state.location) {
      await fetch(state.location, { method: 'DELETE' }).catch(() => {});
    }
    if (pc) pc.close();
    if (media) media.getTracks().forEach((t) => t.stop());
    pc = null;
    media = null;
    state.location = null;
    $('start').disabled = false;
    $('stop').disabled = true;
    if (deleteSession) report('stopped', state.stream);
  }

  $('start').addEventListener('click', start);
  $('stop').addEventListener('click', () => stop());
  // Leaving the page ends the session at once rather than after the host's silence timeout.
  window.addEventListener('pagehide', () => { if (state.location) fetch(state.location, { method: 'DELETE', keepalive: true }); });
  setInterval(() => { $('clock').textContent = new Date().toISOString(); }, 250);
  $('stream').value = query.get('stream') || '';
  if (query.get('stream')) start();
})();
