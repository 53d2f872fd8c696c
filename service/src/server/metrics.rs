//! Prometheus counters. Labels are statuses, reason codes, routes and HTTP codes only —
//! never identifiers, names or scan content.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

/// A set of labelled counters.
#[derive(Debug, Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<(&'static str, String), u64>>,
    gauges: Mutex<BTreeMap<&'static str, i64>>,
}

/// Help text per metric.
const HELP: &[(&str, &str)] = &[
    (
        "bedside_decode_frames_total",
        "Camera frames answered by POST /v1/decode, by outcome (gs1: a valid GS1 symbol read; symbol: only other symbols; none; timed_out: nothing read in the budget; busy: refused, every decoder busy).",
    ),
    (
        "bedside_http_responses_total",
        "HTTP responses by route template and status code.",
    ),
    (
        "bedside_identify_total",
        "Identification decisions by status.",
    ),
    (
        "bedside_identify_reasons_total",
        "Identification refusal reasons by code.",
    ),
    (
        "bedside_administration_checks_total",
        "Administration checks by outcome.",
    ),
    (
        "bedside_administration_check_reasons_total",
        "Administration check problems by code.",
    ),
    (
        "bedside_administrations_recorded_total",
        "Administration records by outcome.",
    ),
    (
        "bedside_auth_failures_total",
        "Failed authentications by reason (missing, malformed, unknown, bad_secret, revoked, expired).",
    ),
    (
        "bedside_outbox_sent_total",
        "Outbox messages accepted by their receiver (AA).",
    ),
    (
        "bedside_outbox_ack_total",
        "Acknowledgements received by the outbox sender, by code (AA, AE, AR, CE, CR).",
    ),
    (
        "bedside_outbox_retries_total",
        "Outbox attempts that got no usable acknowledgement and will be retried.",
    ),
];

/// Help text per gauge.
const GAUGE_HELP: &[(&str, &str)] = &[
    (
        "bedside_outbox_unsent",
        "Outbox messages not yet accepted (pending or held), all instances.",
    ),
    (
        "bedside_outbox_oldest_unsent_age_seconds",
        "Age of the oldest outbox message not yet accepted, seconds (0 when none).",
    ),
];

fn label_value(v: &str) -> String {
    v.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '-' | '.' | '{' | '}'))
        .take(64)
        .collect()
}

impl Metrics {
    /// Adds one to `name{label="value"}`.
    pub fn inc(&self, name: &'static str, label: &str, value: &str) {
        if let Ok(mut c) = self.counters.lock() {
            *c.entry((name, format!("{label}=\"{}\"", label_value(value))))
                .or_insert(0) += 1;
        }
    }

    /// Adds one to an unlabelled counter.
    pub fn inc0(&self, name: &'static str) {
        if let Ok(mut c) = self.counters.lock() {
            *c.entry((name, String::new())).or_insert(0) += 1;
        }
    }

    /// Sets a gauge.
    pub fn set_gauge(&self, name: &'static str, value: i64) {
        if let Ok(mut g) = self.gauges.lock() {
            g.insert(name, value);
        }
    }

    /// Adds one to a two-label series.
    pub fn inc2(&self, name: &'static str, l1: (&str, &str), l2: (&str, &str)) {
        if let Ok(mut c) = self.counters.lock() {
            *c.entry((
                name,
                format!(
                    "{}=\"{}\",{}=\"{}\"",
                    l1.0,
                    label_value(l1.1),
                    l2.0,
                    label_value(l2.1)
                ),
            ))
            .or_insert(0) += 1;
        }
    }

    /// The Prometheus text exposition.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(c) = self.counters.lock() else {
            return out;
        };
        for (name, help) in HELP {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for ((n, labels), v) in c.iter() {
                if n == name && labels.is_empty() {
                    let _ = writeln!(out, "{name} {v}");
                } else if n == name {
                    let _ = writeln!(out, "{name}{{{labels}}} {v}");
                }
            }
        }
        drop(c);
        if let Ok(g) = self.gauges.lock() {
            for (name, help) in GAUGE_HELP {
                if let Some(v) = g.get(name) {
                    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
                }
            }
        }
        out
    }
}
