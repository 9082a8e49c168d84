//! A merchant callback endpoint on loopback for the mock's callback tests
//! (included with `#[path]`).

use std::sync::Arc;

pub(crate) type Captured = Arc<tokio::sync::Mutex<Vec<http::Request<Vec<u8>>>>>;

/// A merchant callback endpoint on loopback that fails the first `fail` calls.
pub(crate) async fn receiver(fail: usize) -> (String, Captured) {
    use axum::extract::Request;
    let seen: Captured = Arc::default();
    let s = seen.clone();
    let app = axum::Router::new().route(
        "/notify",
        axum::routing::post(move |req: Request| {
            let s = s.clone();
            async move {
                let (parts, body) = req.into_parts();
                let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
                let mut all = s.lock().await;
                all.push(http::Request::from_parts(parts, body));
                if all.len() <= fail {
                    http::StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    http::StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/notify", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}
