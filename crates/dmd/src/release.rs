//! Finding the eight files of one weekly release in a directory.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::FileKind;

/// The files of one dm+d weekly release, found by their NHSBSA names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The release date from the file names, ISO `YYYY-MM-DD` (`…_3260821.xml` → `2021-08-26`).
    pub release: String,
    /// The same date.
    pub date: Date,
    /// The paths, in [`FileKind::ALL`] order.
    files: [PathBuf; 8],
}

/// Why [`Release::find`] found no release.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    /// A directory could not be listed.
    #[error("{}: cannot list: {source}", dir.display())]
    Io {
        /// The directory.
        dir: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No file of this kind.
    #[error("no f_{kind}… file in {}", dir.display())]
    Missing {
        /// The kind.
        kind: FileKind,
        /// The directory searched.
        dir: PathBuf,
    },
    /// Two files of the same kind.
    #[error("two f_{kind}… files: {} and {}", first.display(), second.display())]
    Duplicate {
        /// The kind.
        kind: FileKind,
        /// One file.
        first: PathBuf,
        /// The other.
        second: PathBuf,
    },
    /// The six release-date digits of a name are not a day.
    #[error("{}: release date {ddmmyy:?} is not a day", file.display())]
    BadDate {
        /// The file.
        file: PathBuf,
        /// The six digits.
        ddmmyy: String,
    },
    /// The files are of different releases.
    #[error("{} is of release {found}, {} of {expected}", file.display(), first.display())]
    Mismatch {
        /// The file that disagrees.
        file: PathBuf,
        /// Its release date.
        found: String,
        /// The file it disagrees with.
        first: PathBuf,
        /// That file's release date.
        expected: String,
    },
}

impl Release {
    /// Splits an NHSBSA file name `f_<type><major>_<minor><ddmmyy>.xml` into the
    /// type word and the six date digits (the pattern `^f_([a-z]+)\d_\d(\d{6})\.xml$`).
    ///
    /// ```
    /// use bedside_dmd::Release;
    /// assert_eq!(Release::parse_file_name("f_vmp2_3260821.xml"), Some(("vmp", "260821")));
    /// assert_eq!(Release::parse_file_name("f_gtin2_0260821.xml"), Some(("gtin", "260821")));
    /// assert_eq!(Release::parse_file_name("vmp_v2_3.xsd"), None);
    /// ```
    #[must_use]
    pub fn parse_file_name(name: &str) -> Option<(&str, &str)> {
        let rest = name.strip_prefix("f_")?.strip_suffix(".xml")?;
        let word_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
        if word_len == 0 {
            return None;
        }
        let (word, tail) = rest.split_at(word_len);
        let t = tail.as_bytes();
        if t.len() != 9 || !t[0].is_ascii_digit() || t[1] != b'_' {
            return None;
        }
        if !t[2..].iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some((word, &tail[3..]))
    }

    /// Finds the eight files in `dir`, or in its sub-directories one level
    /// down (the GTIN zip unpacked into a folder). Other files (`f_bnf…`,
    /// schemas, bonus files) are ignored.
    ///
    /// ```
    /// use bedside_dmd::{FileKind, Release};
    /// let r = Release::find(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/data/dmd")))?;
    /// assert_eq!(r.release, "2026-12-01");
    /// assert!(r.path(FileKind::Gtin).ends_with("f_gtin2_0011226.xml"));
    /// # Ok::<(), bedside_dmd::ReleaseError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ReleaseError`] naming a missing or duplicated kind, a release date
    /// that is no day, files of different releases, or a directory that
    /// cannot be listed.
    pub fn find(dir: &Path) -> Result<Release, ReleaseError> {
        let mut found: [Option<(PathBuf, Date)>; 8] = Default::default();
        let mut dirs = vec![(dir.to_path_buf(), true)];
        while let Some((d, descend)) = dirs.pop() {
            let mut entries = Vec::new();
            let list = std::fs::read_dir(&d).map_err(|source| ReleaseError::Io {
                dir: d.clone(),
                source,
            })?;
            for entry in list {
                let entry = entry.map_err(|source| ReleaseError::Io {
                    dir: d.clone(),
                    source,
                })?;
                entries.push(entry.path());
            }
            entries.sort();
            for path in entries {
                if path.is_dir() {
                    if descend {
                        dirs.push((path, false));
                    }
                    continue;
                }
                let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned)
                else {
                    continue;
                };
                let Some((word, ddmmyy)) = Release::parse_file_name(&name) else {
                    continue;
                };
                let Some(kind) = FileKind::from_file_word(word) else {
                    continue;
                };
                let Some(date) = ddmmyy_date(ddmmyy) else {
                    return Err(ReleaseError::BadDate {
                        file: path,
                        ddmmyy: ddmmyy.to_owned(),
                    });
                };
                let slot = &mut found[kind_index(kind)];
                if let Some((first, _)) = slot {
                    return Err(ReleaseError::Duplicate {
                        kind,
                        first: first.clone(),
                        second: path,
                    });
                }
                *slot = Some((path, date));
            }
        }
        let mut files: [PathBuf; 8] = Default::default();
        let mut release: Option<(PathBuf, Date)> = None;
        for (i, kind) in FileKind::ALL.into_iter().enumerate() {
            let Some((path, date)) = found[i].take() else {
                return Err(ReleaseError::Missing {
                    kind,
                    dir: dir.to_path_buf(),
                });
            };
            match &release {
                Some((first, d)) if *d != date => {
                    return Err(ReleaseError::Mismatch {
                        file: path,
                        found: date.to_string(),
                        first: first.clone(),
                        expected: d.to_string(),
                    });
                }
                Some(_) => {}
                None => release = Some((path.clone(), date)),
            }
            files[i] = path;
        }
        let date = release.map_or(Date::MIN, |(_, d)| d);
        Ok(Release {
            release: date.to_string(),
            date,
            files,
        })
    }

    /// The path of the file of `kind`.
    #[must_use]
    pub fn path(&self, kind: FileKind) -> &Path {
        &self.files[kind_index(kind)]
    }

    /// The eight files in load order ([`FileKind::ALL`]).
    pub fn files(&self) -> impl Iterator<Item = (FileKind, &Path)> {
        FileKind::ALL
            .into_iter()
            .zip(self.files.iter().map(PathBuf::as_path))
    }
}

fn kind_index(kind: FileKind) -> usize {
    FileKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// `ddMMyy` → the day in 2000–2099.
fn ddmmyy_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let two = |i: usize| -> Option<i8> {
        let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
        (x.is_ascii_digit() && y.is_ascii_digit()).then(|| ((x - b'0') * 10 + (y - b'0')) as i8)
    };
    if b.len() != 6 {
        return None;
    }
    let (day, month, year) = (two(0)?, two(2)?, two(4)?);
    Date::new(2000 + i16::from(year), month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            Release::parse_file_name("f_lookup2_3260821.xml"),
            Some(("lookup", "260821"))
        );
        assert_eq!(
            Release::parse_file_name("f_bnf1_0260821.xml"),
            Some(("bnf", "260821"))
        );
        assert_eq!(Release::parse_file_name("f_vmp2_326082.xml"), None);
        assert_eq!(Release::parse_file_name("f_vmp_3260821.xml"), None);
        assert_eq!(Release::parse_file_name("f_VMP2_3260821.xml"), None);
        assert_eq!(Release::parse_file_name("f_vmp2_3260821.xml.zip"), None);
        assert_eq!(ddmmyy_date("260821"), Date::new(2021, 8, 26).ok());
        assert_eq!(ddmmyy_date("011226"), Date::new(2026, 12, 1).ok());
        assert_eq!(ddmmyy_date("310221"), None);
    }
}
