//! HTTPS with rustls (ring provider): PEM certificate chain and private key from files,
//! TLS 1.2 and 1.3, HTTP/1.1; the same router, and the same graceful shutdown (in-flight
//! requests finish, then connections close).

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::{AppState, StartError, router};

/// Why the TLS configuration could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificate file is unreadable or holds no certificate.
    #[error("TLS certificate {path}: {reason}")]
    Cert {
        /// File.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The key file is unreadable or holds no private key.
    #[error("TLS private key {path}: {reason}")]
    Key {
        /// File.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// rustls refused the pair.
    #[error("TLS configuration: {0}")]
    Config(#[from] rustls::Error),
}

/// Loads a PEM certificate chain and private key into a rustls server configuration.
///
/// # Errors
/// Unreadable or empty files, a key that does not fit the certificate.
pub fn load(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(Iterator::collect)
        .map_err(|e| TlsError::Cert {
            path: cert.display().to_string(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::Cert {
            path: cert.display().to_string(),
            reason: "no certificate in the file".into(),
        });
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::Key {
        path: key.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_no_client_auth()
    .with_single_cert(certs, key)?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(cfg))
}

/// HSTS on every HTTPS response (RFC 6797): a ward browser that has once
/// reached the service over HTTPS never again sends a token or a patient's
/// name over plain HTTP to the same host, even if a link or a bookmark says
/// `http://`. One year; no `includeSubDomains`, because a trust's other
/// intranet services on sibling hosts are not ours to force onto HTTPS.
/// Plain-HTTP responses never carry it (browsers must ignore it there).
async fn strict_transport(mut resp: axum::response::Response) -> axum::response::Response {
    resp.headers_mut().insert(
        axum::http::header::STRICT_TRANSPORT_SECURITY,
        axum::http::HeaderValue::from_static("max-age=31536000"),
    );
    resp
}

/// Serves HTTPS on a bound listener until `shutdown` resolves, then lets in-flight
/// requests finish.
///
/// # Errors
/// None in practice (accept errors are skipped); kept for symmetry with plain HTTP.
pub async fn serve_tls_on(
    listener: TcpListener,
    state: AppState,
    tls: Arc<rustls::ServerConfig>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let acceptor = TlsAcceptor::from(tls);
    let app = router(state).layer(axum::middleware::map_response(strict_transport));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((tcp, peer)) = accepted else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let acceptor = acceptor.clone();
                let service = TowerToHyperService::new(
                    app.clone().layer(axum::Extension(axum::extract::ConnectInfo(peer))),
                );
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let Ok(Ok(stream)) = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await else {
                        return;
                    };
                    let conn = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service);
                    let _ = watcher.watch(conn).await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
