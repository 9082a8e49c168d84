//! Keys and the primitives under them: loading every container, RSA
//! encryption against openssl, and the 国密 national-standard vectors.

#[path = "keys/gm_vectors.rs"]
mod gm_vectors;
#[path = "keys/loading.rs"]
mod loading;
#[path = "keys/rsa_encryption.rs"]
mod rsa_encryption;
