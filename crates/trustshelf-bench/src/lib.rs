//! What the benchmark binary and the criterion benches share.

/// The query mix of the latency figures: (kind, query, category filter).
pub const QUERY_MIX: &[(&str, &str, Option<&str>)] = &[
    ("single term", "encryption", None),
    ("single term", "vulnerability", None),
    ("single term", "retention", None),
    ("phrase", "\"incident response\"", None),
    ("phrase", "\"multi-factor authentication\"", None),
    ("boolean", "access review -physical", None),
    ("boolean", "encryption OR cryptographic key", None),
    ("prefix", "authent*", None),
    ("prefix (as you type)", "continuous monit", None),
    ("control id", "AC-2", None),
    ("control id", "CC6.1", None),
    ("facet-filtered", "audit logging", Some("framework")),
    ("facet-filtered", "personal data", Some("privacy")),
];
