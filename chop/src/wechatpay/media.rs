//! Media uploads (`/v3/merchant/media/upload`, `…/media/video_upload`, …).
//!
//! The request body is `multipart/form-data` with a `meta` part (JSON with the
//! file name and its SHA-256) and a `file` part. Only the `meta` JSON is signed:
//! it is the BODY line of the sign string.

use serde::Serialize;

/// The `meta` of a media upload, and the multipart body around it.
///
/// ```
/// use chop::wechatpay::MediaUpload;
/// let m = MediaUpload::new("a.jpg", b"abc");
/// assert_eq!(m.meta_json(),
///   r#"{"filename":"a.jpg","sha256":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}"#);
/// // Sign `meta_json()` as the body: signer.sign("POST", "/v3/merchant/media/upload", m.meta_json().as_bytes())
/// let (content_type, body) = m.multipart_body(b"abc", "BOUNDARY");
/// assert_eq!(content_type, "multipart/form-data; boundary=BOUNDARY");
/// assert!(body.starts_with(b"--BOUNDARY\r\n"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaUpload {
    filename: String,
    meta: String,
}

#[derive(Serialize)]
struct Meta<'a> {
    filename: &'a str,
    sha256: &'a str,
}

impl MediaUpload {
    /// Describes the upload of `content` under `filename`.
    pub fn new(filename: &str, content: &[u8]) -> Self {
        let sha256 = crate::hex::lower(&crate::crypto::digest::sha256(content));
        let meta = serde_json::to_string(&Meta {
            filename,
            sha256: &sha256,
        })
        .unwrap_or_default();
        Self {
            filename: filename.to_string(),
            meta,
        }
    }

    /// The `meta` JSON: the exact bytes to sign as the body.
    pub fn meta_json(&self) -> &str {
        &self.meta
    }

    /// The `Content-Type` header and the multipart body (meta part, then file part).
    pub fn multipart_body(&self, content: &[u8], boundary: &str) -> (String, Vec<u8>) {
        let mut body = Vec::with_capacity(content.len() + self.meta.len() + 256);
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"meta\";\r\nContent-Type: application/json\r\n\r\n{}\r\n",
                self.meta
            )
            .as_bytes(),
        );
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\";\r\nContent-Type: {}\r\n\r\n",
                self.filename.replace('"', "%22"),
                content_type_of(&self.filename)
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }
}

fn content_type_of(filename: &str) -> &'static str {
    let ext = filename
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "bmp" => "image/bmp",
        "gif" => "image/gif",
        "mp4" => "video/mp4",
        "avi" => "video/x-msvideo",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filename_is_json_escaped() {
        let m = MediaUpload::new("我的\"图\".png", b"");
        assert!(m
            .meta_json()
            .starts_with(r#"{"filename":"我的\"图\".png","sha256":"e3b0c442"#));
        let (_, body) = m.multipart_body(b"x", "b");
        assert!(String::from_utf8_lossy(&body).contains("Content-Type: image/png"));
    }
}
