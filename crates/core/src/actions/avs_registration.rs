//! An ERC-1271 signature registering the wallet with a legacy AVS on EigenLayer's AVSDirectory (the AVS submits it
//! with `registerOperatorToAVS`). The proposal carries the message's preimage; its digest is EigenLayer's own.
//!
//! With `send`, the wallet sends the registration itself (an AVS's registry coordinator that the operator calls and
//! that forwards the operator's signature to the AVSDirectory): one batch approves EigenLayer's digest for the
//! duration of its own execution (`approveForThisExecution`) and makes the call, which passes an empty signature.
//! One signing round instead of two.

use alloy::sol_types::SolCall;
use alloy::{
    primitives::{Address, B256, U256},
    providers::Provider,
    sol_types::SolError,
};
use opwallet_bindings::{
    OperatorWallet,
    eigenlayer::{IAVSDirectory, IEigenLayerErrors::*},
};

use super::{Action, Ctx, ErrorText, Plan, Planned};
use crate::{
    Error, preimage,
    proposal::{Preimage, ProposedCall},
};

/// The wallet registers with `avs` (salt single-use, signature refused after `expiry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvsRegistration {
    /// The legacy AVS the wallet registers with (as the AVSDirectory will see it: its `msg.sender`).
    pub avs: Address,
    /// The single-use salt of the signature; refused if the wallet already spent or cancelled it.
    pub salt: B256,
    /// The unix time (seconds) after which EigenLayer refuses the signature.
    pub expiry: u64,
    /// The current unix time, for the expiry check.
    pub now: u64,
    /// The call that has the registration checked, sent by the wallet in the same batch (its signature argument
    /// empty): the proposal is then a batch, not a message.
    pub send: Option<super::call::Call>,
}

impl Action for AvsRegistration {
    const NEEDS_STATE: bool = true;

    async fn plan<P: Provider>(self, ctx: &Ctx<'_, P>) -> Result<Planned, Error> {
        super::future_expiry(self.expiry, self.now)?;
        let book = ctx.book()?;
        let directory = IAVSDirectory::new(book.avs_directory, ctx.provider);
        if directory.operatorSaltIsSpent(ctx.wallet(), self.salt).call().await.map_err(Error::rpc)? {
            return Err(Error::Chain(format!(
                "salt {} was already used (or cancelled) by {}: choose another --salt",
                self.salt,
                ctx.wallet()
            )));
        }
        let (operator, expiry) = (ctx.wallet(), U256::from(self.expiry));
        let domain =
            preimage::eigen_domain(ctx.provider, book.avs_directory, "AVSDirectory", ctx.state()?.chain_id).await?;
        let preimage = Preimage::AvsRegistration { domain, operator, avs: self.avs, salt: self.salt, expiry };
        let on_chain = directory
            .calculateOperatorAVSRegistrationDigestHash(operator, self.avs, self.salt, expiry)
            .call()
            .await
            .map_err(Error::rpc)?;
        let hash = preimage::confirm(on_chain, &preimage, "AVSDirectory.calculateOperatorAVSRegistrationDigestHash")?;
        let Some(send) = self.send else {
            return Ok(Planned { plan: Plan::Message { hash, preimage }, notices: Vec::new() });
        };
        if ctx.provider.get_code_at(send.to).await.map_err(Error::rpc)?.is_empty() {
            return Err(Error::Refused(format!(
                "--send-to {} has no code: it cannot forward the registration to the AVSDirectory (name the AVS's \
                 registry coordinator, the contract the AVSDirectory will see as the AVS)",
                send.to
            )));
        }
        let approve = ProposedCall {
            preimage: Some(preimage),
            ..ProposedCall::new(operator, OperatorWallet::approveForThisExecutionCall { hash }.abi_encode())
        };
        let call = ProposedCall {
            target: send.to,
            value: send.value,
            data: send.data,
            function: send.function,
            preimage: None,
        };
        Ok(Planned {
            plan: Plan::Execute(vec![approve, call]),
            notices: vec![format!(
                "one signing round: the wallet vouches for EigenLayer's digest {hash} only while this batch runs \
                 (approveForThisExecution), and the call sends the registration with an empty signature"
            )],
        })
    }
}

/// The AVSDirectory's errors for a registration signature it refuses, in words.
pub const ERRORS: &[ErrorText] = &[
    ErrorText {
        selector: InvalidSignature::SELECTOR,
        name: "InvalidSignature",
        words: "EigenLayer rejected the signature",
    },
    ErrorText {
        selector: SignatureExpired::SELECTOR,
        name: "SignatureExpired",
        words: "the signature's expiry has passed",
    },
];
