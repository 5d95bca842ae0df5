//! A Ledger's Ethereum app (`alloy-signer-ledger`). The device is handed the proposal's EIP-712 domain separator
//! and struct hash, shows both ("domain hash", "message hash", as opwallet's signing screen does) and signs
//! `keccak256(0x1901 ‖ domain separator ‖ struct hash)`.

use alloy::{
    dyn_abi::TypedData,
    primitives::{B256, Signature},
    signers::ledger::{HDPath, LedgerSigner},
};

use crate::Error;

/// Opens the Ledger's Ethereum app for the key at `hd_path`, after checking the path and that a Ledger is on USB.
pub(crate) async fn connect(hd_path: &str) -> Result<LedgerSigner, Error> {
    check_hd_path(hd_path)?;
    find_ledger()?;
    LedgerSigner::new(HDPath::Other(hd_path.to_owned()), None).await.map_err(|e| device_error(&e))
}

/// Signs `typed` (whose EIP-712 hash is `digest`) on the Ledger.
pub(crate) async fn sign(ledger: &LedgerSigner, typed: &TypedData, digest: B256) -> Result<Signature, Error> {
    sign_on_device(ledger, typed, digest).await.map_err(|e| match e {
        DeviceError::Device(e) => ledger_error(e),
        DeviceError::Other(e) => e,
    })
}

/// What a hardware wallet is handed for a proposal: the EIP-712 domain separator and the struct hash. The Ledger
/// Ethereum app shows both ("domain hash", "message hash", as opwallet's signing screen does) and signs
/// `keccak256(0x1901 ‖ domain separator ‖ struct hash)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DevicePayload {
    pub domain_separator: B256,
    pub struct_hash: B256,
}

impl DevicePayload {
    /// The payload for `typed`, checked to hash to `digest` (the digest the wallet verifies) before any device is
    /// asked, so a device can never be shown hashes that do not belong to the proposal.
    pub fn of(typed: &TypedData, digest: B256) -> Result<Self, Error> {
        let struct_hash = typed
            .hash_struct()
            .map_err(|e| Error::Malformed(format!("the proposal's typed data does not hash: {e}")))?;
        let signing_hash = typed
            .eip712_signing_hash()
            .map_err(|e| Error::Malformed(format!("the proposal's typed data does not hash: {e}")))?;
        if signing_hash != digest {
            return Err(Error::Tampered(format!(
                "its typed data hashes to {signing_hash}, not to its digest {digest}"
            )));
        }
        Ok(Self { domain_separator: typed.domain.separator(), struct_hash })
    }
}

/// Why signing on a device failed: the device's own error, or ours.
#[derive(Debug)]
pub enum DeviceError<E> {
    Device(E),
    Other(Error),
}

/// Signs on a device that takes typed data only (a Ledger refuses bare hashes): checks the payload against the
/// digest first, hands the device the typed data, and checks afterwards that the device's key signed that digest.
pub async fn sign_on_device<S>(
    device: &S,
    typed: &TypedData,
    digest: B256,
) -> Result<Signature, DeviceError<alloy::signers::Error>>
where
    S: alloy::signers::Signer + Sync,
{
    DevicePayload::of(typed, digest).map_err(DeviceError::Other)?;
    let signature = device.sign_dynamic_typed_data(typed).await.map_err(DeviceError::Device)?;
    let expected = device.address();
    match signature.recover_address_from_prehash(&digest) {
        Ok(signer) if signer == expected => Ok(signature),
        Ok(signer) => Err(DeviceError::Other(Error::Signer(format!(
            "the device signed with {signer}, not with {expected}: check the HD path; nothing was added"
        )))),
        Err(e) => Err(DeviceError::Other(Error::Signer(format!("the device returned an invalid signature: {e}")))),
    }
}

/// Checks a BIP-32 path such as `m/44'/60'/0'/0/0` before any device is opened.
pub fn check_hd_path(path: &str) -> Result<(), Error> {
    let bad = |why: &str| {
        Error::Signer(format!("--hd-path `{path}` is not a derivation path ({why}; e.g. m/44'/60'/0'/0/0)"))
    };
    let rest = path.strip_prefix("m/").ok_or_else(|| bad("it must start with m/"))?;
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.len() > 10 {
        return Err(bad("more than 10 levels"));
    }
    for part in parts {
        let index = part.strip_suffix('\'').unwrap_or(part);
        match index.parse::<u32>() {
            Ok(i) if i < 0x8000_0000 && !index.starts_with('+') => {}
            _ => return Err(bad(&format!("`{part}` is not an index below 2^31, optionally followed by '"))),
        }
    }
    Ok(())
}

/// A Ledger failure while signing, as what to do about it.
fn ledger_error(e: alloy::signers::Error) -> Error {
    match &e {
        alloy::signers::Error::Other(inner) => match inner.downcast_ref::<alloy::signers::ledger::LedgerError>() {
            Some(ledger) => device_error(ledger),
            None => Error::Signer(format!("Ledger: {e}")),
        },
        _ => Error::Signer(format!("Ledger: {e}")),
    }
}

/// What to do when no Ledger answers.
const NO_LEDGER: &str = "no Ledger found: connect it, unlock it and open its Ethereum app (on Linux, Ledger's udev \
    rules must give you access)";

/// Ledger's USB vendor id.
const LEDGER_VENDOR_ID: u16 = 0x2c97;

/// Looks for a Ledger on USB before the Ledger transport does: it panics where USB cannot be used (a container
/// without /dev/bus/usb). The HID context is released again before the transport takes its own.
fn find_ledger() -> Result<(), Error> {
    let api = hidapi_rusb::HidApi::new().map_err(|e| {
        Error::Signer(format!(
            "Ledger: USB is not usable on this machine ({e}): connect the Ledger to the machine running opwallet \
             (in a container, pass /dev/bus/usb through)"
        ))
    })?;
    let found = api.device_list().any(|d| d.vendor_id() == LEDGER_VENDOR_ID);
    drop(api);
    if found { Ok(()) } else { Err(Error::Signer(format!("Ledger: {NO_LEDGER}"))) }
}

/// What to do about a Ledger error. The status words are the Ethereum app's (its `doc/ethapp.adoc`).
pub fn device_error(e: &alloy::signers::ledger::LedgerError) -> Error {
    use alloy::signers::ledger::{
        LedgerError as L,
        coins_ledger::{
            common::APDUResponseCodes as Code, errors::LedgerError as T, transports::native::NativeTransportError as N,
        },
    };
    let why = match e {
        L::LedgerError(T::NativeTransportError(N::DeviceNotFound)) => NO_LEDGER.to_owned(),
        L::LedgerError(T::NativeTransportError(N::CantOpen(_))) => {
            "the Ledger is in use by another program (Ledger Live, a browser wallet): close it and retry".to_owned()
        }
        L::LedgerError(T::BadRetcode(Code::ConditionsNotSatisfied)) => {
            "rejected on the Ledger: nothing was signed".to_owned()
        }
        L::LedgerError(T::BadRetcode(Code::UnlockDeviceError)) | L::LedgerError(T::UnknownAPDUCode(0x5515)) => {
            "the Ledger is locked: unlock it and open its Ethereum app".to_owned()
        }
        L::LedgerError(T::BadRetcode(Code::ClaNotSupported | Code::InsNotSupported))
        | L::LedgerError(T::UnknownAPDUCode(0x6511)) => "open the Ethereum app on the Ledger".to_owned(),
        L::LedgerError(T::BadRetcode(Code::InvalidData)) => "the Ledger refused to sign EIP-712 hashes: enable \
            Blind signing in the Ethereum app's settings (the device then shows the domain hash and message hash; \
            compare them with opwallet's signing screen)"
            .to_owned(),
        L::UnsupportedAppVersion(v) => format!("update the Ledger's Ethereum app: EIP-712 signing needs {v}"),
        L::InvalidDerivationPath(_) => "the HD path is not a derivation path".to_owned(),
        other => other.to_string(),
    };
    Error::Signer(format!("Ledger: {why}"))
}

#[cfg(test)]
mod tests {
    use super::check_hd_path;

    #[test]
    fn hd_paths_are_checked_before_a_device_is_opened() {
        for good in ["m/44'/60'/0'/0/0", "m/44'/60'/7'/0/0", "m/44'/60'/0'/3", "m/2147483647'"] {
            assert!(check_hd_path(good).is_ok(), "{good}");
        }
        for (bad, why) in [
            ("44'/60'/0'/0/0", "it must start with m/"),
            ("m/44'/60'/0'/0/", "`` is not an index"),
            ("m/44'/60'/0''", "`0''` is not an index"),
            ("m/44'/60'/-1", "`-1` is not an index"),
            ("m/44'/60'/+1", "`+1` is not an index"),
            ("m/2147483648", "`2147483648` is not an index below 2^31"),
            ("m/1/2/3/4/5/6/7/8/9/10/11", "more than 10 levels"),
        ] {
            let e = check_hd_path(bad).expect_err(bad).to_string();
            assert!(e.contains(why) && e.contains(&format!("`{bad}`")), "{bad}: {e}");
        }
    }
}
