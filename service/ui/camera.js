// The "Use camera" button: a phone's or tablet's camera as a barcode scanner.
//
// getUserMedia (the rear camera preferred) shows a viewfinder; frames are drawn to a canvas
// and sent as JPEG to POST /v1/decode at most FRAMES_PER_SECOND times a second, never more
// than one request in flight. The first valid GS1 read stops the camera, beeps (WebAudio),
// vibrates where the device can, and goes to the page's `onScan(text)` — the same flow as a
// scanner's scan (identify on the scan page, the next empty field of the medicines check).
// Symbols that are not valid GS1 are never passed on. Frames are not kept anywhere.
//
// The camera stops with "Stop camera", when the page is hidden or left (sign-out leaves
// it), after IDLE_STOP_MS without a read, and when the service refuses frames for a reason
// another frame cannot fix (role, sign-in).

import { announce, apiBinary } from './common.js';

/** Most frames sent per second. */
export const FRAMES_PER_SECOND = 10;
/** The camera stops by itself after this long without a read. */
export const IDLE_STOP_MS = 60000;
/** Frames wider than this are scaled down before sending (the reader needs no more). */
export const MAX_FRAME_WIDTH = 640;
/** JPEG quality of a sent frame. */
export const JPEG_QUALITY = 0.8;

/** Plain words for a getUserMedia failure. */
export function cameraErrorWords(e) {
  switch (e && e.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'The camera was not allowed. To use it, allow the camera for this site in the browser settings, or use a scanner.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found on this device. Use a scanner.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera could not be started: another app may be using it. Close that app, or use a scanner.';
    default:
      return 'The camera could not be started. Use a scanner.';
  }
}

function beep() {
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = 1000;
    gain.gain.value = 0.15;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.12);
    osc.onended = () => ctx.close().catch(() => {});
  } catch (e) {
    // No sound is not a failure: the screen and the announcement say it too.
  }
}

/**
 * Wires a page's camera controls. `ids`: the element ids of the start and stop buttons,
 * the viewfinder box, the <video> and the status line. `onScan(text)` gets the first GS1
 * read (AIM identifier + data, GS as U+001D). Returns `{start(), stop(why)}`.
 */
export function startCamera({ start: startId, stop: stopId, view: viewId, video: videoId, state: stateId }, onScan) {
  const startButton = document.getElementById(startId);
  const stopButton = document.getElementById(stopId);
  const view = document.getElementById(viewId);
  const video = document.getElementById(videoId);
  const state = document.getElementById(stateId);
  const canvas = document.createElement('canvas');
  let stream = null;
  let timer = null;
  let idleTimer = null;
  let run = 0;
  let lastSent = 0;

  const say = (words, { polite = true, live = false } = {}) => {
    state.textContent = words;
    if (live) announce(words, { polite });
  };

  function stop(why) {
    run += 1;
    clearTimeout(timer);
    clearTimeout(idleTimer);
    if (stream) for (const t of stream.getTracks()) t.stop();
    const wasOn = !!stream;
    stream = null;
    video.srcObject = null;
    view.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
    document.body.classList.remove('camera-on');
    if (why && wasOn) say(why, { live: true });
  }

  function schedule(mine, delay) {
    clearTimeout(timer);
    timer = setTimeout(() => frame(mine), Math.max(0, delay));
  }

  async function frame(mine) {
    if (mine !== run || !stream) return;
    if (video.readyState < 2 || !video.videoWidth) {
      schedule(mine, 50);
      return;
    }
    const scale = Math.min(1, MAX_FRAME_WIDTH / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext('2d', { alpha: false }).drawImage(video, 0, 0, canvas.width, canvas.height);
    lastSent = performance.now();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
    if (mine !== run) return;
    if (!blob) {
      schedule(mine, 1000 / FRAMES_PER_SECOND);
      return;
    }
    const r = await apiBinary('POST', '/v1/decode', blob, 'image/jpeg');
    if (mine !== run) return;
    const next = lastSent + 1000 / FRAMES_PER_SECOND - performance.now();
    if (r.ok && r.data && Array.isArray(r.data.symbols)) {
      const hit = r.data.symbols.find((s) => s && s.gs1 === true && typeof s.scan === 'string');
      if (hit) {
        stop(null);
        beep();
        if (navigator.vibrate) navigator.vibrate(150);
        say('Barcode read.', { live: true });
        onScan(hit.scan);
        return;
      }
      if (r.data.symbols.length) say('That barcode is not a GS1 barcode. Point the camera at the wristband or the pack barcode.');
      else say('Hold steady — keep the barcode inside the frame, about 15 cm away.');
      schedule(mine, next);
      return;
    }
    if (r.status === 401 || r.status === 403) {
      stop('Camera stopped: the service refused the frames (' + (r.status === 403 ? 'your role may not use the camera' : 'sign in again') + ').');
      return;
    }
    if (r.status === 429 || r.status === 503) {
      say('The service is busy. Hold steady: trying again in a moment.');
      schedule(mine, Math.max(1, r.retryAfter || 1) * 1000);
      return;
    }
    if (r.network) {
      say('The service did not answer. Trying again.');
      schedule(mine, 1000);
      return;
    }
    // A frame the service could not read as an image: try the next one.
    schedule(mine, next);
  }

  async function start() {
    if (stream) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(window.isSecureContext
        ? 'This browser cannot use a camera. Use a scanner.'
        : 'The camera needs a secure (https) connection to this service. Use a scanner.', { live: true, polite: false });
      return;
    }
    const mine = ++run;
    say('Starting the camera…');
    let s;
    try {
      s = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (e) {
      if (mine === run) say(cameraErrorWords(e), { live: true, polite: false });
      return;
    }
    if (mine !== run || document.visibilityState === 'hidden') {
      for (const t of s.getTracks()) t.stop();
      return;
    }
    stream = s;
    video.srcObject = s;
    view.hidden = false;
    startButton.hidden = true;
    stopButton.hidden = false;
    document.body.classList.add('camera-on');
    try {
      await video.play();
    } catch (e) {
      // Autoplay of a muted inline video is allowed; a refusal leaves frames unread and
      // the idle stop ends it.
    }
    say('Hold steady — keep the barcode inside the frame, about 15 cm away.', { live: true });
    stopButton.focus();
    idleTimer = setTimeout(() => stop('Camera stopped: no barcode was read for a minute.'), IDLE_STOP_MS);
    schedule(mine, 0);
  }

  startButton.addEventListener('click', () => start());
  stopButton.addEventListener('click', () => {
    stop('Camera stopped.');
    startButton.focus();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') stop('Camera stopped: the page was hidden.');
  });
  window.addEventListener('pagehide', () => stop(null));
  // Signing out leaves the page; stop before the sign-in page loads.
  document.addEventListener('click', (e) => {
    if (e.target && e.target.closest && e.target.closest('#sign-out')) stop(null);
  }, { capture: true });
  document.getElementById(viewId.replace(/-view$/, '-section')).hidden = false;
  return { start, stop, get on() { return !!stream; } };
}
