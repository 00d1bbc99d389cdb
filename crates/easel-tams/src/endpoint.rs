//! What an endpoint URL may be, and what of it may be written down. A client is only built for
//! `https://` URLs, or `http://` ones whose host is this machine (127.0.0.0/8, ::1,
//! `localhost`): the Bearer key goes in every request, and over plain HTTP anyone on the path
//! could read it. `endpoint_label` is the endpoint as Easel records it (PNG metadata, the run
//! journal's backend columns and resume key): scheme, host and a non-default port, never the
//! userinfo, path, query or fragment, which may hold proxy tokens. Name resolution is left
//! out: `localhost` is trusted by name, as every resolver maps it to loopback.

use std::net::IpAddr;

use reqwest::Url;

use crate::TamsError;

/// The rule a refused `http://` endpoint is told about, word for word in every message.
pub const CLEARTEXT_RULE: &str =
    "plain http:// is allowed only for this machine (127.0.0.0/8, ::1, localhost); use https:// for any other host";

/// Parses `base_url` and applies the cleartext rule. The error names the rule, never the URL's
/// query or userinfo.
pub fn check_endpoint(base_url: &str) -> Result<Url, TamsError> {
    let invalid = |reason: String| TamsError::Network { host: endpoint_label(base_url), reason };
    let url = Url::parse(base_url).map_err(|e| invalid(format!("the base URL is not valid: {e}")))?;
    match url.scheme() {
        "https" if url.host_str().is_some() => Ok(url),
        "http" if url.host_str().is_some() => {
            if is_loopback(&url) {
                Ok(url)
            } else {
                Err(invalid(format!("refusing to send the API key in cleartext: {CLEARTEXT_RULE}")))
            }
        }
        "http" | "https" => Err(invalid("the base URL has no host".into())),
        other => Err(invalid(format!("the base URL must be https:// (not {other}://)"))),
    }
}

/// True when the URL's host is this machine: an IPv4 address in 127.0.0.0/8, `::1` (also as
/// an IPv4-mapped loopback address) or the name `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match host_kind(url) {
        Some(Host::Ip(ip)) => match ip {
            IpAddr::V4(v4) => v4.is_loopback(),
            IpAddr::V6(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        },
        Some(Host::Name(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

enum Host<'a> {
    Ip(IpAddr),
    Name(&'a str),
}

/// The URL's host as an address or a name. `Url` has already normalised it (IPv4 in dotted
/// form, IPv6 in brackets, names lowercased), so parsing its text is exact.
fn host_kind(url: &Url) -> Option<Host<'_>> {
    let host = url.host_str()?;
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse().ok().map(Host::Ip);
    }
    Some(host.parse::<std::net::Ipv4Addr>().map_or(Host::Name(host), |ip| Host::Ip(IpAddr::V4(ip))))
}

/// The endpoint as it is recorded: `scheme://host[:port]`, the port only when it is not the
/// scheme's default. Text that is no URL is reduced to what precedes its first `/`, `?`, `#`
/// or `@`-separated userinfo, so even a malformed value never carries a token along.
pub fn endpoint_label(base_url: &str) -> String {
    match Url::parse(base_url.trim()) {
        Ok(url) if url.host_str().is_some() => {
            let host = url.host_str().unwrap_or_default();
            match url.port() {
                Some(port) => format!("{}://{host}:{port}", url.scheme()),
                None => format!("{}://{host}", url.scheme()),
            }
        }
        _ => {
            let text = base_url.trim();
            let (scheme, rest) = text.split_once("://").map_or(("", text), |(s, r)| (s, r));
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = authority.rsplit('@').next().unwrap_or("");
            let host: String = host.chars().filter(|c| !c.is_control()).collect();
            if scheme.is_empty() {
                host
            } else {
                format!("{scheme}://{host}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_scheme_host_and_a_non_default_port_only() {
        assert_eq!(endpoint_label("http://127.0.0.1:4321/?proxy_token=qsecret42"), "http://127.0.0.1:4321");
        assert_eq!(
            endpoint_label("https://user:pw@ap-east-1.tensorart.cloud:443/tams/v1?t=1#f"),
            "https://ap-east-1.tensorart.cloud"
        );
        assert_eq!(endpoint_label("https://Proxy.Example:8443/x"), "https://proxy.example:8443");
        assert_eq!(endpoint_label("http://[::1]:9/p"), "http://[::1]:9");
        assert_eq!(endpoint_label("https://cn.tensorart.net"), "https://cn.tensorart.net");
        assert_eq!(endpoint_label("weird://u:p@h x/y?token=1"), "weird://h x");
        assert_eq!(endpoint_label("no url?token=1"), "no url");
    }

    #[test]
    fn cleartext_is_only_for_loopback() {
        for ok in [
            "http://127.0.0.1:1",
            "http://127.8.9.10",
            "http://[::1]:80/p",
            "http://LOCALHOST:5",
            "https://example.com",
        ] {
            assert!(check_endpoint(ok).is_ok(), "{ok}");
        }
        for refused in
            ["http://example.com", "http://10.0.0.1", "http://localhost.example.com", "http://[::2]", "http://0.0.0.0"]
        {
            let err = check_endpoint(refused).unwrap_err().to_string();
            assert!(err.contains(CLEARTEXT_RULE), "{refused}: {err}");
        }
        let err = check_endpoint("ftp://127.0.0.1").unwrap_err().to_string();
        assert!(err.contains("must be https://"), "{err}");
        let err = check_endpoint("http://u:secret@example.com/?t=qsecret42").unwrap_err().to_string();
        assert!(!err.contains("secret"), "{err}");
    }
}
