//! Checks of one literal input value, worded as the server words them: Python's `int()` and
//! `float()` coercion (`invalid_input_type`), min/max (`value_smaller_than_min`,
//! `value_bigger_than_max`), combo membership (`value_not_in_list`, the list hidden above 20
//! options) and LoadImage's own check that the named file was uploaded
//! (`custom_validation_failed`). BOOLEAN and STRING values are taken as the server's `bool()` and
//! `str()` take anything; multiselect combos and other nodes' `VALIDATE_INPUTS` are left out.

use easel_workflow::{InputSpec, InputType};
use serde_json::{json, Value};

use super::upload::image_for_value;
use super::validate::input_error;
use super::Comfy;

/// Python's text of a number, as the server's messages print it (`7`, `0.5`, `1.0`).
fn py_number(value: &Value) -> String {
    match value.as_f64() {
        Some(f) if value.is_f64() && f.fract() == 0.0 && f.abs() < 1e16 => format!("{f:.1}"),
        _ => value.to_string().trim_matches('"').to_string(),
    }
}

/// Python's `str()` of a JSON value, for messages.
fn py_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        other => py_number(other),
    }
}

/// The error of literal `value` for input `spec`, if any.
pub fn value_error(comfy: &Comfy, spec: &InputSpec, name: &str, value: &Value, config: &Value) -> Option<Value> {
    let value = value.get("__value__").unwrap_or(value);
    if spec.image_upload && name == "image" {
        // LoadImage's own VALIDATE_INPUTS replaces the list check: the file must exist.
        let exists = value.as_str().is_some_and(|v| image_for_value(comfy, v).is_some());
        let details = format!("image - Invalid image file: {}", py_text(value));
        return (!exists).then(|| {
            input_error(
                "custom_validation_failed",
                "Custom validation failed for node",
                &details,
                json!({"input_name": name}),
            )
        });
    }
    let coerced = match &spec.kind {
        InputType::Int | InputType::Float => {
            let int = spec.kind == InputType::Int;
            match coerce(value, if int { "INT" } else { "FLOAT" }, name, config, int) {
                Ok(v) => v,
                Err(error) => return Some(error),
            }
        }
        InputType::Boolean | InputType::String | InputType::Link(_) => return None,
        InputType::Combo => {
            let options = config.get(0).and_then(Value::as_array).cloned().unwrap_or_default();
            if options.iter().any(|o| o == value) {
                return None;
            }
            let texts: Vec<String> = options.iter().map(|o| format!("'{}'", py_text(o))).collect();
            let (list_info, shown) = if options.len() > 20 {
                (format!("(list of length {})", options.len()), Value::Null)
            } else {
                (format!("[{}]", texts.join(", ")), config.clone())
            };
            let details = format!("{name}: '{}' not in {list_info}", py_text(value));
            return Some(input_error(
                "value_not_in_list",
                "Value not in list",
                &details,
                json!({"input_name": name, "input_config": shown, "received_value": value}),
            ));
        }
    };
    let n = coerced.as_f64()?;
    let extra = json!({"input_name": name, "input_config": config, "received_value": coerced});
    if spec.min.is_some_and(|m| n < m) {
        let message = format!("Value {} smaller than min of {}", py_number(&coerced), py_number(&config[1]["min"]));
        return Some(input_error("value_smaller_than_min", &message, name, extra));
    }
    if spec.max.is_some_and(|m| n > m) {
        let message = format!("Value {} bigger than max of {}", py_number(&coerced), py_number(&config[1]["max"]));
        return Some(input_error("value_bigger_than_max", &message, name, extra));
    }
    None
}

/// Python's `int()` / `float()` of a value: `Err` is the `invalid_input_type` error.
fn coerce(value: &Value, kind: &str, name: &str, config: &Value, int: bool) -> Result<Value, Value> {
    let parsed: Result<Value, String> = match value {
        Value::Number(n) if int => {
            Ok(n.as_i64().map(Value::from).unwrap_or_else(|| Value::from(n.as_f64().unwrap_or(0.0).trunc() as i64)))
        }
        Value::Number(n) => Ok(Value::from(n.as_f64().unwrap_or(0.0))),
        Value::Bool(b) if int => Ok(Value::from(i64::from(*b))),
        Value::Bool(b) => Ok(Value::from(if *b { 1.0 } else { 0.0 })),
        Value::String(s) if int => s
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("invalid literal for int() with base 10: '{s}'")),
        Value::String(s) => {
            s.trim().parse::<f64>().map(Value::from).map_err(|_| format!("could not convert string to float: '{s}'"))
        }
        other => Err(format!(
            "{}() argument must be a string or a real number, not '{}'",
            if int { "int" } else { "float" },
            py_type(other)
        )),
    };
    parsed.map_err(|exception| {
        let message = format!("Failed to convert an input value to a {kind} value");
        let details = format!("{name}, {}, {exception}", py_text(value));
        let extra =
            json!({"input_name": name, "input_config": config, "received_value": value, "exception_message": exception});
        input_error("invalid_input_type", &message, &details, extra)
    })
}

fn py_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Object(_) => "dict",
        Value::Array(_) => "list",
        _ => "str",
    }
}
