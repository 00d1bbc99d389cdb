//! The command names of the one list (`commands/list.rs`), for the tests that keep the other
//! places in step with it: the capability that grants each command, and the window's typed
//! `Commands` map, whose argument names and types and result type are compared with each Rust
//! function's signature (`signature`). The handler and the permission manifest are produced from
//! the list itself.

/// Every command, as the window calls it.
pub const COMMAND_NAMES: &[&str] = {
    macro_rules! commands {
        ($($module:ident :: $name:ident),* $(,)?) => {
            &[$(stringify!($name)),*]
        };
    }
    include!("commands/list.rs")
};

/// Every command as (module under `commands/`, name).
#[cfg(test)]
const COMMAND_PATHS: &[(&str, &str)] = {
    macro_rules! commands {
        ($($module:ident :: $name:ident),* $(,)?) => {
            &[$((stringify!($module), stringify!($name))),*]
        };
    }
    include!("commands/list.rs")
};

#[cfg(test)]
#[path = "command_signature.rs"]
mod signature;

#[cfg(test)]
mod tests {
    use super::COMMAND_NAMES;

    /// The permissions of the shipped capability that are not the app's commands.
    const CORE: &[&str] = &["core:event:allow-listen", "core:event:allow-unlisten"];

    fn sorted(mut names: Vec<String>) -> Vec<String> {
        names.sort();
        names
    }

    fn listed() -> Vec<String> {
        sorted(COMMAND_NAMES.iter().map(|n| n.to_string()).collect())
    }

    /// Fails naming the commands only one side has.
    fn agree(found: Vec<String>, place: &str) {
        let listed = listed();
        let extra: Vec<_> = found.iter().filter(|n| !listed.contains(n)).collect();
        let missing: Vec<_> = listed.iter().filter(|n| !found.contains(n)).collect();
        assert!(
            extra.is_empty() && missing.is_empty(),
            "{place} and src-tauri/src/commands/list.rs disagree: only in {place}: {extra:?}; missing from {place}: {missing:?}"
        );
        assert_eq!(found.len(), listed.len(), "{place} names a command twice");
    }

    #[test]
    fn the_capability_grants_exactly_the_listed_commands() {
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).expect("the capability is JSON");
        let granted: Vec<String> = capability["permissions"]
            .as_array()
            .expect("a permissions list")
            .iter()
            .filter_map(|p| p.as_str())
            .filter(|p| !CORE.contains(p))
            .map(|p| p.strip_prefix("allow-").unwrap_or(p).replace('-', "_"))
            .collect();
        agree(sorted(granted), "capabilities/default.json");
    }

    #[test]
    fn the_window_types_exactly_the_listed_commands() {
        let source = include_str!("../../ui/src/lib/host/commands.ts");
        let body = source
            .split_once("export type Commands = {")
            .and_then(|(_, rest)| rest.split_once("\n};"))
            .map(|(body, _)| body)
            .expect("ui/src/lib/host/commands.ts declares `export type Commands = { … };`");
        // Entries sit at two spaces of indent, `name: {`, whether prettier kept them on one line.
        let typed: Vec<String> = body
            .lines()
            .filter_map(|line| line.strip_prefix("  "))
            .filter(|line| !line.starts_with(' '))
            .filter_map(|line| line.split_once(": {").map(|(name, _)| name.to_string()))
            .collect();
        agree(sorted(typed), "ui/src/lib/host/commands.ts");
    }
}
