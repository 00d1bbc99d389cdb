//! Any bytes as a workflow file: import (every JSON dialect, editor conversion, A1111 text),
//! then validate, list form fields and write both dialects. Nothing may panic.
#![no_main]

use easel_workflow::Schemas;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let schemas = Schemas::bundled();
    if let Ok(imported) = schemas.import_bytes(data) {
        let _problems = schemas.validate(&imported.workflow);
        let _fields = schemas.form_fields(&imported.workflow);
        let _api = imported.workflow.to_comfy_api();
        let _tams = imported.workflow.to_tams_params();
        let _order = imported.workflow.execution_order();
        let _plans = imported.workflow.image_plans();
    }
    // Also as an object_info document.
    if let Ok(text) = std::str::from_utf8(data) {
        let _schemas = Schemas::from_object_info_str(text);
    }
});
