//! The amount of one ingredient in one handled unit (tablet, vial, …).

use crate::{Decimal, Vmp, Vpi};

/// The amount of one ingredient per handled unit of a VMP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strength {
    /// The amount (`6` for adenosine 6 mg/2 ml vials).
    pub amount: Decimal,
    /// Its unit: the VPI's `STRNT_NMRTR_UOMCD` (mg, microgram, …).
    pub amount_uom: String,
    /// The handled unit: the VMP's `UNIT_DOSE_UOMCD` (tablet, vial, …).
    pub per_uom: String,
}

/// Why a VMP has no strength per unit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StrengthError {
    /// The VPI is of another VMP.
    #[error("VPI of VMP {vpi_vpid} given with VMP {vmp_vpid}")]
    OtherVmp {
        /// The VMP's id.
        vmp_vpid: String,
        /// The VPI's VMP id.
        vpi_vpid: String,
    },
    /// No unit dose (`UDFS` / `UNIT_DOSE_UOMCD` absent): a continuous form
    /// (oral liquid, cream); the dose needs the volume or mass given.
    #[error("VMP {0} has no unit dose (continuous form): strength is a concentration")]
    NoUnitDose(String),
    /// The VPI has no strength numerator (or no unit for it).
    #[error("VPI {vpid}/{isid} has no strength")]
    NoStrength {
        /// The VMP.
        vpid: String,
        /// The ingredient.
        isid: String,
    },
    /// The denominator's unit is not the unit of `UDFS` (mg/ml against a size in g).
    #[error("strength is per {denominator_uom}, unit dose size is in {udfs_uom}")]
    UnitMismatch {
        /// `STRNT_DNMTR_UOMCD`.
        denominator_uom: String,
        /// `UDFS_UOMCD`.
        udfs_uom: String,
    },
    /// A denominator without a unit, or of zero.
    #[error("bad strength denominator")]
    BadDenominator,
    /// The amount has no exact decimal form, or does not fit.
    #[error("strength per unit is not an exact decimal")]
    Inexact,
}

/// The amount of `vpi`'s ingredient in one unit dose of `vmp`:
/// `numerator / denominator × UDFS`, in the numerator's unit per
/// `UNIT_DOSE_UOMCD`; a strength without a denominator (tablets, capsules) is
/// already per unit dose. Exact; never parses names.
///
/// ```
/// use bedside_dmd::{strength_per_unit, Decimal, Vmp, Vpi};
/// let d = |s: &str| s.parse::<Decimal>().ok();
/// // Adenosine 6mg/2ml solution for injection vials: 3 mg / 1 ml × 2 ml.
/// let vmp = Vmp {
///     vpid: "1".into(), vpid_prev: None, vtmid: None, invalid: false,
///     name: "Adenosine 6mg/2ml solution for injection vials".into(),
///     df_ind: Some("1".into()), udfs: d("2"), udfs_uom: Some("258773002".into()),
///     unit_dose_uom: Some("415818006".into()), non_avail: None, pres_stat: "0001".into(),
/// };
/// let vpi = Vpi {
///     vpid: "1".into(), isid: "2".into(), basis_strength: Some("0001".into()), bs_subid: None,
///     numerator: d("3"), numerator_uom: Some("258684004".into()),
///     denominator: d("1"), denominator_uom: Some("258773002".into()),
/// };
/// let s = strength_per_unit(&vmp, &vpi)?;
/// assert_eq!(s.amount.to_milli(), Some(6_000));
/// assert_eq!((s.amount_uom.as_str(), s.per_uom.as_str()), ("258684004", "415818006"));
/// # Ok::<(), bedside_dmd::StrengthError>(())
/// ```
///
/// # Errors
///
/// [`StrengthError`]: no unit dose (continuous forms), no strength, units
/// that do not match, or a VPI of another VMP.
pub fn strength_per_unit(vmp: &Vmp, vpi: &Vpi) -> Result<Strength, StrengthError> {
    if vmp.vpid != vpi.vpid {
        return Err(StrengthError::OtherVmp {
            vmp_vpid: vmp.vpid.clone(),
            vpi_vpid: vpi.vpid.clone(),
        });
    }
    let (Some(udfs), Some(per_uom)) = (vmp.udfs, vmp.unit_dose_uom.as_ref()) else {
        return Err(StrengthError::NoUnitDose(vmp.vpid.clone()));
    };
    let (Some(numerator), Some(amount_uom)) = (vpi.numerator, vpi.numerator_uom.as_ref()) else {
        return Err(StrengthError::NoStrength {
            vpid: vpi.vpid.clone(),
            isid: vpi.isid.clone(),
        });
    };
    let amount = match vpi.denominator {
        None => numerator,
        Some(denominator) => {
            let Some(denominator_uom) = vpi.denominator_uom.as_ref() else {
                return Err(StrengthError::BadDenominator);
            };
            if denominator.is_zero() {
                return Err(StrengthError::BadDenominator);
            }
            if vmp.udfs_uom.as_ref() != Some(denominator_uom) {
                return Err(StrengthError::UnitMismatch {
                    denominator_uom: denominator_uom.clone(),
                    udfs_uom: vmp.udfs_uom.clone().unwrap_or_default(),
                });
            }
            // Multiply first: 10 mg / 3 ml × 3 ml stays exact.
            numerator
                .checked_mul(udfs)
                .and_then(|n| n.checked_div(denominator))
                .ok_or(StrengthError::Inexact)?
        }
    };
    Ok(Strength {
        amount,
        amount_uom: amount_uom.clone(),
        per_uom: per_uom.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<Decimal> {
        s.parse().ok()
    }

    fn vmp(udfs: Option<&str>, udfs_uom: &str) -> Vmp {
        Vmp {
            vpid: "1".into(),
            vpid_prev: None,
            vtmid: None,
            invalid: false,
            name: "x".into(),
            df_ind: Some("1".into()),
            udfs: udfs.and_then(d),
            udfs_uom: Some(udfs_uom.into()),
            unit_dose_uom: udfs.map(|_| "415818006".into()),
            non_avail: None,
            pres_stat: "0001".into(),
        }
    }

    fn vpi(num: Option<&str>, den: Option<&str>, den_uom: Option<&str>) -> Vpi {
        Vpi {
            vpid: "1".into(),
            isid: "2".into(),
            basis_strength: None,
            bs_subid: None,
            numerator: num.and_then(d),
            numerator_uom: num.map(|_| "258684004".into()),
            denominator: den.and_then(d),
            denominator_uom: den_uom.map(Into::into),
        }
    }

    #[test]
    fn exact_and_refused() {
        let ml = "258773002";
        let ok = |v: &Vmp, p: &Vpi| strength_per_unit(v, p).map(|s| s.amount.to_string());
        // 10 mg / 3 ml × 3 ml: multiplied first, so exact.
        assert_eq!(
            ok(&vmp(Some("3"), ml), &vpi(Some("10"), Some("3"), Some(ml))),
            Ok("10".into())
        );
        assert_eq!(
            ok(
                &vmp(Some("0.4"), ml),
                &vpi(Some("100"), Some("1"), Some(ml))
            ),
            Ok("40".into())
        );
        assert_eq!(
            ok(&vmp(Some("1"), ml), &vpi(Some("10"), Some("3"), Some(ml))),
            Err(StrengthError::Inexact)
        );
        assert_eq!(
            ok(
                &vmp(Some("2"), "258682000"),
                &vpi(Some("3"), Some("1"), Some(ml))
            ),
            Err(StrengthError::UnitMismatch {
                denominator_uom: ml.into(),
                udfs_uom: "258682000".into()
            })
        );
        assert_eq!(
            ok(&vmp(Some("2"), ml), &vpi(Some("3"), Some("0"), Some(ml))),
            Err(StrengthError::BadDenominator)
        );
        assert_eq!(
            ok(&vmp(Some("2"), ml), &vpi(Some("3"), Some("1"), None)),
            Err(StrengthError::BadDenominator)
        );
        assert_eq!(
            ok(&vmp(Some("2"), ml), &vpi(None, None, None)),
            Err(StrengthError::NoStrength {
                vpid: "1".into(),
                isid: "2".into()
            })
        );
        assert_eq!(
            ok(&vmp(None, ml), &vpi(Some("2"), Some("1"), Some(ml))),
            Err(StrengthError::NoUnitDose("1".into()))
        );
        let mut other = vpi(Some("2"), None, None);
        other.vpid = "9".into();
        assert!(matches!(
            strength_per_unit(&vmp(Some("1"), ml), &other),
            Err(StrengthError::OtherVmp { .. })
        ));
    }
}
