//! Who may do what: the roles a token or a signed-in person holds.

use serde::{Deserialize, Serialize};

/// A role. Names are a contract (`bedside token create --role`, `GET /v1/me`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Ward nurse: identify, check and record administrations.
    Nurse,
    /// Pharmacist: identify, check administrations.
    Pharmacist,
    /// Admissions: identify.
    Admissions,
    /// System integration (feeds, imports).
    Integrator,
    /// Administration: audit.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Nurse,
        Role::Pharmacist,
        Role::Admissions,
        Role::Integrator,
        Role::Admin,
    ];

    /// Parses a stored role name.
    ///
    /// ```
    /// use bedside_ward::access::Role;
    /// assert_eq!(Role::parse("nurse"), Some(Role::Nurse));
    /// assert_eq!(Role::parse("Nurse"), None);
    /// ```
    #[must_use]
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Nurse => "nurse",
            Role::Pharmacist => "pharmacist",
            Role::Admissions => "admissions",
            Role::Integrator => "integrator",
            Role::Admin => "admin",
        }
    }
}
