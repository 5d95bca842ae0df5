//! The Ledger backend without a Ledger. No device or emulator can run here (the Ledger transport is USB HID only), so
//! these tests pin down what opwallet hands `alloy-signer-ledger`: the proposal's typed data, from which it sends
//! the device the domain separator and the struct hash (`SIGN ETH EIP 712`, v0). They check those two hashes
//! against the wallet's own views on a fork, sign them the way the device does, and execute the result. The CLI's
//! path to a real device is checked as far as this machine allows: a clear error, nothing changed.

use std::sync::Mutex;

use alloy::{
    dyn_abi::TypedData,
    primitives::{Address, B256, Bytes, ChainId, Signature, keccak256},
    signers::{Signer, SignerSync, UnsupportedSignerOperation, local::PrivateKeySigner},
};
use opwallet_bindings::{OperatorWallet, eigenlayer::IDelegationManager};
use opwallet_core::{
    eip712,
    packing::{SignatureKind, SignerSignature},
    proposal::Proposal,
    signer::ledger::{DeviceError, DevicePayload, sign_on_device},
};
use opwallet_devnet::dev_signer;

use crate::harness::{ALICE, BOB, Env, addr};

/// Behaves as the Ledger Ethereum app's EIP-712 v0 command does (LedgerHQ/app-ethereum `doc/ethapp.adoc`,
/// "SIGN ETH EIP 712"): it is given only the domain separator and the struct hash, signs
/// `keccak256(0x1901 ‖ separator ‖ struct hash)`, and refuses bare hashes (as `alloy-signer-ledger` does). It
/// records every pair it was handed.
struct LedgerApp {
    key: PrivateKeySigner,
    handed: Mutex<Vec<DevicePayload>>,
}

impl LedgerApp {
    fn new(key: PrivateKeySigner) -> Self {
        Self { key, handed: Mutex::new(Vec::new()) }
    }

    fn handed(&self) -> Vec<DevicePayload> {
        self.handed.lock().expect("lock").clone()
    }
}

#[async_trait::async_trait]
impl Signer for LedgerApp {
    async fn sign_hash(&self, _hash: &B256) -> alloy::signers::Result<Signature> {
        Err(alloy::signers::Error::UnsupportedOperation(UnsupportedSignerOperation::SignHash))
    }

    async fn sign_dynamic_typed_data(&self, payload: &TypedData) -> alloy::signers::Result<Signature> {
        // What alloy-signer-ledger sends: `payload.domain.separator()` and `payload.hash_struct()`.
        let handed =
            DevicePayload { domain_separator: payload.domain.separator(), struct_hash: payload.hash_struct()? };
        self.handed.lock().expect("lock").push(handed);
        let mut preimage = vec![0x19, 0x01];
        preimage.extend_from_slice(handed.domain_separator.as_slice());
        preimage.extend_from_slice(handed.struct_hash.as_slice());
        self.key.sign_hash_sync(&keccak256(preimage))
    }

    fn address(&self) -> Address {
        self.key.address()
    }

    fn chain_id(&self) -> Option<ChainId> {
        None
    }

    fn set_chain_id(&mut self, _chain_id: Option<ChainId>) {}
}

#[tokio::test]
async fn ledger_is_handed_the_wallets_own_domain_separator_and_struct_hash() {
    let env = Env::with_wallet().await;
    let provider = env.fork.provider();
    let wallet = OperatorWallet::new(env.wallet(), &provider);
    let separator = wallet.domainSeparator().call().await.expect("view");
    let app = LedgerApp::new(dev_signer(ALICE));

    // An execute proposal: the device gets the wallet's separator, and its signature executes.
    let p = env.propose("ledger.json", &["register-operator", "--metadata-uri", "ledger"]);
    let mut proposal = Proposal::load(&p).expect("proposal");
    let on_chain = opwallet_core::submit::wallet_digest(&provider, &proposal).await.expect("digest view");
    assert_eq!(on_chain, proposal.hashes.digest);
    let signature = sign_on_device(&app, &proposal.typed_data, proposal.hashes.digest).await.expect("signs");
    let handed = app.handed();
    assert_eq!(handed.len(), 1);
    assert_eq!(handed[0].domain_separator, separator, "the device must be shown the wallet's domain");
    assert_eq!(handed[0].struct_hash, proposal.hashes.struct_hash, "and the hash opwallet's screen shows");
    assert_eq!(proposal.hashes.domain_hash, separator, "opwallet's screen shows the same domain hash");
    proposal
        .add_signature(
            SignerSignature {
                signer: addr(ALICE),
                kind: SignatureKind::Ecdsa { signature: Bytes::from(signature.as_bytes().to_vec()) },
            },
            |_| false,
        )
        .expect("adds");
    proposal.save(&p).expect("saves");
    env.sign(&p, BOB);
    env.execute(&p);
    let dm = IDelegationManager::new(env.fork.addresses.delegation_manager, &provider);
    assert!(dm.isOperator(env.wallet()).call().await.expect("view"));

    // A message proposal (an ERC-1271 signature for an AVS): same separator, the wallet's message digest.
    let salt = format!("0x{}", "22".repeat(32));
    let m = env.propose(
        "ledger-message.json",
        &["avs-registration", "--avs", &addr(7).to_string(), "--salt", &salt, "--expiry", "99999999999"],
    );
    let message = Proposal::load(&m).expect("proposal");
    let digest = opwallet_core::submit::wallet_digest(&provider, &message).await.expect("digest view");
    let signature = sign_on_device(&app, &message.typed_data, digest).await.expect("signs");
    assert_eq!(signature.recover_address_from_prehash(&digest).expect("recovers"), addr(ALICE));
    assert_eq!(app.handed()[1].domain_separator, separator);

    // The proof of possession a new signer gives (accept-signer): the wallet's acceptance digest.
    let epoch = wallet.epoch().call().await.expect("view").to::<u64>();
    let domain = eip712::domain(message.chain_id, env.wallet(), epoch);
    let accept = eip712::AcceptSigner { signer: addr(ALICE) };
    let typed = eip712::typed_data(&accept, &domain);
    let digest = wallet.getAcceptanceDigest(addr(ALICE)).call().await.expect("view");
    sign_on_device(&app, &typed, digest).await.expect("signs");
    assert_eq!(app.handed()[2].domain_separator, separator);
}

#[tokio::test]
async fn a_device_is_never_handed_hashes_that_are_not_the_proposals() {
    let app = LedgerApp::new(dev_signer(ALICE));
    let domain = eip712::domain(31337, addr(9), 1);
    let typed = eip712::typed_data(&eip712::OperatorWalletMessage { hash: B256::repeat_byte(7) }, &domain);
    let digest = typed.eip712_signing_hash().expect("hashes");

    // A digest that is not the typed data's: refused before the device is asked.
    let other = B256::repeat_byte(1);
    match sign_on_device(&app, &typed, other).await {
        Err(DeviceError::Other(e)) => assert!(e.to_string().contains(&format!("not to its digest {other}")), "{e}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(app.handed().is_empty(), "the device was asked");

    // A device answering with another key (a wrong --hd-path): refused, nothing to add.
    struct WrongKey(LedgerApp);
    #[async_trait::async_trait]
    impl Signer for WrongKey {
        async fn sign_hash(&self, hash: &B256) -> alloy::signers::Result<Signature> {
            self.0.sign_hash(hash).await
        }
        async fn sign_dynamic_typed_data(&self, payload: &TypedData) -> alloy::signers::Result<Signature> {
            self.0.sign_dynamic_typed_data(payload).await
        }
        fn address(&self) -> Address {
            addr(BOB)
        }
        fn chain_id(&self) -> Option<ChainId> {
            None
        }
        fn set_chain_id(&mut self, _chain_id: Option<ChainId>) {}
    }
    match sign_on_device(&WrongKey(LedgerApp::new(dev_signer(ALICE))), &typed, digest).await {
        Err(DeviceError::Other(e)) => assert_eq!(
            e.to_string(),
            format!(
                "the device signed with {}, not with {}: check the HD path; nothing was added",
                addr(ALICE),
                addr(BOB)
            )
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }

    // The device's own refusal comes back as the device's error.
    struct Rejects;
    #[async_trait::async_trait]
    impl Signer for Rejects {
        async fn sign_hash(&self, _hash: &B256) -> alloy::signers::Result<Signature> {
            Err(alloy::signers::Error::UnsupportedOperation(UnsupportedSignerOperation::SignHash))
        }
        fn address(&self) -> Address {
            addr(ALICE)
        }
        fn chain_id(&self) -> Option<ChainId> {
            None
        }
        fn set_chain_id(&mut self, _chain_id: Option<ChainId>) {}
    }
    assert!(matches!(sign_on_device(&Rejects, &typed, digest).await, Err(DeviceError::Device(_))));
}

#[tokio::test]
async fn ledger_without_a_device_fails_clearly_and_changes_nothing() {
    let env = Env::with_wallet().await;
    let p = env.propose("keep.json", &["register-operator", "--metadata-uri", "u"]);
    env.sign(&p, BOB);
    let before = std::fs::read(&p).expect("read");
    let file = p.to_str().expect("utf-8");

    let err = env.fails(&["sign", file, "--yes", "--ledger"], None);
    // Which of the two depends on whether the machine has USB at all; both name what to do.
    let no_usb = "error: Ledger: USB is not usable on this machine";
    let no_device = "error: Ledger: no Ledger found: connect it, unlock it and open its Ethereum app (on \
                     Linux, Ledger's udev rules must give you access)";
    assert!(err.starts_with(no_usb) || err.trim_end() == no_device, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    let err = env.fails(&["sign", file, "--yes", "--ledger", "--hd-path", "m/44'/60'/0'/0/x"], None);
    assert_eq!(
        err.trim_end(),
        "error: --hd-path `m/44'/60'/0'/0/x` is not a derivation path (`x` is not an index below 2^31, \
         optionally followed by '; e.g. m/44'/60'/0'/0/0)"
    );
    // A Ledger can also pay for executions; without one, the same clear error and nothing sent.
    let err = env.fails(&["execute", file, "--ledger"], None);
    assert!(err.starts_with(no_usb) || err.trim_end() == no_device, "{err}");
    assert_eq!(std::fs::read(&p).expect("read"), before, "the proposal file changed");
}
