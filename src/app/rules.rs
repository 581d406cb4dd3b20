//! `lockstep rules`: the rules a configuration knows, one rule's page, and
//! the declarative rules' self-tests (`--test`).

use std::path::Path;

use crate::config::rule_file::{self, RuleSet, packs};
use crate::diagnostic::RuleId;
use crate::report::rules::{RuleList, RuleRow, RuleTest, RuleTests};
use crate::rules::declarative;

use super::{AppError, load_settings};

/// Every rule — built-in, the shipped packs', the project's (from the
/// configuration at `root`) — with its level there.
pub fn list(root: &Path, config: Option<&Path>) -> Result<RuleList, AppError> {
    let settings = load_settings(root, config)?;
    let mut ids: Vec<RuleId> = RuleId::ALL.to_vec();
    for (_, pack) in packs::load()? {
        ids.extend(pack.rules.iter().map(|r| r.id));
    }
    for r in &settings.declared.rules {
        if !ids.contains(&r.id) {
            ids.push(r.id);
        }
    }
    Ok(RuleList {
        rows: ids
            .into_iter()
            .map(|rule| RuleRow {
                rule,
                level: settings.severity(rule),
            })
            .collect(),
    })
}

/// The rule named `name` (shipped packs and the project's rules included).
pub fn find(root: &Path, config: Option<&Path>, name: &str) -> Result<RuleId, AppError> {
    let mut settings = load_settings(root, config)?;
    match settings.rule_named(name)? {
        Some(r) => Ok(r),
        None => Err(AppError::Usage(format!(
            "unknown rule `{name}`{}",
            settings.did_you_mean_rule(name)
        ))),
    }
}

/// Runs the examples of every declarative rule: those of the rule files in
/// `dir`, or (without `dir`) the shipped packs' and the project's.
pub fn test(root: &Path, config: Option<&Path>, dir: Option<&Path>) -> Result<RuleTests, AppError> {
    let set = match dir {
        Some(dir) => rule_file::load_standalone(dir)?,
        None => {
            let settings = load_settings(root, config)?;
            let mut set = RuleSet::default();
            for (_, pack) in packs::load()? {
                set.append(pack.clone());
            }
            set.append(settings.declared);
            set
        }
    };
    Ok(RuleTests {
        rules: set
            .rules
            .iter()
            .map(|rule| RuleTest {
                name: rule.name.clone(),
                pack: rule.pack.clone(),
                examples: rule.examples_fail.len() + rule.examples_pass.len(),
                problems: declarative::test_examples(rule),
            })
            .collect(),
    })
}
