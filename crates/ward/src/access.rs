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

named_enum! {
    /// A staff member's professional role in the staff register (`bedside import staff`'s
    /// `role` column, `PUT /v1/staff/{gsrn}`'s `role`). Not a token role: it says who the
    /// badge belongs to, not what an API caller may do.
    ///
    /// ```
    /// use bedside_ward::access::StaffRole;
    /// assert_eq!(StaffRole::parse("pharmacist"), Some(StaffRole::Pharmacist));
    /// assert_eq!(StaffRole::parse("Nurse"), None);
    /// ```
    pub enum StaffRole {
        /// Registered nurse (NMC).
        Nurse = "nurse",
        /// Registered midwife (NMC).
        Midwife = "midwife",
        /// Nursing associate (NMC).
        NursingAssociate = "nursing_associate",
        /// Pharmacist (GPhC).
        Pharmacist = "pharmacist",
        /// Pharmacy technician (GPhC).
        PharmacyTechnician = "pharmacy_technician",
        /// Doctor (GMC).
        Doctor = "doctor",
        /// Operating department practitioner (HCPC).
        OperatingDepartmentPractitioner = "operating_department_practitioner",
        /// Paramedic (HCPC).
        Paramedic = "paramedic",
        /// Healthcare assistant / support worker (not registered).
        HealthcareAssistant = "healthcare_assistant",
        /// Student (nursing, midwifery, pharmacy, medicine).
        Student = "student",
    }
}
