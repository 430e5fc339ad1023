//! Checks an agent's draft against the site's compliance rules before it reaches the customer.

use baton_shared::{ComplianceIssue, ComplianceRules};

pub fn check(_rules: &ComplianceRules, _draft: &str) -> Vec<ComplianceIssue> {
    Vec::new()
}
