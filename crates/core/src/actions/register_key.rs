//! `KeyRegistrar.registerKey`: an AVS signing key for one of the wallet's operator sets. The key itself (never the
//! wallet) signs KeyRegistrar's EIP-712 registration message for (this operator, this set, this key), computed here
//! and checked against the contract's own `get…KeyRegistrationMessageHash`, so the key never signs a message an RPC
//! node chose. ECDSA keys come from any signer backend; BN254 keys from a BLS keystore (the signature is the key
//! times EigenLayer's hash-to-G1 of the message). Keys are globally unique forever.

use alloy::{
    dyn_abi::TypedData,
    primitives::{Address, B256, Bytes},
    providers::Provider,
    sol,
    sol_types::{SolCall, SolError, SolStruct, SolValue},
};
use opwallet_bindings::eigenlayer::{IEigenLayerErrors::*, IKeyRegistrar, OperatorSet};

use super::{Action, Ctx, ErrorText, Planned, Spec, no_sets};
use crate::{Error, bls::BlsKey, decode::Decoder, proposal::ProposedCall, signer::Signer};

type Call = IKeyRegistrar::registerKeyCall;

sol! {
    /// KeyRegistrar's `ECDSA_KEY_REGISTRATION_TYPEHASH` struct.
    #[derive(serde::Serialize, serde::Deserialize)]
    struct ECDSAKeyRegistration {
        address operator;
        address avs;
        uint32 operatorSetId;
        address keyAddress;
    }

    /// KeyRegistrar's `BN254_KEY_REGISTRATION_TYPEHASH` struct (`keyData` hashed, as EIP-712 does for bytes).
    struct BN254KeyRegistration {
        address operator;
        address avs;
        uint32 operatorSetId;
        bytes keyData;
    }
}

/// The key to register.
#[derive(Debug)]
pub enum AvsKey {
    /// An ECDSA key, which signs with its own backend (keystore, Ledger, KMS, …).
    Ecdsa(Signer),
    /// A BN254 (BLS) key.
    Bn254(BlsKey),
}

/// Registers `key` for the wallet in operator set `set`.
#[derive(Debug)]
pub struct RegisterKey {
    /// The operator set the key is for; its AVS must have configured it for this key's curve.
    pub set: OperatorSet,
    /// The key, which signs its own registration message.
    pub key: AvsKey,
}

/// The KeyRegistrar of the address book (releases ≥ 1.7).
pub(crate) fn registrar<P>(ctx: &Ctx<'_, P>) -> Result<Address, Error> {
    ctx.book()?
        .key_registrar
        .ok_or_else(|| Error::Refused("the address book has no KeyRegistrar (EigenLayer ≥ 1.7 has one)".into()))
}

impl Action for RegisterKey {
    const NEEDS_STATE: bool = true;

    // Long: one branch per curve builds, checks on chain and signs the message: the key signs only what was checked.
    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        let kr_address = registrar(ctx)?;
        let kr = IKeyRegistrar::new(kr_address, ctx.provider);
        let (w, set) = (ctx.wallet(), self.set.clone());
        let (curve, registered) = tokio::try_join!(
            async { kr.getOperatorSetCurveType(set.clone()).call().await.map_err(Error::rpc) },
            async { kr.isRegistered(set.clone(), w).call().await.map_err(Error::rpc) },
        )?;
        let wanted = match self.key {
            AvsKey::Ecdsa(_) => 1,
            AvsKey::Bn254(_) => 2,
        };
        match curve {
            0 => {
                return Err(Error::Refused(format!(
                    "operator set {}:{} takes no keys in the KeyRegistrar (its AVS has not configured it)",
                    set.avs, set.id
                )));
            }
            c if c != wanted => {
                return Err(Error::Refused(format!(
                    "operator set {}:{} takes {} keys, not {}",
                    set.avs,
                    set.id,
                    curve_name(c),
                    curve_name(wanted)
                )));
            }
            _ => {}
        }
        if registered {
            return Err(Error::Refused(format!(
                "{w} already has a key for operator set {}:{}: deregister it first (propose deregister-key)",
                set.avs, set.id
            )));
        }
        let domain =
            crate::preimage::eigen_domain(ctx.provider, kr_address, "KeyRegistrar", ctx.state()?.chain_id).await?;
        let (key_data, signature, key_hash, shown) = match &self.key {
            AvsKey::Ecdsa(signer) => {
                let key = signer.address();
                let message =
                    ECDSAKeyRegistration { operator: w, avs: set.avs, operatorSetId: set.id, keyAddress: key };
                let digest = message.eip712_signing_hash(&domain.eip712());
                let on_chain =
                    kr.getECDSAKeyRegistrationMessageHash(w, set.clone(), key).call().await.map_err(Error::rpc)?;
                same(digest, on_chain)?;
                let typed = TypedData::from_struct(&message, Some(domain.eip712()));
                let sig = signer.sign_typed(&typed, digest).await?;
                let data = Bytes::copy_from_slice(key.as_slice());
                let hash = alloy::primitives::keccak256(&data);
                (data, Bytes::from(sig.as_bytes().to_vec()), hash, format!("ECDSA key {key}"))
            }
            AvsKey::Bn254(key) => {
                let (g1, g2) = (key.public_g1(), key.public_g2());
                let data: Bytes = (g1.X, g1.Y, g2.X, g2.Y).abi_encode_params().into();
                let message =
                    BN254KeyRegistration { operator: w, avs: set.avs, operatorSetId: set.id, keyData: data.clone() };
                let digest = message.eip712_signing_hash(&domain.eip712());
                let on_chain = kr
                    .getBN254KeyRegistrationMessageHash(w, set.clone(), data.clone())
                    .call()
                    .await
                    .map_err(Error::rpc)?;
                same(digest, on_chain)?;
                let sig = key.sign_point(&crate::bls::hash_to_g1(digest))?;
                (
                    data,
                    (sig.X, sig.Y).abi_encode_params().into(),
                    key.operator_id(),
                    format!("BN254 key {}", crate::bls::pubkey_string(&g1)),
                )
            }
        };
        if kr.isKeyGloballyRegistered(key_hash).call().await.map_err(Error::rpc)? {
            return Err(Error::Refused(
                "this key is already registered (keys are globally unique in the KeyRegistrar, forever): make a new one"
                    .to_string(),
            ));
        }
        let call = Call { operator: w, operatorSet: set.clone(), keyData: key_data, signature };
        Ok(Planned::call(ProposedCall::new(kr_address, call.abi_encode())).notice(format!(
            "registers {shown} for operator set {}:{}; a registered key can never be registered again, by anyone",
            set.avs, set.id
        )))
    }
}

fn same(ours: B256, chains: B256) -> Result<(), Error> {
    if ours != chains {
        return Err(Error::Chain(format!(
            "the KeyRegistrar's registration message is {chains}, but this operator, set and key hash to {ours}: the \
             RPC node or the contract is not what the address book says; nothing was signed"
        )));
    }
    Ok(())
}

fn curve_name(curve: u8) -> &'static str {
    match curve {
        1 => "ECDSA",
        2 => "BN254",
        _ => "unknown",
    }
}

/// The registry entry for `KeyRegistrar.registerKey`.
pub const SPEC: Spec = Spec {
    abi: "KeyRegistrar",
    selector: Call::SELECTOR,
    summary: |data, d: &Decoder| {
        let c = Call::abi_decode(data).ok()?;
        let key = match c.keyData.len() {
            20 => format!("ECDSA key {}", Address::from_slice(&c.keyData)),
            192 => {
                let (x, y, _, _) = <(
                    alloy::primitives::U256,
                    alloy::primitives::U256,
                    [alloy::primitives::U256; 2],
                    [alloy::primitives::U256; 2],
                )>::abi_decode_params(&c.keyData)
                .ok()?;
                format!("BN254 key E([{x},{y}])")
            }
            n => format!("a {n}-byte key"),
        };
        Some(format!(
            "register {key} as {}'s signing key for operator set {}:{} (permanent for this key)",
            d.address(c.operator),
            d.address(c.operatorSet.avs),
            c.operatorSet.id
        ))
    },
    touches: no_sets,
};

/// The KeyRegistrar's errors for a key it refuses, in words.
pub const ERRORS: &[ErrorText] = &[
    ErrorText {
        selector: OperatorSetNotConfigured::SELECTOR,
        name: "OperatorSetNotConfigured",
        words: "the AVS has not configured that operator set for keys",
    },
    ErrorText {
        selector: OperatorAlreadyRegistered::SELECTOR,
        name: "OperatorAlreadyRegistered",
        words: "the operator already has a key for that operator set",
    },
    ErrorText {
        selector: KeyAlreadyRegistered::SELECTOR,
        name: "KeyAlreadyRegistered",
        words: "that key is already registered (keys are globally unique, forever)",
    },
];
