//! Who may do what: the roles a token or a signed-in person holds.

use crate::names::named_enum;

named_enum! {
    /// A role. Names are a contract (`bedside token create --role`, `GET /v1/me`).
    ///
    /// ```
    /// use bedside_ward::access::Role;
    /// assert_eq!(Role::parse("nurse"), Some(Role::Nurse));
    /// assert_eq!(Role::parse("Nurse"), None);
    /// assert_eq!(Role::NAMES, ["nurse", "pharmacist", "admissions", "integrator", "admin"]);
    /// ```
    pub enum Role {
        /// Ward nurse: identify, check and record administrations.
        Nurse = "nurse",
        /// Pharmacist: identify, check administrations.
        Pharmacist = "pharmacist",
        /// Admissions: identify.
        Admissions = "admissions",
        /// System integration (feeds, imports).
        Integrator = "integrator",
        /// Administration: audit.
        Admin = "admin",
    }
}
