//! A Ledger's Ethereum app (`alloy-signer-ledger`). The device is handed the proposal's EIP-712 domain separator
//! and struct hash, shows both ("domain hash", "message hash", as opwallet's signing screen does) and signs
//! `keccak256(0x1901 ‖ domain separator ‖ struct hash)`.

use alloy::{
    dyn_abi::TypedData,
    primitives::{B256, Signature},
    signers::ledger::{HDPath, LedgerError as Alloy, LedgerSigner},
};

use crate::{Error, LedgerError};

/// Opens the Ledger's Ethereum app for the key at `hd_path`, after checking the path and that a Ledger is on USB.
pub(crate) async fn connect(hd_path: &str) -> Result<LedgerSigner, Error> {
    check_hd_path(hd_path)?;
    find_ledger()?;
    Ok(LedgerSigner::new(HDPath::Other(hd_path.to_owned()), None).await.map_err(device_error)?)
}

/// Signs `typed` (whose EIP-712 hash is `digest`) on the Ledger.
pub(crate) async fn sign(ledger: &LedgerSigner, typed: &TypedData, digest: B256) -> Result<Signature, Error> {
    sign_on_device(ledger, typed, digest).await.map_err(|e| match e {
        DeviceError::Device(e) => signing_error(e).into(),
        DeviceError::Other(e) => e,
    })
}

/// What a hardware wallet is handed for a proposal: the EIP-712 domain separator and the struct hash. The Ledger
/// Ethereum app shows both ("domain hash", "message hash", as opwallet's signing screen does) and signs
/// `keccak256(0x1901 ‖ domain separator ‖ struct hash)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DevicePayload {
    /// The EIP-712 domain separator, the device's "domain hash".
    pub domain_separator: B256,
    /// `hashStruct` of the message, the device's "message hash".
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
    /// The device (or its transport) failed or refused.
    Device(E),
    /// Ours: the payload does not match the digest, or the device signed with another key.
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
        Ok(signed) if signed == expected => Ok(signature),
        Ok(signed) => Err(DeviceError::Other(Error::DeviceKeyMismatch { signed, expected })),
        Err(e) => Err(DeviceError::Other(Error::DeviceSignature(e))),
    }
}

/// Checks a BIP-32 path such as `m/44'/60'/0'/0/0` before any device is opened.
pub fn check_hd_path(path: &str) -> Result<(), Error> {
    let bad = |why: String| Error::HdPath { path: path.to_owned(), why };
    let rest = path.strip_prefix("m/").ok_or_else(|| bad("it must start with m/".into()))?;
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.len() > 10 {
        return Err(bad("more than 10 levels".into()));
    }
    for part in parts {
        let index = part.strip_suffix('\'').unwrap_or(part);
        match index.parse::<u32>() {
            Ok(i) if i < 0x8000_0000 && !index.starts_with('+') => {}
            _ => return Err(bad(format!("`{part}` is not an index below 2^31, optionally followed by '"))),
        }
    }
    Ok(())
}

/// A Ledger failure while signing, as what to do about it.
fn signing_error(e: alloy::signers::Error) -> LedgerError {
    match e {
        alloy::signers::Error::Other(inner) => match inner.downcast::<Alloy>() {
            Ok(ledger) => device_error(*ledger),
            Err(inner) => LedgerError::Signing(alloy::signers::Error::Other(inner)),
        },
        e => LedgerError::Signing(e),
    }
}

/// Ledger's USB vendor id.
const LEDGER_VENDOR_ID: u16 = 0x2c97;

/// Looks for a Ledger on USB before the Ledger transport does: it panics where USB cannot be used (a container
/// without /dev/bus/usb). The HID context is released again before the transport takes its own.
fn find_ledger() -> Result<(), LedgerError> {
    let api = hidapi_rusb::HidApi::new().map_err(LedgerError::NoUsb)?;
    let found = api.device_list().any(|d| d.vendor_id() == LEDGER_VENDOR_ID);
    drop(api);
    if found { Ok(()) } else { Err(LedgerError::NotFound) }
}

/// What to do about a Ledger error. The status words are the Ethereum app's (LedgerHQ/app-ethereum
/// `doc/ethapp.adoc` "Status Words"; research/services.md §3): 0x6985 the user rejected, 0x6A80 blind signing off
/// (app ≥ 1.12.0), 0x6D00 / 0x6E00 an instruction or class the open app does not know (another app is open),
/// 0x6804 locked (older firmware). Words coins-ledger does not know — 0x5515 locked, 0x6511 / 0x6E01 no app open —
/// never reach here as words: its transport returns such an answer as a success, and alloy-signer-ledger, finding
/// no data in it, reports `UnexpectedNullResponse`.
fn device_error(e: Alloy) -> LedgerError {
    use alloy::signers::ledger::coins_ledger::{
        common::APDUResponseCodes as Code, errors::LedgerError as T, transports::native::NativeTransportError as N,
    };
    match e {
        Alloy::LedgerError(T::NativeTransportError(N::DeviceNotFound)) => LedgerError::NotFound,
        Alloy::LedgerError(T::NativeTransportError(N::CantOpen(_))) => LedgerError::InUse,
        Alloy::LedgerError(T::BadRetcode(Code::ConditionsNotSatisfied)) => LedgerError::Rejected,
        Alloy::LedgerError(T::BadRetcode(Code::UnlockDeviceError)) => LedgerError::Locked,
        Alloy::LedgerError(T::BadRetcode(Code::ClaNotSupported | Code::InsNotSupported)) => LedgerError::AppClosed,
        Alloy::LedgerError(T::BadRetcode(Code::InvalidData)) => LedgerError::BlindSigning,
        Alloy::UnexpectedNullResponse => LedgerError::NotReady,
        Alloy::UnsupportedAppVersion(v) => LedgerError::AppVersion { needs: v.to_string() },
        Alloy::InvalidDerivationPath(_) => LedgerError::BadPath,
        other => LedgerError::Device(other),
    }
}

#[cfg(test)]
mod tests {
    use alloy::signers::ledger::{
        LedgerError as Alloy,
        coins_ledger::{
            common::{APDUAnswer, APDUResponseCodes},
            errors::LedgerError as T,
        },
    };

    use super::{check_hd_path, device_error};
    use crate::LedgerError;

    /// The error alloy-signer-ledger reports for a status word `word`, as coins-ledger's transport hands it over:
    /// a word it knows as `BadRetcode`, any other answer as a success without data, which alloy-signer-ledger turns
    /// into `UnexpectedNullResponse` (`answer.data().ok_or(…)`).
    fn reported(word: u16) -> Alloy {
        let answer = APDUAnswer::from_answer(word.to_be_bytes().to_vec()).expect("two bytes");
        match answer.response_status() {
            Some(code) if !code.is_success() => Alloy::LedgerError(T::BadRetcode(code)),
            // Unknown to coins-ledger: `exchange` returns the answer as Ok, and it has no data.
            None => {
                assert!(answer.data().is_none(), "{word:#06x}");
                Alloy::UnexpectedNullResponse
            }
            Some(_) => panic!("{word:#06x} is a success"),
        }
    }

    #[test]
    fn documented_status_words_say_what_to_do() {
        // (status word, the variant it must become, by its Debug name)
        let cases = [
            // The Ethereum app's own words (doc/ethapp.adoc).
            (0x6985u16, "Rejected"),
            (0x6a80, "BlindSigning"),
            (0x6d00, "AppClosed"),
            (0x6e00, "AppClosed"),
            (0x6804, "Locked"),
            // Dashboard and OS words coins-ledger does not know: locked (0x5515), no app open (0x6511, 0x6e01).
            (0x5515, "NotReady"),
            (0x6511, "NotReady"),
            (0x6e01, "NotReady"),
            // Documented, but nothing a signer can act on: shown as the device's failure, with its word.
            (0x6b00, "Device(LedgerError(BadRetcode(InvalidP1P2)))"),
        ];
        for (word, expected) in cases {
            let e = format!("{:?}", device_error(reported(word)));
            assert_eq!(e, expected, "{word:#06x}");
        }
        assert!(APDUResponseCodes::try_from(0x5515u16).is_err(), "coins-ledger learnt 0x5515: map it by name");
        let text = LedgerError::NotReady.to_string();
        assert!(text.contains("unlock it and open its Ethereum app"), "{text}");
    }

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
