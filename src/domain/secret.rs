//! Secrets kept only as Argon2 hashes: passwords and challenge answers.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

/// Hashes a secret into a PHC string (algorithm, parameters, salt, hash).
pub fn hash(secret: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("could not hash: {e}"))
}

/// True when `secret` matches `phc`; a malformed stored hash never matches.
pub fn verify(secret: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Challenge answers compare trimmed and case-insensitively, so they are
/// hashed and checked in this form.
pub fn normalize_answer(answer: &str) -> String {
    answer.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_and_salts() {
        let a = hash("Demo-pass-1").unwrap();
        let b = hash("Demo-pass-1").unwrap();
        assert_ne!(a, b, "each hash has its own salt");
        assert!(a.starts_with("$argon2"));
        assert!(!a.contains("Demo-pass-1"));
        assert!(verify("Demo-pass-1", &a));
        assert!(!verify("demo-pass-1", &a));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn answers_compare_trimmed_and_caseless() {
        let h = hash(&normalize_answer("Rex")).unwrap();
        assert!(verify(&normalize_answer("  rEX "), &h));
    }
}
