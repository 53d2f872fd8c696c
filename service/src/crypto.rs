//! SHA-256 helpers, random secrets and API token hashing.

/// Lower-case hex, and hex SHA-256: the audit chain's own (`bedside-ward`), so that
/// tokens, assets and the chain hash alike.
pub use bedside_ward::audit::{hex, sha256_hex};

/// Why random bytes could not be had.
#[derive(Debug, thiserror::Error)]
#[error("no operating-system randomness: {0}")]
pub struct RandomError(String);

/// `n` random bytes from the operating system, as hex.
///
/// # Errors
/// When the OS random source fails.
pub fn random_hex(n: usize) -> Result<String, RandomError> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| RandomError(e.to_string()))?;
    Ok(hex(&buf))
}

/// The stored form of a token secret: hex SHA-256 of `salt ":" secret`.
#[must_use]
pub fn token_hash(salt: &str, secret: &str) -> String {
    sha256_hex(format!("{salt}:{secret}").as_bytes())
}

/// Constant-time equality of two strings of equal length (length is not secret).
#[must_use]
pub fn ct_eq(a: &str, b: &str) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.bytes()
        .zip(b.bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// An API token as presented: `bsd.<id>.<secret>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentedToken<'a> {
    /// Token id (the database key).
    pub id: &'a str,
    /// The secret part.
    pub secret: &'a str,
}

/// Splits a presented token; `None` when it is not of the form `bsd.<id>.<secret>`.
#[must_use]
pub fn split_token(token: &str) -> Option<PresentedToken<'_>> {
    let rest = token.strip_prefix("bsd.")?;
    let (id, secret) = rest.split_once('.')?;
    let ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 128
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    (ok(id) && ok(secret)).then_some(PresentedToken { id, secret })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_known_answer() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn tokens_split_strictly() {
        assert_eq!(
            split_token("bsd.demo-nurse.abc123"),
            Some(PresentedToken {
                id: "demo-nurse",
                secret: "abc123"
            })
        );
        for bad in [
            "",
            "bsd.",
            "bsd.a",
            "bsd..x",
            "x.a.b",
            "bsd.a.b c",
            "bsd.a.'--",
        ] {
            assert_eq!(split_token(bad), None, "{bad}");
        }
        assert!(ct_eq("abc", "abc") && !ct_eq("abc", "abd") && !ct_eq("a", "ab"));
    }
}
