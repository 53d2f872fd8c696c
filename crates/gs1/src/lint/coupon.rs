//! North American coupon structures: AI 8110 (coupon code) and AI 8112
//! (positive offer file coupon).
//!
//! Both are all-digit strings made of fixed fields and variable-length
//! fields preceded by a "VLI" (variable length indicator) digit. The checks
//! and their order follow the GS1 Barcode Syntax Engine. Error positions
//! follow one convention throughout:
//!
//! - a field that is *missing* (the data ends where it should start)
//!   highlights the whole component;
//! - a field that is *cut short* highlights what is left of it, or the whole
//!   component if nothing is left;
//! - a single-digit field with a bad value highlights that digit.

use super::cset::digits_only;
use super::{LintCode, LintError, LintResult, datetime};

/// A cursor over an all-digit coupon string. Invariant: `pos <= data.len()`.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    fn at_end(&self) -> bool {
        self.remaining() == 0
    }

    /// The digit at the cursor, if any.
    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).map(|b| b.wrapping_sub(b'0'))
    }

    fn advance(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.data.len());
    }

    /// The field starting here is absent: highlight everything.
    fn missing(&self, code: LintCode) -> LintError {
        LintError::at(code, 0, self.data.len())
    }

    /// The digit here has a bad value.
    fn invalid(&self, code: LintCode) -> LintError {
        LintError::at(code, self.pos, 1)
    }

    /// The field starting here is shorter than required.
    fn truncated(&self, code: LintCode) -> LintError {
        if self.at_end() {
            LintError::at(code, 0, self.data.len())
        } else {
            LintError::at(code, self.pos, self.remaining())
        }
    }

    /// Reads one digit, which must be present and accepted by `ok`.
    fn digit(
        &mut self,
        missing: LintCode,
        invalid: LintCode,
        ok: impl Fn(u8) -> bool,
    ) -> Result<u8, LintError> {
        let d = self.peek().ok_or_else(|| self.missing(missing))?;
        if !ok(d) {
            return Err(self.invalid(invalid));
        }
        self.advance(1);
        Ok(d)
    }

    /// Skips a field of `len` digits, which must all be present.
    fn field(&mut self, len: usize, truncated: LintCode) -> LintResult {
        if self.remaining() < len {
            return Err(self.truncated(truncated));
        }
        self.advance(len);
        Ok(())
    }

    /// A VLI digit followed by a field of `base + VLI` digits.
    fn vli_field(
        &mut self,
        base: usize,
        missing: LintCode,
        invalid: LintCode,
        truncated: LintCode,
        ok: impl Fn(u8) -> bool,
    ) -> LintResult {
        let vli = self.digit(missing, invalid, ok)?;
        self.field(base + usize::from(vli), truncated)
    }

    /// Consumes the optional-field indicator `tag` if it is next.
    fn take_tag(&mut self, tag: u8) -> bool {
        if self.peek() == Some(tag) {
            self.advance(1);
            true
        } else {
            false
        }
    }

    /// A six-digit `YYMMDD` date; returns its offset.
    fn date(&mut self, too_short: LintCode, invalid: LintCode) -> Result<usize, LintError> {
        let at = self.pos;
        let date = self
            .data
            .get(at..at + 6)
            .ok_or_else(|| self.truncated(too_short))?;
        datetime::yymmdd(date).map_err(|_| LintError::at(invalid, at, 6))?;
        self.advance(6);
        Ok(at)
    }

    fn finish(&self) -> LintResult {
        if self.at_end() {
            Ok(())
        } else {
            Err(LintError::at(
                LintCode::CouponExcessData,
                self.pos,
                self.remaining(),
            ))
        }
    }
}

/// A purchase requirement: VLI (1 to 5) and value, then a code (0 to 4 or 9),
/// then a three-digit family code.
fn purchase_requirement(r: &mut Reader<'_>, codes: [LintCode; 6]) -> LintResult {
    let [
        missing_vli,
        invalid_vli,
        truncated_req,
        missing_code,
        invalid_code,
        truncated_family,
    ] = codes;
    r.vli_field(0, missing_vli, invalid_vli, truncated_req, |d| {
        (1..=5).contains(&d)
    })?;
    r.digit(missing_code, invalid_code, |d| d <= 4 || d == 9)?;
    r.field(3, truncated_family)
}

/// An additional purchase's company prefix: VLI 0 to 6 (6 + VLI digits) or
/// 9 (no prefix).
fn purchase_gcp(r: &mut Reader<'_>, codes: [LintCode; 3]) -> LintResult {
    let [missing, invalid, truncated] = codes;
    let vli = r.digit(missing, invalid, |d| d <= 6 || d == 9)?;
    let len = if vli == 9 { 0 } else { 6 + usize::from(vli) };
    // The prefix is all digits and at least six long, so it always passes
    // `gcppos1`; no further check is needed.
    r.field(len, truncated)
}

/// `couponcode` (AI 8110).
///
/// Mandatory: company prefix (VLI 0 to 6, then 6 + VLI digits), offer code (6),
/// save value (VLI 1 to 5, then VLI digits), first purchase requirement (VLI
/// 1 to 5 and value, code 0 to 4 or 9, family code 3). Then optional fields,
/// each introduced by its tag digit and only in this order: 1 (rules code 0 to
/// 3, second purchase requirement and company prefix), 2 (third purchase
/// requirement and company prefix), 3 (expiration date), 4 (start date), 5
/// (serial number, VLI then 6 + VLI digits), 6 (retailer company prefix or GLN,
/// VLI 1 to 7 then 6 + VLI digits), 9 (save value code, applies-to-item,
/// store flag, do-not-multiply flag). Anything left over is excess data.
///
/// Engine behaviour (`lint_couponcode.c`): expiry and start dates must be real
/// `YYMMDD` dates (day 00 not allowed), and "expiration before start" compares
/// the two `YYMMDD` strings as plain digit strings, without the two-digit-year
/// century window that the date check itself uses. So an expiry of `991231`
/// with a start of `000101` is accepted. The company prefix fields can never
/// fail `gcppos1` (they are at least six digits), so no prefix error is
/// reported.
pub(super) fn couponcode(data: &[u8]) -> LintResult {
    use LintCode::*;
    digits_only(data)?;
    let r = &mut Reader { data, pos: 0 };

    r.vli_field(
        6,
        CouponMissingGcpVli,
        CouponInvalidGcpLength,
        CouponTruncatedGcp,
        |d| d <= 6,
    )?;
    r.field(6, CouponTruncatedOfferCode)?;
    r.vli_field(
        0,
        CouponMissingSaveValueVli,
        CouponInvalidSaveValueLength,
        CouponTruncatedSaveValue,
        |d| (1..=5).contains(&d),
    )?;
    purchase_requirement(
        r,
        [
            CouponMissingFirstPurchaseRequirementVli,
            CouponInvalidFirstPurchaseRequirementLength,
            CouponTruncatedFirstPurchaseRequirement,
            CouponMissingFirstPurchaseRequirementCode,
            CouponInvalidFirstPurchaseRequirementCode,
            CouponTruncatedFirstPurchaseFamilyCode,
        ],
    )?;

    if r.take_tag(1) {
        r.digit(
            CouponMissingAdditionalPurchaseRulesCode,
            CouponInvalidAdditionalPurchaseRulesCode,
            |d| d <= 3,
        )?;
        purchase_requirement(
            r,
            [
                CouponMissingSecondPurchaseRequirementVli,
                CouponInvalidSecondPurchaseRequirementLength,
                CouponTruncatedSecondPurchaseRequirement,
                CouponMissingSecondPurchaseRequirementCode,
                CouponInvalidSecondPurchaseRequirementCode,
                CouponTruncatedSecondPurchaseFamilyCode,
            ],
        )?;
        purchase_gcp(
            r,
            [
                CouponMissingSecondPurchaseGcpVli,
                CouponInvalidSecondPurchaseGcpLength,
                CouponTruncatedSecondPurchaseGcp,
            ],
        )?;
    }

    if r.take_tag(2) {
        purchase_requirement(
            r,
            [
                CouponMissingThirdPurchaseRequirementVli,
                CouponInvalidThirdPurchaseRequirementLength,
                CouponTruncatedThirdPurchaseRequirement,
                CouponMissingThirdPurchaseRequirementCode,
                CouponInvalidThirdPurchaseRequirementCode,
                CouponTruncatedThirdPurchaseFamilyCode,
            ],
        )?;
        purchase_gcp(
            r,
            [
                CouponMissingThirdPurchaseGcpVli,
                CouponInvalidThirdPurchaseGcpLength,
                CouponTruncatedThirdPurchaseGcp,
            ],
        )?;
    }

    let mut expiry_at = None;
    if r.take_tag(3) {
        expiry_at = Some(r.date(CouponTooShortForExpirationDate, CouponInvalidExpirationDate)?);
    }

    if r.take_tag(4) {
        let start_at = r.date(CouponTooShortForStartDate, CouponInvalidStartDate)?;
        if let Some(expiry_at) = expiry_at {
            let expiry = data.get(expiry_at..expiry_at + 6);
            let start = data.get(start_at..start_at + 6);
            if start > expiry {
                // Highlight from the expiry tag to the end of the start date.
                return Err(LintError::at(
                    CouponExpirationBeforeStart,
                    expiry_at.saturating_sub(1),
                    14,
                ));
            }
        }
    }

    if r.take_tag(5) {
        r.vli_field(
            6,
            CouponMissingSerialNumberVli,
            CouponMissingSerialNumberVli,
            CouponTruncatedSerialNumber,
            |_| true,
        )?;
    }

    if r.take_tag(6) {
        r.vli_field(
            6,
            CouponMissingRetailerGcpOrGlnVli,
            CouponInvalidRetailerGcpOrGlnLength,
            CouponTruncatedRetailerGcpOrGln,
            |d| (1..=7).contains(&d),
        )?;
    }

    if r.take_tag(9) {
        r.digit(
            CouponMissingSaveValueCode,
            CouponInvalidSaveValueCode,
            |d| matches!(d, 0 | 1 | 2 | 5 | 6),
        )?;
        r.digit(
            CouponMissingSaveValueAppliesToItem,
            CouponInvalidSaveValueAppliesToItem,
            |d| d <= 2,
        )?;
        r.digit(
            CouponMissingStoreCouponFlag,
            CouponMissingStoreCouponFlag,
            |_| true,
        )?;
        r.digit(
            CouponMissingDontMultiplyFlag,
            CouponInvalidDontMultiplyFlag,
            |d| d <= 1,
        )?;
    }

    r.finish()
}

/// `couponposoffer` (AI 8112): format code (0 or 1), funder ID (VLI 0 to 6,
/// then 6 + VLI digits), offer code (6), serial number (VLI, then 6 + VLI
/// digits), and nothing more.
pub(super) fn couponposoffer(data: &[u8]) -> LintResult {
    use LintCode::*;
    digits_only(data)?;
    let r = &mut Reader { data, pos: 0 };
    r.digit(CouponMissingFormatCode, CouponInvalidFormatCode, |d| d <= 1)?;
    r.vli_field(
        6,
        CouponMissingFunderVli,
        CouponInvalidFunderLength,
        CouponTruncatedFunder,
        |d| d <= 6,
    )?;
    r.field(6, CouponTruncatedOfferCode)?;
    r.vli_field(
        6,
        CouponMissingSerialNumberVli,
        CouponMissingSerialNumberVli,
        CouponTruncatedSerialNumber,
        |_| true,
    )?;
    r.finish()
}
