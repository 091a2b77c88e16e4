//! Token issuing, verification, rotation and revocation against a real SQLite store.

use super::*;

async fn tokens() -> (tempfile::TempDir, Tokens) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("store.db").display());
    let store = Store::open(&url).await.unwrap();
    (dir, Tokens::new(store).unwrap())
}

fn attrs() -> BTreeMap<String, String> {
    BTreeMap::from([("region".to_string(), "eu".to_string())])
}

async fn assert_invalid(t: &Tokens, bearer: &str) {
    let r = t.verify(bearer).await;
    assert!(
        matches!(r, Err(AuthError::Invalid)),
        "expected Invalid for the bad token {bearer:?}, got {r:?}"
    );
}

/// A token revoked while its check waited for an argon2 slot (behind a flood of guesses)
/// is refused when the check ends, and so is the old secret of one rotated meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_revoked_while_its_check_waits_is_refused() {
    let (_d, t) = tokens().await;
    for rotate in [false, true] {
        let (info, token) = t.create("ana", "analyst", attrs(), None).await.unwrap();
        let slots = Arc::clone(&t.inner.argon2_slots);
        let all = u32::try_from(slots.available_permits()).unwrap();
        let held = slots.acquire_many(all).await.unwrap();
        let waiting = {
            let t = t.clone();
            let token = token.clone();
            tokio::spawn(async move { t.verify(&token).await })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        if rotate {
            t.rotate(&info.id, Duration::ZERO).await.unwrap();
        } else {
            assert!(t.revoke(&info.id).await.unwrap());
        }
        drop(held);
        let answer = waiting.await.unwrap();
        assert!(
            matches!(answer, Err(AuthError::Invalid)),
            "rotate: {rotate}"
        );
        assert_invalid(&t, &token).await;
    }
}

#[tokio::test]
async fn a_valid_token_verifies_to_its_principal() {
    let (_d, t) = tokens().await;
    let (info, token) = t.create("ana", "analyst", attrs(), None).await.unwrap();
    assert!(token.starts_with(&format!("swd_{}_", info.id)));
    assert_eq!(token.len(), 4 + 12 + 1 + 64);
    let p = t.verify(&token).await.unwrap();
    let mut expected = Principal::new("ana", "analyst").with_attr("region", "eu");
    expected.token_id = Some(info.id.clone());
    assert_eq!(p, expected);
    // Second time from the cache, same answer.
    assert_eq!(t.verify(&token).await.unwrap(), p);
    let list = t.list().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].state, TokenState::Active);
    assert!(list[0].last_used_at.is_some(), "use is recorded");
    assert!(
        !format!("{list:?}{t:?}").contains(&token[17..]),
        "no secret in Debug"
    );
}

#[tokio::test]
async fn every_client_failure_is_the_same_invalid() {
    let (_d, t) = tokens().await;
    let (info, token) = t.create("ana", "analyst", attrs(), None).await.unwrap();
    let secret = &token[17..];
    let mut wrong = secret.to_string();
    wrong.replace_range(0..1, if secret.starts_with('0') { "1" } else { "0" });
    for bad in [
        String::new(),
        "swd_".into(),
        token[4..].to_string(),
        format!("xyz_{}_{secret}", info.id),
        format!(
            "swd_{}_{}",
            info.id,
            secret.to_uppercase().replace('0', "G")
        ),
        format!("swd_{}_{}", info.id.to_uppercase(), secret),
        format!("swd_{}_{secret}", "0".repeat(12)),
        format!("swd_{}_{secret}x", info.id),
        format!("swd_{}_{wrong}", info.id),
        format!("{token} "),
    ] {
        // An id or secret without letters upper-cases to itself (an id of twelve hex digits
        // is all decimal digits once in about 280 tokens): that one is the token, not bad.
        if bad == token {
            continue;
        }
        assert_invalid(&t, &bad).await;
    }
    assert!(t.verify(&token).await.is_ok());
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let (_d, t) = tokens().await;
    let past = now() - 10;
    let (info, token) = t
        .create_at("ana", "analyst", attrs(), past - 100, Some(past))
        .await
        .unwrap();
    assert_eq!(info.state, TokenState::Expired);
    assert_invalid(&t, &token).await;
    // A cached verification keeps its expiry and honours it.
    let c = Cached {
        principal: Principal::new("a", "r"),
        id: info.id,
        valid_until: Some(100),
    };
    assert!(c.is_live(99) && !c.is_live(100));
}

#[tokio::test]
async fn revoked_tokens_are_refused_even_after_a_cache_hit() {
    let (_d, t) = tokens().await;
    let (info, token) = t.create("ana", "analyst", attrs(), None).await.unwrap();
    t.verify(&token).await.unwrap();
    assert!(t.revoke(&info.id).await.unwrap());
    assert_invalid(&t, &token).await;
    assert!(!t.revoke("000000000000").await.unwrap());
    assert_eq!(t.list().await.unwrap()[0].state, TokenState::Revoked);
    assert!(matches!(
        t.rotate(&info.id, Duration::ZERO).await,
        Err(StoreError::Revoked { .. })
    ));
}

#[tokio::test]
async fn rotation_keeps_the_old_secret_only_for_the_grace() {
    let (_d, t) = tokens().await;
    let (info, old) = t.create("ana", "analyst", attrs(), None).await.unwrap();
    t.verify(&old).await.unwrap();
    let (_, new) = t.rotate(&info.id, Duration::from_secs(3600)).await.unwrap();
    assert_ne!(old, new);
    assert!(t.verify(&old).await.is_ok(), "old works inside the grace");
    assert!(t.verify(&new).await.is_ok());
    let (_, newer) = t.rotate(&info.id, Duration::ZERO).await.unwrap();
    assert_invalid(&t, &old).await;
    assert_invalid(&t, &new).await;
    assert!(t.verify(&newer).await.is_ok());
    assert!(matches!(
        t.rotate("000000000000", Duration::ZERO).await,
        Err(StoreError::NoSuchToken { .. })
    ));
}

/// The verifier with memory of its own agrees with argon2's: the secret a PHC string was made
/// from matches, anything else (another secret, a cut or altered hash, another algorithm's
/// string) does not, and a hash made with other parameters is checked with its own.
#[tokio::test]
async fn the_own_memory_verifier_agrees_with_argon2() {
    let phc = hash("s3cret".to_string()).await.expect("hash");
    assert!(verify(b"s3cret", &phc));
    assert!(!verify(b"s3creT", &phc));
    assert!(!verify(b"", &phc));
    let cut = &phc[..phc.len() - 4];
    assert!(!verify(b"s3cret", cut));
    let last = phc.chars().last().expect("non-empty");
    let altered = format!(
        "{}{}",
        &phc[..phc.len() - 1],
        if last == 'A' { 'B' } else { 'A' }
    );
    assert!(!verify(b"s3cret", &altered));
    assert!(!verify(
        b"s3cret",
        "$pbkdf2-sha256$i=1000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
    ));
    assert!(!verify(b"s3cret", "not a hash"));
    let small = Argon2::new(
        Algorithm::Argon2i,
        Version::V0x10,
        Params::new(64, 1, 1, Some(16)).expect("params"),
    )
    .hash_password(b"other")
    .expect("hash")
    .to_string();
    assert!(verify(b"other", &small));
    assert!(!verify(b"s3cret", &small));
}
