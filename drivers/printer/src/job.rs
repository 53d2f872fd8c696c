//! Print jobs that are checked before and after: nothing is reported printed that was not.
//!
//! 1. `~HS` before: a printer that reports a problem (out of wristbands, head open,
//!    paused, …) gets nothing, and the answer says why. A printer that does not answer is
//!    treated as a possible fault — it may be in an error state where it stays silent.
//! 2. The job is sent.
//! 3. `~HS` again until the printer reports its buffer empty, no batch in progress and no
//!    problem. Only then is the job [`Printed`]. A problem that appears meanwhile, a lost
//!    connection or no confirmation in time is an error that says the band may or may not
//!    have printed, so the person checks the printer and sends it again
//!    ([`JobError::may_have_printed`]).
//!
//! What the confirmation proves is what the printer reports: it received the job, its
//! buffer emptied and it saw no fault. Whether the band is legible is for the person who
//! takes it off the printer (and for a scan of it).

use std::time::{Duration, Instant};

use thiserror::Error;

use crate::status::{
    ErrorStatus, HostStatus, Problem, StatusError, parse_error_status, parse_host_status,
};
use crate::transport::{Link, TransportError, query};

/// Time limits.
///
/// ```
/// let o = bedside_printer::job::JobOptions::default();
/// assert!(o.finish_timeout > o.reply_timeout);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobOptions {
    /// How long to wait for each status reply.
    pub reply_timeout: Duration,
    /// How long the printer has to finish the job.
    pub finish_timeout: Duration,
    /// Pause between status polls while it prints.
    pub poll: Duration,
}

impl Default for JobOptions {
    fn default() -> Self {
        JobOptions {
            reply_timeout: Duration::from_secs(3),
            finish_timeout: Duration::from_secs(30),
            poll: Duration::from_millis(250),
        }
    }
}

/// Why a job was not confirmed printed.
///
/// ```
/// use bedside_printer::job::JobError;
/// use bedside_printer::status::Problem;
/// let e = JobError::NotReady { printer: "tcp://p:9100".into(), problems: vec![Problem::PaperOut] };
/// assert!(!e.may_have_printed());
/// assert_eq!(e.to_string(), "tcp://p:9100 is not ready: out of wristbands (media out); nothing was sent");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum JobError {
    /// The printer reported problems before the job; nothing was sent.
    #[error("{printer} is not ready: {}; nothing was sent", join(problems))]
    NotReady {
        /// The printer.
        printer: String,
        /// What is wrong.
        problems: Vec<Problem>,
    },
    /// The printer's status reply could not be read; nothing was sent.
    #[error("{printer}: unreadable status reply ({source}); nothing was sent")]
    StatusBefore {
        /// The printer.
        printer: String,
        /// The parse fault.
        source: StatusError,
    },
    /// The printer could not be reached or did not answer before the job; nothing was sent.
    #[error("{source}; nothing was sent")]
    Unreachable {
        /// The transport fault.
        source: TransportError,
    },
    /// Sending the job failed part way.
    #[error("{source}; the band may be partly printed: check the printer, then send it again")]
    Send {
        /// The transport fault.
        source: TransportError,
    },
    /// The printer reported a problem after the job arrived.
    #[error(
        "{printer} reported {} while printing: the band may not have printed; fix it, check the printer, then send it again",
        join(problems)
    )]
    FailedDuring {
        /// The printer.
        printer: String,
        /// What is wrong.
        problems: Vec<Problem>,
    },
    /// The job was sent but the printer never confirmed it finished.
    #[error(
        "{printer}: the job was sent but not confirmed printed ({reason}); check the printer before sending it again"
    )]
    Unconfirmed {
        /// The printer.
        printer: String,
        /// Why.
        reason: String,
    },
}

fn join(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl JobError {
    /// Whether any of the job may have reached the printer (so a band may exist).
    ///
    /// ```
    /// use bedside_printer::job::JobError;
    /// assert!(JobError::Unconfirmed { printer: "p".into(), reason: "timeout".into() }.may_have_printed());
    /// ```
    #[must_use]
    pub fn may_have_printed(&self) -> bool {
        matches!(
            self,
            JobError::Send { .. } | JobError::FailedDuring { .. } | JobError::Unconfirmed { .. }
        )
    }
}

/// A confirmed job.
///
/// ```
/// # fn f(p: bedside_printer::job::Printed) {
/// assert!(p.after.is_idle());
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    /// The printer.
    pub printer: String,
    /// Status before sending.
    pub before: HostStatus,
    /// The status that confirmed it.
    pub after: HostStatus,
    /// Bytes sent.
    pub bytes: usize,
    /// From sending to confirmation.
    pub elapsed: Duration,
}

/// What a printer says about itself.
///
/// ```
/// # fn f(s: bedside_printer::job::PrinterStatus) {
/// let ready = s.problems().is_empty();
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterStatus {
    /// `~HS`.
    pub host: HostStatus,
    /// `~HQES`, when the printer answers it (older firmware does not).
    pub errors: Option<ErrorStatus>,
}

impl PrinterStatus {
    /// Every problem from both replies, without repeats.
    ///
    /// ```
    /// # fn f(s: bedside_printer::job::PrinterStatus) {
    /// for p in s.problems() { println!("{p}"); }
    /// # }
    /// ```
    #[must_use]
    pub fn problems(&self) -> Vec<Problem> {
        let mut p = self.host.problems();
        if let Some(e) = &self.errors {
            for x in e.problems() {
                if !p.contains(&x) {
                    p.push(x);
                }
            }
        }
        p
    }
}

fn host_status(
    link: &mut dyn Link,
    timeout: Duration,
) -> Result<Result<HostStatus, StatusError>, TransportError> {
    let reply = query(link, b"~HS", 3, timeout)?;
    Ok(parse_host_status(&reply))
}

/// Asks the printer for `~HS` and (when it answers) `~HQES`.
///
/// ```no_run
/// let mut link = bedside_printer::transport::open(&"tcp://127.0.0.1:9100".parse()?, std::time::Duration::from_secs(3))?;
/// let s = bedside_printer::job::status(link.as_mut(), std::time::Duration::from_secs(3))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn status(link: &mut dyn Link, timeout: Duration) -> Result<PrinterStatus, JobError> {
    let host = host_status(link, timeout)
        .map_err(|source| JobError::Unreachable { source })?
        .map_err(|source| JobError::StatusBefore {
            printer: link.name(),
            source,
        })?;
    let errors = match query(link, b"~HQES", 1, timeout) {
        Ok(reply) => parse_error_status(&reply).ok(),
        Err(TransportError::NoReply { .. } | TransportError::Incomplete { .. }) => None,
        Err(source) => return Err(JobError::Unreachable { source }),
    };
    Ok(PrinterStatus { host, errors })
}

/// Prints `job` (a complete ZPL label) on the printer behind `link`, checking before and
/// after. The same bytes can be sent again after an error.
///
/// ```no_run
/// let mut link = bedside_printer::transport::open(&"tcp://127.0.0.1:9100".parse()?, std::time::Duration::from_secs(3))?;
/// let done = bedside_printer::job::print(link.as_mut(), b"^XA^FDx^FS^XZ", &Default::default())?;
/// println!("printed in {:?}", done.elapsed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn print(link: &mut dyn Link, job: &[u8], opts: &JobOptions) -> Result<Printed, JobError> {
    let printer = link.name();
    let before = host_status(link, opts.reply_timeout)
        .map_err(|source| JobError::Unreachable { source })?
        .map_err(|source| JobError::StatusBefore {
            printer: printer.clone(),
            source,
        })?;
    let problems = before.problems();
    if !problems.is_empty() {
        return Err(JobError::NotReady { printer, problems });
    }
    let sent_at = Instant::now();
    link.send(job).map_err(|source| JobError::Send { source })?;
    let deadline = sent_at + opts.finish_timeout;
    loop {
        let after = match host_status(link, opts.reply_timeout) {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                return Err(JobError::Unconfirmed {
                    printer,
                    reason: format!("unreadable status reply: {e}"),
                });
            }
            Err(e) => {
                return Err(JobError::Unconfirmed {
                    printer,
                    reason: e.to_string(),
                });
            }
        };
        let problems = after.problems();
        if !problems.is_empty() {
            return Err(JobError::FailedDuring { printer, problems });
        }
        if after.is_idle() {
            return Ok(Printed {
                printer,
                before,
                after,
                bytes: job.len(),
                elapsed: sent_at.elapsed(),
            });
        }
        if Instant::now() + opts.poll > deadline {
            return Err(JobError::Unconfirmed {
                printer,
                reason: format!(
                    "still busy after {} s ({} format(s) in its buffer)",
                    opts.finish_timeout.as_secs(),
                    after.formats_in_buffer
                ),
            });
        }
        std::thread::sleep(opts.poll);
    }
}
