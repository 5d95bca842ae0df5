//! An AWS KMS secp256k1 key (`alloy-signer-aws`); credentials, region and `AWS_ENDPOINT_URL` the AWS way. A key
//! Ethereum cannot use is refused by name before anything is signed.

use alloy::{
    primitives::{B256, Signature},
    signers::aws::AwsSigner,
};
use aws_sdk_kms::types::{KeySpec, KeyState, KeyUsageType};

use crate::{Error, KmsError};

/// Connects to the KMS key `key_id` (id, alias or ARN), after checking that Ethereum can use it.
pub(crate) async fn connect(key_id: &str) -> Result<AwsSigner, Error> {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
    let kms = aws_sdk_kms::Client::new(&config);
    check_kms_key(&kms, key_id).await?;
    AwsSigner::new(kms, key_id.to_owned(), None).await.map_err(|e| {
        KmsError::Request {
            key: key_id.to_owned(),
            check: "the key id, its key spec ECC_SECG_P256K1, credentials and region",
            source: Box::new(e),
        }
        .into()
    })
}

/// Signs `digest` with the KMS key: KMS signs digests, so the typed data is hashed here, as for local keys.
pub(crate) async fn sign(key: &AwsSigner, digest: B256) -> Result<Signature, Error> {
    Ok(alloy::signers::Signer::sign_hash(key, &digest).await.map_err(KmsError::Signing)?)
}

/// Refuses a KMS key Ethereum cannot use before anything else is asked of it: the wrong curve, not a signing key,
/// disabled or missing. Needs only `kms:GetPublicKey`, which signing needs anyway (with `kms:Sign`); the key's state
/// is also read where the policy grants `kms:DescribeKey`.
async fn check_kms_key(kms: &aws_sdk_kms::Client, key_id: &str) -> Result<(), KmsError> {
    let key = key_id.to_owned();
    let public = match kms.get_public_key().key_id(key_id).send().await {
        Ok(public) => public,
        Err(e) => {
            return Err(match e.as_service_error() {
                Some(s) if s.is_disabled_exception() => KmsError::Disabled { key },
                Some(s) if s.is_not_found_exception() => KmsError::NotFound { key },
                Some(s) if s.is_kms_invalid_state_exception() => KmsError::Unusable { key },
                _ => KmsError::Request {
                    key,
                    check: "the key id, credentials, region and kms:GetPublicKey permission",
                    source: Box::new(e),
                },
            });
        }
    };
    if public.key_spec() != Some(&KeySpec::EccSecgP256K1) {
        let spec = public.key_spec().map(|s| s.as_str().to_owned()).unwrap_or_else(|| "unknown".into());
        return Err(KmsError::Spec { key, spec });
    }
    if public.key_usage() != Some(&KeyUsageType::SignVerify) {
        return Err(KmsError::Usage { key });
    }
    // The key's state, where the policy allows DescribeKey (KMS itself refuses GetPublicKey on a disabled key;
    // emulators may not). Without the permission, Sign reports a disabled key in its own words.
    if let Ok(described) = kms.describe_key().key_id(key_id).send().await
        && let Some(state) = described.key_metadata().and_then(|m| m.key_state())
    {
        match state {
            KeyState::Enabled => {}
            KeyState::Disabled => return Err(KmsError::Disabled { key }),
            other => return Err(KmsError::State { key, state: other.as_str().to_owned() }),
        }
    }
    Ok(())
}
