//! Test support: each command's Rust signature read from its source and written as the window
//! types it (argument names in camelCase, Rust types as their ts-rs TypeScript), compared with
//! the entry in ui/src/lib/host/commands.ts. Text-level on purpose: the commands are plain
//! `fn name(arg: Type, ...) -> Result<T, AppError>` items, and a parser dependency for one test
//! would cost more than it checks.

use super::COMMAND_PATHS;

/// Arguments Tauri fills in itself: the window never passes them.
const INJECTED: &[&str] =
    &["State<", "AppHandle", "tauri::AppHandle", "Window", "WebviewWindow", "tauri::ipc::Request"];

fn module_source(module: &str) -> &'static str {
    match module {
        "workflow" => include_str!("commands/workflow.rs"),
        "files" => include_str!("commands/files.rs"),
        "models" => include_str!("commands/models.rs"),
        "inputs" => include_str!("commands/inputs.rs"),
        "library" => include_str!("commands/library.rs"),
        "settings" => include_str!("commands/settings.rs"),
        "favourites" => include_str!("commands/favourites.rs"),
        "history" => include_str!("commands/history.rs"),
        "queue" => include_str!("commands/queue.rs"),
        "sweep" => include_str!("commands/sweep.rs"),
        other => panic!("commands/list.rs names a module `{other}` this test does not read: add it here"),
    }
}

/// Splits on `sep` outside `<>`, `()`, `[]` and `{}`.
fn split_top(text: &str, sep: char) -> Vec<String> {
    let (mut depth, mut part, mut parts) = (0i32, String::new(), Vec::new());
    for c in text.chars() {
        match c {
            '<' | '(' | '[' | '{' => depth += 1,
            '>' | ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        if c == sep && depth == 0 {
            parts.push(std::mem::take(&mut part));
        } else {
            part.push(c);
        }
    }
    parts.push(part);
    parts.into_iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A Rust type as ts-rs writes it.
fn ts_type(rust: &str) -> String {
    let rust = rust.trim();
    let generic =
        |outer: &str| rust.strip_prefix(outer).and_then(|r| r.strip_prefix('<')).and_then(|r| r.strip_suffix('>'));
    if let Some(inner) = generic("Vec") {
        return format!("{}[]", ts_type(inner));
    }
    if let Some(inner) = generic("Option") {
        return format!("{} | null", ts_type(inner));
    }
    if let Some(inner) = generic("Channel").or_else(|| generic("tauri::ipc::Channel")) {
        return format!("Channel<{}>", ts_type(inner));
    }
    if let Some(inner) = generic("Result") {
        return ts_type(&split_top(inner, ',')[0]);
    }
    match rust {
        "String" | "&str" => "string".into(),
        "bool" => "boolean".into(),
        "f64" | "f32" | "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" => "number".into(),
        "()" | "" => "void".into(),
        path => path.rsplit("::").next().unwrap_or(path).to_string(),
    }
}

/// (arguments as `name: type` the window passes, result type) of command `name`.
pub fn rust_signature(module: &str, name: &str) -> (Args, String) {
    let source = module_source(module);
    let start = [format!("pub fn {name}("), format!("pub async fn {name}(")]
        .iter()
        .find_map(|head| source.find(head.as_str()).map(|at| at + head.len()))
        .unwrap_or_else(|| panic!("commands/{module}.rs has no `pub fn {name}(`"));
    let rest = &source[start..];
    let mut depth = 1;
    let close = rest
        .char_indices()
        .find(|&(_, c)| {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            depth == 0
        })
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("the parameters of {name} do not close"));
    let params = split_top(&rest[..close], ',')
        .into_iter()
        .filter_map(|param| {
            let (arg, ty) = param.split_once(':')?;
            let ty = ty.trim();
            (!INJECTED.iter().any(|i| ty.starts_with(i))).then(|| (camel(arg.trim()), ts_type(ty)))
        })
        .collect();
    let after = &rest[close + 1..];
    let head = after.split('{').next().unwrap_or("");
    let result = head.trim().strip_prefix("->").map(ts_type).unwrap_or_else(|| "void".into());
    (params, result)
}

/// Named arguments as (name, type).
type Args = Vec<(String, String)>;

/// (name, arguments as written or `None` for `undefined` or a raw `Uint8Array` body, result) of
/// each entry of the window's `Commands` map.
pub fn ts_entries(source: &str) -> Vec<(String, Option<Args>, String)> {
    let body = source
        .split_once("export type Commands = {")
        .and_then(|(_, rest)| rest.split_once("\n};"))
        .map(|(body, _)| body)
        .expect("commands.ts declares `export type Commands = { … };`");
    let flat: String = body.lines().map(str::trim).filter(|l| !l.starts_with("//")).collect::<Vec<_>>().join(" ");
    split_top(&flat, ';')
        .into_iter()
        .filter_map(|entry| {
            let (name, spec) = entry.split_once(':')?;
            let spec = spec.trim().strip_prefix('{')?.strip_suffix('}')?;
            let fields = split_top(spec, ';');
            let field = |key: &str| {
                fields.iter().find_map(|f| f.strip_prefix(key).and_then(|r| r.trim_start().strip_prefix(':')))
            };
            let args = field("args")?.trim();
            let result = field("result")?.trim().to_string();
            let args = args.strip_prefix('{').and_then(|a| a.strip_suffix('}')).map(|inner| {
                split_top(inner, ';')
                    .into_iter()
                    .filter_map(|a| a.split_once(':').map(|(n, t)| (n.trim().to_string(), t.trim().to_string())))
                    .collect()
            });
            Some((name.trim().to_string(), args, result))
        })
        .collect()
}

/// Whether a TypeScript argument type the window passes fits the Rust parameter: the same type,
/// or for an `Option` parameter also the type without `| null` (an optional argument).
fn arg_fits(ts: &str, rust: &str, ts_name: &str) -> bool {
    let ts = ts.replace(' ', "");
    let rust = rust.replace(' ', "");
    ts == rust
        || rust.strip_suffix("|null").is_some_and(|inner| ts == inner && !ts_name.ends_with('?'))
        || (ts_name.ends_with('?') && rust.ends_with("|null"))
}

/// Every disagreement between commands.ts and the Rust signatures, one line each.
pub fn disagreements(source: &str) -> Vec<String> {
    let entries = ts_entries(source);
    let mut out = Vec::new();
    for (module, name) in COMMAND_PATHS {
        let Some((_, args, result)) = entries.iter().find(|(n, ..)| n == name) else { continue };
        let (params, rust_result) = rust_signature(module, name);
        if result.replace(' ', "") != rust_result.replace(' ', "") {
            out.push(format!("{name}: result is `{result}` in commands.ts, `{rust_result}` in Rust"));
        }
        let Some(args) = args else {
            if !params.is_empty() {
                out.push(format!("{name}: commands.ts passes no named arguments, Rust takes {params:?}"));
            }
            continue;
        };
        for (rust_name, rust_ty) in &params {
            let found = args.iter().find(|(n, _)| n.trim_end_matches('?') == rust_name);
            match found {
                Some((n, ts)) if arg_fits(ts, rust_ty, n) => {}
                Some((_, ts)) => {
                    out.push(format!("{name}: argument {rust_name} is `{ts}` in commands.ts, `{rust_ty}` in Rust"))
                }
                None if rust_ty.ends_with("| null") => {}
                None => out.push(format!("{name}: commands.ts lacks argument {rust_name}: {rust_ty}")),
            }
        }
        for (n, _) in args {
            if !params.iter().any(|(p, _)| p == n.trim_end_matches('?')) {
                out.push(format!("{name}: commands.ts passes {n}, which the Rust function does not take"));
            }
        }
    }
    out
}

#[test]
fn the_window_s_argument_and_result_types_match_the_rust_signatures() {
    let found = disagreements(include_str!("../../ui/src/lib/host/commands.ts"));
    assert!(
        found.is_empty(),
        "ui/src/lib/host/commands.ts disagrees with src-tauri/src/commands:\n{}",
        found.join("\n")
    );
}

#[test]
fn a_wrong_argument_type_or_name_is_reported() {
    let real = include_str!("../../ui/src/lib/host/commands.ts");
    let wrong_type = real.replace("cancel_run: { args: { runId: string }", "cancel_run: { args: { runId: number }");
    assert_ne!(wrong_type, real, "the test's edit must apply");
    assert!(disagreements(&wrong_type).iter().any(|d| d.contains("cancel_run: argument runId")));
    let wrong_name = real.replace("cancel_run: { args: { runId: string }", "cancel_run: { args: { run_id: string }");
    assert!(disagreements(&wrong_name).iter().any(|d| d.contains("cancel_run: commands.ts lacks argument runId")));
    let wrong_result = real.replace(
        "cancel_run: { args: { runId: string }; result: boolean }",
        "cancel_run: { args: { runId: string }; result: string }",
    );
    assert_ne!(wrong_result, real);
    assert!(disagreements(&wrong_result).iter().any(|d| d.contains("cancel_run: result")));
}
