//! The web UI: HTML pages, CSS and JavaScript modules embedded in the binary and served
//! under `/ui/`, plus the security headers every response carries.
//!
//! The pages are public (they hold no data); everything they show comes from the JSON API
//! with the bearer token the user pasted at sign-in (kept in `sessionStorage`). There is
//! no build step: the files in `service/ui/` are served as written. Every file has its own
//! route (listed by [`routes`], kept apart from the API's [`super::routes`] and from
//! `openapi.json` on purpose: these are documents, not API operations), an exact content
//! type, `Cache-Control: no-cache` with a strong `ETag` (a browser revalidates each load
//! and gets `304 Not Modified` while the file is unchanged, so an upgraded service never
//! runs stale scripts), and the HTML pages a strict Content-Security-Policy: scripts,
//! styles and connections from this origin only, no inline script, no framing.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};

use super::AppState;

/// The Content-Security-Policy of every HTML page: same-origin scripts, styles and API
/// calls only; no inline script or style, no plugins, no framing, no `<base>`, forms post
/// only here, and DOM sinks such as `innerHTML` refuse strings (Trusted Types).
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
img-src 'self' blob:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

/// The Content-Security-Policy of every other response (JSON, problems, assets).
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Browser features a page may use: WebHID for a HID POS scanner and the camera for the
/// "Use camera" button (this origin only, never a frame of another), nothing else.
pub const PERMISSIONS_POLICY: &str =
    "hid=(self), camera=(self), usb=(), serial=(), microphone=(), geolocation=(), payment=()";

/// Where `/` sends a browser.
pub const HOME: &str = "/ui/scan";

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const SVG: &str = "image/svg+xml";

/// One embedded file.
///
/// ```
/// let a = bedside::server::ui::asset("/ui/scan").unwrap();
/// assert!(a.content_type.starts_with("text/html"));
/// assert!(a.is_page());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    /// The URL path it is served at.
    pub path: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// The bytes, as in `service/ui/`.
    pub body: &'static [u8],
}

impl Asset {
    /// Whether this is an HTML page (gets [`PAGE_CSP`]).
    ///
    /// ```
    /// assert!(!bedside::server::ui::asset("/ui/assets/app.css").unwrap().is_page());
    /// ```
    #[must_use]
    pub fn is_page(&self) -> bool {
        self.content_type == HTML
    }

    /// The strong entity tag: the first 128 bits of the body's SHA-256, quoted.
    ///
    /// ```
    /// let tag = bedside::server::ui::asset("/ui/scan").unwrap().etag();
    /// assert!(tag.starts_with('"') && tag.len() == 34);
    /// ```
    #[must_use]
    pub fn etag(&self) -> String {
        let hash = crate::crypto::sha256_hex(self.body);
        format!("\"{}\"", hash.get(..32).unwrap_or(&hash))
    }
}

macro_rules! embedded {
    ($path:literal, $ty:expr, $file:literal) => {
        Asset {
            path: $path,
            content_type: $ty,
            body: include_bytes!(concat!("../../ui/", $file)),
        }
    };
}

/// Every page and asset. A new page (the wristband page, when `POST /v1/wristbands`
/// exists) is one HTML file and one module here plus its entry in `PAGES` in `common.js`.
pub const ASSETS: &[Asset] = &[
    embedded!("/ui/sign-in", HTML, "sign-in.html"),
    embedded!("/ui/scan", HTML, "scan.html"),
    embedded!("/ui/medicines", HTML, "medicines.html"),
    embedded!("/ui/audit", HTML, "audit.html"),
    embedded!("/ui/wristbands", HTML, "wristbands.html"),
    embedded!("/ui/recalls", HTML, "recalls.html"),
    embedded!("/ui/account", HTML, "account.html"),
    embedded!("/ui/assets/app.css", CSS, "app.css"),
    embedded!("/ui/assets/icon.svg", SVG, "icon.svg"),
    embedded!("/ui/assets/common.js", JS, "common.js"),
    embedded!("/ui/assets/capture.js", JS, "capture.js"),
    embedded!("/ui/assets/camera.js", JS, "camera.js"),
    embedded!("/ui/assets/hidpos.js", JS, "hidpos.js"),
    embedded!("/ui/assets/scanner.js", JS, "scanner.js"),
    embedded!("/ui/assets/sign-in.js", JS, "sign-in.js"),
    embedded!("/ui/assets/scan.js", JS, "scan.js"),
    embedded!("/ui/assets/medicines.js", JS, "medicines.js"),
    embedded!("/ui/assets/audit.js", JS, "audit.js"),
    embedded!("/ui/assets/wristbands.js", JS, "wristbands.js"),
    embedded!("/ui/assets/recalls.js", JS, "recalls.js"),
    embedded!("/ui/assets/account.js", JS, "account.js"),
];

/// The embedded file served at `path`.
///
/// ```
/// assert!(bedside::server::ui::asset("/ui/assets/capture.js").is_some());
/// assert!(bedside::server::ui::asset("/ui/../Cargo.toml").is_none());
/// ```
#[must_use]
pub fn asset(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// The UI's routes: `/` and `/ui` (redirects to [`HOME`]) and one `GET` per file in
/// [`ASSETS`]. Not in `openapi.json`: the contract test checks that these and the API
/// routes are disjoint and that only these live outside it.
#[must_use]
pub fn routes() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    let mut v: Vec<(Method, &'static str, MethodRouter<AppState>)> = vec![
        (Method::GET, "/", get(home)),
        (Method::GET, "/ui", get(home)),
    ];
    for a in ASSETS {
        let tag = a.etag();
        v.push((
            Method::GET,
            a.path,
            get(move |headers: HeaderMap| async move { serve(a, &tag, &headers) }),
        ));
    }
    v
}

async fn home() -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, HOME),
            (header::CACHE_CONTROL, "no-cache"),
        ],
    )
        .into_response()
}

fn matches_etag(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == tag || t == "*")
}

fn serve(a: &'static Asset, tag: &str, headers: &HeaderMap) -> Response {
    let mut resp = if matches_etag(headers, tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = a.body.into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(a.content_type),
        );
        r
    };
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(tag) {
        h.insert(header::ETAG, v);
    }
    if a.is_page() {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        );
        h.insert(
            "permissions-policy",
            HeaderValue::from_static(PERMISSIONS_POLICY),
        );
    }
    resp
}

/// A page rendered by the service itself (sign-out, sign-in refusals): the UI's style, no
/// script, the page CSP with `form-action` widened by `form_action` (the provider's origin,
/// for a sign-out that continues there). `main` is trusted HTML (the caller escapes data).
#[must_use]
pub fn server_page(title: &str, main: &str, form_action: Option<&str>) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} — Bedside</title>\n\
         <link rel=\"icon\" href=\"/ui/assets/icon.svg\" type=\"image/svg+xml\">\n\
         <link rel=\"stylesheet\" href=\"/ui/assets/app.css\">\n</head>\n<body>\n\
         <a class=\"skip-link\" href=\"#main\">Skip to main content</a>\n\
         <header class=\"top\"><div class=\"top__inner\"><span class=\"brand\">Bedside</span></div></header>\n\
         <main id=\"main\" tabindex=\"-1\">\n{main}\n</main>\n</body>\n</html>\n",
        title = escape_html(title),
    );
    let csp = match form_action {
        Some(o) => PAGE_CSP.replace("form-action 'self'", &format!("form-action 'self' {o}")),
        None => PAGE_CSP.to_owned(),
    };
    let mut resp = html.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        "permissions-policy",
        HeaderValue::from_static(PERMISSIONS_POLICY),
    );
    resp
}

/// Escapes text for HTML element content and attribute values.
///
/// ```
/// assert_eq!(bedside::server::ui::escape_html("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
#[must_use]
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Adds the headers every response carries: `X-Content-Type-Options: nosniff`,
/// `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`, same-origin opener and
/// resource policies, and [`API_CSP`] unless the response set its own policy.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(API_CSP));
    resp
}

#[cfg(test)]
mod tests {
    /// The medicines page can offer every override reason the check may list: a reason
    /// without a label there would leave a nurse unable to record a dose the rules allow.
    #[test]
    fn the_medicines_page_labels_every_override_reason() {
        let js = include_str!("../../ui/medicines.js");
        let start = js.find("export const OVERRIDE_REASONS").unwrap_or(0);
        let table = &js[start..start + js[start..].find("];").unwrap_or(0)];
        for name in crate::medicines::OverrideReason::NAMES {
            assert!(
                table.contains(&format!("['{name}',")),
                "medicines.js OVERRIDE_REASONS has no label for {name}"
            );
        }
    }
}
