//! Deterministic synthetic patients for demos and tests.
//!
//! Every NHS number is in the `999` test range (never issued) with a valid modulus-11 check
//! digit; names are realistic UK names including hostile ones (apostrophes, diacritics,
//! Vietnamese, hyphenated, 35-character surnames, spaces). The same seed always gives the
//! same patients on every platform (SplitMix64, no `rand`).
//!
//! ```
//! use bedside_patient::synthetic::Generator;
//! let a: Vec<_> = Generator::new(42).take(3).collect();
//! let b: Vec<_> = Generator::new(42).take(3).collect();
//! assert_eq!(a, b);
//! assert!(a.iter().all(|p| p.nhs_number.is_test()));
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use crate::date::{Date, DateOfBirth};
use crate::demographics::{Demographics, Sex};
use crate::gsrn::{Gsrn, GsrnPrefix, NhsGsrn};
use crate::nhs::NhsNumber;
use crate::text::percent_encode;

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, full-period 64-bit generator. Not for
/// cryptography.
///
/// ```
/// use bedside_patient::synthetic::SplitMix64;
/// let mut r = SplitMix64::new(0);
/// assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator from a seed.
    ///
    /// ```
    /// # use bedside_patient::synthetic::SplitMix64;
    /// let r = SplitMix64::new(7);
    /// # let _ = r;
    /// ```
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    ///
    /// ```
    /// # use bedside_patient::synthetic::SplitMix64;
    /// let mut r = SplitMix64::new(1);
    /// assert_ne!(r.next_u64(), r.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0), by multiply-shift (negligible bias for the
    /// small `n` used here).
    ///
    /// ```
    /// # use bedside_patient::synthetic::SplitMix64;
    /// let mut r = SplitMix64::new(1);
    /// assert!(r.below(10) < 10);
    /// assert_eq!(r.below(0), 0);
    /// ```
    pub fn below(&mut self, n: u64) -> u64 {
        let wide = u128::from(self.next_u64()) * u128::from(n);
        u64::try_from(wide >> 64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let len = u64::try_from(items.len()).unwrap_or(0);
        usize::try_from(self.below(len))
            .ok()
            .and_then(|i| items.get(i))
            .copied()
            .unwrap_or("")
    }
}

/// Family names: common UK names and hostile ones. The two 35-character names hit the PDS
/// family-name limit.
pub const FAMILY_NAMES: &[&str] = &[
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Roberts",
    "Patel",
    "Khan",
    "Ahmed",
    "Begum",
    "Singh",
    "Nowak",
    "O'Brien",
    "O\u{2019}Neill",
    "McDonald",
    "MacLeod",
    "ap Rhys",
    "D'Souza",
    "Nguyễn",
    "Trần",
    "Lê",
    "Müller",
    "Brontë",
    "Wiśniewski",
    "Łukaszewicz",
    "Ó Súilleabháin",
    "Smith-Jones",
    "Van der Berg",
    "Featherstonehaugh-Cholmondeley-Ward",
    "Wolfeschlegelsteinhausen-Bergerdorf",
];

/// Given names (first names), including hostile ones.
pub const GIVEN_NAMES_FEMALE: &[&str] = &[
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Zoë",
    "Chloé",
    "Siobhán",
    "Aoife",
    "Fatima",
    "Mary-Jane",
    "Anne Marie",
    "Nhung",
    "Małgorzata",
    "Renée",
];

/// Given names (first names), including hostile ones.
pub const GIVEN_NAMES_MALE: &[&str] = &[
    "Oliver", "George", "Harry", "Noah", "Jack", "Mohammed", "Rhys", "Dafydd", "Seán", "Jean-Luc",
    "Ðức", "Łukasz", "José", "Björn", "Kwame",
];

/// One synthetic patient.
///
/// ```
/// use bedside_patient::synthetic::Generator;
/// let p = Generator::new(1).next().ok_or("none")?;
/// assert!(p.nhs_number.is_test());
/// assert!(p.mrn.starts_with('K'));
/// # Ok::<(), &'static str>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticPatient {
    /// A 999-range NHS number with a valid check digit.
    pub nhs_number: NhsNumber,
    /// A hospital number `K` + 7 digits (for the example trust MRN domain).
    pub mrn: String,
    /// Family, given, date of birth (1920-2025) and sex (male or female).
    pub demographics: Demographics,
}

impl SyntheticPatient {
    /// The GS1 wristband elements for this patient: (8018) under `prefix`, (8019) `1`,
    /// (7250) DOB, (7252) sex, (7253)/(7254) percent-encoded names. Names whose encoded form
    /// exceeds the 40-character limit of 7253/7254 are left out (never truncated).
    ///
    /// ```
    /// use bedside_patient::{GsrnPrefix, Policy, Wristband};
    /// use bedside_patient::synthetic::Generator;
    /// let p = Generator::new(9).next().ok_or("none")?;
    /// let band = Wristband::from_elements(p.wristband_elements(&GsrnPrefix::EXAMPLE), &Policy::demo())?;
    /// assert!(band.demographics().confirm(&p.demographics).is_confirmed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn wristband_elements(&self, prefix: &GsrnPrefix) -> Vec<(&'static str, String)> {
        let mut v = alloc::vec![
            (
                "8018",
                String::from(Gsrn::for_nhs_number(prefix, &self.nhs_number).as_str())
            ),
            ("8019", String::from("1")),
        ];
        if let Some(dob) = self.demographics.date_of_birth {
            let d = dob.date;
            v.push((
                "7250",
                alloc::format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()),
            ));
        }
        if let Some(sex) = self.demographics.sex {
            v.push(("7252", String::from(sex.iso5218())));
        }
        for (ai, name) in [
            ("7253", &self.demographics.family),
            ("7254", &self.demographics.given),
        ] {
            if let Some(n) = name {
                let enc = percent_encode(n);
                if enc.len() <= 40 {
                    v.push((ai, enc));
                }
            }
        }
        v
    }
}

/// An endless, deterministic stream of [`SyntheticPatient`]s.
///
/// ```
/// use bedside_patient::synthetic::Generator;
/// let names: Vec<_> = Generator::new(3).take(50).filter_map(|p| p.demographics.family).collect();
/// assert_eq!(names.len(), 50);
/// ```
#[derive(Debug, Clone)]
pub struct Generator {
    rng: SplitMix64,
}

impl Generator {
    /// A generator from a seed.
    ///
    /// ```
    /// # use bedside_patient::synthetic::Generator;
    /// assert_ne!(Generator::new(1).next(), Generator::new(2).next());
    /// ```
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        Generator {
            rng: SplitMix64::new(seed),
        }
    }

    /// A random 999-range NHS number with a valid modulus-11 check digit (prefixes whose
    /// check value would be 10 are skipped).
    ///
    /// ```
    /// # use bedside_patient::synthetic::Generator;
    /// let n = Generator::new(5).nhs_number();
    /// assert!(n.is_test());
    /// ```
    pub fn nhs_number(&mut self) -> NhsNumber {
        loop {
            let six = self.rng.below(1_000_000);
            let s = alloc::format!("999{six:06}");
            let mut first9 = [b'0'; 9];
            for (dst, src) in first9.iter_mut().zip(s.bytes()) {
                *dst = src;
            }
            if let Some(n) = NhsNumber::from_first_nine(first9) {
                return n;
            }
        }
    }

    fn date_of_birth(&mut self) -> Date {
        loop {
            let year = 1920 + u16::try_from(self.rng.below(106)).unwrap_or(0);
            let month = 1 + u8::try_from(self.rng.below(12)).unwrap_or(0);
            let day = 1 + u8::try_from(self.rng.below(31)).unwrap_or(0);
            if let Ok(d) = Date::new(year, month, day) {
                return d;
            }
        }
    }
}

impl Iterator for Generator {
    type Item = SyntheticPatient;

    fn next(&mut self) -> Option<SyntheticPatient> {
        let nhs_number = self.nhs_number();
        let sex = if self.rng.below(2) == 0 {
            Sex::Female
        } else {
            Sex::Male
        };
        let given = match sex {
            Sex::Female => self.rng.pick(GIVEN_NAMES_FEMALE),
            _ => self.rng.pick(GIVEN_NAMES_MALE),
        };
        let family = self.rng.pick(FAMILY_NAMES);
        let dob = self.date_of_birth();
        let mrn = alloc::format!("K{:07}", self.rng.below(10_000_000));
        Some(SyntheticPatient {
            nhs_number,
            mrn,
            demographics: Demographics::new(family, given)
                .with_date_of_birth(DateOfBirth::from_date(dob))
                .with_sex(sex),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::wristband::{Policy, Wristband};

    #[test]
    fn names_fit_and_are_hostile() {
        assert!(FAMILY_NAMES.iter().any(|n| n.chars().count() == 35));
        assert!(FAMILY_NAMES.iter().all(|n| n.chars().count() <= 35));
        for n in FAMILY_NAMES
            .iter()
            .chain(GIVEN_NAMES_FEMALE)
            .chain(GIVEN_NAMES_MALE)
        {
            assert!(percent_encode(n).len() <= 40, "{n}");
        }
    }

    #[test]
    fn many_patients_round_trip_through_a_band() {
        let mut seen = alloc::collections::BTreeSet::new();
        for p in Generator::new(2026).take(2000) {
            assert!(p.nhs_number.is_test());
            assert_eq!(p.mrn.len(), 8);
            seen.insert(p.demographics.family.clone());
            let band = Wristband::from_elements(
                p.wristband_elements(&GsrnPrefix::EXAMPLE),
                &Policy::demo(),
            );
            match band {
                Ok(b) => {
                    assert_eq!(b.nhs_number(), &p.nhs_number);
                    assert!(b.demographics().confirm(&p.demographics).is_confirmed());
                }
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(seen.len(), FAMILY_NAMES.len());
    }

    #[test]
    fn known_vector() {
        // Reference values of SplitMix64 for seed 1234567.
        let mut r = SplitMix64::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
    }
}
