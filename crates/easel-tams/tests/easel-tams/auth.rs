//! `TAMS-SHA256-RSA` against the emulator's verifier: GET, POST and DELETE signed (empty and
//! non-empty bodies, path ids), both PEM forms, and refusals that name no key material.

use easel_tams::{Auth, JobStatus, TamsError, UploadRequest};

use crate::{client, emulator, finish, params, APP_ID, OTHER_PEM, PRIVATE_PEM, PRIVATE_PKCS1_PEM};

#[tokio::test]
async fn rsa_signed_calls_reach_every_kind_of_endpoint() {
    let emu = emulator(true, |_| {}).await;
    for (n, pem) in [PRIVATE_PEM, PRIVATE_PKCS1_PEM].into_iter().enumerate() {
        let client = client(&emu, Auth::rsa_from_pem(APP_ID, pem).unwrap(), 5, 5);
        assert_eq!(client.check_workflow(&params()).await.unwrap().valid, Some(true));
        let job = client.create_workflow_job(&format!("rsa-{n}"), &params()).await.unwrap();
        let done = finish(&client, job.id.as_deref().unwrap()).await;
        assert_eq!(done.status, JobStatus::Success);
        assert!(client.get_template("676018193025756628").await.unwrap().fields.len() == 2);
        assert!(client.get_model("664602165660323756").await.unwrap().name.is_some());
        // The empty `{}` body of an upload slot is signed as sent; the PUT carries no TAMS auth.
        let slot = client.request_upload(&UploadRequest::default()).await.unwrap();
        client.put_upload(&slot, vec![7; 64], None).await.unwrap();
        let other = client.create_workflow_job(&format!("rsa-cancel-{n}"), &params()).await.unwrap();
        client.cancel_job(other.id.as_deref().unwrap()).await.unwrap();
    }
}

#[tokio::test]
async fn wrong_key_or_app_id_is_an_auth_error_without_the_key() {
    let emu = emulator(true, |_| {}).await;
    let wrong_key = client(&emu, Auth::rsa_from_pem(APP_ID, OTHER_PEM).unwrap(), 5, 5);
    let wrong_app = client(&emu, Auth::rsa_from_pem("someone-else", PRIVATE_PEM).unwrap(), 5, 5);
    for client in [wrong_key, wrong_app] {
        let err = client.create_workflow_job("denied", &params()).await.unwrap_err();
        assert!(matches!(err, TamsError::Auth(_)), "{err:?}");
        assert!(!err.is_retryable());
        let shown = format!("{err} {err:?} {client:?}");
        for pem in [OTHER_PEM, PRIVATE_PEM] {
            for line in pem.lines().filter(|l| !l.starts_with("-----")) {
                assert!(!shown.contains(&line[..12.min(line.len())]), "key material in {shown}");
            }
        }
    }
}
