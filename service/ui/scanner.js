// One scan source for a page: keyboard-wedge scans (capture.js) and, where the browser
// offers WebHID, USB HID POS scanners (hidpos.js). Both end in the same handlers.

import { attachWedge } from './capture.js';
import { HidPosDecoder, STANDARD, USAGE_PAGE, errorWords, fromWebHid } from './hidpos.js';

/** Most time between the reports of one multi-report scan before it counts as cut short. */
export const HID_CONTINUATION_MS = 1000;

/** Whether this browser can talk to HID devices (WebHID; secure contexts only). */
export function hidAvailable() {
  return typeof navigator !== 'undefined' && 'hid' in navigator && window.isSecureContext;
}

function hasScannerCollection(device) {
  return (device.collections || []).some((c) => c.usagePage === USAGE_PAGE);
}

/**
 * Reads scans from an opened WebHID device: each `inputreport` goes through the decoder;
 * a whole scan becomes `onScan(text)`, a fault `onFault(words)`. Returns `detach()`.
 */
export function attachHidDevice(device, { onScan, onFault }) {
  const decoder = new HidPosDecoder(STANDARD);
  let timer = null;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const onReport = (e) => {
    clearTimeout(timer);
    const out = decoder.push(fromWebHid(e.reportId, e.data));
    if (decoder.inProgress) {
      timer = setTimeout(() => {
        const err = decoder.abort();
        if (err) onFault(errorWords(err));
      }, HID_CONTINUATION_MS);
    }
    if (!out) return;
    if (out.error) {
      if (out.error.kind !== 'ForeignReport') onFault(errorWords(out.error));
      return;
    }
    let text;
    try {
      text = (out.frame.aim || '') + utf8.decode(out.frame.data);
    } catch (err) {
      onFault('the scan is not text');
      return;
    }
    onScan(text);
  };
  device.addEventListener('inputreport', onReport);
  return () => {
    clearTimeout(timer);
    device.removeEventListener('inputreport', onReport);
  };
}

/**
 * Starts both sources for a page. handlers: `onStart()`, `onScan(text, {source, target})`,
 * `onRefused(result, {target})`, `onHidState(words)`. Returns `{connectHid(), attach(device)}`.
 */
export function startScanner(handlers) {
  attachWedge({
    onStart: handlers.onStart,
    onScan: (text, info) => handlers.onScan(text, { source: 'wedge', target: info.target, capsLock: info.capsLock }),
    onRefused: handlers.onRefused,
  });
  const attached = new Set();
  const hidState = handlers.onHidState || (() => {});

  const attach = async (device) => {
    if (attached.has(device)) return;
    if (!device.opened) await device.open();
    attached.add(device);
    attachHidDevice(device, {
      onScan: (text) => handlers.onScan(text, { source: 'hid', target: document.activeElement }),
      onFault: (words) => handlers.onRefused({ kind: 'fault', reason: words }, { target: document.activeElement }),
    });
    hidState(`Connected: ${device.productName || 'HID POS scanner'}.`);
  };

  if (hidAvailable()) {
    navigator.hid.getDevices().then((devices) => {
      for (const d of devices.filter(hasScannerCollection)) attach(d).catch(() => {});
    }).catch(() => {});
    navigator.hid.addEventListener('disconnect', (e) => {
      if (attached.delete(e.device)) hidState(`Disconnected: ${e.device.productName || 'HID POS scanner'}.`);
    });
  }

  return {
    attach,
    async connectHid() {
      if (!hidAvailable()) {
        hidState('This browser cannot use HID scanners here.');
        return;
      }
      let devices;
      try {
        devices = await navigator.hid.requestDevice({ filters: [{ usagePage: USAGE_PAGE }] });
      } catch (e) {
        hidState('No scanner was chosen.');
        return;
      }
      if (!devices.length) {
        hidState('No scanner was chosen.');
        return;
      }
      for (const d of devices) {
        try {
          await attach(d);
        } catch (e) {
          hidState(`Could not open ${d.productName || 'the scanner'}: is another program using it?`);
        }
      }
    },
  };
}

/** The barcode type for people, from the AIM identifier at the start of a scan. */
export function symbologyWords(text) {
  const aim = /^\][A-Za-z][0-9A-Za-z]/.test(text) ? text.slice(0, 3) : null;
  const names = {
    ']d2': 'GS1 DataMatrix', ']d1': 'Data Matrix', ']C1': 'GS1-128', ']C0': 'Code 128', ']Q3': 'GS1 QR Code',
    ']Q1': 'QR Code', ']e0': 'GS1 DataBar', ']E0': 'EAN-13', ']E4': 'EAN-8',
  };
  if (!aim) return 'barcode (no type identifier)';
  return names[aim] || `barcode ${aim}`;
}
