//! The app's settings: which backend, how to authenticate (but never the key itself), where the
//! library is, how many runs at once, when to confirm credits, theme and language. `validate`
//! names the field at fault; `endpoint` turns the backend choice into a base URL.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::SettingsError;

/// Which service runs the jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum BackendKind {
    /// The emulator in process: no account, no network.
    #[default]
    Demo,
    /// Tensor.Art's TAMS service in one of its regions.
    Tams,
    /// Any TAMS-compatible URL (a proxy, a self-hosted emulator).
    Custom,
    /// A ComfyUI server (the person's own GPU, or a rented one behind a proxy).
    #[serde(rename = "comfyui")]
    ComfyUi,
}

/// Where a ComfyUI server listens unless told otherwise.
pub const DEFAULT_COMFYUI_URL: &str = "http://127.0.0.1:8188";

/// TAMS regions with a published endpoint (reference §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Region {
    /// `https://ap-east-1.tensorart.cloud`, the documented default.
    #[default]
    International,
    /// Mainland China, `https://cn.tensorart.net`.
    China,
}

impl Region {
    /// The region's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::International => "https://ap-east-1.tensorart.cloud",
            Region::China => "https://cn.tensorart.net",
        }
    }
}

/// How requests are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum AuthMode {
    /// `Authorization: Bearer <key>`.
    #[default]
    Bearer,
    /// TAMS-SHA256-RSA with the app id and a private key file.
    Rsa,
}

/// Colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Theme {
    /// Follow the desktop's preference.
    #[default]
    System,
    /// Dark.
    Dark,
    /// Light.
    Light,
}

/// UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Language {
    /// Follow the system language.
    #[default]
    #[serde(rename = "system")]
    System,
    /// English.
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

/// Everything the Settings view edits. Missing fields take their defaults, so older files load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Settings {
    /// Which service runs the jobs.
    pub backend: BackendKind,
    /// Region, when `backend` is `tams`.
    pub region: Region,
    /// Base URL, when `backend` is `custom`.
    pub custom_url: String,
    /// The ComfyUI server's URL, when `backend` is `comfyui`.
    pub comfyui_url: String,
    /// An extra header a proxy in front of the ComfyUI server wants (`Authorization`); its
    /// value is a secret and lives in the keychain. Empty: none.
    pub comfyui_header: String,
    /// How requests are signed (`tams` and `custom`).
    pub auth_mode: AuthMode,
    /// App id for RSA signing.
    pub app_id: String,
    /// Path of the PEM private key for RSA signing (the file stays where the person keeps it).
    pub private_key_path: String,
    /// Library folder; empty means the default (`~/Pictures/Easel`).
    pub library_folder: String,
    /// Runs on the service at once (1–8).
    pub concurrency: u32,
    /// Ask before a run expected to cost more credits than this.
    pub confirm_above: f64,
    /// Colour scheme.
    pub theme: Theme,
    /// UI language.
    pub language: Language,
    /// How the window paints (applied at the next start; see `rendering`).
    pub rendering: crate::Rendering,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            backend: BackendKind::Demo,
            region: Region::International,
            custom_url: String::new(),
            comfyui_url: DEFAULT_COMFYUI_URL.to_string(),
            comfyui_header: String::new(),
            auth_mode: AuthMode::Bearer,
            app_id: String::new(),
            private_key_path: String::new(),
            library_folder: String::new(),
            concurrency: 2,
            confirm_above: 10.0,
            theme: Theme::System,
            language: Language::System,
            rendering: crate::Rendering::Auto,
        }
    }
}

/// Whether a key is stored, and its last four characters (none for a key of 8 or fewer; all
/// the UI ever sees of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyStatus {
    /// A key is in the keychain for the chosen backend.
    pub present: bool,
    /// `…abcd`, when present.
    pub hint: Option<String>,
    /// The keychain account the key is stored under (`tams:<url>`), for people who look.
    pub account: Option<String>,
}

impl Settings {
    /// The first field that cannot work, named.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if !(1..=8).contains(&self.concurrency) {
            return Err(invalid("concurrency", format!("{} runs at once is outside 1–8", self.concurrency)));
        }
        if !self.confirm_above.is_finite() || self.confirm_above < 0.0 {
            return Err(invalid("confirmAbove", "the credit threshold must be a number of 0 or more".into()));
        }
        if self.backend == BackendKind::Custom {
            check_url(self.custom_url.trim())?;
        }
        if self.backend == BackendKind::ComfyUi {
            check_comfyui(self.comfyui_url.trim(), self.comfyui_header.trim())?;
        }
        if matches!(self.backend, BackendKind::Tams | BackendKind::Custom) && self.auth_mode == AuthMode::Rsa {
            if self.app_id.trim().is_empty() {
                return Err(invalid("appId", "RSA signing needs the app id shown on the TAMS app page".into()));
            }
            if self.private_key_path.trim().is_empty() {
                return Err(invalid("privateKeyPath", "RSA signing needs the private key file (PEM)".into()));
            }
        }
        Ok(())
    }

    /// The base URL of the chosen service; `None` for the offline demo.
    pub fn endpoint(&self) -> Option<String> {
        match self.backend {
            BackendKind::Demo => None,
            BackendKind::Tams => Some(self.region.base_url().to_string()),
            BackendKind::Custom => Some(self.custom_url.trim().trim_end_matches('/').to_string()),
            BackendKind::ComfyUi => Some(self.comfyui_url.trim().trim_end_matches('/').to_string()),
        }
    }

    /// The keychain account of the chosen service's secret: the TAMS key, or the value of the
    /// ComfyUI proxy header (`None` when no header is set; the demo needs none either).
    pub fn key_account(&self) -> Option<String> {
        match self.backend {
            BackendKind::ComfyUi if self.comfyui_header.trim().is_empty() => None,
            BackendKind::ComfyUi => self.endpoint().map(|url| format!("comfyui:{url}")),
            _ => self.endpoint().map(|url| format!("tams:{url}")),
        }
    }
}

/// The rule for plain `http://`, in the words easel-tams uses when it builds a client.
pub const CLEARTEXT_RULE: &str =
    "plain http:// is allowed only for this machine (127.0.0.0/8, ::1, localhost); use https:// for any other host";

fn check_url(url: &str) -> Result<(), SettingsError> {
    let (cleartext, host) = scheme_and_host("customUrl", url)?;
    // The key is sent with every request: over plain HTTP anyone on the path reads it.
    if cleartext && !is_loopback_host(host) {
        return Err(invalid("customUrl", format!("\"{url}\" would send the API key in cleartext: {CLEARTEXT_RULE}")));
    }
    Ok(())
}

/// A ComfyUI server's URL: http or https with a host; plain http to another machine is fine
/// without a header (a server on the local network), but a header is a credential and goes
/// only over https or to this machine.
fn check_comfyui(url: &str, header: &str) -> Result<(), SettingsError> {
    let (cleartext, host) = scheme_and_host("comfyuiUrl", url)?;
    if !header.is_empty() {
        if !header.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) {
            return Err(invalid(
                "comfyuiHeader",
                format!("\"{header}\" is not a header name (letters, digits, - and _)"),
            ));
        }
        if cleartext && !is_loopback_host(host) {
            return Err(invalid(
                "comfyuiHeader",
                "the header is a credential: use an https:// address for a server on another machine".into(),
            ));
        }
    }
    Ok(())
}

/// Whether `url` is plain `http://`, and its host; `field` names it in the error when it is
/// neither http nor https or has no usable host.
fn scheme_and_host<'a>(field: &'static str, url: &'a str) -> Result<(bool, &'a str), SettingsError> {
    let (cleartext, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => (false, rest),
        (None, Some(rest)) => (true, rest),
        (None, None) => return Err(invalid(field, format!("\"{url}\" must start with https:// or http://"))),
    };
    let host = url_host(rest);
    if host.is_empty() || rest.contains(char::is_whitespace) {
        return Err(invalid(field, format!("\"{url}\" has no usable host name")));
    }
    Ok((cleartext, host))
}

/// The host of the part of a URL after `scheme://`: without userinfo, port, path, query or
/// fragment; an IPv6 address keeps no brackets.
fn url_host(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    if let Some(v6) = host_port.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    host_port.split(':').next().unwrap_or("")
}

/// 127.0.0.0/8, ::1 (also IPv4-mapped) or `localhost`: what easel-tams accepts over http://.
fn is_loopback_host(host: &str) -> bool {
    use std::net::IpAddr;
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

fn invalid(field: &'static str, reason: String) -> SettingsError {
    SettingsError::Invalid { field, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comfyui_server_needs_a_usable_url_and_sends_its_header_only_safely() {
        let comfy = |url: &str, header: &str| Settings {
            backend: BackendKind::ComfyUi,
            comfyui_url: url.into(),
            comfyui_header: header.into(),
            ..Settings::default()
        };
        let field = |s: Settings| match s.validate() {
            Err(SettingsError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert!(comfy(DEFAULT_COMFYUI_URL, "").validate().is_ok());
        assert!(comfy("http://192.168.1.20:8188", "").validate().is_ok(), "a server on the local network");
        assert!(comfy("https://gpu.example.com/comfy", "Authorization").validate().is_ok());
        assert_eq!(field(comfy("http://gpu.example.com", "Authorization")), "comfyuiHeader");
        assert_eq!(field(comfy("https://gpu.example.com", "Bad Header")), "comfyuiHeader");
        assert_eq!(field(comfy("ftp://host", "")), "comfyuiUrl");
        assert_eq!(comfy("http://127.0.0.1:8188/", "").endpoint().as_deref(), Some("http://127.0.0.1:8188"));
        assert_eq!(comfy(DEFAULT_COMFYUI_URL, "").key_account(), None, "no header, no secret");
        assert_eq!(comfy(DEFAULT_COMFYUI_URL, "X-Key").key_account().as_deref(), Some("comfyui:http://127.0.0.1:8188"));
        let read: Settings = serde_json::from_str(r#"{"backend":"comfyui"}"#).unwrap();
        assert_eq!((read.backend, read.comfyui_url.as_str()), (BackendKind::ComfyUi, DEFAULT_COMFYUI_URL));
    }

    #[test]
    fn defaults_are_valid_and_offline() {
        let s = Settings::default();
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(s.endpoint(), None);
        assert_eq!(s.key_account(), None);
    }

    #[test]
    fn older_files_with_missing_fields_load() {
        let s: Settings = serde_json::from_str(r#"{"backend":"tams","region":"china"}"#).unwrap();
        assert_eq!(s.endpoint().as_deref(), Some("https://cn.tensorart.net"));
        assert_eq!(s.concurrency, 2);
        assert_eq!(s.key_account().as_deref(), Some("tams:https://cn.tensorart.net"));
    }

    #[test]
    fn each_bad_field_is_named() {
        let field = |s: Settings| match s.validate() {
            Err(SettingsError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(Settings { concurrency: 0, ..Settings::default() }), "concurrency");
        assert_eq!(field(Settings { confirm_above: f64::NAN, ..Settings::default() }), "confirmAbove");
        let custom = Settings { backend: BackendKind::Custom, custom_url: "ftp://x".into(), ..Settings::default() };
        assert_eq!(field(custom), "customUrl");
        let rsa = Settings { backend: BackendKind::Tams, auth_mode: AuthMode::Rsa, ..Settings::default() };
        assert_eq!(field(rsa.clone()), "appId");
        assert_eq!(field(Settings { app_id: "a".into(), ..rsa }), "privateKeyPath");
    }

    #[test]
    fn plain_http_is_only_for_this_machine() {
        let custom =
            |url: &str| Settings { backend: BackendKind::Custom, custom_url: url.into(), ..Settings::default() };
        for ok in [
            "https://tams.example",
            "http://127.0.0.1:8080",
            "http://127.9.0.1/",
            "http://[::1]:4000/x",
            "http://LocalHost:1",
        ] {
            assert_eq!(custom(ok).validate(), Ok(()), "{ok}");
        }
        for refused in [
            "http://tams.example",
            "http://10.1.2.3:80",
            "http://localhost.example.com",
            "http://127.0.0.1.nip.io",
            "http://127.0.0.1@evil.example/",
            "http://[::2]:1",
        ] {
            match custom(refused).validate() {
                Err(SettingsError::Invalid { field: "customUrl", reason }) => {
                    assert!(reason.contains(CLEARTEXT_RULE), "{refused}: {reason}")
                }
                other => panic!("{refused}: {other:?}"),
            }
        }
    }

    #[test]
    fn custom_urls_lose_trailing_slashes() {
        let s = Settings {
            backend: BackendKind::Custom,
            custom_url: " http://127.0.0.1:9000/ ".into(),
            ..Settings::default()
        };
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(s.endpoint().as_deref(), Some("http://127.0.0.1:9000"));
    }
}
