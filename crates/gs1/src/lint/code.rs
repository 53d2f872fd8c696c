//! The failure codes a linter can return, with their error class and message.

use crate::ErrorClass;

/// Declares [`LintCode`] and its lookup tables from one list, so that the
/// variant, its engine identifier, its class and its message never drift apart.
macro_rules! lint_codes {
    ($( $var:ident => $engine:literal, $class:ident, $msg:literal; )*) => {
        /// Why a linter rejected a component.
        ///
        /// There is one code per distinct failure. The set mirrors the failure
        /// codes of the GS1 Barcode Syntax Engine (`gs1_lint_err_t`), without
        /// its unused slots, the CSET 32 code that no linter returns, and the
        /// "GCP lookup offline" code (Bedside has no GCP lookup hook).
        ///
        /// ```
        /// use bedside_gs1::{ErrorClass, LintCode, Linter};
        /// let err = Linter::Csum.check(b"12345673").unwrap_err();
        /// assert_eq!(err.code, LintCode::IncorrectCheckDigit);
        /// assert_eq!(err.code.class(), ErrorClass::BadCheckDigit);
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum LintCode {
            $(
                #[doc = concat!("Message: \"", $msg, "\".")]
                $var,
            )*
        }

        impl LintCode {
            /// Every code, in declaration order.
            ///
            /// ```
            /// use bedside_gs1::LintCode;
            /// assert!(LintCode::ALL.contains(&LintCode::IllegalDay));
            /// ```
            pub const ALL: &'static [LintCode] = &[ $( LintCode::$var, )* ];

            /// The class a person expects for this failure (a bad day is a
            /// date problem, a wrong check digit a check-digit problem, ...).
            ///
            /// ```
            /// use bedside_gs1::{ErrorClass, LintCode};
            /// assert_eq!(LintCode::IllegalDay.class(), ErrorClass::BadDate);
            /// assert_eq!(LintCode::IllegalHour.class(), ErrorClass::BadTime);
            /// assert_eq!(LintCode::NotIso3166.class(), ErrorClass::BadCode);
            /// ```
            pub const fn class(self) -> ErrorClass {
                match self {
                    $( LintCode::$var => ErrorClass::$class, )*
                }
            }

            /// A short English explanation, suitable for a ward screen or a log.
            ///
            /// ```
            /// use bedside_gs1::LintCode;
            /// assert_eq!(LintCode::IncorrectCheckDigit.message(), "check digit is wrong");
            /// ```
            pub const fn message(self) -> &'static str {
                match self {
                    $( LintCode::$var => $msg, )*
                }
            }

            /// The matching `gs1_lint_err_t` identifier of the GS1 Barcode
            /// Syntax Engine, without its `GS1_LINTER_` prefix and spelled
            /// exactly as the engine spells it (including its
            /// `COUPON_INVALID_EXIPIRATION_DATE` typo). Use it to compare
            /// Bedside with the engine in differential tests.
            ///
            /// ```
            /// use bedside_gs1::LintCode;
            /// assert_eq!(LintCode::NonDigitCharacter.engine_name(), "NON_DIGIT_CHARACTER");
            /// ```
            pub const fn engine_name(self) -> &'static str {
                match self {
                    $( LintCode::$var => $engine, )*
                }
            }
        }
    };
}

lint_codes! {
    // Character sets.
    NonDigitCharacter => "NON_DIGIT_CHARACTER", BadCharset, "only digits 0-9 are allowed here";
    InvalidCset82Character => "INVALID_CSET82_CHARACTER", BadCharset,
        "character not allowed (GS1 character set 82)";
    InvalidCset39Character => "INVALID_CSET39_CHARACTER", BadCharset,
        "character not allowed (GS1 character set 39: 0-9, A-Z, #, -, /)";
    InvalidCset64Character => "INVALID_CSET64_CHARACTER", BadCharset,
        "character not allowed (GS1 character set 64: A-Z, a-z, 0-9, -, _)";
    InvalidCset64Padding => "INVALID_CSET64_PADDING", BadCharset,
        "wrong number or placement of '=' padding";
    RequiresNonDigitCharacter => "REQUIRES_NON_DIGIT_CHARACTER", BadValue,
        "must contain at least one character that is not a digit";
    InvalidPercentSequence => "INVALID_PERCENT_SEQUENCE", BadValue,
        "'%' must be followed by two hexadecimal digits";
    NotHyphen => "NOT_HYPHEN", BadValue, "only '-' is allowed here";

    // Check digits and check characters.
    IncorrectCheckDigit => "INCORRECT_CHECK_DIGIT", BadCheckDigit, "check digit is wrong";
    TooShortForCheckDigit => "TOO_SHORT_FOR_CHECK_DIGIT", BadCheckDigit,
        "too short to hold a check digit";
    IncorrectCheckPair => "INCORRECT_CHECK_PAIR", BadCheckDigit,
        "check character pair is wrong";
    TooShortForCheckPair => "TOO_SHORT_FOR_CHECK_PAIR", BadCheckDigit,
        "too short to hold a check character pair";
    TooLongForCheckPair => "TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION", BadCheckDigit,
        "too long for a check character pair (over 99 characters)";

    // GS1 Company Prefix.
    InvalidGcpPrefix => "INVALID_GCP_PREFIX", BadValue,
        "does not start with a GS1 Company Prefix (4 or more digits)";
    TooShortForGcp => "TOO_SHORT_FOR_GCP", BadValue,
        "too short to hold a GS1 Company Prefix";

    // Simple value rules.
    IllegalZeroValue => "ILLEGAL_ZERO_VALUE", BadValue, "value must not be zero";
    NotZero => "NOT_ZERO", BadValue, "value must be zero";
    IllegalZeroPrefix => "ILLEGAL_ZERO_PREFIX", BadValue, "number must not start with 0";
    NotZeroOrOne => "NOT_ZERO_OR_ONE", BadCode, "must be 0 (no) or 1 (yes)";
    InvalidWindingDirection => "INVALID_WINDING_DIRECTION", BadCode,
        "winding direction must be 0, 1 or 9";
    InvalidBiologicalSexCode => "INVALID_BIOLOGICAL_SEX_CODE", BadCode,
        "sex code must be 0, 1, 2 or 9 (ISO/IEC 5218)";
    ImporterIdxMustBeOneCharacter => "IMPORTER_IDX_MUST_BE_ONE_CHARACTER", BadLength,
        "importer index must be exactly one character";
    InvalidImporterIdxCharacter => "INVALID_IMPORT_IDX_CHARACTER", BadCode,
        "importer index character not allowed";

    // Code lists.
    NotIso3166 => "NOT_ISO3166", BadCode, "not a known ISO 3166 numeric country code";
    NotIso3166Or999 => "NOT_ISO3166_OR_999", BadCode,
        "not a known ISO 3166 numeric country code or 999";
    NotIso3166Alpha2 => "NOT_ISO3166_ALPHA2", BadCode,
        "not a known ISO 3166 two-letter country code";
    NotIso4217 => "NOT_ISO4217", BadCode, "not a known ISO 4217 numeric currency code";
    InvalidMediaType => "INVALID_MEDIA_TYPE", BadCode, "not a known AIDC media type";
    InvalidPackageType => "INVALID_PACKAGE_TYPE", BadCode, "not a known package type code";

    // IBAN.
    IbanTooShort => "IBAN_TOO_SHORT", BadLength, "IBAN is too short";
    IbanTooLong => "IBAN_TOO_LONG", BadLength, "IBAN is too long (over 34 characters)";
    InvalidIbanCharacter => "INVALID_IBAN_CHARACTER", BadCharset,
        "IBAN may only contain digits and capital letters";
    IllegalIbanCountryCode => "ILLEGAL_IBAN_COUNTRY_CODE", BadCode,
        "IBAN does not start with a known country code";
    IncorrectIbanChecksum => "INCORRECT_IBAN_CHECKSUM", BadCheckDigit,
        "IBAN check digits are wrong";

    // Dates and times.
    DateTooShort => "DATE_TOO_SHORT", BadDate, "date is too short";
    DateTooLong => "DATE_TOO_LONG", BadDate, "date is too long";
    IllegalMonth => "ILLEGAL_MONTH", BadDate, "month must be 01 to 12";
    IllegalDay => "ILLEGAL_DAY", BadDate, "that day does not exist in that month";
    HourWithMinuteTooShort => "HOUR_WITH_MINUTE_TOO_SHORT", BadTime,
        "time (HHMM) is too short";
    HourWithMinuteTooLong => "HOUR_WITH_MINUTE_TOO_LONG", BadTime, "time (HHMM) is too long";
    HourTooShort => "HOUR_TOO_SHORT", BadTime, "hour (HH) is too short";
    HourTooLong => "HOUR_TOO_LONG", BadTime, "hour (HH) is too long";
    MinuteTooShort => "MINUTE_TOO_SHORT", BadTime, "minute (MM) is too short";
    MinuteTooLong => "MINUTE_TOO_LONG", BadTime, "minute (MM) is too long";
    SecondTooShort => "SECOND_TOO_SHORT", BadTime, "second (SS) is too short";
    SecondTooLong => "SECOND_TOO_LONG", BadTime, "second (SS) is too long";
    IllegalHour => "ILLEGAL_HOUR", BadTime, "hour must be 00 to 23";
    IllegalMinute => "ILLEGAL_MINUTE", BadTime, "minute must be 00 to 59";
    IllegalSecond => "ILLEGAL_SECOND", BadTime, "second must be 00 to 59";

    // Numbers with structure.
    LatitudeInvalidLength => "LATITUDE_INVALID_LENGTH", BadLength,
        "latitude must be exactly 10 digits";
    LongitudeInvalidLength => "LONGITUDE_INVALID_LENGTH", BadLength,
        "longitude must be exactly 10 digits";
    InvalidLatitude => "INVALID_LATITUDE", BadValue,
        "latitude out of range (0000000000 to 1800000000)";
    InvalidLongitude => "INVALID_LONGITUDE", BadValue,
        "longitude out of range (0000000000 to 3600000000)";
    InvalidLengthForPieceOfTotal => "INVALID_LENGTH_FOR_PIECE_OF_TOTAL", BadValue,
        "piece and total must be two numbers of the same length";
    ZeroPieceNumber => "ZERO_PIECE_NUMBER", BadValue, "piece number must not be zero";
    ZeroTotalPieces => "ZERO_TOTAL_PIECES", BadValue, "total number of pieces must not be zero";
    PieceNumberExceedsTotal => "PIECE_NUMBER_EXCEEDS_TOTAL", BadValue,
        "piece number is greater than the total";
    PositionInSequenceMalformed => "POSITION_IN_SEQUENCE_MALFORMED", BadValue,
        "must be written as position/total, for example 2/3";
    PositionExceedsEnd => "POSITION_EXCEEDS_END", BadValue,
        "position is greater than the total";

    // North American coupons (AIs 8110 and 8112).
    CouponMissingFormatCode => "COUPON_MISSING_FORMAT_CODE", BadValue,
        "coupon: format code is missing";
    CouponInvalidFormatCode => "COUPON_INVALID_FORMAT_CODE", BadValue,
        "coupon: format code must be 0 or 1";
    CouponMissingFunderVli => "COUPON_MISSING_FUNDER_VLI", BadValue,
        "coupon: funder ID length digit is missing";
    CouponInvalidFunderLength => "COUPON_INVALID_FUNDER_LENGTH", BadValue,
        "coupon: funder ID length digit must be 0 to 6";
    CouponTruncatedFunder => "COUPON_TRUNCATED_FUNDER", BadValue,
        "coupon: funder ID is cut short";
    CouponTruncatedOfferCode => "COUPON_TRUNCATED_OFFER_CODE", BadValue,
        "coupon: offer code is shorter than 6 digits";
    CouponMissingSerialNumberVli => "COUPON_MISSING_SERIAL_NUMBER_VLI", BadValue,
        "coupon: serial number length digit is missing";
    CouponTruncatedSerialNumber => "COUPON_TRUNCATED_SERIAL_NUMBER", BadValue,
        "coupon: serial number is cut short";
    CouponMissingGcpVli => "COUPON_MISSING_GCP_VLI", BadValue,
        "coupon: company prefix length digit is missing";
    CouponInvalidGcpLength => "COUPON_INVALID_GCP_LENGTH", BadValue,
        "coupon: company prefix length digit must be 0 to 6";
    CouponTruncatedGcp => "COUPON_TRUNCATED_GCP", BadValue,
        "coupon: company prefix is cut short";
    CouponMissingSaveValueVli => "COUPON_MISSING_SAVE_VALUE_VLI", BadValue,
        "coupon: save value length digit is missing";
    CouponInvalidSaveValueLength => "COUPON_INVALID_SAVE_VALUE_LENGTH", BadValue,
        "coupon: save value length digit must be 1 to 5";
    CouponTruncatedSaveValue => "COUPON_TRUNCATED_SAVE_VALUE", BadValue,
        "coupon: save value is cut short";
    CouponMissingFirstPurchaseRequirementVli => "COUPON_MISSING_1ST_PURCHASE_REQUIREMENT_VLI",
        BadLength, "coupon: first purchase requirement length digit is missing";
    CouponInvalidFirstPurchaseRequirementLength =>
        "COUPON_INVALID_1ST_PURCHASE_REQUIREMENT_LENGTH", BadValue,
        "coupon: first purchase requirement length digit must be 1 to 5";
    CouponTruncatedFirstPurchaseRequirement => "COUPON_TRUNCATED_1ST_PURCHASE_REQUIREMENT",
        BadLength, "coupon: first purchase requirement is cut short";
    CouponMissingFirstPurchaseRequirementCode =>
        "COUPON_MISSING_1ST_PURCHASE_REQUIREMENT_CODE", BadLength,
        "coupon: first purchase requirement code is missing";
    CouponInvalidFirstPurchaseRequirementCode =>
        "COUPON_INVALID_1ST_PURCHASE_REQUIREMENT_CODE", BadValue,
        "coupon: first purchase requirement code must be 0 to 4 or 9";
    CouponTruncatedFirstPurchaseFamilyCode => "COUPON_TRUNCATED_1ST_PURCHASE_FAMILY_CODE",
        BadLength, "coupon: first purchase family code is shorter than 3 digits";
    CouponMissingAdditionalPurchaseRulesCode =>
        "COUPON_MISSING_ADDITIONAL_PURCHASE_RULES_CODE", BadLength,
        "coupon: additional purchase rules code is missing";
    CouponInvalidAdditionalPurchaseRulesCode =>
        "COUPON_INVALID_ADDITIONAL_PURCHASE_RULES_CODE", BadValue,
        "coupon: additional purchase rules code must be 0 to 3";
    CouponMissingSecondPurchaseRequirementVli =>
        "COUPON_MISSING_2ND_PURCHASE_REQUIREMENT_VLI", BadLength,
        "coupon: second purchase requirement length digit is missing";
    CouponInvalidSecondPurchaseRequirementLength =>
        "COUPON_INVALID_2ND_PURCHASE_REQUIREMENT_LENGTH", BadValue,
        "coupon: second purchase requirement length digit must be 1 to 5";
    CouponTruncatedSecondPurchaseRequirement => "COUPON_TRUNCATED_2ND_PURCHASE_REQUIREMENT",
        BadLength, "coupon: second purchase requirement is cut short";
    CouponMissingSecondPurchaseRequirementCode =>
        "COUPON_MISSING_2ND_PURCHASE_REQUIREMENT_CODE", BadLength,
        "coupon: second purchase requirement code is missing";
    CouponInvalidSecondPurchaseRequirementCode =>
        "COUPON_INVALID_2ND_PURCHASE_REQUIREMENT_CODE", BadValue,
        "coupon: second purchase requirement code must be 0 to 4 or 9";
    CouponTruncatedSecondPurchaseFamilyCode => "COUPON_TRUNCATED_2ND_PURCHASE_FAMILY_CODE",
        BadLength, "coupon: second purchase family code is shorter than 3 digits";
    CouponMissingSecondPurchaseGcpVli => "COUPON_MISSING_2ND_PURCHASE_GCP_VLI", BadValue,
        "coupon: second purchase company prefix length digit is missing";
    CouponInvalidSecondPurchaseGcpLength => "COUPON_INVALID_2ND_PURCHASE_GCP_LENGTH", BadValue,
        "coupon: second purchase company prefix length digit must be 0 to 6 or 9";
    CouponTruncatedSecondPurchaseGcp => "COUPON_TRUNCATED_2ND_PURCHASE_GCP", BadValue,
        "coupon: second purchase company prefix is cut short";
    CouponMissingThirdPurchaseRequirementVli =>
        "COUPON_MISSING_3RD_PURCHASE_REQUIREMENT_VLI", BadLength,
        "coupon: third purchase requirement length digit is missing";
    CouponInvalidThirdPurchaseRequirementLength =>
        "COUPON_INVALID_3RD_PURCHASE_REQUIREMENT_LENGTH", BadValue,
        "coupon: third purchase requirement length digit must be 1 to 5";
    CouponTruncatedThirdPurchaseRequirement => "COUPON_TRUNCATED_3RD_PURCHASE_REQUIREMENT",
        BadLength, "coupon: third purchase requirement is cut short";
    CouponMissingThirdPurchaseRequirementCode =>
        "COUPON_MISSING_3RD_PURCHASE_REQUIREMENT_CODE", BadLength,
        "coupon: third purchase requirement code is missing";
    CouponInvalidThirdPurchaseRequirementCode =>
        "COUPON_INVALID_3RD_PURCHASE_REQUIREMENT_CODE", BadValue,
        "coupon: third purchase requirement code must be 0 to 4 or 9";
    CouponTruncatedThirdPurchaseFamilyCode => "COUPON_TRUNCATED_3RD_PURCHASE_FAMILY_CODE",
        BadLength, "coupon: third purchase family code is shorter than 3 digits";
    CouponMissingThirdPurchaseGcpVli => "COUPON_MISSING_3RD_PURCHASE_GCP_VLI", BadValue,
        "coupon: third purchase company prefix length digit is missing";
    CouponInvalidThirdPurchaseGcpLength => "COUPON_INVALID_3RD_PURCHASE_GCP_LENGTH", BadValue,
        "coupon: third purchase company prefix length digit must be 0 to 6 or 9";
    CouponTruncatedThirdPurchaseGcp => "COUPON_TRUNCATED_3RD_PURCHASE_GCP", BadValue,
        "coupon: third purchase company prefix is cut short";
    CouponTooShortForExpirationDate => "COUPON_TOO_SHORT_FOR_EXPIRATION_DATE", BadValue,
        "coupon: expiration date is shorter than 6 digits";
    CouponInvalidExpirationDate => "COUPON_INVALID_EXIPIRATION_DATE", BadValue,
        "coupon: expiration date is not a real date";
    CouponTooShortForStartDate => "COUPON_TOO_SHORT_FOR_START_DATE", BadValue,
        "coupon: start date is shorter than 6 digits";
    CouponInvalidStartDate => "COUPON_INVALID_START_DATE", BadValue,
        "coupon: start date is not a real date";
    CouponExpirationBeforeStart => "COUPON_EXPIRATION_BEFORE_START", BadValue,
        "coupon: expiration date is before the start date";
    CouponMissingRetailerGcpOrGlnVli => "COUPON_MISSING_RETAILER_GCP_OR_GLN_VLI", BadValue,
        "coupon: retailer company prefix/GLN length digit is missing";
    CouponInvalidRetailerGcpOrGlnLength => "COUPON_INVALID_RETAILER_GCP_OR_GLN_LENGTH",
        BadValue, "coupon: retailer company prefix/GLN length digit must be 1 to 7";
    CouponTruncatedRetailerGcpOrGln => "COUPON_TRUNCATED_RETAILER_GCP_OR_GLN", BadValue,
        "coupon: retailer company prefix/GLN is cut short";
    CouponMissingSaveValueCode => "COUPON_MISSING_SAVE_VALUE_CODE", BadValue,
        "coupon: save value code is missing";
    CouponInvalidSaveValueCode => "COUPON_INVALID_SAVE_VALUE_CODE", BadValue,
        "coupon: save value code must be 0, 1, 2, 5 or 6";
    CouponMissingSaveValueAppliesToItem => "COUPON_MISSING_SAVE_VALUE_APPLIES_TO_ITEM",
        BadLength, "coupon: 'save value applies to item' is missing";
    CouponInvalidSaveValueAppliesToItem => "COUPON_INVALID_SAVE_VALUE_APPLIES_TO_ITEM",
        BadValue, "coupon: 'save value applies to item' must be 0 to 2";
    CouponMissingStoreCouponFlag => "COUPON_MISSING_STORE_COUPON_FLAG", BadValue,
        "coupon: store coupon flag is missing";
    CouponMissingDontMultiplyFlag => "COUPON_MISSING_DONT_MULTIPLY_FLAG", BadValue,
        "coupon: 'do not multiply' flag is missing";
    CouponInvalidDontMultiplyFlag => "COUPON_INVALID_DONT_MULTIPLY_FLAG", BadValue,
        "coupon: 'do not multiply' flag must be 0 or 1";
    CouponExcessData => "COUPON_EXCESS_DATA", BadValue,
        "coupon: unexpected data after the last recognised field";
}
