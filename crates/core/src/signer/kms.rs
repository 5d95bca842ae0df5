//! An AWS KMS secp256k1 key (`alloy-signer-aws`); credentials, region and `AWS_ENDPOINT_URL` the AWS way. A key
//! Ethereum cannot use is refused by name before anything is signed.

use alloy::{
    primitives::{B256, Signature},
    signers::aws::AwsSigner,
};

use crate::Error;

/// Connects to the KMS key `key_id` (id, alias or ARN), after checking that Ethereum can use it.
pub(crate) async fn connect(key_id: &str) -> Result<AwsSigner, Error> {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
    let kms = aws_sdk_kms::Client::new(&config);
    check_kms_key(&kms, key_id).await?;
    AwsSigner::new(kms, key_id.to_owned(), None).await.map_err(|e| {
        Error::Signer(format!(
            "AWS KMS key `{key_id}`: {} (check the key id, its key spec ECC_SECG_P256K1, credentials and region)",
            aws_sdk_kms::error::DisplayErrorContext(&e)
        ))
    })
}

/// Signs `digest` with the KMS key: KMS signs digests, so the typed data is hashed here, as for local keys.
pub(crate) async fn sign(key: &AwsSigner, digest: B256) -> Result<Signature, Error> {
    alloy::signers::Signer::sign_hash(key, &digest)
        .await
        .map_err(|e| Error::Signer(format!("AWS KMS signing failed: {e}")))
}

/// Refuses a KMS key Ethereum cannot use before anything else is asked of it: the wrong curve, not a signing key,
/// disabled or missing. Needs only `kms:GetPublicKey`, which signing needs anyway (with `kms:Sign`); the key's state
/// is also read where the policy grants `kms:DescribeKey`.
async fn check_kms_key(kms: &aws_sdk_kms::Client, key_id: &str) -> Result<(), Error> {
    use aws_sdk_kms::types::{KeySpec, KeyState, KeyUsageType};
    let key = kms.get_public_key().key_id(key_id).send().await.map_err(|e| {
        let why = match e.as_service_error() {
            Some(s) if s.is_disabled_exception() => {
                return format!("AWS KMS key `{key_id}` is disabled: enable it in KMS");
            }
            Some(s) if s.is_not_found_exception() => "not found".to_owned(),
            Some(s) if s.is_kms_invalid_state_exception() => {
                "not usable in its current state (pending deletion?)".to_owned()
            }
            _ => aws_sdk_kms::error::DisplayErrorContext(&e).to_string(),
        };
        format!("AWS KMS key `{key_id}`: {why} (check the key id, credentials, region and kms:GetPublicKey permission)")
    });
    let key = key.map_err(Error::Signer)?;
    if key.key_spec() != Some(&KeySpec::EccSecgP256K1) {
        let spec = key.key_spec().map(|s| s.as_str().to_owned()).unwrap_or_else(|| "unknown".into());
        return Err(Error::Signer(format!(
            "AWS KMS key `{key_id}` has key spec {spec}: Ethereum signatures need ECC_SECG_P256K1 (secp256k1)"
        )));
    }
    if key.key_usage() != Some(&KeyUsageType::SignVerify) {
        return Err(Error::Signer(format!(
            "AWS KMS key `{key_id}` is not a signing key (key usage must be SIGN_VERIFY)"
        )));
    }
    // The key's state, where the policy allows DescribeKey (KMS itself refuses GetPublicKey on a disabled key;
    // emulators may not). Without the permission, Sign reports a disabled key in its own words.
    if let Ok(described) = kms.describe_key().key_id(key_id).send().await
        && let Some(state) = described.key_metadata().and_then(|m| m.key_state())
    {
        match state {
            KeyState::Enabled => {}
            KeyState::Disabled => {
                return Err(Error::Signer(format!("AWS KMS key `{key_id}` is disabled: enable it in KMS")));
            }
            other => {
                return Err(Error::Signer(format!(
                    "AWS KMS key `{key_id}` is in state {}, not Enabled",
                    other.as_str()
                )));
            }
        }
    }
    Ok(())
}
