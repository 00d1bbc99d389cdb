//! How the webview paints: WebKitGTK composites through OpenGL by default, which on a machine
//! without hardware GL (a VM, a remote desktop, no GPU driver) runs on Mesa's software
//! rasteriser and makes every repaint slow. This decides, before the webview starts, whether to
//! turn WebKit's compositing off, from the person's setting, an explicit environment variable
//! and a probe of the machine's GPU render nodes, and sets the variables that say so
//! (`RenderingChoice::apply`, which the app and the benchmark's empty window both call). Leaves
//! out any GL call: the probe only reads /dev/dri, /sys and the environment, so it
//! cannot tell a working driver from one that falls back to software at context creation.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The environment variable WebKitGTK reads for its non-compositing path.
pub const WEBKIT_NO_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// The environment variable that turns WebKitGTK's DMA-BUF renderer off. That renderer hands
/// composited frames to the UI process; without compositing it is never used, yet it is set up
/// anyway (about 5 MiB of the app's process on this project's VM, BENCHMARKS.md).
pub const WEBKIT_NO_DMABUF: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// The person's choice in Settings → About (applied at the next start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Rendering {
    /// Software path when the machine has no hardware GL, else WebKit's default.
    #[default]
    Auto,
    /// WebKit's GL compositing, whatever the probe finds.
    Accelerated,
    /// The non-compositing path, whatever the probe finds.
    Software,
}

/// Why the path was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum RenderingReason {
    /// `WEBKIT_DISABLE_COMPOSITING_MODE` was set before Easel started; it is obeyed.
    Environment,
    /// The person chose it in Settings.
    Setting,
    /// No GPU render node (`/dev/dri/renderD*`).
    NoRenderNode,
    /// The environment asks Mesa for a software renderer (`LIBGL_ALWAYS_SOFTWARE`,
    /// `GALLIUM_DRIVER`).
    SoftwareRenderer {
        /// The variable and its value.
        variable: String,
    },
    /// Every render node belongs to a driver without 3D hardware (`vgem`, `vkms`).
    VirtualDriver {
        /// The drivers found.
        drivers: Vec<String>,
    },
    /// A render node with a GPU driver.
    HardwareFound {
        /// The drivers found (`i915`, `amdgpu`, …; empty when /sys does not say).
        drivers: Vec<String>,
    },
}

/// The decision, as the log and Settings → About show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RenderingChoice {
    /// What the setting asked for.
    pub setting: Rendering,
    /// Whether WebKit composites through GL (false: the software path).
    pub accelerated: bool,
    /// Why.
    pub reason: RenderingReason,
}

/// What the probe read off the machine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GpuProbe {
    /// Driver of each render node (`None` when /sys does not name it).
    pub render_nodes: Vec<Option<String>>,
    /// A Mesa variable asking for software rendering, as `NAME=value`.
    pub software_env: Option<String>,
    /// `WEBKIT_DISABLE_COMPOSITING_MODE` as set before start, if it was.
    pub webkit_env: Option<String>,
}

/// The most render nodes looked at (a machine has a handful).
const MAX_RENDER_NODES: usize = 64;
/// Drivers whose render node has no 3D hardware behind it.
const VIRTUAL_DRIVERS: [&str; 2] = ["vgem", "vkms"];
/// Mesa drivers that rasterise on the CPU.
const SOFTWARE_GALLIUM: [&str; 3] = ["llvmpipe", "softpipe", "swr"];

impl GpuProbe {
    /// Reads `dev` (normally `/dev/dri`), `sys` (normally `/sys/class/drm`) and the environment.
    pub fn read(dev: &Path, sys: &Path, env: impl Fn(&str) -> Option<String>) -> GpuProbe {
        let mut names: Vec<String> = std::fs::read_dir(dev)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| n.starts_with("renderD"))
            .take(MAX_RENDER_NODES)
            .collect();
        names.sort();
        let render_nodes = names
            .iter()
            .map(|n| {
                let link = std::fs::read_link(sys.join(n).join("device/driver")).ok()?;
                link.file_name()?.to_str().map(str::to_string)
            })
            .collect();
        let software_env = match (env("LIBGL_ALWAYS_SOFTWARE"), env("GALLIUM_DRIVER")) {
            (Some(v), _) if !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false") => {
                Some(format!("LIBGL_ALWAYS_SOFTWARE={v}"))
            }
            (_, Some(v)) if SOFTWARE_GALLIUM.contains(&v.as_str()) => Some(format!("GALLIUM_DRIVER={v}")),
            _ => None,
        };
        GpuProbe { render_nodes, software_env, webkit_env: env(WEBKIT_NO_COMPOSITING) }
    }

    /// This machine, now.
    pub fn this_machine() -> GpuProbe {
        GpuProbe::read(Path::new("/dev/dri"), Path::new("/sys/class/drm"), |k| std::env::var(k).ok())
    }
}

/// Decides the path: an explicit environment variable first (the person set it on purpose),
/// then the setting, then the probe.
pub fn decide(setting: Rendering, probe: &GpuProbe) -> RenderingChoice {
    let choice = |accelerated, reason| RenderingChoice { setting, accelerated, reason };
    if let Some(value) = &probe.webkit_env {
        // WebKit treats any value but "0" as "off".
        return choice(value == "0", RenderingReason::Environment);
    }
    match setting {
        Rendering::Accelerated => return choice(true, RenderingReason::Setting),
        Rendering::Software => return choice(false, RenderingReason::Setting),
        Rendering::Auto => {}
    }
    if probe.render_nodes.is_empty() {
        return choice(false, RenderingReason::NoRenderNode);
    }
    if let Some(variable) = &probe.software_env {
        return choice(false, RenderingReason::SoftwareRenderer { variable: variable.clone() });
    }
    let drivers: Vec<String> = probe.render_nodes.iter().flatten().cloned().collect();
    let all_virtual = probe.render_nodes.iter().all(|d| d.as_deref().is_some_and(|d| VIRTUAL_DRIVERS.contains(&d)));
    if all_virtual {
        return choice(false, RenderingReason::VirtualDriver { drivers });
    }
    choice(true, RenderingReason::HardwareFound { drivers })
}

impl RenderingChoice {
    /// The environment variables WebKitGTK must see for this path.
    pub fn environment(&self) -> &'static [(&'static str, &'static str)] {
        if self.accelerated {
            &[]
        } else {
            &[(WEBKIT_NO_COMPOSITING, "1"), (WEBKIT_NO_DMABUF, "1")]
        }
    }

    /// Sets `environment`'s variables on Linux, each only where the environment has none (a
    /// value the person set wins). Call before any other thread starts and before the webview
    /// exists: setting a variable is only sound while no thread reads the environment, and
    /// WebKit reads these once, when its web context starts.
    pub fn apply(&self) {
        if !cfg!(target_os = "linux") {
            return;
        }
        for (name, value) in self.environment() {
            if std::env::var_os(name).is_none() {
                std::env::set_var(name, value);
            }
        }
    }

    /// One line for the log.
    pub fn describe(&self) -> String {
        let path = if self.accelerated { "GL compositing" } else { "software (WebKit compositing off)" };
        let why = match &self.reason {
            RenderingReason::Environment => format!("{WEBKIT_NO_COMPOSITING} was set before start"),
            RenderingReason::Setting => "chosen in Settings".to_string(),
            RenderingReason::NoRenderNode => "no GPU render node under /dev/dri".to_string(),
            RenderingReason::SoftwareRenderer { variable } => format!("{variable} asks for a software renderer"),
            RenderingReason::VirtualDriver { drivers } => {
                format!("render nodes without 3D hardware ({})", drivers.join(", "))
            }
            RenderingReason::HardwareFound { drivers } if drivers.is_empty() => "a GPU render node".to_string(),
            RenderingReason::HardwareFound { drivers } => format!("GPU driver {}", drivers.join(", ")),
        };
        format!("rendering: {path}: {why}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(nodes: &[Option<&str>]) -> GpuProbe {
        GpuProbe { render_nodes: nodes.iter().map(|d| d.map(str::to_string)).collect(), ..GpuProbe::default() }
    }

    #[test]
    fn the_software_path_turns_compositing_and_the_dmabuf_renderer_off() {
        let software = decide(Rendering::Software, &probe(&[Some("i915")]));
        assert_eq!(software.environment(), &[(WEBKIT_NO_COMPOSITING, "1"), (WEBKIT_NO_DMABUF, "1")]);
        assert!(decide(Rendering::Accelerated, &probe(&[])).environment().is_empty());
    }

    #[test]
    fn no_render_node_means_the_software_path() {
        let c = decide(Rendering::Auto, &probe(&[]));
        assert_eq!((c.accelerated, c.reason), (false, RenderingReason::NoRenderNode));
    }

    #[test]
    fn a_gpu_driver_keeps_compositing_and_virtual_ones_do_not() {
        assert!(decide(Rendering::Auto, &probe(&[Some("amdgpu")])).accelerated);
        assert!(decide(Rendering::Auto, &probe(&[None])).accelerated, "an unnamed driver is trusted");
        assert!(decide(Rendering::Auto, &probe(&[Some("vgem"), Some("i915")])).accelerated);
        let c = decide(Rendering::Auto, &probe(&[Some("vgem"), Some("vkms")]));
        assert_eq!(c.reason, RenderingReason::VirtualDriver { drivers: vec!["vgem".into(), "vkms".into()] });
        assert!(!c.accelerated);
    }

    #[test]
    fn the_setting_overrides_the_probe_and_the_environment_overrides_both() {
        assert!(decide(Rendering::Accelerated, &probe(&[])).accelerated);
        assert!(!decide(Rendering::Software, &probe(&[Some("i915")])).accelerated);
        let set = |v: &str| GpuProbe { webkit_env: Some(v.into()), ..probe(&[Some("i915")]) };
        let c = decide(Rendering::Accelerated, &set("1"));
        assert_eq!((c.accelerated, c.reason), (false, RenderingReason::Environment));
        assert!(decide(Rendering::Software, &set("0")).accelerated);
    }

    #[test]
    fn mesa_software_variables_are_read() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        let dir = std::env::temp_dir().join(format!("easel-probe-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("dri")).unwrap();
        std::fs::write(dir.join("dri/renderD128"), b"").unwrap();
        std::fs::write(dir.join("dri/card0"), b"").unwrap();
        let read = |e| GpuProbe::read(&dir.join("dri"), &dir.join("sys"), e);
        assert_eq!(read(env(&[])).render_nodes, vec![None], "one render node, card0 ignored");
        let soft = read(env(&[("GALLIUM_DRIVER", "llvmpipe")]));
        assert_eq!(soft.software_env.as_deref(), Some("GALLIUM_DRIVER=llvmpipe"));
        assert!(!decide(Rendering::Auto, &soft).accelerated);
        assert_eq!(read(env(&[("LIBGL_ALWAYS_SOFTWARE", "0")])).software_env, None);
        assert_eq!(read(env(&[("GALLIUM_DRIVER", "radeonsi")])).software_env, None);
        let webkit = read(env(&[("WEBKIT_DISABLE_COMPOSITING_MODE", "1")]));
        assert_eq!(webkit.webkit_env.as_deref(), Some("1"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_log_line_names_the_path_and_the_reason() {
        let line = decide(Rendering::Auto, &probe(&[])).describe();
        assert_eq!(line, "rendering: software (WebKit compositing off): no GPU render node under /dev/dri");
    }
}
