//! What `lockstep rules` prints: the rule list, and the outcome of the
//! declarative rules' self-tests (`lockstep rules --test`).

use crate::diagnostic::RuleId;

/// One rule as listed: its level in this configuration (`None`: off).
#[derive(Debug, Clone)]
pub struct RuleRow {
    pub rule: RuleId,
    pub level: Option<crate::diagnostic::Severity>,
}

/// The rules a configuration knows, in order.
#[derive(Debug, Clone, Default)]
pub struct RuleList {
    pub rows: Vec<RuleRow>,
}

/// One declarative rule's self-test.
#[derive(Debug, Clone)]
pub struct RuleTest {
    pub name: String,
    /// Its pack, or the rule file it comes from.
    pub pack: String,
    /// Fail and pass examples.
    pub examples: usize,
    /// What went wrong, one line each (empty: passed).
    pub problems: Vec<String>,
}

/// Every declarative rule's self-test.
#[derive(Debug, Clone, Default)]
pub struct RuleTests {
    pub rules: Vec<RuleTest>,
}

impl RuleTests {
    pub fn failed(&self) -> usize {
        self.rules.iter().filter(|r| !r.problems.is_empty()).count()
    }

    pub fn examples(&self) -> usize {
        self.rules.iter().map(|r| r.examples).sum()
    }
}
