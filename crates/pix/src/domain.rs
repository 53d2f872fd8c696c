//! Identifier domains (assigning authorities) and the query both transports answer.
//!
//! One [`Domain`] holds every spelling of an assigning authority: its ISO OID, its FHIR
//! system URI(s), its HL7 v2 namespace and identifier type code. Matching accepts any
//! alias, so a manager answering `urn:oid:2.16.840.1.113883.2.1.4.1` or
//! `NHS&2.16.840.1.113883.2.1.4.1&ISO` is understood as the NHS number domain.
//!
//! ```
//! use bedside_pix::domain::Domain;
//! let nhs = Domain::nhs_number();
//! assert!(nhs.matches_system("urn:oid:2.16.840.1.113883.2.1.4.1"));
//! assert!(nhs.matches_system("https://fhir.nhs.uk/Id/nhs-number"));
//! assert!(nhs.matches_hd("NHS", "2.16.840.1.113883.2.1.4.1", "ISO"));
//! ```

/// OID of the NHS number.
pub const NHS_NUMBER_OID: &str = "2.16.840.1.113883.2.1.4.1";
/// NHS England FHIR NamingSystem URI of the NHS number.
pub const NHS_NUMBER_URI: &str = "https://fhir.nhs.uk/Id/nhs-number";

/// Why a domain string could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DomainError {
    /// The string is empty.
    #[error("empty identifier domain")]
    Empty,
    /// The string is neither an OID, a URI, nor an HL7 v2 HD (`NS&OID&ISO`).
    #[error(
        "character {position}: identifier domain is not an OID, a URI or an HD `namespace&id&type`"
    )]
    Unrecognised {
        /// Character position of the first offending character.
        position: usize,
    },
}

/// An identifier domain (assigning authority).
///
/// ```
/// use bedside_pix::domain::Domain;
/// let mrn = Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO")?;
/// assert_eq!(mrn.oid.as_deref(), Some("2.999.826.0.1.1"));
/// assert_eq!(mrn.fhir_system(), "urn:oid:2.999.826.0.1.1");
/// # Ok::<(), bedside_pix::domain::DomainError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    /// ISO OID (without `urn:oid:`), if known.
    pub oid: Option<String>,
    /// FHIR system URIs (not `urn:oid:` forms; those derive from `oid`).
    pub uris: Vec<String>,
    /// HL7 v2 HD namespace id (HD.1), may be empty.
    pub namespace: String,
    /// HL7 v2 identifier type code (CX.5, table 0203), may be empty.
    pub type_code: String,
}

fn is_oid(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|arc| !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit()))
        && s.contains('.')
}

impl Domain {
    /// The NHS number domain: OID `2.16.840.1.113883.2.1.4.1`, URI
    /// `https://fhir.nhs.uk/Id/nhs-number`, v2 `NHS&…&ISO`, type `NH`.
    ///
    /// ```
    /// assert!(bedside_pix::domain::Domain::nhs_number().is_nhs_number());
    /// ```
    #[must_use]
    pub fn nhs_number() -> Self {
        Self {
            oid: Some(NHS_NUMBER_OID.to_owned()),
            uris: vec![NHS_NUMBER_URI.to_owned()],
            namespace: "NHS".to_owned(),
            type_code: "NH".to_owned(),
        }
    }

    /// Parses an OID (`2.999.1`), a URI (`urn:oid:2.999.1`, `https://…`) or an HL7 v2 HD
    /// (`NS&2.999.1&ISO`, `NS&https://…&URI`). The NHS number in any spelling yields
    /// [`Domain::nhs_number`].
    ///
    /// ```
    /// use bedside_pix::domain::Domain;
    /// assert!(Domain::parse("urn:oid:2.16.840.1.113883.2.1.4.1")?.is_nhs_number());
    /// assert_eq!(Domain::parse("2.999.826.0.1.1")?.oid.as_deref(), Some("2.999.826.0.1.1"));
    /// assert!(Domain::parse("not a domain").is_err());
    /// # Ok::<(), bedside_pix::domain::DomainError>(())
    /// ```
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DomainError::Empty);
        }
        let unrec = |s: &str| DomainError::Unrecognised {
            position: s
                .char_indices()
                .find(|(_, c)| c.is_whitespace() || c.is_control())
                .map_or(0, |(i, _)| i),
        };
        let d = if s.contains('&') {
            let mut parts = s.split('&');
            let ns = parts.next().unwrap_or("");
            let uid = parts.next().unwrap_or("");
            let ty = parts.next().unwrap_or("");
            if parts.next().is_some() || (ns.is_empty() && uid.is_empty()) {
                return Err(unrec(s));
            }
            let mut d = if uid.is_empty() {
                Self {
                    oid: None,
                    uris: Vec::new(),
                    namespace: String::new(),
                    type_code: String::new(),
                }
            } else if ty.eq_ignore_ascii_case("ISO") || (ty.is_empty() && is_oid(uid)) {
                if !is_oid(uid) {
                    return Err(unrec(s));
                }
                Self::from_oid(uid)
            } else {
                Self::parse(uid)?
            };
            d.namespace = ns.to_owned();
            d
        } else if is_oid(s) {
            Self::from_oid(s)
        } else if let Some(oid) = s.strip_prefix("urn:oid:") {
            if !is_oid(oid) {
                return Err(unrec(s));
            }
            Self::from_oid(oid)
        } else if s.contains(':') && !s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Self {
                oid: None,
                uris: vec![s.to_owned()],
                namespace: String::new(),
                type_code: String::new(),
            }
        } else {
            return Err(unrec(s));
        };
        if d.is_nhs_number() {
            return Ok(Self::nhs_number());
        }
        Ok(d)
    }

    fn from_oid(oid: &str) -> Self {
        Self {
            oid: Some(oid.to_owned()),
            uris: Vec::new(),
            namespace: String::new(),
            type_code: String::new(),
        }
    }

    /// True when this is the NHS number domain (by OID or URI).
    ///
    /// ```
    /// assert!(!bedside_pix::domain::Domain::parse("2.999.1")?.is_nhs_number());
    /// # Ok::<(), bedside_pix::domain::DomainError>(())
    /// ```
    #[must_use]
    pub fn is_nhs_number(&self) -> bool {
        self.oid.as_deref() == Some(NHS_NUMBER_OID)
            || self.uris.iter().any(|u| {
                u == NHS_NUMBER_URI || u.eq_ignore_ascii_case("urn:oid:2.16.840.1.113883.2.1.4.1")
            })
    }

    /// The HL7 v2 HD triple (namespace, universal id, universal id type) to send in CX.4.
    ///
    /// ```
    /// let nhs = bedside_pix::domain::Domain::nhs_number();
    /// let (ns, uid, ty) = nhs.hd();
    /// assert_eq!((ns, uid.as_str(), ty), ("NHS", "2.16.840.1.113883.2.1.4.1", "ISO"));
    /// ```
    #[must_use]
    pub fn hd(&self) -> (&str, String, &'static str) {
        match (&self.oid, self.uris.first()) {
            (Some(oid), _) => (&self.namespace, oid.clone(), "ISO"),
            (None, Some(uri)) => (&self.namespace, uri.clone(), "URI"),
            (None, None) => (&self.namespace, String::new(), ""),
        }
    }

    /// The FHIR system to send: the first URI, else `urn:oid:` + OID.
    ///
    /// ```
    /// assert_eq!(bedside_pix::domain::Domain::nhs_number().fhir_system(), "https://fhir.nhs.uk/Id/nhs-number");
    /// ```
    #[must_use]
    pub fn fhir_system(&self) -> String {
        match (self.uris.first(), &self.oid) {
            (Some(u), _) => u.clone(),
            (None, Some(oid)) => format!("urn:oid:{oid}"),
            (None, None) => String::new(),
        }
    }

    /// True when a FHIR `system` names this domain (any alias, `urn:oid:` case-insensitive).
    ///
    /// ```
    /// assert!(!bedside_pix::domain::Domain::nhs_number().matches_system("urn:oid:2.999.1"));
    /// ```
    #[must_use]
    pub fn matches_system(&self, system: &str) -> bool {
        if system.is_empty() {
            return false;
        }
        // The NHS number's aliases are known, whatever this Domain value lists.
        if self.is_nhs_number()
            && (system == NHS_NUMBER_URI
                || system.eq_ignore_ascii_case("urn:oid:2.16.840.1.113883.2.1.4.1"))
        {
            return true;
        }
        if let Some(oid) = system
            .get(..8)
            .filter(|p| p.eq_ignore_ascii_case("urn:oid:"))
            .and_then(|_| system.get(8..))
        {
            return self.oid.as_deref() == Some(oid);
        }
        self.uris.iter().any(|u| u == system)
    }

    /// True when an HL7 v2 HD (namespace, universal id, universal id type) names this domain.
    /// With a universal id, it decides; without one, the namespace must match ours exactly.
    ///
    /// ```
    /// let nhs = bedside_pix::domain::Domain::nhs_number();
    /// assert!(nhs.matches_hd("NHS", "", ""));
    /// assert!(!nhs.matches_hd("NHS", "2.999.1", "ISO"));
    /// ```
    #[must_use]
    pub fn matches_hd(&self, namespace: &str, universal_id: &str, universal_id_type: &str) -> bool {
        if !universal_id.is_empty() {
            if universal_id_type.eq_ignore_ascii_case("ISO") || is_oid(universal_id) {
                return self.oid.as_deref() == Some(universal_id);
            }
            return self.matches_system(universal_id);
        }
        !namespace.is_empty() && namespace == self.namespace
    }
}

/// What to ask the PIX manager: which identifiers in `target_domains` correspond to
/// `value` in `source_domain`.
///
/// ```
/// use bedside_pix::domain::{Domain, PixQuery};
/// let q = PixQuery::nhs_number_for("K1234567", Domain::parse("TRUST_MRN&2.999.826.0.1.1&ISO")?);
/// assert_eq!(q.target_domains, vec![Domain::nhs_number()]);
/// # Ok::<(), bedside_pix::domain::DomainError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PixQuery {
    /// The identifier value (e.g. the MRN).
    pub value: String,
    /// Its assigning authority.
    pub source_domain: Domain,
    /// Domains to return; empty means all the manager knows (then no NHS filter applies
    /// except the NHS number check).
    pub target_domains: Vec<Domain>,
}

impl PixQuery {
    /// The usual bedside question: the NHS number for this local identifier.
    ///
    /// ```
    /// let q = bedside_pix::domain::PixQuery::nhs_number_for("K1", bedside_pix::domain::Domain::parse("2.999.1")?);
    /// assert_eq!(q.value, "K1");
    /// # Ok::<(), bedside_pix::domain::DomainError>(())
    /// ```
    #[must_use]
    pub fn nhs_number_for(value: &str, source_domain: Domain) -> Self {
        Self {
            value: value.to_owned(),
            source_domain,
            target_domains: vec![Domain::nhs_number()],
        }
    }
}
