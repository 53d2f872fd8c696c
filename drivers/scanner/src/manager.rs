//! The device manager: opens every configured scanner (or discovers them all),
//! reconnects with backoff, follows hotplug, and merges everything into one
//! stream of [`Event`]s.
//!
//! Each device runs on its own thread (serial and evdev reads block; nusb is
//! driven with blocking waits), delivering into an unbounded channel so a slow
//! consumer never makes a reader drop bytes. Devices are keyed by port path or
//! USB serial number, never by bus address, which changes on every replug.
//!
//! No scan is lost or duplicated across a reconnect: a frame is delivered once,
//! when its last byte arrives; bytes of a frame cut by a disconnect are
//! reported as a fault and never joined to bytes read after reconnecting.
//!
//! ```no_run
//! use bedside_scanner::{config::ScannerConfig, manager::{Manager, ManagerOptions}, Event};
//! # async fn demo() {
//! let spec = "serial:/dev/ttyACM0,suffix=cr".parse().unwrap();
//! let mut scanners = Manager::start(vec![ScannerConfig { spec, name: None }], ManagerOptions::default());
//! while let Some(ev) = scanners.recv().await {
//!     if let Event::Scan(scan) = ev {
//!         println!("{} {:?}", scan.device, scan.hri());
//!     }
//! }
//! # }
//! ```

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::mpsc;

use crate::config::{DeviceSpec, ScannerConfig};
use crate::decode::Frame;
use crate::transport::{FrameSink, TransportError};
use crate::{DeviceKey, Event, Fault, FaultKind, Scan, Status, StatusKind};

/// USB vendor IDs of scanner makers whose serial ports `all` opens.
pub const SCANNER_VENDORS: [u16; 8] = [
    0x0c2e, // Honeywell (Metrologic)
    0x0536, // Hand Held Products
    0x05e0, // Symbol / Zebra
    0x05f9, // Datalogic (PSC)
    0x080c, // Datalogic
    0x067e, // Intermec
    0x1eab, // Newland
    0x1a86, // some OEM cradles (CH34x)
];

/// Manager timing.
///
/// ```
/// let o = bedside_scanner::manager::ManagerOptions::default();
/// assert!(o.backoff_min < o.backoff_max);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagerOptions {
    /// How often `all` re-lists devices (hotplug events also wake it).
    pub poll: Duration,
    /// First reconnect delay.
    pub backoff_min: Duration,
    /// Longest reconnect delay.
    pub backoff_max: Duration,
}

impl Default for ManagerOptions {
    fn default() -> Self {
        ManagerOptions {
            poll: Duration::from_secs(2),
            backoff_min: Duration::from_millis(100),
            backoff_max: Duration::from_secs(5),
        }
    }
}

/// A device the manager can open, as found by discovery.
///
/// ```
/// let found = bedside_scanner::manager::discover();
/// for d in found { println!("{} {:?}", d.key, d.spec); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovered {
    /// Its stable key.
    pub key: DeviceKey,
    /// How to open it.
    pub spec: DeviceSpec,
}

/// Lists the scanners `all` would open now: HID POS interfaces (hidraw nodes
/// whose report descriptor has usage page 0x8C) and USB serial ports of known
/// scanner vendors.
///
/// ```
/// let _ = bedside_scanner::manager::discover();
/// ```
pub fn discover() -> Vec<Discovered> {
    let mut out: Vec<Discovered> = Vec::new();
    #[cfg(target_os = "linux")]
    for n in crate::transport::hidraw::list() {
        if !n.hidpos {
            continue;
        }
        let spec = match (&n.serial, cfg!(feature = "usb")) {
            (Some(s), true) => DeviceSpec::Usb {
                vid: n.vid,
                pid: n.pid,
                serial: Some(s.clone()),
                hidpos: Default::default(),
                settings: Default::default(),
            },
            _ => DeviceSpec::Hidraw {
                path: n.path.clone(),
                hidpos: Default::default(),
            },
        };
        out.push(Discovered {
            key: spec.key(),
            spec,
        });
    }
    #[cfg(feature = "serial")]
    for p in crate::transport::serial::list_ports() {
        let Some(crate::transport::serial::UsbPortInfo {
            vid, pid, serial, ..
        }) = p.usb
        else {
            continue;
        };
        if !SCANNER_VENDORS.contains(&vid) {
            continue;
        }
        let spec = match serial {
            Some(s) => DeviceSpec::Usb {
                vid,
                pid,
                serial: Some(s),
                hidpos: Default::default(),
                settings: Default::default(),
            },
            None => DeviceSpec::Serial {
                path: p.path,
                settings: Default::default(),
            },
        };
        out.push(Discovered {
            key: spec.key(),
            spec,
        });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out.dedup_by(|a, b| a.key == b.key);
    out
}

/// A device found on this machine, for `bedside scanner list`.
///
/// ```
/// for d in bedside_scanner::manager::inventory() {
///     println!("{} {} usable={}", d.key, d.mode, d.usable.is_ok());
/// }
/// ```
#[derive(Clone, Debug)]
pub struct DeviceReport {
    /// The key (and device spec) to pass to `listen --device`.
    pub key: DeviceKey,
    /// How the scanner talks: `HID POS`, `keyboard wedge`, `serial (CDC-ACM)`, …
    pub mode: &'static str,
    /// Manufacturer/product or name, as the OS reports it.
    pub description: String,
    /// Whether this program can open it, and why not.
    pub usable: Result<(), TransportError>,
}

/// Probes whether `path` can be opened for reading and writing.
#[cfg(target_os = "linux")]
fn probe(
    path: &std::path::Path,
    kind: crate::transport::NodeKind,
    vid: Option<u16>,
) -> Result<(), TransportError> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK | O_NOCTTY: do not wait for carrier, do not become our terminal.
    std::fs::OpenOptions::new()
        .read(true)
        .write(kind != crate::transport::NodeKind::Input)
        .custom_flags(0o4000 | 0o400)
        .open(path)
        .map(drop)
        .map_err(|e| crate::transport::from_io(&path.display().to_string(), e, kind, vid))
}

/// Lists every scanner-like device: HID POS interfaces, keyboards made by
/// scanner vendors (keyboard-wedge mode), and USB serial ports; each with
/// whether it can be opened and, if not, why (with the udev rule to fix a
/// missing permission).
///
/// ```
/// let _ = bedside_scanner::manager::inventory();
/// ```
pub fn inventory() -> Vec<DeviceReport> {
    let mut out = Vec::new();
    #[cfg(target_os = "linux")]
    for n in crate::transport::hidraw::list() {
        use crate::transport::NodeKind;
        if n.hidpos {
            let spec = DeviceSpec::Hidraw {
                path: n.path.clone(),
                hidpos: Default::default(),
            };
            out.push(DeviceReport {
                key: spec.key(),
                mode: "HID POS",
                description: format!(
                    "{} ({:04x}:{:04x}; also usb:{:04x}:{:04x})",
                    n.name, n.vid, n.pid, n.vid, n.pid
                ),
                usable: probe(&n.path, NodeKind::Hidraw, Some(n.vid)),
            });
        } else if n.keyboard && SCANNER_VENDORS.contains(&n.vid) {
            let event = event_node(&n.path);
            let (key, usable) = match &event {
                Some(ev) if cfg!(feature = "evdev") => (
                    DeviceKey::new(format!("evdev:{}", ev.display())),
                    probe(ev, NodeKind::Input, Some(n.vid)),
                ),
                _ => (
                    DeviceKey::new(format!("hidraw:{}", n.path.display())),
                    Err(TransportError::NotScanner {
                        what: n.path.display().to_string(),
                        reason: "keyboard-wedge mode: reading it needs the evdev feature; better, switch the scanner to HID POS".into(),
                    }),
                ),
            };
            out.push(DeviceReport {
                key,
                mode: "keyboard wedge",
                description: format!("{} ({:04x}:{:04x})", n.name, n.vid, n.pid),
                usable,
            });
        }
    }
    #[cfg(feature = "serial")]
    for p in crate::transport::serial::list_ports() {
        let Some(u) = &p.usb else { continue };
        let mode = if p.path.contains("ttyACM") {
            "serial (CDC-ACM)"
        } else {
            "serial (USB adapter)"
        };
        #[cfg(target_os = "linux")]
        let usable = probe(
            std::path::Path::new(&p.path),
            crate::transport::NodeKind::Tty,
            Some(u.vid),
        );
        #[cfg(not(target_os = "linux"))]
        let usable = Ok(());
        out.push(DeviceReport {
            key: DeviceKey::new(format!("serial:{}", p.path)),
            mode,
            description: format!(
                "{} {} ({:04x}:{:04x}{})",
                u.manufacturer.as_deref().unwrap_or("?"),
                u.product.as_deref().unwrap_or("?"),
                u.vid,
                u.pid,
                u.serial
                    .as_deref()
                    .map(|s| format!(", serial {s}"))
                    .unwrap_or_default()
            ),
            usable,
        });
    }
    out
}

/// The evdev node of a hidraw keyboard: `/sys/class/hidraw/hidrawN/device/input/inputM/eventK`.
#[cfg(target_os = "linux")]
fn event_node(hidraw: &std::path::Path) -> Option<std::path::PathBuf> {
    let name = hidraw.file_name()?;
    let inputs = std::path::Path::new("/sys/class/hidraw")
        .join(name)
        .join("device/input");
    for input in std::fs::read_dir(inputs).ok()?.flatten() {
        for e in std::fs::read_dir(input.path()).ok()?.flatten() {
            let f = e.file_name();
            if f.to_string_lossy().starts_with("event") {
                return Some(std::path::Path::new("/dev/input").join(f));
            }
        }
    }
    None
}

/// An open source of frames.
enum Source {
    #[cfg(feature = "serial")]
    Serial(crate::transport::serial::SerialSource),
    #[cfg(feature = "usb")]
    Usb(crate::transport::usb::HidPosSource),
    #[cfg(target_os = "linux")]
    Hidraw(crate::transport::hidraw::HidrawSource),
    #[cfg(all(feature = "evdev", target_os = "linux"))]
    Wedge(crate::transport::evdev::WedgeSource),
}

impl Source {
    fn run(&mut self, sink: &mut dyn FrameSink) -> Result<(), TransportError> {
        match self {
            #[cfg(feature = "serial")]
            Source::Serial(s) => s.run(sink),
            #[cfg(feature = "usb")]
            Source::Usb(s) => s.run(sink),
            #[cfg(target_os = "linux")]
            Source::Hidraw(s) => s.run(sink),
            #[cfg(all(feature = "evdev", target_os = "linux"))]
            Source::Wedge(s) => s.run(sink),
        }
    }
}

/// Opens the device `spec` names, returning a description for status events.
/// `usb:VID:PID` tries HID POS over nusb, then hidraw, then the device's
/// serial (CDC-ACM) port.
fn open(spec: &DeviceSpec) -> Result<(Source, String), TransportError> {
    match spec {
        #[cfg(feature = "serial")]
        DeviceSpec::Serial { path, settings } => {
            let s = crate::transport::serial::SerialSource::open(path, settings)?;
            Ok((Source::Serial(s), format!("serial port {path}")))
        }
        #[cfg(target_os = "linux")]
        DeviceSpec::Hidraw { path, hidpos } => {
            let s = crate::transport::hidraw::HidrawSource::open(path, hidpos)?;
            Ok((Source::Hidraw(s), format!("HID POS on {}", path.display())))
        }
        #[cfg(all(feature = "evdev", target_os = "linux"))]
        DeviceSpec::Evdev { path, options } => {
            let s = crate::transport::evdev::WedgeSource::open(path, options)?;
            Ok((
                Source::Wedge(s),
                format!("keyboard wedge on {}", path.display()),
            ))
        }
        DeviceSpec::Usb {
            vid,
            pid,
            serial,
            hidpos,
            settings,
        } => open_usb(*vid, *pid, serial.as_deref(), hidpos, settings),
        DeviceSpec::All => Err(TransportError::Unsupported {
            what: "opening `all` as one device",
        }),
        #[allow(unreachable_patterns)]
        DeviceSpec::Serial { .. } => Err(TransportError::Unsupported {
            what: "serial scanners (feature `serial`)",
        }),
        #[allow(unreachable_patterns)]
        DeviceSpec::Hidraw { .. } => Err(TransportError::Unsupported {
            what: "hidraw (Linux only)",
        }),
        #[allow(unreachable_patterns)]
        DeviceSpec::Evdev { .. } => Err(TransportError::Unsupported {
            what: "keyboard-wedge scanners (feature `evdev`, Linux only)",
        }),
    }
}

#[allow(unused_variables, unused_mut)]
fn open_usb(
    vid: u16,
    pid: u16,
    serial: Option<&str>,
    hidpos: &crate::config::HidPosOptions,
    settings: &crate::config::SerialSettings,
) -> Result<(Source, String), TransportError> {
    let what = format!("usb:{vid:04x}:{pid:04x}");
    // The most useful error if nothing works: permission or "not a scanner"
    // beat "not found".
    let mut best = TransportError::NotFound { path: what.clone() };
    let mut keep = |e: TransportError, best: &mut TransportError| {
        let rank = |e: &TransportError| match e {
            TransportError::NotFound { .. } => 0,
            TransportError::Unsupported { .. } => 1,
            TransportError::NotScanner { .. } => 2,
            _ => 3,
        };
        if rank(&e) > rank(best) {
            *best = e;
        }
    };
    #[cfg(feature = "usb")]
    match crate::transport::usb::HidPosSource::open(vid, pid, serial, hidpos) {
        Ok(s) => {
            let d = s.description().to_owned();
            return Ok((Source::Usb(s), d));
        }
        Err(e) => keep(e, &mut best),
    }
    #[cfg(target_os = "linux")]
    for n in crate::transport::hidraw::list() {
        if n.vid == vid
            && n.pid == pid
            && n.hidpos
            && serial.is_none_or(|s| n.serial.as_deref() == Some(s))
        {
            match crate::transport::hidraw::HidrawSource::open(&n.path, hidpos) {
                Ok(s) => {
                    return Ok((
                        Source::Hidraw(s),
                        format!("HID POS on {}", n.path.display()),
                    ));
                }
                Err(e) => keep(e, &mut best),
            }
        }
    }
    #[cfg(feature = "serial")]
    for p in crate::transport::serial::list_ports() {
        let Some(u) = &p.usb else {
            continue;
        };
        if u.vid == vid && u.pid == pid && serial.is_none_or(|s| u.serial.as_deref() == Some(s)) {
            match crate::transport::serial::SerialSource::open_with_vendor(
                &p.path,
                settings,
                Some(vid),
            ) {
                Ok(s) => return Ok((Source::Serial(s), format!("serial port {}", p.path))),
                Err(e) => keep(e, &mut best),
            }
        }
    }
    Err(best)
}

struct ChannelSink {
    key: DeviceKey,
    tx: mpsc::UnboundedSender<Event>,
    stop: Arc<AtomicBool>,
}

impl FrameSink for ChannelSink {
    fn deliver(&mut self, frame: Result<Frame, FaultKind>) {
        let at = SystemTime::now();
        let ev = match frame {
            Ok(frame) => {
                let (aim, bytes) = (frame.aim, frame.data.clone());
                match Scan::from_frame(self.key.clone(), frame, at) {
                    Ok(scan) => Event::Scan(scan),
                    Err(kind) => Event::Fault(Fault {
                        device: self.key.clone(),
                        kind,
                        aim,
                        bytes,
                        at,
                    }),
                }
            }
            Err(kind) => Event::Fault(Fault {
                device: self.key.clone(),
                kind,
                aim: None,
                bytes: Vec::new(),
                at,
            }),
        };
        // A closed channel means the consumer is gone; the stop flag follows.
        let _ = self.tx.send(ev);
    }

    fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || self.tx.is_closed()
    }
}

fn status(tx: &mpsc::UnboundedSender<Event>, key: &DeviceKey, kind: StatusKind) {
    let _ = tx.send(Event::Status(Status {
        device: key.clone(),
        kind,
        at: SystemTime::now(),
    }));
}

/// Sleeps `d` in short slices; returns `false` if asked to stop.
fn nap(d: Duration, sink: &ChannelSink) -> bool {
    let end = Instant::now() + d;
    while Instant::now() < end {
        if sink.stop_requested() {
            return false;
        }
        std::thread::sleep(
            Duration::from_millis(10).min(end.saturating_duration_since(Instant::now())),
        );
    }
    !sink.stop_requested()
}

/// Runs one device: open, read, reconnect with backoff. A `transient` worker
/// (started by discovery) ends when its device is gone; discovery restarts it.
fn worker(spec: DeviceSpec, mut sink: ChannelSink, opts: ManagerOptions, transient: bool) {
    let mut backoff = opts.backoff_min;
    let mut last_error: Option<TransportError> = None;
    loop {
        if sink.stop_requested() {
            return;
        }
        match open(&spec) {
            Ok((mut source, description)) => {
                status(&sink.tx, &sink.key, StatusKind::Connected { description });
                last_error = None;
                backoff = opts.backoff_min;
                match source.run(&mut sink) {
                    Ok(()) => return,
                    Err(e) => {
                        drop(source);
                        status(
                            &sink.tx,
                            &sink.key,
                            StatusKind::Disconnected { error: Some(e) },
                        );
                        if transient {
                            return;
                        }
                    }
                }
            }
            Err(e) => {
                if transient
                    && matches!(
                        e,
                        TransportError::NotFound { .. } | TransportError::Disconnected { .. }
                    )
                {
                    return;
                }
                if last_error.as_ref() != Some(&e) {
                    status(
                        &sink.tx,
                        &sink.key,
                        StatusKind::Unusable { error: e.clone() },
                    );
                    last_error = Some(e);
                }
            }
        }
        if !nap(backoff, &sink) {
            return;
        }
        backoff = (backoff * 2).min(opts.backoff_max);
    }
}

type Wake = Arc<(Mutex<bool>, Condvar)>;

fn discovery(
    tx: mpsc::UnboundedSender<Event>,
    stop: Arc<AtomicBool>,
    opts: ManagerOptions,
    wake: Wake,
) {
    let mut running: HashMap<DeviceKey, JoinHandle<()>> = HashMap::new();
    loop {
        if stop.load(Ordering::Relaxed) || tx.is_closed() {
            break;
        }
        running.retain(|_, h| !h.is_finished());
        for d in discover() {
            if running.contains_key(&d.key) {
                continue;
            }
            let sink = ChannelSink {
                key: d.key.clone(),
                tx: tx.clone(),
                stop: stop.clone(),
            };
            let o = opts.clone();
            let spec = d.spec;
            if let Ok(h) = std::thread::Builder::new()
                .name(format!("bedside-scanner {}", d.key))
                .spawn(move || worker(spec, sink, o, true))
            {
                running.insert(d.key, h);
            }
        }
        let (lock, cv) = &*wake;
        let Ok(mut dirty) = lock.lock() else { break };
        let deadline = Instant::now() + opts.poll;
        while !*dirty && !stop.load(Ordering::Relaxed) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match cv.wait_timeout(dirty, left.min(Duration::from_millis(100))) {
                Ok((g, _)) => dirty = g,
                Err(_) => return,
            }
        }
        *dirty = false;
    }
    for (_, h) in running {
        let _ = h.join();
    }
}

/// Every configured scanner as one stream of [`Event`]s.
///
/// ```no_run
/// use bedside_scanner::{config::{DeviceSpec, ScannerConfig}, manager::{Manager, ManagerOptions}};
/// let mut m = Manager::start(vec![ScannerConfig { spec: DeviceSpec::All, name: None }], ManagerOptions::default());
/// while let Some(ev) = m.blocking_recv() {
///     println!("{ev:?}");
/// }
/// ```
#[derive(Debug)]
pub struct Manager {
    rx: mpsc::UnboundedReceiver<Event>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Manager {
    /// Starts a reader thread per configured scanner (and discovery for `all`).
    ///
    /// ```
    /// use bedside_scanner::manager::{Manager, ManagerOptions};
    /// let m = Manager::start(vec![], ManagerOptions::default());
    /// m.stop();
    /// ```
    pub fn start(scanners: Vec<ScannerConfig>, opts: ManagerOptions) -> Manager {
        let (tx, rx) = mpsc::unbounded_channel();
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        let mut all = false;
        for s in scanners {
            if s.spec == DeviceSpec::All {
                all = true;
                continue;
            }
            let sink = ChannelSink {
                key: s.spec.key(),
                tx: tx.clone(),
                stop: stop.clone(),
            };
            let o = opts.clone();
            if let Ok(h) = std::thread::Builder::new()
                .name(format!("bedside-scanner {}", s.spec.key()))
                .spawn(move || worker(s.spec, sink, o, false))
            {
                threads.push(h);
            }
        }
        if all {
            let wake: Wake = Arc::new((Mutex::new(false), Condvar::new()));
            #[cfg(feature = "usb")]
            {
                let w = wake.clone();
                crate::transport::usb::watch(move || {
                    let (lock, cv) = &*w;
                    if let Ok(mut d) = lock.lock() {
                        *d = true;
                        cv.notify_all();
                    }
                });
            }
            let (t, s, o) = (tx.clone(), stop.clone(), opts.clone());
            if let Ok(h) = std::thread::Builder::new()
                .name("bedside-scanner discovery".into())
                .spawn(move || discovery(t, s, o, wake))
            {
                threads.push(h);
            }
        }
        Manager { rx, stop, threads }
    }

    /// The next event; `None` once every reader has ended.
    ///
    /// ```no_run
    /// # async fn f(mut m: bedside_scanner::manager::Manager) {
    /// let ev = m.recv().await;
    /// # }
    /// ```
    pub async fn recv(&mut self) -> Option<Event> {
        self.rx.recv().await
    }

    /// The next event, blocking the thread (not for use inside an async task).
    ///
    /// ```no_run
    /// # fn f(mut m: bedside_scanner::manager::Manager) {
    /// let ev = m.blocking_recv();
    /// # }
    /// ```
    pub fn blocking_recv(&mut self) -> Option<Event> {
        self.rx.blocking_recv()
    }

    /// The next event if one is waiting, without blocking.
    ///
    /// ```
    /// let mut m = bedside_scanner::manager::Manager::start(vec![], Default::default());
    /// assert!(m.try_recv().is_none());
    /// ```
    pub fn try_recv(&mut self) -> Option<Event> {
        self.rx.try_recv().ok()
    }

    /// Stops every reader and waits for them (they notice within ~50 ms;
    /// a reader blocked in the OS ends when its device does).
    ///
    /// ```
    /// bedside_scanner::manager::Manager::start(vec![], Default::default()).stop();
    /// ```
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.rx.close();
        for h in self.threads.drain(..) {
            let _ = h.join();
        }
    }
}

impl Drop for Manager {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl futures_core::Stream for Manager {
    type Item = Event;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.rx.poll_recv(cx)
    }
}
