//! AIM symbology identifiers (ISO/IEC 15424): `]` + code character + modifier.

use core::fmt;

/// A parsed AIM symbology identifier such as `]d2`.
///
/// ```
/// use bedside_scanner::decode::{Aim, Symbology};
/// let aim = Aim::parse(b"]d2").unwrap();
/// assert_eq!(aim.symbology(), Symbology::DataMatrix);
/// assert!(aim.is_gs1());
/// assert_eq!(aim.to_string(), "]d2");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Aim {
    code: u8,
    modifier: u8,
}

/// Why three bytes are not an AIM identifier.
///
/// ```
/// use bedside_scanner::decode::{Aim, AimError};
/// assert_eq!(Aim::parse(b"d2"), Err(AimError::TooShort { len: 2 }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AimError {
    /// Fewer than three bytes.
    #[error("AIM identifier needs 3 bytes, got {len}")]
    TooShort {
        /// Bytes available.
        len: usize,
    },
    /// The first byte is not `]`.
    #[error("AIM identifier must start with ']', found 0x{found:02x}")]
    NoFlag {
        /// The byte found.
        found: u8,
    },
    /// The code character is not an ASCII letter.
    #[error("AIM code character 0x{found:02x} is not an ASCII letter")]
    BadCode {
        /// The byte found.
        found: u8,
    },
    /// The modifier is not an ASCII letter or digit.
    #[error("AIM modifier 0x{found:02x} is not an ASCII letter or digit")]
    BadModifier {
        /// The byte found.
        found: u8,
    },
}

impl Aim {
    /// Parses the first three bytes of `bytes` as `]cm`.
    ///
    /// ```
    /// use bedside_scanner::decode::Aim;
    /// assert!(Aim::parse(b"]E0").is_ok());
    /// assert!(Aim::parse(b"]\x1d0").is_err());
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<Aim, AimError> {
        let [flag, code, modifier, ..] = *bytes else {
            return Err(AimError::TooShort { len: bytes.len() });
        };
        if flag != b']' {
            return Err(AimError::NoFlag { found: flag });
        }
        if !code.is_ascii_alphabetic() {
            return Err(AimError::BadCode { found: code });
        }
        if !modifier.is_ascii_alphanumeric() {
            return Err(AimError::BadModifier { found: modifier });
        }
        Ok(Aim { code, modifier })
    }

    /// The code character (`d` in `]d2`).
    ///
    /// ```
    /// assert_eq!(bedside_scanner::decode::Aim::parse(b"]d2").unwrap().code(), b'd');
    /// ```
    pub const fn code(self) -> u8 {
        self.code
    }

    /// The modifier character (`2` in `]d2`).
    ///
    /// ```
    /// assert_eq!(bedside_scanner::decode::Aim::parse(b"]d2").unwrap().modifier(), b'2');
    /// ```
    pub const fn modifier(self) -> u8 {
        self.modifier
    }

    /// The identifier as the three bytes a reader sends.
    ///
    /// ```
    /// assert_eq!(&bedside_scanner::decode::Aim::parse(b"]Q3").unwrap().to_bytes(), b"]Q3");
    /// ```
    pub const fn to_bytes(self) -> [u8; 3] {
        [b']', self.code, self.modifier]
    }

    /// The symbology named by the code character.
    ///
    /// ```
    /// use bedside_scanner::decode::{Aim, Symbology};
    /// assert_eq!(Aim::parse(b"]E4").unwrap().symbology(), Symbology::Ean8);
    /// assert_eq!(Aim::parse(b"]X0").unwrap().symbology(), Symbology::Other(b'X'));
    /// ```
    pub const fn symbology(self) -> Symbology {
        match (self.code, self.modifier) {
            (b'A', _) => Symbology::Code39,
            (b'C', _) => Symbology::Code128,
            (b'd', _) => Symbology::DataMatrix,
            (b'E', b'4') => Symbology::Ean8,
            (b'E', _) => Symbology::EanUpc,
            (b'e', _) => Symbology::DataBar,
            (b'F', _) => Symbology::Codabar,
            (b'G', _) => Symbology::Code93,
            (b'I', _) => Symbology::Interleaved2of5,
            (b'J', _) => Symbology::DotCode,
            (b'L', _) => Symbology::Pdf417,
            (b'Q', _) => Symbology::QrCode,
            (b'z', _) => Symbology::Aztec,
            (c, _) => Symbology::Other(c),
        }
    }

    /// Whether this identifier announces GS1 AI data: `]d2 ]Q3 ]C1 ]e0 ]J1`
    /// (FNC1 in first position). `]d1 ]Q1 ]J0` and the rest carry plain data.
    ///
    /// ```
    /// use bedside_scanner::decode::Aim;
    /// assert!(Aim::parse(b"]e0").unwrap().is_gs1());
    /// assert!(!Aim::parse(b"]d1").unwrap().is_gs1());
    /// ```
    pub const fn is_gs1(self) -> bool {
        matches!(
            (self.code, self.modifier),
            (b'd', b'2') | (b'Q', b'3') | (b'C', b'1') | (b'e', b'0') | (b'J', b'1')
        )
    }
}

impl fmt::Display for Aim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "]{}{}", self.code as char, self.modifier as char)
    }
}

/// The barcode symbology a scan came from, read from its AIM identifier.
///
/// ```
/// use bedside_scanner::decode::Symbology;
/// assert_eq!(Symbology::DataMatrix.name(), "Data Matrix");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Symbology {
    /// No AIM identifier was transmitted.
    Unknown,
    /// Code 39 (`]A`).
    Code39,
    /// Code 128 and GS1-128 (`]C`).
    Code128,
    /// Data Matrix and GS1 DataMatrix (`]d`).
    DataMatrix,
    /// EAN-13, UPC-A and add-ons (`]E0`–`]E3`).
    EanUpc,
    /// EAN-8 (`]E4`).
    Ean8,
    /// GS1 DataBar (`]e`).
    DataBar,
    /// Codabar (`]F`).
    Codabar,
    /// Code 93 (`]G`).
    Code93,
    /// Interleaved 2 of 5 (`]I`).
    Interleaved2of5,
    /// DotCode (`]J`).
    DotCode,
    /// PDF417 and MicroPDF417 (`]L`).
    Pdf417,
    /// QR Code and GS1 QR Code (`]Q`).
    QrCode,
    /// Aztec (`]z`).
    Aztec,
    /// Another code character.
    Other(u8),
}

impl Symbology {
    /// A display name.
    ///
    /// ```
    /// assert_eq!(bedside_scanner::decode::Symbology::Unknown.name(), "unknown");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Symbology::Unknown => "unknown",
            Symbology::Code39 => "Code 39",
            Symbology::Code128 => "Code 128",
            Symbology::DataMatrix => "Data Matrix",
            Symbology::EanUpc => "EAN/UPC",
            Symbology::Ean8 => "EAN-8",
            Symbology::DataBar => "GS1 DataBar",
            Symbology::Codabar => "Codabar",
            Symbology::Code93 => "Code 93",
            Symbology::Interleaved2of5 => "Interleaved 2 of 5",
            Symbology::DotCode => "DotCode",
            Symbology::Pdf417 => "PDF417",
            Symbology::QrCode => "QR Code",
            Symbology::Aztec => "Aztec",
            Symbology::Other(_) => "other",
        }
    }
}
