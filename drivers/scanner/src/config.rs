//! Device specs (`serial:/dev/ttyACM0,baud=9600,suffix=cr`, `usb:0c2e:0b61`,
//! `hidraw:/dev/hidraw0`, `evdev:/dev/input/event3,layout=uk,gs=|`, `all`)
//! and the per-device TOML configuration that carries the same options.
//!
//! ```
//! use bedside_scanner::config::DeviceSpec;
//! let spec: DeviceSpec = "serial:/dev/ttyACM0,baud=9600,suffix=cr".parse().unwrap();
//! assert_eq!(spec.key().as_str(), "serial:/dev/ttyACM0");
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use crate::DeviceKey;
use crate::decode::hidpos::HidPosLayout;
use crate::decode::serial::{SerialConfig, Suffix, Terminator};
use crate::decode::wedge::{Layout, WedgeConfig, WedgeTerminator};

/// Serial parity.
///
/// ```
/// assert_eq!(bedside_scanner::config::Parity::default(), bedside_scanner::config::Parity::None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Parity {
    /// No parity bit.
    #[default]
    None,
    /// Odd parity.
    Odd,
    /// Even parity.
    Even,
}

/// Serial flow control.
///
/// ```
/// assert_eq!(bedside_scanner::config::Flow::default(), bedside_scanner::config::Flow::None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Flow {
    /// None.
    #[default]
    None,
    /// RTS/CTS.
    Hardware,
    /// XON/XOFF.
    Software,
}

/// Line settings and framing of a serial scanner.
///
/// ```
/// let s = bedside_scanner::config::SerialSettings::default();
/// assert_eq!(s.baud, 9600);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SerialSettings {
    /// Baud rate (ignored by CDC-ACM devices).
    pub baud: u32,
    /// Parity.
    pub parity: Parity,
    /// Data bits, 5–8.
    pub data_bits: u8,
    /// Stop bits, 1 or 2.
    pub stop_bits: u8,
    /// Flow control.
    pub flow: Flow,
    /// Framing.
    pub framing: SerialConfig,
    /// Inter-byte gap that ends (no suffix) or abandons (suffix) a frame.
    pub gap: Duration,
}

impl Default for SerialSettings {
    fn default() -> Self {
        SerialSettings {
            baud: 9600,
            parity: Parity::None,
            data_bits: 8,
            stop_bits: 1,
            flow: Flow::None,
            framing: SerialConfig::default(),
            gap: Duration::from_millis(200),
        }
    }
}

/// Options of a HID POS scanner (USB or hidraw).
///
/// ```
/// let o = bedside_scanner::config::HidPosOptions::default();
/// assert!(o.feedback.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HidPosOptions {
    /// Report layout.
    pub layout: HidPosLayout,
    /// How long to wait for a continuation report before abandoning a scan.
    pub gap: Duration,
    /// An output report sent after every good read (beep/LED), as raw bytes
    /// including the report ID; empty for none.
    pub feedback: Vec<u8>,
}

impl Default for HidPosOptions {
    fn default() -> Self {
        HidPosOptions {
            layout: HidPosLayout::STANDARD,
            gap: Duration::from_millis(500),
            feedback: Vec::new(),
        }
    }
}

/// Options of a keyboard-wedge scanner.
///
/// ```
/// let o = bedside_scanner::config::WedgeOptions::default();
/// assert!(o.grab);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WedgeOptions {
    /// Layout, GS substitute, terminator.
    pub wedge: WedgeConfig,
    /// Grab the device exclusively so keystrokes do not reach other programs.
    pub grab: bool,
    /// Inter-key gap that ends (no terminator) or abandons a scan.
    pub gap: Duration,
}

impl Default for WedgeOptions {
    fn default() -> Self {
        WedgeOptions {
            wedge: WedgeConfig::default(),
            grab: true,
            gap: Duration::from_millis(300),
        }
    }
}

/// Which scanner(s) to read, and how.
///
/// ```
/// use bedside_scanner::config::DeviceSpec;
/// let s: DeviceSpec = "usb:0C2E:0b61".parse().unwrap();
/// assert_eq!(s.key().as_str(), "usb:0c2e:0b61");
/// assert!(matches!("all".parse::<DeviceSpec>().unwrap(), DeviceSpec::All));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeviceSpec {
    /// A serial port by path (`/dev/ttyACM0`, `/dev/serial/by-id/…`, `COM3`).
    Serial {
        /// The port.
        path: String,
        /// Line settings and framing.
        settings: SerialSettings,
    },
    /// A USB scanner by vendor and product ID (and serial number): HID POS
    /// through nusb, or its CDC-ACM port through serial.
    Usb {
        /// Vendor ID.
        vid: u16,
        /// Product ID.
        pid: u16,
        /// Serial number, to tell identical scanners apart.
        serial: Option<String>,
        /// HID POS options.
        hidpos: HidPosOptions,
        /// Settings if the device turns out to be a CDC-ACM scanner.
        settings: SerialSettings,
    },
    /// A HID POS scanner through Linux hidraw.
    Hidraw {
        /// `/dev/hidrawN` (or a udev symlink).
        path: PathBuf,
        /// HID POS options.
        hidpos: HidPosOptions,
    },
    /// A keyboard-wedge scanner through Linux evdev.
    Evdev {
        /// `/dev/input/eventN` (or `/dev/input/by-id/…`).
        path: PathBuf,
        /// Wedge options.
        options: WedgeOptions,
    },
    /// Every scanner found: HID POS interfaces (usage page 0x8C) and the
    /// serial ports of known scanner vendors, with hotplug.
    All,
}

/// Why a device spec or configuration could not be read.
///
/// ```
/// use bedside_scanner::config::{DeviceSpec, SpecError};
/// assert!(matches!("floppy:/dev/fd0".parse::<DeviceSpec>(), Err(SpecError::UnknownKind { .. })));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// The part before `:` is not `serial`, `usb`, `hidraw`, `evdev` or `all`.
    #[error("unknown device kind {kind:?} (expected serial:, usb:, hidraw:, evdev: or all)")]
    UnknownKind {
        /// What was given.
        kind: String,
    },
    /// No path or ID after the kind.
    #[error("device spec {spec:?} names no device")]
    Missing {
        /// The spec.
        spec: String,
    },
    /// `usb:` needs `VID:PID` in hexadecimal.
    #[error("bad USB ID {value:?}: expected VID:PID in hex, e.g. usb:0c2e:0b61")]
    BadUsbId {
        /// What was given.
        value: String,
    },
    /// An option this device kind does not have.
    #[error("unknown option {key:?} for a {kind} device")]
    UnknownOption {
        /// The option.
        key: String,
        /// The device kind.
        kind: &'static str,
    },
    /// An option value that cannot be used.
    #[error("bad value {value:?} for option {key:?}")]
    BadValue {
        /// The option.
        key: String,
        /// The value.
        value: String,
    },
    /// The TOML configuration is malformed.
    #[error("configuration: {message}")]
    Toml {
        /// The TOML parser's message.
        message: String,
    },
}

fn bad(key: &str, value: &str) -> SpecError {
    SpecError::BadValue {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

fn parse_ms(key: &str, value: &str) -> Result<Duration, SpecError> {
    value
        .parse::<u64>()
        .ok()
        .filter(|&ms| (1..=60_000).contains(&ms))
        .map(Duration::from_millis)
        .ok_or_else(|| bad(key, value))
}

fn parse_hex_bytes(key: &str, value: &str) -> Result<Vec<u8>, SpecError> {
    let v: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if !v.len().is_multiple_of(2) || v.len() > 128 {
        return Err(bad(key, value));
    }
    (0..v.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(v.get(i..i + 2).unwrap_or("x"), 16).map_err(|_| bad(key, value))
        })
        .collect()
}

fn parse_bool(key: &str, value: &str) -> Result<bool, SpecError> {
    match value {
        "yes" | "true" | "on" | "1" => Ok(true),
        "no" | "false" | "off" | "0" => Ok(false),
        _ => Err(bad(key, value)),
    }
}

impl SerialSettings {
    /// Applies one `key=value` option: `baud`, `parity` (none|odd|even),
    /// `data` (5–8), `stop` (1|2), `flow` (none|hardware|software), `suffix`
    /// (cr|lf|crlf|etx|tab|none|stx), `prefix` (text), `gap` (ms), `max` (bytes).
    ///
    /// ```
    /// let mut s = bedside_scanner::config::SerialSettings::default();
    /// s.apply("suffix", "none").unwrap();
    /// assert_eq!(s.framing.terminator, bedside_scanner::decode::serial::Terminator::Idle);
    /// ```
    pub fn apply(&mut self, key: &str, value: &str) -> Result<(), SpecError> {
        match key {
            "baud" => {
                self.baud = value
                    .parse()
                    .ok()
                    .filter(|&b| (50..=4_000_000).contains(&b))
                    .ok_or_else(|| bad(key, value))?;
            }
            "parity" => {
                self.parity = match value {
                    "none" | "n" => Parity::None,
                    "odd" | "o" => Parity::Odd,
                    "even" | "e" => Parity::Even,
                    _ => return Err(bad(key, value)),
                }
            }
            "data" => {
                self.data_bits = value
                    .parse()
                    .ok()
                    .filter(|b| (5..=8).contains(b))
                    .ok_or_else(|| bad(key, value))?;
            }
            "stop" => {
                self.stop_bits = value
                    .parse()
                    .ok()
                    .filter(|b| (1..=2).contains(b))
                    .ok_or_else(|| bad(key, value))?;
            }
            "flow" => {
                self.flow = match value {
                    "none" => Flow::None,
                    "hardware" | "rtscts" | "hw" => Flow::Hardware,
                    "software" | "xonxoff" | "sw" => Flow::Software,
                    _ => return Err(bad(key, value)),
                }
            }
            "suffix" => {
                self.framing.terminator = match value {
                    "none" => Terminator::Idle,
                    "stx" | "stxetx" => Terminator::StxEtx,
                    s => Terminator::Suffix(Suffix::parse(s).ok_or_else(|| bad(key, value))?),
                }
            }
            "prefix" => self.framing.prefix = value.as_bytes().to_vec(),
            "gap" => self.gap = parse_ms(key, value)?,
            "max" => {
                self.framing.max_len = value
                    .parse()
                    .ok()
                    .filter(|&m| (1..=1 << 20).contains(&m))
                    .ok_or_else(|| bad(key, value))?;
            }
            _ => {
                return Err(SpecError::UnknownOption {
                    key: key.to_owned(),
                    kind: "serial",
                });
            }
        }
        Ok(())
    }
}

impl HidPosOptions {
    /// Applies one option: `gap` (ms to wait for a continuation report),
    /// `feedback` (hex output report sent after each good read).
    ///
    /// ```
    /// let mut o = bedside_scanner::config::HidPosOptions::default();
    /// o.apply("feedback", "fd03").unwrap();
    /// assert_eq!(o.feedback, [0xfd, 0x03]);
    /// ```
    pub fn apply(&mut self, key: &str, value: &str) -> Result<(), SpecError> {
        match key {
            "gap" => self.gap = parse_ms(key, value)?,
            "feedback" => self.feedback = parse_hex_bytes(key, value)?,
            _ => {
                return Err(SpecError::UnknownOption {
                    key: key.to_owned(),
                    kind: "HID POS",
                });
            }
        }
        Ok(())
    }
}

impl WedgeOptions {
    /// Applies one option: `layout` (uk|us), `gs` (substitute character),
    /// `terminator` (enter|tab|none), `gap` (ms), `grab` (yes|no).
    ///
    /// ```
    /// let mut o = bedside_scanner::config::WedgeOptions::default();
    /// o.apply("gs", "|").unwrap();
    /// assert_eq!(o.wedge.gs_substitute, Some('|'));
    /// ```
    pub fn apply(&mut self, key: &str, value: &str) -> Result<(), SpecError> {
        match key {
            "layout" => self.wedge.layout = Layout::parse(value).ok_or_else(|| bad(key, value))?,
            "gs" => {
                let mut chars = value.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_alphanumeric() && c != ']' => {
                        self.wedge.gs_substitute = Some(c)
                    }
                    _ => return Err(bad(key, value)),
                }
            }
            "terminator" => {
                self.wedge.terminator = match value {
                    "enter" | "cr" => WedgeTerminator::Enter,
                    "tab" => WedgeTerminator::Tab,
                    "none" => WedgeTerminator::Idle,
                    _ => return Err(bad(key, value)),
                }
            }
            "gap" => self.gap = parse_ms(key, value)?,
            "grab" => self.grab = parse_bool(key, value)?,
            _ => {
                return Err(SpecError::UnknownOption {
                    key: key.to_owned(),
                    kind: "keyboard-wedge",
                });
            }
        }
        Ok(())
    }
}

impl DeviceSpec {
    /// The stable key of the device this spec names (kind and path or IDs,
    /// without options).
    ///
    /// ```
    /// let s: bedside_scanner::config::DeviceSpec = "evdev:/dev/input/event3,layout=us".parse().unwrap();
    /// assert_eq!(s.key().as_str(), "evdev:/dev/input/event3");
    /// ```
    pub fn key(&self) -> DeviceKey {
        DeviceKey::new(match self {
            DeviceSpec::Serial { path, .. } => format!("serial:{path}"),
            DeviceSpec::Usb {
                vid, pid, serial, ..
            } => match serial {
                Some(s) => format!("usb:{vid:04x}:{pid:04x}:{s}"),
                None => format!("usb:{vid:04x}:{pid:04x}"),
            },
            DeviceSpec::Hidraw { path, .. } => format!("hidraw:{}", path.display()),
            DeviceSpec::Evdev { path, .. } => format!("evdev:{}", path.display()),
            DeviceSpec::All => "all".to_owned(),
        })
    }

    /// Applies one `key=value` option to this spec.
    ///
    /// ```
    /// let mut s: bedside_scanner::config::DeviceSpec = "serial:/dev/ttyS0".parse().unwrap();
    /// assert!(s.apply("baud", "115200").is_ok());
    /// assert!(s.apply("layout", "uk").is_err());
    /// ```
    pub fn apply(&mut self, key: &str, value: &str) -> Result<(), SpecError> {
        match self {
            DeviceSpec::Serial { settings, .. } => settings.apply(key, value),
            DeviceSpec::Usb {
                hidpos, settings, ..
            } => match key {
                "gap" => {
                    hidpos.apply(key, value)?;
                    settings.apply(key, value)
                }
                "feedback" => hidpos.apply(key, value),
                _ => settings.apply(key, value),
            },
            DeviceSpec::Hidraw { hidpos, .. } => hidpos.apply(key, value),
            DeviceSpec::Evdev { options, .. } => options.apply(key, value),
            DeviceSpec::All => Err(SpecError::UnknownOption {
                key: key.to_owned(),
                kind: "all",
            }),
        }
    }
}

fn parse_usb(rest: &str) -> Result<DeviceSpec, SpecError> {
    let err = || SpecError::BadUsbId {
        value: rest.to_owned(),
    };
    let mut parts = rest.splitn(3, ':');
    let hex = |s: Option<&str>| {
        s.filter(|s| (1..=4).contains(&s.len()))
            .and_then(|s| u16::from_str_radix(s, 16).ok())
    };
    let vid = hex(parts.next()).ok_or_else(err)?;
    let pid = hex(parts.next()).ok_or_else(err)?;
    let serial = parts.next().filter(|s| !s.is_empty()).map(str::to_owned);
    Ok(DeviceSpec::Usb {
        vid,
        pid,
        serial,
        hidpos: HidPosOptions::default(),
        settings: SerialSettings::default(),
    })
}

impl FromStr for DeviceSpec {
    type Err = SpecError;

    fn from_str(s: &str) -> Result<DeviceSpec, SpecError> {
        let s = s.trim();
        if s == "all" {
            return Ok(DeviceSpec::All);
        }
        let mut fields = s.split(',');
        let head = fields.next().unwrap_or_default();
        let (kind, rest) = head.split_once(':').ok_or_else(|| SpecError::UnknownKind {
            kind: head.to_owned(),
        })?;
        if rest.is_empty() {
            return Err(SpecError::Missing { spec: s.to_owned() });
        }
        let mut spec = match kind {
            "serial" => DeviceSpec::Serial {
                path: rest.to_owned(),
                settings: SerialSettings::default(),
            },
            "usb" => parse_usb(rest)?,
            "hidraw" => DeviceSpec::Hidraw {
                path: rest.into(),
                hidpos: HidPosOptions::default(),
            },
            "evdev" => DeviceSpec::Evdev {
                path: rest.into(),
                options: WedgeOptions::default(),
            },
            _ => {
                return Err(SpecError::UnknownKind {
                    kind: kind.to_owned(),
                });
            }
        };
        for field in fields {
            let (k, v) = field.split_once('=').ok_or_else(|| bad(field, ""))?;
            spec.apply(k.trim(), v)?;
        }
        Ok(spec)
    }
}

/// Per-device configuration, read from TOML:
///
/// ```toml
/// poll_ms = 2000          # re-list devices this often (hotplug fallback)
///
/// [[scanner]]
/// device = "usb:0c2e:0b61"
/// name = "Ward 7 bed 3"
/// gap = 500
///
/// [[scanner]]
/// device = "serial:/dev/ttyACM0"
/// baud = 9600
/// suffix = "crlf"
///
/// [[scanner]]
/// device = "evdev:/dev/input/by-id/usb-Honeywell-event-kbd"
/// layout = "uk"
/// gs = "|"
/// ```
///
/// Every key other than `device` and `name` is a device option, as after a
/// comma in a spec.
///
/// ```
/// let c = bedside_scanner::config::Config::from_toml("[[scanner]]\ndevice = \"serial:/dev/ttyS0\"\nbaud = 115200\n").unwrap();
/// assert_eq!(c.scanners.len(), 1);
/// assert!(matches!(&c.scanners[0].spec, bedside_scanner::config::DeviceSpec::Serial { settings, .. } if settings.baud == 115200));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The scanners.
    pub scanners: Vec<ScannerConfig>,
    /// How often to re-list devices when hotplug events are not available.
    pub poll: Duration,
}

/// One configured scanner.
///
/// ```
/// let c = bedside_scanner::config::ScannerConfig { spec: bedside_scanner::config::DeviceSpec::All, name: None };
/// assert!(c.name.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScannerConfig {
    /// The device and its options.
    pub spec: DeviceSpec,
    /// A label for people (ward, bed).
    pub name: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    poll_ms: Option<u64>,
    #[serde(default)]
    scanner: Vec<RawScanner>,
}

#[derive(serde::Deserialize)]
struct RawScanner {
    device: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(flatten)]
    options: BTreeMap<String, toml::Value>,
}

impl Config {
    /// Parses the TOML configuration.
    ///
    /// ```
    /// assert!(bedside_scanner::config::Config::from_toml("[[scanner]]\ndevice = \"usb:zz\"").is_err());
    /// ```
    pub fn from_toml(text: &str) -> Result<Config, SpecError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| SpecError::Toml {
            message: e.to_string(),
        })?;
        let poll = match raw.poll_ms {
            None => Duration::from_secs(2),
            Some(ms) => parse_ms("poll_ms", &ms.to_string())?,
        };
        let mut scanners = Vec::new();
        for s in raw.scanner {
            let mut spec: DeviceSpec = s.device.parse()?;
            for (k, v) in &s.options {
                let v = match v {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    other => return Err(bad(k, other.type_str())),
                };
                spec.apply(k, &v)?;
            }
            scanners.push(ScannerConfig { spec, name: s.name });
        }
        Ok(Config { scanners, poll })
    }
}
