//! Identifier domains: one table mapping each domain to its OID, FHIR system URI(s) and HL7
//! v2 namespace / identifier type code. Aliases are accepted on input; one canonical form
//! goes out.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use thiserror::Error;

/// Why a domain definition is not acceptable, or conflicts with the table. Positions are
/// 0-based character positions in the offending value.
///
/// ```
/// use bedside_patient::{DomainError, Oid};
/// assert_eq!(Oid::new("2.16.0840"), Err(DomainError::InvalidOid { position: 5 }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DomainError {
    /// Not a dotted-decimal OID (arcs of digits without leading zeros, first arc 0-2, at
    /// least two arcs, at most 64 characters).
    #[error(
        "OID: invalid at position {position} (dotted decimal, no leading zeros, first arc 0-2, 2+ arcs, max 64 chars)"
    )]
    InvalidOid {
        /// 0-based position.
        position: usize,
    },
    /// A namespace that is empty, longer than 20 characters, or has a character other than
    /// ASCII letters, digits, `_`, `-`, `.`.
    #[error("HL7 v2 namespace: invalid at position {position} (1-20 of A-Z a-z 0-9 _ - .)")]
    InvalidNamespace {
        /// 0-based position.
        position: usize,
    },
    /// An identifier type code that is not 1-5 upper-case ASCII letters or digits.
    #[error("HL7 v2 identifier type code: invalid at position {position} (1-5 of A-Z 0-9)")]
    InvalidTypeCode {
        /// 0-based position.
        position: usize,
    },
    /// A FHIR system that is not an absolute URI (scheme, `:`, then no whitespace, `|` or
    /// control characters).
    #[error("FHIR system: invalid at position {position} (absolute URI without whitespace or '|')")]
    InvalidFhirSystem {
        /// 0-based position.
        position: usize,
    },
    /// The domain would make a lookup ambiguous: its namespace, OID or one of its FHIR
    /// systems is already used by another domain in the table.
    #[error("domain table: {what} {value:?} already belongs to domain {existing:?}")]
    Conflict {
        /// Which attribute clashes (`namespace`, `OID`, `FHIR system`).
        what: &'static str,
        /// The clashing value.
        value: String,
        /// Namespace of the domain that already has it.
        existing: String,
    },
}

/// Why an identifier domain could not be resolved. Nothing is guessed: an unknown or
/// contradictory authority is an error.
///
/// ```
/// use bedside_patient::{DomainLookupError, DomainTable};
/// let t = DomainTable::with_nhs_number();
/// assert_eq!(
///     t.by_fhir_system("https://fhir.nhs.uk/Id/nhs-numbr").err(),
///     Some(DomainLookupError::UnknownFhirSystem)
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DomainLookupError {
    /// No domain has this FHIR system (canonical or alias).
    #[error("identifier domain: FHIR system not in the domain table")]
    UnknownFhirSystem,
    /// No domain has this OID.
    #[error("identifier domain: OID not in the domain table")]
    UnknownOid,
    /// No domain has this HL7 v2 namespace.
    #[error("identifier domain: HL7 v2 namespace not in the domain table")]
    UnknownNamespace,
    /// The HL7 v2 assigning authority names two different domains by namespace and by OID.
    #[error("identifier domain: namespace and universal id (OID) name different domains")]
    Contradiction,
    /// HD universal id type other than `ISO`, or a type without a universal id.
    #[error(
        "identifier domain: HD universal id type at component 3 must be ISO with an OID in component 2"
    )]
    UniversalIdType,
    /// An HD with more than three components, or with nothing in it.
    #[error(
        "identifier domain: malformed HL7 v2 assigning authority (HD: namespace&OID&ISO) at position {position}"
    )]
    MalformedHd {
        /// 0-based character position.
        position: usize,
    },
}

/// A dotted-decimal ISO object identifier, e.g. `2.16.840.1.113883.2.1.4.1`.
///
/// ```
/// use bedside_patient::Oid;
/// let oid = Oid::new("2.16.840.1.113883.2.1.4.1")?;
/// assert_eq!(oid.to_urn(), "urn:oid:2.16.840.1.113883.2.1.4.1");
/// assert!(Oid::new("3.1").is_err());
/// # Ok::<(), bedside_patient::DomainError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct Oid(String);

impl Oid {
    /// Validates a dotted-decimal OID.
    ///
    /// ```
    /// # use bedside_patient::Oid;
    /// assert!(Oid::new("2.999.826.0.1.1").is_ok());
    /// assert!(Oid::new("2").is_err());
    /// assert!(Oid::new("2..1").is_err());
    /// ```
    pub fn new(s: &str) -> Result<Self, DomainError> {
        let err = |position| Err(DomainError::InvalidOid { position });
        if s.is_empty() || s.len() > 64 {
            return err(s.len().min(64));
        }
        let mut arcs = 0usize;
        let mut arc_start = 0usize;
        let mut first_arc_digit = None;
        for (i, c) in s.char_indices().chain(core::iter::once((s.len(), '.'))) {
            match c {
                '.' => {
                    if i == arc_start {
                        return err(i);
                    }
                    arcs += 1;
                    arc_start = i + 1;
                }
                '0'..='9' => {
                    if i > arc_start && s.as_bytes().get(arc_start) == Some(&b'0') {
                        return err(arc_start);
                    }
                    if arcs == 0 {
                        if first_arc_digit.is_some() || c > '2' {
                            return err(i);
                        }
                        first_arc_digit = Some(c);
                    }
                }
                _ => return err(s[..i].chars().count()),
            }
        }
        if arcs < 2 {
            return err(s.len());
        }
        Ok(Oid(String::from(s)))
    }

    /// The OID text.
    ///
    /// ```
    /// # use bedside_patient::Oid;
    /// assert_eq!(Oid::new("2.999")?.as_str(), "2.999");
    /// # Ok::<(), bedside_patient::DomainError>(())
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `urn:oid:` form, usable as a FHIR system.
    ///
    /// ```
    /// # use bedside_patient::Oid;
    /// assert_eq!(Oid::new("2.999")?.to_urn(), "urn:oid:2.999");
    /// # Ok::<(), bedside_patient::DomainError>(())
    /// ```
    #[must_use]
    pub fn to_urn(&self) -> String {
        alloc::format!("urn:oid:{}", self.0)
    }
}

impl TryFrom<String> for Oid {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        Oid::new(&s)
    }
}

impl From<Oid> for String {
    fn from(o: Oid) -> String {
        o.0
    }
}

impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// HL7 v2 identifier type code (table 0203, CX.5), e.g. `NH`, `MR`, `PI`.
///
/// ```
/// use bedside_patient::IdentifierTypeCode;
/// assert_eq!(IdentifierTypeCode::new("NH")?, IdentifierTypeCode::NH);
/// assert!(IdentifierTypeCode::new("nh").is_err());
/// # Ok::<(), bedside_patient::DomainError>(())
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct IdentifierTypeCode(TypeCodeRepr);

impl PartialEq for IdentifierTypeCode {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for IdentifierTypeCode {}

impl core::hash::Hash for IdentifierTypeCode {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

#[derive(Debug, Clone)]
enum TypeCodeRepr {
    Static(&'static str),
    Owned(String),
}

impl IdentifierTypeCode {
    /// `NH`: national health plan identifier (the NHS number).
    pub const NH: IdentifierTypeCode = IdentifierTypeCode(TypeCodeRepr::Static("NH"));
    /// `MR`: medical record number (a hospital number).
    pub const MR: IdentifierTypeCode = IdentifierTypeCode(TypeCodeRepr::Static("MR"));
    /// `PI`: patient internal identifier.
    pub const PI: IdentifierTypeCode = IdentifierTypeCode(TypeCodeRepr::Static("PI"));

    /// Validates 1-5 upper-case ASCII letters or digits.
    ///
    /// ```
    /// # use bedside_patient::IdentifierTypeCode;
    /// assert_eq!(IdentifierTypeCode::new("MR")?.as_str(), "MR");
    /// # Ok::<(), bedside_patient::DomainError>(())
    /// ```
    pub fn new(s: &str) -> Result<Self, DomainError> {
        if let Some((position, _)) = s
            .chars()
            .enumerate()
            .find(|&(i, c)| i >= 5 || !(c.is_ascii_uppercase() || c.is_ascii_digit()))
        {
            return Err(DomainError::InvalidTypeCode { position });
        }
        if s.is_empty() {
            return Err(DomainError::InvalidTypeCode { position: 0 });
        }
        Ok(IdentifierTypeCode(TypeCodeRepr::Owned(String::from(s))))
    }

    /// The code.
    ///
    /// ```
    /// # use bedside_patient::IdentifierTypeCode;
    /// assert_eq!(IdentifierTypeCode::NH.as_str(), "NH");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            TypeCodeRepr::Static(s) => s,
            TypeCodeRepr::Owned(s) => s,
        }
    }
}

impl TryFrom<String> for IdentifierTypeCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        IdentifierTypeCode::new(&s)
    }
}

impl From<IdentifierTypeCode> for String {
    fn from(t: IdentifierTypeCode) -> String {
        String::from(t.as_str())
    }
}

fn check_namespace(s: &str) -> Result<(), DomainError> {
    if s.is_empty() {
        return Err(DomainError::InvalidNamespace { position: 0 });
    }
    match s
        .chars()
        .enumerate()
        .find(|&(i, c)| i >= 20 || !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
    {
        Some((position, _)) => Err(DomainError::InvalidNamespace { position }),
        None => Ok(()),
    }
}

fn check_fhir_system(s: &str) -> Result<(), DomainError> {
    let scheme_end = s.find(':').unwrap_or(0);
    let scheme_ok = scheme_end > 0
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s[..scheme_end]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return Err(DomainError::InvalidFhirSystem { position: 0 });
    }
    if s.len() <= scheme_end + 1 {
        return Err(DomainError::InvalidFhirSystem { position: s.len() });
    }
    match s
        .chars()
        .enumerate()
        .find(|&(_, c)| c.is_whitespace() || c.is_control() || c == '|')
    {
        Some((position, _)) => Err(DomainError::InvalidFhirSystem { position }),
        None => Ok(()),
    }
}

/// An HL7 v2 assigning authority (HD): a namespace and a universal id (an OID, type `ISO`).
///
/// ```
/// use bedside_patient::AssigningAuthority;
/// let a = AssigningAuthority::new("TRUST_MRN", "2.999.826.0.1.1")?;
/// assert_eq!(a.to_hd(), "TRUST_MRN&2.999.826.0.1.1&ISO");
/// # Ok::<(), bedside_patient::DomainError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AssigningAuthority {
    namespace: String,
    oid: Oid,
}

impl AssigningAuthority {
    /// Validates the namespace (1-20 of `A-Z a-z 0-9 _ - .`) and the OID.
    ///
    /// ```
    /// # use bedside_patient::AssigningAuthority;
    /// assert!(AssigningAuthority::new("TRUST MRN", "2.999").is_err());
    /// ```
    pub fn new(namespace: &str, oid: &str) -> Result<Self, DomainError> {
        check_namespace(namespace)?;
        Ok(AssigningAuthority {
            namespace: String::from(namespace),
            oid: Oid::new(oid)?,
        })
    }

    /// The HL7 v2 namespace id (HD.1).
    ///
    /// ```
    /// # use bedside_patient::AssigningAuthority;
    /// assert_eq!(AssigningAuthority::new("NHS", "2.16.840.1.113883.2.1.4.1")?.namespace(), "NHS");
    /// # Ok::<(), bedside_patient::DomainError>(())
    /// ```
    #[must_use]
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The OID (HD.2, with HD.3 = `ISO`).
    ///
    /// ```
    /// # use bedside_patient::AssigningAuthority;
    /// assert_eq!(AssigningAuthority::new("X", "2.999")?.oid().as_str(), "2.999");
    /// # Ok::<(), bedside_patient::DomainError>(())
    /// ```
    #[must_use]
    pub fn oid(&self) -> &Oid {
        &self.oid
    }

    /// The HD as it goes into CX.4 (sub-components separated by `&`).
    ///
    /// ```
    /// # use bedside_patient::AssigningAuthority;
    /// assert_eq!(AssigningAuthority::new("X", "2.999")?.to_hd(), "X&2.999&ISO");
    /// # Ok::<(), bedside_patient::DomainError>(())
    /// ```
    #[must_use]
    pub fn to_hd(&self) -> String {
        alloc::format!("{}&{}&ISO", self.namespace, self.oid)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for AssigningAuthority {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            namespace: String,
            oid: String,
        }
        let r = Raw::deserialize(d)?;
        AssigningAuthority::new(&r.namespace, &r.oid).map_err(serde::de::Error::custom)
    }
}

/// One identifier domain: assigning authority (namespace + OID), HL7 v2 identifier type
/// code, the canonical FHIR system URI and any alias URIs. `urn:oid:<OID>` is always an
/// accepted alias.
///
/// ```
/// use bedside_patient::IdentifierDomain;
/// let nhs = IdentifierDomain::nhs_number();
/// assert_eq!(nhs.fhir_system(), "https://fhir.nhs.uk/Id/nhs-number");
/// assert_eq!(nhs.authority().to_hd(), "NHS&2.16.840.1.113883.2.1.4.1&ISO");
/// assert_eq!(nhs.type_code().as_str(), "NH");
/// assert!(nhs.has_fhir_system("urn:oid:2.16.840.1.113883.2.1.4.1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IdentifierDomain {
    authority: AssigningAuthority,
    type_code: IdentifierTypeCode,
    fhir_system: String,
    fhir_aliases: Vec<String>,
}

/// NHS number OID.
const NHS_OID: &str = "2.16.840.1.113883.2.1.4.1";

impl IdentifierDomain {
    /// A domain from its parts; aliases are added with [`IdentifierDomain::with_fhir_alias`].
    ///
    /// ```
    /// use bedside_patient::{AssigningAuthority, IdentifierDomain, IdentifierTypeCode};
    /// let mrn = IdentifierDomain::new(
    ///     AssigningAuthority::new("TRUST_MRN", "2.999.826.0.1.1")?,
    ///     IdentifierTypeCode::MR,
    ///     "urn:oid:2.999.826.0.1.1",
    /// )?
    /// .with_fhir_alias("https://fhir.trust.example.nhs.uk/Id/mrn")?;
    /// assert!(mrn.has_fhir_system("https://fhir.trust.example.nhs.uk/Id/mrn"));
    /// # Ok::<(), bedside_patient::DomainError>(())
    /// ```
    pub fn new(
        authority: AssigningAuthority,
        type_code: IdentifierTypeCode,
        fhir_system: &str,
    ) -> Result<Self, DomainError> {
        check_fhir_system(fhir_system)?;
        Ok(IdentifierDomain {
            authority,
            type_code,
            fhir_system: String::from(fhir_system),
            fhir_aliases: Vec::new(),
        })
    }

    /// Adds an alias FHIR system accepted on input (never produced on output).
    ///
    /// ```
    /// # use bedside_patient::IdentifierDomain;
    /// assert!(IdentifierDomain::nhs_number().with_fhir_alias("not a uri").is_err());
    /// ```
    pub fn with_fhir_alias(mut self, alias: &str) -> Result<Self, DomainError> {
        check_fhir_system(alias)?;
        if !self.has_fhir_system(alias) {
            self.fhir_aliases.push(String::from(alias));
        }
        Ok(self)
    }

    /// The NHS number domain: namespace `NHS`, OID `2.16.840.1.113883.2.1.4.1`, type `NH`,
    /// FHIR `https://fhir.nhs.uk/Id/nhs-number` (alias `urn:oid:2.16.840.1.113883.2.1.4.1`).
    ///
    /// ```
    /// # use bedside_patient::IdentifierDomain;
    /// assert_eq!(IdentifierDomain::nhs_number().authority().namespace(), "NHS");
    /// ```
    #[must_use]
    pub fn nhs_number() -> Self {
        IdentifierDomain {
            authority: AssigningAuthority {
                namespace: String::from("NHS"),
                oid: Oid(String::from(NHS_OID)),
            },
            type_code: IdentifierTypeCode::NH,
            fhir_system: String::from("https://fhir.nhs.uk/Id/nhs-number"),
            fhir_aliases: Vec::new(),
        }
    }

    /// The Scottish CHI number domain as published by third-party UK FHIR implementation
    /// guides: OID `2.16.840.1.113883.2.1.3.2.4.16.53`, FHIR `urn:oid:` form, namespace
    /// `CHI`, type `NH`. **Not verified against an NHS Scotland primary source**: confirm
    /// before use; it is not part of [`DomainTable::with_nhs_number`].
    ///
    /// ```
    /// # use bedside_patient::IdentifierDomain;
    /// assert_eq!(IdentifierDomain::chi_number().fhir_system(), "urn:oid:2.16.840.1.113883.2.1.3.2.4.16.53");
    /// ```
    #[must_use]
    pub fn chi_number() -> Self {
        let oid = "2.16.840.1.113883.2.1.3.2.4.16.53";
        IdentifierDomain {
            authority: AssigningAuthority {
                namespace: String::from("CHI"),
                oid: Oid(String::from(oid)),
            },
            type_code: IdentifierTypeCode::NH,
            fhir_system: alloc::format!("urn:oid:{oid}"),
            fhir_aliases: Vec::new(),
        }
    }

    /// The example trust MRN domain of the project's documentation: namespace `TRUST_MRN`,
    /// OID `2.999.826.0.1.1` (the 2.999 example arc), type `MR`, FHIR
    /// `urn:oid:2.999.826.0.1.1` (alias `https://fhir.trust.example.nhs.uk/Id/mrn`). For
    /// demos and tests only: a real trust configures its own OID.
    ///
    /// ```
    /// # use bedside_patient::IdentifierDomain;
    /// assert_eq!(IdentifierDomain::example_trust_mrn().type_code().as_str(), "MR");
    /// ```
    #[must_use]
    pub fn example_trust_mrn() -> Self {
        IdentifierDomain {
            authority: AssigningAuthority {
                namespace: String::from("TRUST_MRN"),
                oid: Oid(String::from("2.999.826.0.1.1")),
            },
            type_code: IdentifierTypeCode::MR,
            fhir_system: String::from("urn:oid:2.999.826.0.1.1"),
            fhir_aliases: alloc::vec![String::from("https://fhir.trust.example.nhs.uk/Id/mrn")],
        }
    }

    /// The assigning authority (namespace + OID).
    ///
    /// ```
    /// # use bedside_patient::IdentifierDomain;
    /// assert_eq!(IdentifierDomain::nhs_number().authority().oid().as_str(), "2.16.840.1.113883.2.1.4.1");
    /// ```
    #[must_use]
    pub fn authority(&self) -> &AssigningAuthority {
        &self.authority
    }

    /// HL7 v2 identifier type code (CX.5).
    ///
    /// ```
    /// # use bedside_patient::IdentifierDomain;
    /// assert_eq!(IdentifierDomain::nhs_number().type_code().as_str(), "NH");
    /// ```
    #[must_use]
    pub fn type_code(&self) -> &IdentifierTypeCode {
        &self.type_code
    }

    /// The canonical FHIR system URI (the only one produced on output).
    ///
    /// ```
    /// # use bedside_patient::IdentifierDomain;
    /// assert_eq!(IdentifierDomain::example_trust_mrn().fhir_system(), "urn:oid:2.999.826.0.1.1");
    /// ```
    #[must_use]
    pub fn fhir_system(&self) -> &str {
        &self.fhir_system
    }

    /// The alias FHIR systems accepted on input (besides the canonical one and `urn:oid:`).
    ///
    /// ```
    /// # use bedside_patient::IdentifierDomain;
    /// assert_eq!(IdentifierDomain::nhs_number().fhir_aliases().len(), 0);
    /// ```
    #[must_use]
    pub fn fhir_aliases(&self) -> &[String] {
        &self.fhir_aliases
    }

    /// True if `system` names this domain: the canonical URI, an alias, or `urn:oid:<OID>`
    /// (the `urn:oid:` prefix is matched case-insensitively, the rest exactly).
    ///
    /// ```
    /// # use bedside_patient::IdentifierDomain;
    /// let nhs = IdentifierDomain::nhs_number();
    /// assert!(nhs.has_fhir_system("URN:OID:2.16.840.1.113883.2.1.4.1"));
    /// assert!(!nhs.has_fhir_system("https://fhir.nhs.uk/Id/NHS-NUMBER"));
    /// ```
    #[must_use]
    pub fn has_fhir_system(&self, system: &str) -> bool {
        system == self.fhir_system
            || self.fhir_aliases.iter().any(|a| a == system)
            || strip_urn_oid(system) == Some(self.authority.oid.as_str())
            || strip_urn_oid(&self.fhir_system).is_some_and(|o| strip_urn_oid(system) == Some(o))
    }

    /// The CX.4 + CX.5 pair as HL7 v2 text: `^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH` is
    /// built by prefixing a value; this returns `NHS&2.16.840.1.113883.2.1.4.1&ISO`.
    ///
    /// ```
    /// # use bedside_patient::IdentifierDomain;
    /// assert_eq!(IdentifierDomain::nhs_number().v2_assigning_authority(), "NHS&2.16.840.1.113883.2.1.4.1&ISO");
    /// ```
    #[must_use]
    pub fn v2_assigning_authority(&self) -> String {
        self.authority.to_hd()
    }

    /// Every FHIR system string this domain answers to, canonical first, then aliases,
    /// then the `urn:oid:` form if it is not already listed.
    fn all_systems(&self) -> Vec<String> {
        let mut v = alloc::vec![self.fhir_system.clone()];
        v.extend(self.fhir_aliases.iter().cloned());
        let urn = self.authority.oid.to_urn();
        if !v
            .iter()
            .any(|s| strip_urn_oid(s) == Some(self.authority.oid.as_str()))
        {
            v.push(urn);
        }
        v
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for IdentifierDomain {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            authority: AssigningAuthority,
            type_code: IdentifierTypeCode,
            fhir_system: String,
            #[serde(default)]
            fhir_aliases: Vec<String>,
        }
        let r = Raw::deserialize(d)?;
        let mut dom = IdentifierDomain::new(r.authority, r.type_code, &r.fhir_system)
            .map_err(serde::de::Error::custom)?;
        for a in &r.fhir_aliases {
            dom = dom.with_fhir_alias(a).map_err(serde::de::Error::custom)?;
        }
        Ok(dom)
    }
}

/// Returns the OID part of a `urn:oid:` URI (prefix case-insensitive).
fn strip_urn_oid(s: &str) -> Option<&str> {
    let prefix = s.get(..8)?;
    if prefix.eq_ignore_ascii_case("urn:oid:") {
        s.get(8..)
    } else {
        None
    }
}

/// The identifier domain table. Every namespace, OID and FHIR system (canonical, alias or
/// `urn:oid:` form) belongs to at most one domain; [`DomainTable::insert`] refuses anything
/// that would make a lookup ambiguous.
///
/// ```
/// use bedside_patient::{DomainTable, IdentifierDomain};
/// let mut t = DomainTable::with_nhs_number();
/// t.insert(IdentifierDomain::example_trust_mrn())?;
/// let d = t.by_fhir_system("urn:oid:2.16.840.1.113883.2.1.4.1")?;
/// assert_eq!(d.fhir_system(), "https://fhir.nhs.uk/Id/nhs-number");
/// let d = t.by_v2_assigning_authority("TRUST_MRN&2.999.826.0.1.1&ISO")?;
/// assert_eq!(d.type_code().as_str(), "MR");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DomainTable {
    domains: Vec<IdentifierDomain>,
}

impl DomainTable {
    /// An empty table.
    ///
    /// ```
    /// # use bedside_patient::DomainTable;
    /// assert!(DomainTable::new().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        DomainTable {
            domains: Vec::new(),
        }
    }

    /// A table holding only [`IdentifierDomain::nhs_number`].
    ///
    /// ```
    /// # use bedside_patient::DomainTable;
    /// assert_eq!(DomainTable::with_nhs_number().len(), 1);
    /// ```
    #[must_use]
    pub fn with_nhs_number() -> Self {
        DomainTable {
            domains: alloc::vec![IdentifierDomain::nhs_number()],
        }
    }

    /// Adds a domain, refusing any clash of namespace (compared ignoring ASCII case), OID
    /// or FHIR system with a domain already in the table.
    ///
    /// ```
    /// # use bedside_patient::{DomainError, DomainTable, IdentifierDomain};
    /// let mut t = DomainTable::with_nhs_number();
    /// assert!(matches!(t.insert(IdentifierDomain::nhs_number()), Err(DomainError::Conflict { .. })));
    /// ```
    pub fn insert(&mut self, domain: IdentifierDomain) -> Result<(), DomainError> {
        let new_systems = domain.all_systems();
        for existing in &self.domains {
            let conflict = |what: &'static str, value: &str| DomainError::Conflict {
                what,
                value: String::from(value),
                existing: existing.authority.namespace.clone(),
            };
            if existing
                .authority
                .namespace
                .eq_ignore_ascii_case(&domain.authority.namespace)
            {
                return Err(conflict("namespace", &domain.authority.namespace));
            }
            if existing.authority.oid == domain.authority.oid {
                return Err(conflict("OID", domain.authority.oid.as_str()));
            }
            for s in &new_systems {
                if existing.has_fhir_system(s) {
                    return Err(conflict("FHIR system", s));
                }
            }
        }
        self.domains.push(domain);
        Ok(())
    }

    /// Number of domains.
    ///
    /// ```
    /// # use bedside_patient::DomainTable;
    /// assert_eq!(DomainTable::new().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.domains.len()
    }

    /// True if the table has no domains.
    ///
    /// ```
    /// # use bedside_patient::DomainTable;
    /// assert!(!DomainTable::with_nhs_number().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.domains.is_empty()
    }

    /// All domains in insertion order.
    ///
    /// ```
    /// # use bedside_patient::DomainTable;
    /// assert_eq!(DomainTable::with_nhs_number().iter().count(), 1);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &IdentifierDomain> {
        self.domains.iter()
    }

    /// The domain with this FHIR system (canonical, alias or `urn:oid:` form).
    ///
    /// ```
    /// # use bedside_patient::DomainTable;
    /// let t = DomainTable::with_nhs_number();
    /// assert!(t.by_fhir_system("https://fhir.nhs.uk/Id/nhs-number").is_ok());
    /// ```
    pub fn by_fhir_system(&self, system: &str) -> Result<&IdentifierDomain, DomainLookupError> {
        self.domains
            .iter()
            .find(|d| d.has_fhir_system(system))
            .ok_or(DomainLookupError::UnknownFhirSystem)
    }

    /// The domain with this OID (bare dotted decimal).
    ///
    /// ```
    /// # use bedside_patient::DomainTable;
    /// let t = DomainTable::with_nhs_number();
    /// assert!(t.by_oid("2.16.840.1.113883.2.1.4.1").is_ok());
    /// ```
    pub fn by_oid(&self, oid: &str) -> Result<&IdentifierDomain, DomainLookupError> {
        self.domains
            .iter()
            .find(|d| d.authority.oid.as_str() == oid)
            .ok_or(DomainLookupError::UnknownOid)
    }

    /// The domain with this HL7 v2 namespace (exact, case-sensitive).
    ///
    /// ```
    /// # use bedside_patient::DomainTable;
    /// let t = DomainTable::with_nhs_number();
    /// assert!(t.by_namespace("NHS").is_ok());
    /// assert!(t.by_namespace("nhs").is_err());
    /// ```
    pub fn by_namespace(&self, namespace: &str) -> Result<&IdentifierDomain, DomainLookupError> {
        self.domains
            .iter()
            .find(|d| d.authority.namespace == namespace)
            .ok_or(DomainLookupError::UnknownNamespace)
    }

    /// The domain named by an HL7 v2 HD (CX.4 / QPD-4 assigning authority), with `&` as the
    /// sub-component separator: `NHS&2.16.840.1.113883.2.1.4.1&ISO`, `NHS`, or
    /// `&2.16.840.1.113883.2.1.4.1&ISO`. When both namespace and OID are given they must
    /// name the same domain; the universal id type must be `ISO` when an OID is given.
    ///
    /// ```
    /// use bedside_patient::{DomainLookupError, DomainTable, IdentifierDomain};
    /// let mut t = DomainTable::with_nhs_number();
    /// t.insert(IdentifierDomain::example_trust_mrn())?;
    /// assert!(t.by_v2_assigning_authority("&2.16.840.1.113883.2.1.4.1&ISO").is_ok());
    /// assert_eq!(
    ///     t.by_v2_assigning_authority("NHS&2.999.826.0.1.1&ISO").err(),
    ///     Some(DomainLookupError::Contradiction)
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn by_v2_assigning_authority(
        &self,
        hd: &str,
    ) -> Result<&IdentifierDomain, DomainLookupError> {
        let mut parts = hd.split('&');
        let namespace = parts.next().unwrap_or_default();
        let universal_id = parts.next().unwrap_or_default();
        let id_type = parts.next().unwrap_or_default();
        if parts.next().is_some() {
            let position = hd
                .char_indices()
                .filter(|&(_, c)| c == '&')
                .nth(2)
                .map_or(0, |(i, _)| hd[..i].chars().count());
            return Err(DomainLookupError::MalformedHd { position });
        }
        if namespace.is_empty() && universal_id.is_empty() {
            return Err(DomainLookupError::MalformedHd { position: 0 });
        }
        if universal_id.is_empty() != id_type.is_empty()
            || (!id_type.is_empty() && id_type != "ISO")
        {
            return Err(DomainLookupError::UniversalIdType);
        }
        let by_ns = (!namespace.is_empty()).then(|| self.by_namespace(namespace));
        let by_oid = (!universal_id.is_empty()).then(|| self.by_oid(universal_id));
        match (by_ns, by_oid) {
            (Some(a), Some(b)) => {
                let (a, b) = (a?, b?);
                if core::ptr::eq(a, b) {
                    Ok(a)
                } else {
                    Err(DomainLookupError::Contradiction)
                }
            }
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => Err(DomainLookupError::MalformedHd { position: 0 }),
        }
    }

    /// Resolves any accepted alias: an HL7 v2 HD (contains `&`), a `urn:oid:` URI or other
    /// FHIR system (contains `:`), a bare OID (starts with a digit), or else a namespace.
    ///
    /// ```
    /// # use bedside_patient::DomainTable;
    /// let t = DomainTable::with_nhs_number();
    /// for alias in ["NHS", "2.16.840.1.113883.2.1.4.1", "urn:oid:2.16.840.1.113883.2.1.4.1",
    ///               "https://fhir.nhs.uk/Id/nhs-number", "NHS&2.16.840.1.113883.2.1.4.1&ISO"] {
    ///     assert_eq!(t.resolve(alias)?.fhir_system(), "https://fhir.nhs.uk/Id/nhs-number");
    /// }
    /// # Ok::<(), bedside_patient::DomainLookupError>(())
    /// ```
    pub fn resolve(&self, alias: &str) -> Result<&IdentifierDomain, DomainLookupError> {
        if alias.contains('&') {
            self.by_v2_assigning_authority(alias)
        } else if alias.contains(':') {
            self.by_fhir_system(alias)
        } else if alias.starts_with(|c: char| c.is_ascii_digit()) {
            self.by_oid(alias)
        } else {
            self.by_namespace(alias)
        }
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for DomainTable {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            domains: Vec<IdentifierDomain>,
        }
        let mut t = DomainTable::new();
        for dom in Raw::deserialize(d)?.domains {
            t.insert(dom).map_err(serde::de::Error::custom)?;
        }
        Ok(t)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn table() -> DomainTable {
        let mut t = DomainTable::with_nhs_number();
        assert_eq!(t.insert(IdentifierDomain::example_trust_mrn()), Ok(()));
        t
    }

    #[test]
    fn oids() {
        assert!(Oid::new(NHS_OID).is_ok());
        assert!(Oid::new("0.0").is_ok());
        assert_eq!(Oid::new(""), Err(DomainError::InvalidOid { position: 0 }));
        assert_eq!(Oid::new("2"), Err(DomainError::InvalidOid { position: 1 }));
        assert_eq!(Oid::new("2."), Err(DomainError::InvalidOid { position: 2 }));
        assert_eq!(Oid::new(".2"), Err(DomainError::InvalidOid { position: 0 }));
        assert_eq!(
            Oid::new("3.1"),
            Err(DomainError::InvalidOid { position: 0 })
        );
        assert_eq!(
            Oid::new("22.1"),
            Err(DomainError::InvalidOid { position: 1 })
        );
        assert_eq!(
            Oid::new("2.01"),
            Err(DomainError::InvalidOid { position: 2 })
        );
        assert_eq!(
            Oid::new("2.1a"),
            Err(DomainError::InvalidOid { position: 3 })
        );
        assert_eq!(
            Oid::new("2.é"),
            Err(DomainError::InvalidOid { position: 2 })
        );
        let long = alloc::format!("2.{}", "1.".repeat(40));
        assert!(Oid::new(&long).is_err());
    }

    #[test]
    fn canonical_and_aliases() {
        let t = table();
        let nhs = "https://fhir.nhs.uk/Id/nhs-number";
        for alias in [
            nhs,
            "urn:oid:2.16.840.1.113883.2.1.4.1",
            "Urn:Oid:2.16.840.1.113883.2.1.4.1",
        ] {
            assert_eq!(
                t.by_fhir_system(alias).map(IdentifierDomain::fhir_system),
                Ok(nhs)
            );
        }
        let mrn = t.resolve("https://fhir.trust.example.nhs.uk/Id/mrn");
        assert_eq!(
            mrn.map(IdentifierDomain::fhir_system),
            Ok("urn:oid:2.999.826.0.1.1")
        );
        assert_eq!(
            t.resolve("TRUST_MRN")
                .map(IdentifierDomain::v2_assigning_authority),
            Ok("TRUST_MRN&2.999.826.0.1.1&ISO".into())
        );
        assert_eq!(
            t.by_fhir_system("https://fhir.nhs.uk/Id/nhs-number/").err(),
            Some(DomainLookupError::UnknownFhirSystem)
        );
        assert_eq!(
            t.resolve("2.999").err(),
            Some(DomainLookupError::UnknownOid)
        );
        assert_eq!(
            t.resolve("PAS").err(),
            Some(DomainLookupError::UnknownNamespace)
        );
    }

    #[test]
    fn hd_rules() {
        let t = table();
        assert!(t.by_v2_assigning_authority("NHS").is_ok());
        assert!(t.by_v2_assigning_authority("NHS&&").is_ok());
        assert_eq!(
            t.by_v2_assigning_authority("").err(),
            Some(DomainLookupError::MalformedHd { position: 0 })
        );
        assert_eq!(
            t.by_v2_assigning_authority("&&ISO").err(),
            Some(DomainLookupError::MalformedHd { position: 0 })
        );
        assert_eq!(
            t.by_v2_assigning_authority("NHS&2.16.840.1.113883.2.1.4.1&ISO&x")
                .err(),
            Some(DomainLookupError::MalformedHd { position: 33 })
        );
        assert_eq!(
            t.by_v2_assigning_authority("NHS&2.16.840.1.113883.2.1.4.1&DNS")
                .err(),
            Some(DomainLookupError::UniversalIdType)
        );
        assert_eq!(
            t.by_v2_assigning_authority("NHS&2.16.840.1.113883.2.1.4.1")
                .err(),
            Some(DomainLookupError::UniversalIdType)
        );
        assert_eq!(
            t.by_v2_assigning_authority("NHS&2.9&ISO").err(),
            Some(DomainLookupError::UnknownOid)
        );
        assert_eq!(
            t.by_v2_assigning_authority("XXX&2.16.840.1.113883.2.1.4.1&ISO")
                .err(),
            Some(DomainLookupError::UnknownNamespace)
        );
        assert_eq!(
            t.by_v2_assigning_authority("TRUST_MRN&2.16.840.1.113883.2.1.4.1&ISO")
                .err(),
            Some(DomainLookupError::Contradiction)
        );
    }

    #[test]
    fn conflicts_refused() {
        let mut t = table();
        let clash_ns = IdentifierDomain::new(
            AssigningAuthority {
                namespace: "nhs".into(),
                oid: Oid("2.999.1".into()),
            },
            IdentifierTypeCode::PI,
            "urn:oid:2.999.1",
        );
        assert!(matches!(
            clash_ns.map(|d| t.insert(d)),
            Ok(Err(DomainError::Conflict {
                what: "namespace",
                ..
            }))
        ));
        let clash_alias = IdentifierDomain::new(
            AssigningAuthority {
                namespace: "OTHER".into(),
                oid: Oid("2.999.2".into()),
            },
            IdentifierTypeCode::PI,
            "https://example.org/other",
        )
        .and_then(|d| d.with_fhir_alias("urn:oid:2.16.840.1.113883.2.1.4.1"));
        assert!(matches!(
            clash_alias.map(|d| t.insert(d)),
            Ok(Err(DomainError::Conflict {
                what: "FHIR system",
                ..
            }))
        ));
        // Canonical urn:oid of a different OID than the authority's: both URNs are claimed.
        let odd = IdentifierDomain::new(
            AssigningAuthority {
                namespace: "ODD".into(),
                oid: Oid("2.999.3".into()),
            },
            IdentifierTypeCode::PI,
            "urn:oid:2.999.826.0.1.1",
        );
        assert!(matches!(
            odd.map(|d| t.insert(d)),
            Ok(Err(DomainError::Conflict {
                what: "FHIR system",
                ..
            }))
        ));
        assert_eq!(t.len(), 2);
        assert!(t.insert(IdentifierDomain::chi_number()).is_ok());
    }

    #[test]
    fn validation() {
        assert!(AssigningAuthority::new("", "2.1").is_err());
        assert_eq!(
            AssigningAuthority::new("A^B", "2.1"),
            Err(DomainError::InvalidNamespace { position: 1 })
        );
        assert_eq!(
            AssigningAuthority::new("ABCDEFGHIJKLMNOPQRSTU", "2.1"),
            Err(DomainError::InvalidNamespace { position: 20 })
        );
        assert_eq!(
            IdentifierTypeCode::new(""),
            Err(DomainError::InvalidTypeCode { position: 0 })
        );
        assert_eq!(
            IdentifierTypeCode::new("ABCDEF"),
            Err(DomainError::InvalidTypeCode { position: 5 })
        );
        for bad in [
            "",
            "nhs-number",
            ":x",
            "https:",
            "https://a b",
            "https://a|b",
            "1http://x",
        ] {
            assert!(check_fhir_system(bad).is_err(), "{bad}");
        }
    }
}
